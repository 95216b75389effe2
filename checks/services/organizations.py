"""AWS Organizations: membership, and organization-level checks.

`organizations.member` runs in every account. The others run once per scan
(`Scope.ORGANIZATION`) from the account that sees the organization: the management
account or a delegated administrator. From a member account the organization's structure
and policies are not visible: those checks say so (NOT_APPLICABLE) rather than fail.

Service control policies are judged by one check, `organizations.scp_guardrails`: per
member account, which attached SCPs (on the account, its OUs or the root) deny what
must not happen there. It replaced `organizations.scps` ("some SCP besides FullAWSAccess
is attached somewhere", run in every account), which counted the same SCP fact a second
time toward SEC03-BP05 and SEC01-BP01 and could only be read from the management
account anyway. Reviews that stored a scan with `organizations.scps` keep it as it was;
the next scan replaces it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from checks.calls import CallFailed
from checks.lib.policy import DenyFinding, deny_finding
from checks.registry import Context, Outcome, Scope, check, failed, not_applicable, passed
from checks.result import Cause, Resource


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
    advisory=True,
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


# --- organization-level checks (run once, from the management or delegated admin) ----

ORG_READ = "organizations:DescribeOrganization"
TREE = (
    "organizations:ListRoots",
    "organizations:ListOrganizationalUnitsForParent",
    "organizations:ListAccountsForParent",
)

# What an SCP guardrail must deny: every way listed to do the harm (a tuple of
# alternatives names one way under two API names). Denying DeleteTrail while StopLogging
# stays allowed leaves CloudTrail easy to switch off, so both are needed. GuardDuty
# follows AWS's example SCP ("Prevent users from disabling GuardDuty", Organizations user
# guide), which denies DeleteDetector, UpdateDetector (Enable=false suspends it) and
# leaving the administrator account.
GUARDRAILS: dict[str, tuple[tuple[str, ...], ...]] = {
    "leaving the organization": (("organizations:LeaveOrganization",),),
    "disabling CloudTrail": (("cloudtrail:StopLogging",), ("cloudtrail:DeleteTrail",)),
    "disabling GuardDuty": (
        ("guardduty:DeleteDetector",),
        ("guardduty:UpdateDetector",),
        (
            "guardduty:DisassociateFromAdministratorAccount",
            "guardduty:DisassociateFromMasterAccount",
        ),
    ),
    "disabling AWS Config": (
        ("config:StopConfigurationRecorder",),
        ("config:DeleteConfigurationRecorder",),
    ),
    "disabling Security Hub": (("securityhub:DisableSecurityHub",),),
}

DETECTION_ADMINS = {
    "guardduty.amazonaws.com": "GuardDuty",
    "securityhub.amazonaws.com": "Security Hub",
    "config.amazonaws.com": "AWS Config",
}
ACCESS_ADMINS = {
    "access-analyzer.amazonaws.com": "IAM Access Analyzer",
    "sso.amazonaws.com": "IAM Identity Center",
}


def _admin_view(ctx: Context, read: Any) -> Any:
    """`read()`, or a NOT_APPLICABLE verdict when a member account may not see it."""
    org = organization(ctx)
    if org is None:
        return not_applicable("the account is not in an AWS Organization")
    try:
        return read(org)
    except CallFailed as error:
        management = str(org.get("MasterAccountId", ""))
        if error.cause is Cause.ACCESS_DENIED and management != ctx.account_id:
            return not_applicable(
                f"{error.message}: only the management account ({management}) or a "
                "delegated administrator sees this; scan from there"
            )
        raise


def _tree(ctx: Context) -> dict[str, Any]:
    """Root, OUs and accounts: {"root": id, "parents": {child: parent}, "accounts": {...}}."""

    def load() -> dict[str, Any]:
        roots = ctx.call("organizations", "list_roots").get("Roots", [])
        root = str(roots[0]["Id"]) if roots else ""
        parents: dict[str, str] = {}
        accounts: dict[str, dict[str, Any]] = {}
        stack = [root] if root else []
        while stack:
            parent = stack.pop()
            units = ctx.call(
                "organizations", "list_organizational_units_for_parent", ParentId=parent
            ).get("OrganizationalUnits", [])
            for unit in units:
                parents[str(unit["Id"])] = parent
                stack.append(str(unit["Id"]))
            listed = ctx.call("organizations", "list_accounts_for_parent", ParentId=parent)
            for account in listed.get("Accounts", []):
                state = account.get("State") or account.get("Status") or "ACTIVE"
                if state == "ACTIVE":
                    accounts[str(account["Id"])] = dict(account)
                    parents[str(account["Id"])] = parent
        return {"root": root, "parents": parents, "accounts": accounts}

    return ctx.once("organization-tree", load)


def _path(tree: dict[str, Any], target: str) -> list[str]:
    """The target and its ancestors up to the root."""
    path = [target]
    seen = {target}
    while path[-1] in tree["parents"]:
        parent = tree["parents"][path[-1]]
        if parent in seen:
            break
        seen.add(parent)
        path.append(parent)
    return path


@check(
    "organizations.ou_structure",
    "Member accounts are grouped into organizational units, not left under the root",
    bps=("SEC01-BP01",),
    service="organizations",
    scope=Scope.ORGANIZATION,
    actions=(ORG_READ, *TREE),
)
def ou_structure(ctx: Context) -> Outcome:
    def read(org: dict[str, Any]) -> Outcome:
        tree = _tree(ctx)
        management = str(org.get("MasterAccountId", ""))
        found: list[Resource] = []
        for account_id, account in sorted(tree["accounts"].items()):
            if account_id == management:
                continue  # the management account always sits under the root
            arn = str(account.get("Arn") or account_id)
            name = str(account.get("Name") or "")
            parent = tree["parents"].get(account_id, "")
            if parent == tree["root"]:
                found.append(failed(arn, f"{name} sits directly under the root, in no OU"))
            else:
                found.append(passed(arn, f"{name} is in OU {parent}"))
        return found

    return _admin_view(ctx, read)  # type: ignore[no-any-return]


@dataclass
class _Guard:
    """What the SCPs on one account's path do about one guardrail."""

    policies: list[str] = field(default_factory=list)  # SCPs that deny it ("name (sid)")
    exemptions: list[str] = field(default_factory=list)
    weak: list[str] = field(default_factory=list)  # denies that do not hold, and why


