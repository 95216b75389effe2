"""IAM: root user, credentials, password policy, administrator permissions, break-glass
and incident response roles, unused roles and policies, cross-account trust."""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterable, Iterator
from itertools import pairwise
from typing import Any

from checks.calls import CallFailed
from checks.declare import Call, Fail, Found, Judgement, Pass, Resources, Undecided, per_resource
from checks.lib.dates import Unreadable, age_days
from checks.lib.policy import (
    allowed_principals,
    allows_everything,
    allows_whole_service,
    readable,
    trusted_accounts,
)
from checks.lib.secrets import words
from checks.registry import (
    Context,
    Outcome,
    Scope,
    Verdict,
    check,
    failed,
    not_applicable,
    passed,
    undecided,
    unknown,
)
from checks.result import Resource, Status
from checks.services.organizations import organization

MAX_AGE_DAYS = 90


ROOT = "<root_account>"


REPORT = ("iam:GenerateCredentialReport", "iam:GetCredentialReport")


AUTH_DETAILS = ("iam:GetAccountAuthorizationDetails",)


AUTH_FILTER = ["User", "Role", "Group", "LocalManagedPolicy"]


ADMIN_POLICY_SUFFIX = ":iam::aws:policy/AdministratorAccess"


def credential_report(ctx: Context) -> list[dict[str, str]]:
    """The IAM credential report as rows (root row included when the endpoint gives it)."""

    def load() -> list[dict[str, str]]:
        delay = 0.05
        for _ in range(25):  # real IAM builds the report in seconds: poll, backing off to 1 s
            state = ctx.call("iam", "generate_credential_report", fresh=True).get("State")
            if state == "COMPLETE":
                break
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
        content = ctx.call("iam", "get_credential_report").get("Content", b"")
        text = content.decode("utf-8") if isinstance(content, bytes) else str(content)
        return list(csv.DictReader(io.StringIO(text)))

    return ctx.once("iam.credential_report", load)


def root_row(ctx: Context) -> dict[str, str] | None:
    return next((row for row in credential_report(ctx) if row.get("user") == ROOT), None)


def user_rows(ctx: Context) -> list[dict[str, str]]:
    return [row for row in credential_report(ctx) if row.get("user") != ROOT]


NO_ROOT_ROW = unknown(
    "the credential report has no root row (this endpoint does not report the root user)"
)


def authorization_details(ctx: Context) -> dict[str, Any]:
    return ctx.call("iam", "get_account_authorization_details", Filter=AUTH_FILTER)


def admin_policy_arns(details: dict[str, Any]) -> set[str]:
    """Customer managed policies whose default version allows everything."""
    admin = set()
    for policy in details.get("Policies", []):
        for version in policy.get("PolicyVersionList", []):
            if version.get("IsDefaultVersion") and allows_everything(version.get("Document")):
                admin.add(str(policy.get("Arn")))
    return admin


def unreadable_policy_arns(details: dict[str, Any]) -> set[str]:
    """Customer managed policies whose default version cannot be read (no default version
    listed, or a document that is not a policy): nobody can say they do not allow *:*."""
    unreadable = set()
    for policy in details.get("Policies", []):
        defaults = [v for v in policy.get("PolicyVersionList", []) if v.get("IsDefaultVersion")]
        if not defaults or not all(readable(v.get("Document")) for v in defaults):
            unreadable.add(str(policy.get("Arn")))
    return unreadable


def admin_reason(entity: dict[str, Any], admin_arns: set[str], inline_key: str) -> str | None:
    for attached in entity.get("AttachedManagedPolicies", []):
        arn = str(attached.get("PolicyArn", ""))
        if arn.endswith(ADMIN_POLICY_SUFFIX):
            return "AdministratorAccess attached"
        if arn in admin_arns:
            return f"policy {attached.get('PolicyName')} allows *:* on *"
    for inline in entity.get(inline_key, []):
        if allows_everything(inline.get("PolicyDocument")):
            return f"inline policy {inline.get('PolicyName')} allows *:* on *"
    return None


def unreadable_policies(entity: dict[str, Any], unreadable_arns: set[str], inline_key: str) -> str:
    """'policy a, inline policy b could not be read' for an entity's policies whose document
    cannot be read ('' when every one can)."""
    names = [
        f"policy {attached.get('PolicyName')}"
        for attached in entity.get("AttachedManagedPolicies", [])
        if str(attached.get("PolicyArn", "")) in unreadable_arns
    ]
    names += [
        f"inline policy {inline.get('PolicyName')}"
        for inline in entity.get(inline_key, [])
        if not readable(inline.get("PolicyDocument"))
    ]
    return f"{', '.join(names)} could not be read" if names else ""


