"""Access beyond the basics of identity.py: secrets in Lambda environments, direct user
policies, break-glass access, unused roles and policies, RAM shares and cross-account
trust (SEC02-BP03, SEC02-BP06, SEC03-BP03, SEC03-BP04, SEC03-BP08, SEC03-BP09).

Evidence never holds secret values: for Lambda environments only variable NAMES are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import pairwise
from typing import Any

from checks.calls import CallFailed
from checks.identity import (
    AUTH_DETAILS,
    REPORT,
    _as_list,
    authorization_details,
    days_since,
    organization,
    policy_document,
    user_rows,
)
from checks.registry import (
    Context,
    Outcome,
    Scope,
    Verdict,
    check,
    failed,
    not_applicable,
    passed,
    unknown,
)
from checks.result import Resource, Status

UNUSED_DAYS = 90
AWS_MANAGED_PATHS = ("/aws-service-role/", "/aws-reserved/")

# --- names ----------------------------------------------------------------------------

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def words(name: str) -> list[str]:
    """Lowercase words of an identifier: DB_PASSWORD, dbPassword, APIKey -> [db, password]..."""
    return [w.lower() for w in _WORD.findall(name)]


_SECRET_LAST_WORDS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "pass",
        "passphrase",
        "secret",
        "token",
        "apikey",
        "credential",
        "credentials",
        "privatekey",
        "secretkey",
        "accesskey",
    }
)
_KEY_QUALIFIERS = frozenset(
    {"api", "private", "secret", "access", "signing", "encryption", "auth", "hmac", "jwt"}
)
_NOT_A_VALUE = frozenset({"", "true", "false", "yes", "no", "on", "off", "none", "null"})
_SSM_PATH = re.compile(r"^/[\w.\-]+(/[\w.\-]+)+$")


def secret_like_name(name: str) -> bool:
    """True when an environment variable name says it holds a secret (DB_PASSWORD, API_KEY,
    GITHUB_TOKEN, clientSecret). Names of references (SECRET_ARN, TOKEN_URL, PASSWORD_PARAM)
    end in another word and do not match."""
    parts = words(name)
    if not parts:
        return False
    if parts[-1] in _SECRET_LAST_WORDS:
        return True
    return len(parts) >= 2 and parts[-1] == "key" and parts[-2] in _KEY_QUALIFIERS


def holds_a_literal(value: Any) -> bool:
    """False when a value is empty, a flag or a reference to a secret store (an ARN, a
    `{{resolve:...}}`, an SSM parameter path). The value is looked at, never kept."""
    text = str(value or "").strip()
    if text.lower() in _NOT_A_VALUE:
        return False
    return not (text.startswith(("arn:", "{{resolve:")) or _SSM_PATH.match(text) is not None)


_BREAK_GLASS = re.compile(r"break[\s_.\-]*glass|emergency|fire[\s_.\-]*call", re.IGNORECASE)
_RESPONSE_WORDS = frozenset(
    {"incident", "incidents", "forensic", "forensics", "responder", "responders", "ir", "csirt"}
)


_BREAK_GLASS_KEY = re.compile(r"break[\s_.\-]*glass|fire[\s_.\-]*call", re.IGNORECASE)


def _texts(entity: dict[str, Any], name_key: str) -> Iterator[str]:
    """Name, path and tag values (tag keys such as EmergencyContact say nothing of the role)."""
    yield str(entity.get(name_key, ""))
    yield str(entity.get("Path", ""))
    for tag in entity.get("Tags", []) or []:
        yield str(tag.get("Value", ""))


def is_break_glass(entity: dict[str, Any], name_key: str) -> bool:
    """Named, pathed or tagged (a tag value, or a break-glass tag key) for emergency access."""
    if any(_BREAK_GLASS.search(text) for text in _texts(entity, name_key)):
        return True
    return any(_BREAK_GLASS_KEY.search(str(t.get("Key", ""))) for t in entity.get("Tags") or [])


def is_incident_response(entity: dict[str, Any], name_key: str) -> bool:
    """Named or tagged for incident response (incident, forensics, responder, IR, CSIRT,
    security-response) or for break-glass access."""
    if is_break_glass(entity, name_key):
        return True
    for text in _texts(entity, name_key):
        parts = words(text)
        if _RESPONSE_WORDS.intersection(parts):
            return True
        if any(a == "security" and b == "response" for a, b in pairwise(parts)):
            return True
    return False


def aws_managed(entity: dict[str, Any]) -> bool:
    """Service-linked roles and Identity Center roles: AWS owns their lifecycle."""
    return str(entity.get("Path", "")).startswith(AWS_MANAGED_PATHS)


# --- SEC02-BP03: secrets ----------------------------------------------------------------


@check(
    "lambda.env_secret_names",
    "No Lambda environment variable name suggests a secret held in plain text",
    bps=("SEC02-BP03",),
    service="lambda",
    scope=Scope.REGIONAL,
    actions=("lambda:ListFunctions",),
)
def lambda_env_secret_names(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for function in ctx.call("lambda", "list_functions").get("Functions", []):
        variables = (function.get("Environment") or {}).get("Variables") or {}
        suspicious = sorted(
            name
            for name, value in variables.items()
            if secret_like_name(str(name)) and holds_a_literal(value)
        )
        arn = str(function.get("FunctionArn") or function.get("FunctionName"))
        if suspicious:
            found.append(
                failed(
                    arn,
                    f"environment variable(s) {', '.join(suspicious)} look like secrets in "
                    "plain text: read them from Secrets Manager or SSM SecureString at run time",
                )
            )
        else:
            found.append(passed(arn, f"{len(variables)} environment variable(s), none secret-like"))
    return found


@check(
    "secretsmanager.in_use",
    "Secrets Manager holds secrets in the region (signal: secrets live in a managed store)",
    bps=("SEC02-BP03",),
    service="secretsmanager",
    scope=Scope.REGIONAL,
    actions=("secretsmanager:ListSecrets",),
)
def secrets_manager_in_use(ctx: Context) -> Outcome:
    secrets = ctx.call("secretsmanager", "list_secrets").get("SecretList", [])
    if not secrets:
        return not_applicable("no secrets in Secrets Manager in this region")
    return [
        passed(
            str(s.get("ARN") or s.get("Name")),
            "held in Secrets Manager"
            + (", rotation on" if s.get("RotationEnabled") else ", rotation off"),
        )
        for s in secrets
    ]


# --- SEC02-BP06: groups -------------------------------------------------------------------


@check(
    "iam.user_direct_policies",
    "IAM users get permissions through groups, with no policies attached directly",
    bps=("SEC02-BP06",),
    service="iam",
    scope=Scope.GLOBAL,
    actions=AUTH_DETAILS,
)
def user_direct_policies(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for user in authorization_details(ctx).get("UserDetailList", []):
        managed = [str(p.get("PolicyName")) for p in user.get("AttachedManagedPolicies", [])]
        inline = [str(p.get("PolicyName")) for p in user.get("UserPolicyList", [])]
        arn = str(user.get("Arn"))
        if managed or inline:
            what = [f"managed {', '.join(managed)}"] if managed else []
            what += [f"inline {', '.join(inline)}"] if inline else []
            found.append(
                failed(arn, f"policies attached to the user, not a group: {'; '.join(what)}")
            )
        else:
            groups = len(user.get("GroupList", []))
            found.append(passed(arn, f"no policy attached directly ({groups} group(s))"))
    return found


# --- SEC03-BP03: emergency access -------------------------------------------------------


def _monitoring(ctx: Context, names: Iterable[str]) -> dict[str, str]:
    """name -> "EventBridge rule R (region)" for rules whose pattern mentions the name."""
    wanted = {n for n in names if n}
    seen: dict[str, str] = {}
    for region in ctx.regions or (ctx.region,):
        try:
            rules = ctx.call("events", "list_rules", region=region).get("Rules", [])
        except CallFailed:
            continue  # monitoring is detail only: a region we cannot read says nothing
        for rule in rules:
            pattern = str(rule.get("EventPattern") or "")
            for name in wanted:
                if name in pattern and name not in seen:
                    seen[name] = f"EventBridge rule {rule.get('Name')} ({region})"
    return seen


@check(
    "iam.break_glass",
    "A break-glass (emergency access) role or user exists; its users have MFA and no keys",
    bps=("SEC03-BP03",),
    service="iam",
    scope=Scope.GLOBAL,
    actions=(*AUTH_DETAILS, *REPORT, "events:ListRules"),
    services=("iam", "events"),
)
def break_glass(ctx: Context) -> Outcome:
    details = authorization_details(ctx)
    roles = [r for r in details.get("RoleDetailList", []) if is_break_glass(r, "RoleName")]
    users = [u for u in details.get("UserDetailList", []) if is_break_glass(u, "UserName")]
    if not roles and not users:  # it may live in a dedicated emergency access account
        return not_applicable(
            "no IAM role or user in this account is named or tagged for break-glass / "
            "emergency access: if a dedicated account holds it, examine that account"
        )
    names = [str(r.get("RoleName")) for r in roles] + [str(u.get("UserName")) for u in users]
    watched = _monitoring(ctx, names)

    def watch(name: str) -> str:
        return watched.get(name, "no EventBridge rule in the scanned regions mentions it")

    found = [
        passed(str(r.get("Arn")), f"emergency access role; {watch(str(r.get('RoleName')))}")
        for r in roles
    ]
    if users:
        rows = {row.get("arn"): row for row in user_rows(ctx)}
        for user in users:
            arn, name = str(user.get("Arn")), str(user.get("UserName"))
            row = rows.get(arn, {})
            problems = [
                f"access key {n} is active"
                for n in ("1", "2")
                if row.get(f"access_key_{n}_active") == "true"
            ]
            if row.get("password_enabled") == "true" and row.get("mfa_active") != "true":
                problems.append("console password without MFA")
            if problems:
                found.append(failed(arn, f"break-glass user: {'; '.join(problems)}"))
            else:
                found.append(passed(arn, f"break-glass user without access keys; {watch(name)}"))
    return found


# --- SEC03-BP04: reduce permissions continuously -----------------------------------------


@check(
    "iam.unused_roles",
    f"No IAM role is unused for more than {UNUSED_DAYS} days (RoleLastUsed)",
    bps=("SEC03-BP04",),
    service="iam",
    scope=Scope.GLOBAL,
    actions=AUTH_DETAILS,
)
def unused_roles(ctx: Context) -> Outcome:
    found: list[Resource] = []
    untracked = 0
    for role in authorization_details(ctx).get("RoleDetailList", []):
        if aws_managed(role):
            continue
        arn = str(role.get("Arn"))
        if "RoleLastUsed" not in role:
            untracked += 1
            continue
        if is_incident_response(role, "RoleName"):
            found.append(passed(arn, "emergency / incident response role: unused by design"))
            continue
        last = days_since(_iso((role.get("RoleLastUsed") or {}).get("LastUsedDate")))
        age = days_since(_iso(role.get("CreateDate")))
        if last is not None:
            if last > UNUSED_DAYS:
                found.append(failed(arn, f"last used {last} days ago"))
            else:
                found.append(passed(arn, f"used {last} days ago"))
        elif age is not None and age > UNUSED_DAYS:
            found.append(failed(arn, f"never used in the {age} days since it was created"))
        else:
            found.append(passed(arn, f"created {age} days ago, not used yet"))
    if not found and untracked:
        return unknown("the endpoint does not report RoleLastUsed for roles")
    return found


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@check(
    "iam.unattached_policies",
    "Every customer managed policy is attached to something (or used as a boundary)",
    bps=("SEC03-BP04",),
    service="iam",
    scope=Scope.GLOBAL,
    actions=AUTH_DETAILS,
)
def unattached_policies(ctx: Context) -> Outcome:
    details = authorization_details(ctx)
    attached: dict[str, int] = {}
    bounding: dict[str, int] = {}
    for key in ("UserDetailList", "RoleDetailList", "GroupDetailList"):
        for entity in details.get(key, []):
            for policy in entity.get("AttachedManagedPolicies", []):
                arn = str(policy.get("PolicyArn"))
                attached[arn] = attached.get(arn, 0) + 1
            boundary = (entity.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
            if boundary:
                bounding[str(boundary)] = bounding.get(str(boundary), 0) + 1
    found: list[Resource] = []
    for policy in details.get("Policies", []):
        arn = str(policy.get("Arn"))
        if ":iam::aws:policy/" in arn:
            continue  # AWS managed (some endpoints list them under LocalManagedPolicy)
        attachments = max(int(policy.get("AttachmentCount") or 0), attached.get(arn, 0))
        boundaries = max(
            int(policy.get("PermissionsBoundaryUsageCount") or 0), bounding.get(arn, 0)
        )
        if attachments or boundaries:
            uses = [f"attached {attachments} time(s)"] if attachments else []
            uses += [f"permissions boundary of {boundaries}"] if boundaries else []
            found.append(passed(arn, ", ".join(uses)))
        else:
            found.append(
                failed(arn, "attached to no user, group or role, and no permissions boundary")
            )
    return found


# --- SEC03-BP08: RAM ----------------------------------------------------------------------

_GONE = {"DELETING", "DELETED", "FAILED"}


@check(
    "ram.external_sharing",
    "AWS RAM resource shares do not allow principals outside the organization",
    bps=("SEC03-BP08",),
    service="ram",
    scope=Scope.REGIONAL,
    actions=("ram:GetResourceShares", "ram:GetResourceShareAssociations"),
)
def ram_external_sharing(ctx: Context) -> Outcome:
    shares = [
        s
        for s in ctx.call("ram", "get_resource_shares", resourceOwner="SELF").get(
            "resourceShares", []
        )
        if s.get("status") not in _GONE
    ]
    if not shares:
        return []
    associations = ctx.call(
        "ram", "get_resource_share_associations", associationType="PRINCIPAL"
    ).get("resourceShareAssociations", [])
    external: dict[str, list[str]] = {}
    for association in associations:
        if association.get("external") and association.get("status") not in {
            "DISASSOCIATED",
            "DISASSOCIATING",
            "FAILED",
        }:
            external.setdefault(str(association.get("resourceShareArn")), []).append(
                str(association.get("associatedEntity"))
            )
    found: list[Resource] = []
    for share in shares:
        arn = str(share.get("resourceShareArn"))
        outside = external.get(arn, [])
        if share.get("allowExternalPrincipals") or outside:
            detail = f"share {share.get('name')} allows principals outside the organization"
            if outside:
                detail += f"; shared with external {', '.join(sorted(outside))}"
            found.append(failed(arn, detail))
        else:
            found.append(passed(arn, f"share {share.get('name')}: organization principals only"))
    return found


# --- SEC03-BP09: cross-account trust --------------------------------------------------------

_ACCOUNT = re.compile(r"^(?:arn:aws[\w-]*:(?:iam|sts)::)?(\d{12})(?::|$)")
_LIMITS_TO_ORG = {
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourceaccount",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourcearn",
}


def _condition_keys(statement: dict[str, Any]) -> set[str]:
    keys: set[str] = set()
    condition = statement.get("Condition")
    if isinstance(condition, dict):
        for clause in condition.values():
            if isinstance(clause, dict):
                keys.update(str(k).lower() for k in clause)
    return keys


def _allows_assume(statement: dict[str, Any]) -> bool:
    actions = [str(a).lower() for a in _as_list(statement.get("Action", []))]
    return any(a in ("*", "sts:*") or a.startswith("sts:assumerole") for a in actions)


def _aws_principals(statement: dict[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    if isinstance(principal, dict):
        return [str(p) for p in _as_list(principal.get("AWS", []))]
    return []


def trusted_accounts(document: Any, own_account: str) -> tuple[bool, dict[str, bool]]:
    """(anyone, {account: has sts:ExternalId}) from a role trust policy.

    `anyone` is True when an Allow statement trusts "*" without a condition limiting it to
    an organization, account or ARN. Accounts are other AWS accounts trusted by an Allow
    statement; a statement limited by aws:PrincipalOrgID (and the like) is not counted.
    """
    anyone = False
    accounts: dict[str, bool] = {}
    for statement in _as_list(policy_document(document).get("Statement", [])):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        if not _allows_assume(statement):
            continue
        keys = _condition_keys(statement)
        if keys & _LIMITS_TO_ORG:
            continue
        external_id = "sts:externalid" in keys
        for principal in _aws_principals(statement):
            if principal == "*":
                anyone = True
                continue
            match = _ACCOUNT.match(principal)
            if match is None or match.group(1) == own_account:
                continue
            account = match.group(1)
            accounts[account] = accounts.get(account, True) and external_id
    return anyone, accounts


@check(
    "iam.cross_account_trust",
    "Roles trusting other accounts require sts:ExternalId (outside the organization) "
    "and none trusts everyone",
    bps=("SEC03-BP09",),
    service="iam",
    scope=Scope.GLOBAL,
    actions=(
        *AUTH_DETAILS,
        "organizations:DescribeOrganization",
        "organizations:ListAccounts",
    ),
    services=("iam", "organizations"),
)
def cross_account_trust(ctx: Context) -> Outcome:
    examined: list[tuple[str, bool, dict[str, bool]]] = []
    responders: set[str] = set()  # incident response roles: trusted by your security account
    for role in authorization_details(ctx).get("RoleDetailList", []):
        if aws_managed(role):
            continue
        anyone, accounts = trusted_accounts(role.get("AssumeRolePolicyDocument"), ctx.account_id)
        if anyone or accounts:
            examined.append((str(role.get("Arn")), anyone, accounts))
            if is_incident_response(role, "RoleName"):
                responders.add(str(role.get("Arn")))
    bare = {
        a
        for arn, _, accounts in examined
        for a, has_id in accounts.items()
        if not has_id and arn not in responders
    }
    members: set[str] | None = None  # None: not in an organization (every account is outside)
    listing_error: CallFailed | None = None
    if bare:
        org = organization(ctx)
        if org is not None:
            members = {str(org.get("MasterAccountId", ""))}
            try:
                listed = ctx.call("organizations", "list_accounts").get("Accounts", [])
                members.update(str(a.get("Id")) for a in listed)
            except CallFailed as error:  # a member account may not list its organization
                listing_error = error
    found: list[Resource] = []
    unsure: list[str] = []
    for arn, anyone, accounts in examined:
        problems = ['trusts any AWS principal ("*") without an organization condition'] * anyone
        notes: list[str] = []
        doubtful = False
        for account, has_id in sorted(accounts.items()):
            if has_id:
                notes.append(f"{account} with sts:ExternalId")
            elif arn in responders:  # an external id guards third parties, not responders
                notes.append(f"{account} (an incident response role: meant for your responders)")
            elif members is not None and account in members:
                notes.append(f"{account} (in the organization)")
            elif listing_error is not None:
                unsure.append(f"{arn} trusts {account}")
                doubtful = True
            else:
                problems.append(
                    f"trusts account {account} outside the organization without an "
                    "sts:ExternalId condition"
                )
        if problems:
            found.append(failed(arn, "; ".join(problems)))
        elif not doubtful:
            found.append(passed(arn, "trusts " + ", ".join(notes)))
    if unsure and listing_error is not None:
        reason = (
            f"{listing_error.message}: cannot tell whether these accounts are in the "
            f"organization (no sts:ExternalId): {'; '.join(unsure)}"
        )
        if any(r.status is Status.FAIL for r in found):
            return Verdict(Status.FAIL, reason, tuple(found))
        return Verdict(Status.UNKNOWN, reason, tuple(found), cause=listing_error.cause)
    return found