def _guard(
    attached: Sequence[tuple[str, Any]],
    actions: tuple[tuple[str, ...], ...],
    account_id: str,
    organization_id: str,
    partition: str,
) -> _Guard:
    """Does some attached SCP deny each way (`actions`) to ordinary principals?"""
    found = _Guard()
    for ways in actions:
        holding: list[tuple[str, DenyFinding]] = []
        for name, document in attached:
            for action in ways:
                finding = deny_finding(
                    document,
                    action,
                    account_id=account_id,
                    organization_id=organization_id,
                    partition=partition,
                )
                if finding is None:
                    continue
                if finding.holds:
                    holding.append((name, finding))
                else:
                    found.weak.append(f"{name}: {finding.why_not}")
        if not holding:
            if found.policies:
                found.weak.append(
                    f"{', '.join(dict.fromkeys(found.policies))} leave {ways[0]} allowed"
                )
            found.policies.clear()
            return found
        name, best = min(holding, key=lambda h: len(h[1].exemptions))
        found.policies.append(name)
        found.exemptions += [f"{name}: except {e}" for e in best.exemptions]
    found.weak.clear()
    return found


@check(
    "organizations.scp_guardrails",
    "SCPs deny leaving the organization and disabling CloudTrail, GuardDuty, Config and "
    "Security Hub in every member account",
    bps=("SEC03-BP05", "SEC01-BP01"),
    service="organizations",
    scope=Scope.ORGANIZATION,
    actions=(
        ORG_READ,
        *TREE,
        "organizations:ListPolicies",
        "organizations:ListTargetsForPolicy",
        "organizations:DescribePolicy",
    ),
)
def scp_guardrails(ctx: Context) -> Outcome:
    """Per member account: every guardrail denied by an SCP attached to the account, an OU
    above it or the root, with `Effect: Deny` on every way to do the harm, on every
    resource, for ordinary principals (a condition may exempt named roles, never everyone;
    see checks.lib.policy.deny_finding). The management account is left out: SCPs never
    restrict it."""

    def read(org: dict[str, Any]) -> Outcome:
        if org.get("FeatureSet") != "ALL":
            return [failed(str(org.get("Arn")), "all features are off: SCPs cannot be used")]
        tree = _tree(ctx)
        management = str(org.get("MasterAccountId", ""))
        org_id = str(org.get("Id", ""))
        listed = ctx.call("organizations", "list_policies", Filter="SERVICE_CONTROL_POLICY")
        by_target: dict[str, list[tuple[str, Any]]] = {}  # root/OU/account -> (name, content)
        for policy in listed.get("Policies", []):
            if policy.get("AwsManaged"):
                continue  # FullAWSAccess: allows everything, denies nothing
            content = ctx.call("organizations", "describe_policy", PolicyId=policy["Id"])
            document = content.get("Policy", {}).get("Content")
            targets = ctx.call("organizations", "list_targets_for_policy", PolicyId=policy["Id"])
            for target in targets.get("Targets", []):
                by_target.setdefault(str(target["TargetId"]), []).append(
                    (str(policy.get("Name") or policy["Id"]), document)
                )
        found: list[Resource] = []
        for account_id, account in sorted(tree["accounts"].items()):
            if account_id == management:
                continue  # SCPs never restrict the management account
            attached = [p for t in _path(tree, account_id) for p in by_target.get(t, [])]
            arn = str(account.get("Arn") or account_id)
            name = str(account.get("Name") or "")
            missing: list[str] = []
            weak: list[str] = []
            policies: set[str] = set()
            exemptions: list[str] = []
            for guardrail, actions in GUARDRAILS.items():
                guard = _guard(attached, actions, account_id, org_id, ctx.partition)
                if guard.policies:
                    policies.update(guard.policies)
                    exemptions += guard.exemptions
                else:
                    missing.append(guardrail)
                    weak += guard.weak
            if missing:
                why = f"{name}: no attached SCP denies {', '.join(missing)}"
                if weak:
                    shown = "; ".join(dict.fromkeys(weak))
                    why += f" (not counted: {shown[:300]})"
                found.append(failed(arn, why))
            else:
                why = f"{name}: guarded by {', '.join(sorted(policies))}"
                if exemptions:
                    why += f" ({'; '.join(dict.fromkeys(exemptions))[:300]})"
                found.append(passed(arn, why))
        return found

    return _admin_view(ctx, read)  # type: ignore[no-any-return]


