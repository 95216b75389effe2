"""Identity and access: root user, sign-in, credentials, permissions, organization (SEC01-03)."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from checks.calls import CallFailed
from checks.clock import scan_now
from checks.registry import (
    Context,
    Outcome,
    Scope,
    check,
    failed,
    not_applicable,
    passed,
    unknown,
)
from checks.result import Resource

MAX_AGE_DAYS = 90
ROOT = "<root_account>"
REPORT = ("iam:GenerateCredentialReport", "iam:GetCredentialReport")
AUTH_DETAILS = ("iam:GetAccountAuthorizationDetails",)
AUTH_FILTER = ["User", "Role", "Group", "LocalManagedPolicy"]
ADMIN_POLICY_SUFFIX = ":iam::aws:policy/AdministratorAccess"


# --- shared readers ------------------------------------------------------------------


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


def days_since(value: str | None, now: datetime | None = None) -> int | None:
    """Days since an ISO date from AWS, or None for N/A / no_information / not_supported."""
    if not value or value in {"N/A", "no_information", "not_supported"}:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return ((now or scan_now()) - when).days


def authorization_details(ctx: Context) -> dict[str, Any]:
    return ctx.call("iam", "get_account_authorization_details", Filter=AUTH_FILTER)


def policy_document(document: Any) -> dict[str, Any]:
    """A policy document as a dict (botocore decodes most; some endpoints send text)."""
    if isinstance(document, dict):
        return document
    if isinstance(document, str):
        try:
            parsed = json.loads(unquote(document))
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return {}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def allows_everything(document: Any) -> bool:
    """True when a statement allows every action ("*" or "*:*") on every resource."""
    for statement in _as_list(policy_document(document).get("Statement", [])):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        actions = _as_list(statement.get("Action", []))
        resources = _as_list(statement.get("Resource", []))
        if any(a in ("*", "*:*") for a in actions) and "*" in resources:
            return True
    return False


def _admin_policy_arns(details: dict[str, Any]) -> set[str]:
    """Customer managed policies whose default version allows everything."""
    admin = set()
    for policy in details.get("Policies", []):
        for version in policy.get("PolicyVersionList", []):
            if version.get("IsDefaultVersion") and allows_everything(version.get("Document")):
                admin.add(str(policy.get("Arn")))
    return admin


def _admin_reason(entity: dict[str, Any], admin_arns: set[str], inline_key: str) -> str | None:
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


# --- root user ------------------------------------------------------------------------


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


# --- sign-in --------------------------------------------------------------------------


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


# --- access keys and unused credentials -----------------------------------------------


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
            age = days_since(row.get(f"access_key_{n}_last_rotated"))
            key = f"{row['arn']} (access key {n})"
            if age is not None and age > MAX_AGE_DAYS:
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
        stale = []
        if row.get("password_enabled") == "true":
            idle = days_since(row.get("password_last_used"))
            if idle is None:  # never used: count from when the password was set
                idle = days_since(row.get("password_last_changed")) or days_since(
                    row.get("user_creation_time")
                )
            if idle is not None and idle > MAX_AGE_DAYS:
                stale.append(f"console password unused for {idle} days")
        for n in _active_keys(row):
            idle = days_since(row.get(f"access_key_{n}_last_used_date"))
            if idle is None:
                idle = days_since(row.get(f"access_key_{n}_last_rotated"))
            if idle is not None and idle > MAX_AGE_DAYS:
                stale.append(f"access key {n} unused for {idle} days")
        has_credentials = row.get("password_enabled") == "true" or any(_active_keys(row))
        if stale:
            found.append(failed(row["arn"], "; ".join(stale)))
        elif has_credentials:
            found.append(passed(row["arn"], f"credentials used within {MAX_AGE_DAYS} days"))
    return found


# --- permissions ----------------------------------------------------------------------


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
    admin_arns = _admin_policy_arns(details)
    groups = {g.get("GroupName"): g for g in details.get("GroupDetailList", [])}
    found: list[Resource] = []
    for user in details.get("UserDetailList", []):
        reason = _admin_reason(user, admin_arns, "UserPolicyList")
        for group_name in user.get("GroupList", []):
            group_reason = _admin_reason(groups.get(group_name, {}), admin_arns, "GroupPolicyList")
            if reason is None and group_reason is not None:
                reason = f"{group_reason} via group {group_name}"
        arn = str(user.get("Arn"))
        found.append(failed(arn, reason) if reason else passed(arn, "no administrator policy"))
    return found


@check(
    "iam.inline_admin_policies",
    "No inline policy on users, roles or groups allows *:*",
    bps=("SEC03-BP02",),
    service="iam",
    scope=Scope.GLOBAL,
    actions=AUTH_DETAILS,
)
def inline_admin_policies(ctx: Context) -> Outcome:
    details = authorization_details(ctx)
    found: list[Resource] = []
    for list_key, inline_key in (
        ("UserDetailList", "UserPolicyList"),
        ("RoleDetailList", "RolePolicyList"),
        ("GroupDetailList", "GroupPolicyList"),
    ):
        for entity in details.get(list_key, []):
            inline = entity.get(inline_key, [])
            if not inline:
                continue
            admin = [
                p.get("PolicyName") for p in inline if allows_everything(p.get("PolicyDocument"))
            ]
            arn = str(entity.get("Arn"))
            if admin:
                found.append(failed(arn, f"inline policy {', '.join(map(str, admin))} allows *:*"))
            else:
                found.append(passed(arn, f"{len(inline)} inline policy(ies), none allows *:*"))
    return found


@check(
    "accessanalyzer.enabled",
    "IAM Access Analyzer has an active analyzer in the region",
    bps=("SEC03-BP07",),
    service="accessanalyzer",
    scope=Scope.REGIONAL,
    actions=("access-analyzer:ListAnalyzers",),
)
def access_analyzer(ctx: Context) -> Outcome:
    analyzers = ctx.call("accessanalyzer", "list_analyzers").get("analyzers", [])
    active = [a for a in analyzers if a.get("status") == "ACTIVE"]
    if not active:
        return [failed(ctx.where, "no active IAM Access Analyzer analyzer in this region")]
    return [passed(str(a.get("arn")), f"{a.get('type')} analyzer active") for a in active]


# --- organization and identity provider -----------------------------------------------


def organization(ctx: Context) -> dict[str, Any] | None:
    response = ctx.call_if_exists(
        "organizations", "describe_organization", absent={"AWSOrganizationsNotInUseException"}
    )
    return None if response is None else dict(response.get("Organization", {}))


@check(
    "organizations.member",
    "The account belongs to an AWS Organization",
    bps=("SEC01-BP01",),
    service="organizations",
    scope=Scope.GLOBAL,
    actions=("organizations:DescribeOrganization",),
)
def organizations_member(ctx: Context) -> Outcome:
    org = organization(ctx)
    if org is None:
        return [failed(ctx.where, "the account is not a member of an AWS Organization")]
    features = org.get("FeatureSet")
    detail = f"member of {org.get('Id')} (features: {features})"
    if features != "ALL":
        return [failed(str(org.get("Arn")), f"{detail}: SCPs and delegated admin unavailable")]
    return [passed(str(org.get("Arn")), detail)]


@check(
    "organizations.scps",
    "Service control policies beyond FullAWSAccess are attached",
    bps=("SEC03-BP05", "SEC01-BP01"),
    service="organizations",
    scope=Scope.GLOBAL,
    actions=(
        "organizations:DescribeOrganization",
        "organizations:ListPolicies",
        "organizations:ListTargetsForPolicy",
    ),
)
def organizations_scps(ctx: Context) -> Outcome:
    org = organization(ctx)
    if org is None:
        return not_applicable("the account is not in an AWS Organization")
    policies = ctx.call("organizations", "list_policies", Filter="SERVICE_CONTROL_POLICY")
    found: list[Resource] = []
    for policy in policies.get("Policies", []):
        if policy.get("AwsManaged") or policy.get("Name") == "FullAWSAccess":
            continue
        targets = ctx.call("organizations", "list_targets_for_policy", PolicyId=policy["Id"])
        count = len(targets.get("Targets", []))
        if count:
            found.append(
                passed(str(policy.get("Arn")), f"SCP {policy.get('Name')}: {count} target(s)")
            )
    if not found:
        return [failed(str(org.get("Arn")), "no SCP besides FullAWSAccess is attached")]
    return found


@check(
    "sso.identity_center",
    "People sign in through IAM Identity Center or a SAML identity provider",
    bps=("SEC02-BP04",),
    service="sso-admin",
    scope=Scope.GLOBAL,
    actions=("sso:ListInstances", "iam:ListSAMLProviders"),
    services=("sso-admin", "iam"),
)
def identity_center(ctx: Context) -> Outcome:
    instances: list[Resource] = []
    problems: list[CallFailed] = []
    for region in ctx.regions or (ctx.region,):  # Identity Center lives in one region
        try:
            found = ctx.call("sso-admin", "list_instances", region=region).get("Instances", [])
        except CallFailed as error:
            problems.append(error)
            continue
        instances += [
            passed(str(i.get("InstanceArn")), f"IAM Identity Center in {region}") for i in found
        ]
    if instances:
        return instances
    if problems:  # not found, but some regions could not be asked: cannot say FAIL
        raise problems[0]
    providers = ctx.call("iam", "list_saml_providers").get("SAMLProviderList", [])
    if providers:
        return [passed(str(p.get("Arn")), "SAML identity provider") for p in providers]
    return [
        failed(
            ctx.where,
            "no IAM Identity Center instance in the scanned regions and no SAML provider",
        )
    ]