@check(
    "iam.root_mfa",
    "Root user has MFA enabled",
    bps=("SEC01-BP02", "SEC02-BP01"),
    service="iam",
    scope=Scope.GLOBAL,
    actions=REPORT,
)
def root_mfa(ctx: Context) -> Outcome:
    root = root_row(ctx)
    if root is None:
        return NO_ROOT_ROW
    if root.get("mfa_active") == "true":
        return [passed(root.get("arn") or ROOT, "root user has MFA")]
    return [failed(root.get("arn") or ROOT, "root user has no MFA device")]


@check(
    "iam.root_access_keys",
    "Root user has no access keys",
    bps=("SEC01-BP02", "SEC02-BP02"),
    service="iam",
    scope=Scope.GLOBAL,
    actions=REPORT,
)
def root_access_keys(ctx: Context) -> Outcome:
    root = root_row(ctx)
    if root is None:
        return NO_ROOT_ROW
    active = [n for n in ("1", "2") if root.get(f"access_key_{n}_active") == "true"]
    if active:
        return [
            failed(root.get("arn") or ROOT, f"root user has {len(active)} active access key(s)")
        ]
    return [passed(root.get("arn") or ROOT, "root user has no active access keys")]


@check(
    "iam.password_policy",
    "Password policy requires 14+ characters and prevents reuse",
    bps=("SEC02-BP01",),
    service="iam",
    scope=Scope.GLOBAL,
    actions=("iam:GetAccountPasswordPolicy",),
)
def password_policy(ctx: Context) -> Outcome:
    response = ctx.call_if_exists("iam", "get_account_password_policy", absent={"NoSuchEntity"})
    if response is None:
        return [failed(ctx.where, "no account password policy is set (AWS defaults apply)")]
    policy = response.get("PasswordPolicy", {})
    problems = []
    length = int(policy.get("MinimumPasswordLength", 0))
    if length < 14:
        problems.append(f"minimum length {length} (< 14)")
    if not policy.get("PasswordReusePrevention"):
        problems.append("password reuse is not prevented")
    if problems:
        return [failed(ctx.where, "; ".join(problems))]
    return [passed(ctx.where, f"minimum length {length}, reuse prevented")]


@check(
    "iam.console_mfa",
    "IAM users with a console password have MFA",
    bps=("SEC02-BP01",),
    service="iam",
    scope=Scope.GLOBAL,
    actions=REPORT,
)
def console_mfa(ctx: Context) -> Outcome:
    return [
        passed(row["arn"], "console password with MFA")
        if row.get("mfa_active") == "true"
        else failed(row["arn"], "console password without MFA")
        for row in user_rows(ctx)
        if row.get("password_enabled") == "true"
    ]


def _idle(row: dict[str, str], used: str, *since: str) -> int | Unreadable | None:
    """Days a credential has been idle: since its last use, or, never used ("N/A") or
    unused since before IAM tracked it ("no_information"), since it was set."""
    idle = age_days(row.get(used))
    if isinstance(idle, int) or (isinstance(idle, Unreadable) and idle.raw != "no_information"):
        return idle
    for key in since:
        set_at = age_days(row.get(key))
        if set_at is not None:
            return set_at
    return idle


def _active_keys(row: dict[str, str]) -> Iterator[str]:
    yield from (n for n in ("1", "2") if row.get(f"access_key_{n}_active") == "true")