@check(
    "organizations.organization_trail",
    "An organization trail logs every account of the organization",
    bps=("SEC04-BP01", "SEC04-BP02"),
    service="cloudtrail",
    scope=Scope.ORGANIZATION,
    actions=(ORG_READ, "cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"),
    services=("cloudtrail", "organizations"),
)
def organization_trail(ctx: Context) -> Outcome:
    if organization(ctx) is None:
        return not_applicable("the account is not in an AWS Organization")
    # includeShadowTrails defaults to true, so a trail homed in another region is listed
    # too; sent without it, the call is shared with the cloudtrail checks' own.
    trails = ctx.call("cloudtrail", "describe_trails")
    found: list[Resource] = []
    for trail in trails.get("trailList", []):
        if not trail.get("IsOrganizationTrail"):
            continue
        arn = str(trail.get("TrailARN"))
        home = str(trail.get("HomeRegion") or ctx.region)
        status = ctx.call("cloudtrail", "get_trail_status", Name=arn, region=home)
        if status.get("IsLogging"):
            found.append(passed(arn, "organization trail, logging"))
        else:
            found.append(failed(arn, "organization trail exists but is not logging"))
    if not found:
        return [failed(ctx.where, "no organization trail (each account must log on its own)")]
    return found


DELEGATED = (
    "organizations:ListDelegatedAdministrators",
    "organizations:ListDelegatedServicesForAccount",
)


