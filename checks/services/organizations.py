"""AWS Organizations: membership and service control policies."""

from __future__ import annotations

from typing import Any

from checks.registry import Context, Outcome, Scope, check, failed, not_applicable, passed
from checks.result import Resource


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