@check(
    "iam.access_key_age",
    f"Active access keys are rotated within {MAX_AGE_DAYS} days",
    bps=("SEC02-BP05",),
    service="iam",
    scope=Scope.GLOBAL,
    actions=REPORT,
)
def access_key_age(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for row in user_rows(ctx):
        for n in _active_keys(row):
            age = age_days(row.get(f"access_key_{n}_last_rotated"))
            key = f"{row['arn']} (access key {n})"
            if isinstance(age, Unreadable):
                found.append(undecided(key, f"active access key of unknown age: {age.reason}"))
            elif age is None:
                found.append(undecided(key, "active access key with no rotation date reported"))
            elif age > MAX_AGE_DAYS:
                found.append(failed(key, f"active access key is {age} days old"))
            else:
                found.append(passed(key, f"active access key is {age} days old"))
    return found


@check(
    "iam.access_key_count",
    "No IAM user has more than one active access key",
    bps=("SEC02-BP05",),
    service="iam",
    scope=Scope.GLOBAL,
    actions=REPORT,
)
def access_key_count(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for row in user_rows(ctx):
        count = len(list(_active_keys(row)))
        if count > 1:
            found.append(failed(row["arn"], f"{count} active access keys"))
        elif count == 1:
            found.append(passed(row["arn"], "one active access key"))
    return found


@check(
    "iam.unused_credentials",
    f"No password or access key unused for more than {MAX_AGE_DAYS} days",
    bps=("SEC02-BP05", "SEC03-BP06"),
    service="iam",
    scope=Scope.GLOBAL,
    actions=REPORT,
)
def unused_credentials(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for row in user_rows(ctx):
        idle: list[tuple[str, int | Unreadable | None]] = []
        if row.get("password_enabled") == "true":
            used, since = "password_last_used", ("password_last_changed", "user_creation_time")
            idle.append(("console password", _idle(row, used, *since)))
        for n in _active_keys(row):
            used, rotated = f"access_key_{n}_last_used_date", f"access_key_{n}_last_rotated"
            idle.append((f"access key {n}", _idle(row, used, rotated)))
        stale = [
            f"{what} unused for {d} days"
            for what, d in idle
            if isinstance(d, int) and d > MAX_AGE_DAYS
        ]
        unreadable = [
            f"{what}: {d.reason if d is not None else 'no date of use or creation'}"
            for what, d in idle
            if not isinstance(d, int)
        ]
        has_credentials = row.get("password_enabled") == "true" or any(_active_keys(row))
        if stale:
            found.append(failed(row["arn"], "; ".join(stale)))
        elif unreadable:
            found.append(undecided(row["arn"], "; ".join(unreadable)))
        elif has_credentials:
            found.append(passed(row["arn"], f"credentials used within {MAX_AGE_DAYS} days"))
    return found


@check(
    "iam.admin_users",
    "No IAM user has administrator (*:*) permissions",
    bps=("SEC03-BP02",),
    service="iam",
    scope=Scope.GLOBAL,
    actions=AUTH_DETAILS,
)
def admin_users(ctx: Context) -> Outcome:
    details = authorization_details(ctx)
    admin_arns, unreadable_arns = admin_policy_arns(details), unreadable_policy_arns(details)
    groups = {g.get("GroupName"): g for g in details.get("GroupDetailList", [])}
    found: list[Resource] = []
    for user in details.get("UserDetailList", []):
        reason = admin_reason(user, admin_arns, "UserPolicyList")
        unsure = [unreadable_policies(user, unreadable_arns, "UserPolicyList")]
        for group_name in user.get("GroupList", []):
            group = groups.get(group_name)
            if group is None:
                unsure.append(f"group {group_name} is not in the authorization details")
                continue
            group_reason = admin_reason(group, admin_arns, "GroupPolicyList")
            if reason is None and group_reason is not None:
                reason = f"{group_reason} via group {group_name}"
            if why := unreadable_policies(group, unreadable_arns, "GroupPolicyList"):
                unsure.append(f"{why} (group {group_name})")
        arn = str(user.get("Arn"))
        doubts = "; ".join(u for u in unsure if u)
        if reason:
            found.append(failed(arn, reason))
        elif doubts:
            found.append(undecided(arn, doubts))
        else:
            found.append(passed(arn, "no administrator policy"))
    return found


def _entities(list_key: str, inline_key: str) -> Resources:
    """Users, roles or groups of the authorization details (`kind`: their inline key)."""
    listing = Call(
        "iam", "GetAccountAuthorizationDetails", list_key, params={"Filter": AUTH_FILTER}
    )
    return Resources(listing, id="Arn", kind=inline_key)


USERS = _entities("UserDetailList", "UserPolicyList")
ROLES = _entities("RoleDetailList", "RolePolicyList")
GROUPS = _entities("GroupDetailList", "GroupPolicyList")


@per_resource(
    "iam.inline_admin_policies",
    "No inline policy on users, roles or groups allows *:*",
    bps=("SEC03-BP02",),
    over=(USERS, ROLES, GROUPS),
    keep=lambda r: bool(r.get(r.kind)),
    scope=Scope.GLOBAL,
)
def inline_admin_policies(r: Found) -> Judgement:
    inline = r.get(r.kind)
    admin = [p.get("PolicyName") for p in inline if allows_everything(p.get("PolicyDocument"))]
    if admin:
        return Fail(f"inline policy {', '.join(map(str, admin))} allows *:*")
    if unsure := unreadable_policies({r.kind: inline}, set(), r.kind):
        return Undecided(unsure)
    return Pass(f"{len(inline)} inline policy(ies), none allows *:*")


UNUSED_DAYS = 90


AWS_MANAGED_PATHS = ("/aws-service-role/", "/aws-reserved/")


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


@per_resource(
    "iam.user_direct_policies",
    "IAM users get permissions through groups, with no policies attached directly",
    bps=("SEC02-BP06",),
    over=USERS,
    scope=Scope.GLOBAL,
)
def user_direct_policies(r: Found) -> Judgement:
    managed = [str(p.get("PolicyName")) for p in r.get("AttachedManagedPolicies", [])]
    inline = [str(p.get("PolicyName")) for p in r.get("UserPolicyList", [])]
    if managed or inline:
        what = [f"managed {', '.join(managed)}"] if managed else []
        what += [f"inline {', '.join(inline)}"] if inline else []
        return Fail(f"policies attached to the user, not a group: {'; '.join(what)}")
    return Pass(f"no policy attached directly ({len(r.get('GroupList', []))} group(s))")


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
        last = age_days((role.get("RoleLastUsed") or {}).get("LastUsedDate"))
        age = age_days(role.get("CreateDate"))
        if isinstance(last, int):
            if last > UNUSED_DAYS:
                found.append(failed(arn, f"last used {last} days ago"))
            else:
                found.append(passed(arn, f"used {last} days ago"))
        elif isinstance(last, Unreadable):
            found.append(undecided(arn, f"last use: {last.reason}"))
        elif isinstance(age, int) and age > UNUSED_DAYS:
            found.append(failed(arn, f"never used in the {age} days since it was created"))
        elif isinstance(age, int):
            found.append(passed(arn, f"created {age} days ago, not used yet"))
        else:
            why = age.reason if age is not None else "no creation date reported"
            found.append(undecided(arn, f"never used, and its age is unknown: {why}"))
    if not found and untracked:
        return unknown("the endpoint does not report RoleLastUsed for roles")
    return found


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
    unreadable: list[Resource] = []
    for role in authorization_details(ctx).get("RoleDetailList", []):
        if aws_managed(role):
            continue
        if not readable(role.get("AssumeRolePolicyDocument")):
            why = "its trust policy could not be read: who may assume it is unknown"
            unreadable.append(undecided(str(role.get("Arn")), why))
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
    found: list[Resource] = list(unreadable)
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
        return Verdict(
            Status.UNKNOWN,
            reason,
            tuple(found),
            cause=listing_error.cause,
            action=listing_error.action,
        )
    return found


SUPPORT_POLICY_SUFFIX = ":iam::aws:policy/AWSSupportAccess"


def _trust_summary(document: Any) -> str:
    return ", ".join(allowed_principals(document)) or "nobody"


@check(
    "iam.incident_response_role",
    "An incident response (or break-glass) role is provisioned and does not trust everyone",
    bps=("SEC10-BP05",),
    service="iam",
    scope=Scope.GLOBAL,
    actions=AUTH_DETAILS,
    advisory=True,
)
def incident_response_role(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for role in authorization_details(ctx).get("RoleDetailList", []):
        if aws_managed(role) or not is_incident_response(role, "RoleName"):
            continue
        document = role.get("AssumeRolePolicyDocument")
        anyone, _ = trusted_accounts(document, ctx.account_id)
        arn = str(role.get("Arn"))
        if not readable(document):
            found.append(undecided(arn, "incident response role whose trust policy cannot be read"))
        elif anyone:
            found.append(failed(arn, 'incident response role trusts any AWS principal ("*")'))
        else:
            found.append(
                passed(arn, f"incident response role trusted by {_trust_summary(document)}")
            )
    if not found:
        return [
            failed(ctx.where, "no IAM role is named or tagged for incident response or break-glass")
        ]
    return found


def _allows_support(document: Any) -> bool:
    return allows_whole_service(document, "support")


@check(
    "iam.support_role",
    "An IAM role can open AWS Support cases (AWSSupportAccess, CIS 1.17)",
    bps=("SEC10-BP05", "SEC10-BP01"),
    service="iam",
    scope=Scope.GLOBAL,
    actions=AUTH_DETAILS,
    advisory=True,
)
def support_role(ctx: Context) -> Outcome:
    details = authorization_details(ctx)
    custom = {
        str(p.get("Arn"))
        for p in details.get("Policies", [])
        for v in p.get("PolicyVersionList", [])
        if v.get("IsDefaultVersion") and _allows_support(v.get("Document"))
    }
    found: list[Resource] = []
    for role in details.get("RoleDetailList", []):
        arns = [str(p.get("PolicyArn")) for p in role.get("AttachedManagedPolicies", [])]
        how = None
        if any(a.endswith(SUPPORT_POLICY_SUFFIX) for a in arns):
            how = "AWSSupportAccess attached"
        elif any(a in custom for a in arns) or any(
            _allows_support(p.get("PolicyDocument")) for p in role.get("RolePolicyList", [])
        ):
            how = "a policy allows support:*"
        if how:
            found.append(passed(str(role.get("Arn")), how))
    if not found:
        return [
            failed(
                ctx.where,
                "no IAM role has AWSSupportAccess: responders cannot open AWS Support cases "
                "through a role",
            )
        ]
    return found