def delegated_admins(ctx: Context) -> dict[str, list[str]]:
    """Service principal -> delegated administrator accounts ('id (name)'), read once."""

    def load() -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        admins = ctx.call("organizations", "list_delegated_administrators")
        for admin in admins.get("DelegatedAdministrators", []):
            account = str(admin.get("Id"))
            services = ctx.call(
                "organizations", "list_delegated_services_for_account", AccountId=account
            ).get("DelegatedServices", [])
            for service in services:
                label = f"{account} ({admin.get('Name')})" if admin.get("Name") else account
                found.setdefault(str(service.get("ServicePrincipal")), []).append(label)
        return found

    return ctx.once("delegated-admins", load)


def _delegated(ctx: Context, services: dict[str, str]) -> Outcome:
    def read(org: dict[str, Any]) -> Outcome:
        admins = delegated_admins(ctx)
        found: list[Resource] = []
        for principal, label in services.items():
            if admins.get(principal):
                names = ", ".join(admins[principal])
                found.append(passed(principal, f"{label} delegated to {names}"))
            else:
                found.append(failed(principal, f"{label} has no delegated administrator account"))
        return found

    return _admin_view(ctx, read)  # type: ignore[no-any-return]


@check(
    "organizations.detection_admins",
    "GuardDuty, Security Hub and AWS Config have a delegated administrator account",
    bps=("SEC04-BP02", "SEC01-BP01"),
    service="organizations",
    scope=Scope.ORGANIZATION,
    actions=(ORG_READ, *DELEGATED),
)
def detection_admins(ctx: Context) -> Outcome:
    return _delegated(ctx, DETECTION_ADMINS)


@check(
    "organizations.access_admins",
    "IAM Access Analyzer and IAM Identity Center have a delegated administrator account",
    bps=("SEC01-BP01",),
    service="organizations",
    scope=Scope.ORGANIZATION,
    actions=(ORG_READ, *DELEGATED),
)
def access_admins(ctx: Context) -> Outcome:
    return _delegated(ctx, ACCESS_ADMINS)


@check(
    "accessanalyzer.organization_zone",
    "IAM Access Analyzer has an active analyzer with the organization as zone of trust",
    bps=("SEC03-BP07",),
    service="accessanalyzer",
    scope=Scope.ORGANIZATION,
    actions=(ORG_READ, "access-analyzer:ListAnalyzers", *DELEGATED),
    services=("accessanalyzer", "organizations"),
)
def organization_zone(ctx: Context) -> Outcome:
    def read(org: dict[str, Any]) -> Outcome:
        found: list[Resource] = []
        for region in ctx.regions or (ctx.region,):
            # Unfiltered (the type is checked below): shared with accessanalyzer.enabled.
            analyzers = ctx.call("accessanalyzer", "list_analyzers", region=region).get(
                "analyzers", []
            )
            found += [
                passed(str(a.get("arn")), f"organization analyzer active in {region}")
                for a in analyzers
                if a.get("status") == "ACTIVE" and a.get("type") == "ORGANIZATION"
            ]
        if found:
            return found
        # None here: it may be administered from another account (a member account is
        # refused this read: NOT_APPLICABLE, scan from the management account).
        admins = delegated_admins(ctx).get("access-analyzer.amazonaws.com", [])
        others = [a for a in admins if not a.startswith(ctx.account_id)]
        if others:
            return not_applicable(
                f"Access Analyzer is administered from account {', '.join(others)}: its "
                "organization analyzers are there (scan that account to see them)"
            )
        return [failed(ctx.where, "no active analyzer with the organization as zone of trust")]

    return _admin_view(ctx, read)  # type: ignore[no-any-return]
