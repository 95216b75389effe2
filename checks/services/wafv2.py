"""AWS WAF web ACLs: load balancer coverage and managed rule groups."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks.registry import Context, Outcome, Scope, check, failed, passed
from checks.result import Resource
from checks.services.common import _few
from checks.services.elbv2 import load_balancers


def _web_acl_for(ctx: Context, resource_arn: str) -> dict[str, Any] | None:
    response = ctx.call_if_exists(
        "wafv2",
        "get_web_acl_for_resource",
        absent={"WAFNonexistentItemException"},
        ResourceArn=resource_arn,
    )
    acl = (response or {}).get("WebACL")
    return acl if isinstance(acl, dict) and acl else None


@check(
    "wafv2.alb_web_acl",
    "Internet-facing Application Load Balancers have an AWS WAF web ACL",
    bps=("SEC05-BP03",),
    service="wafv2",
    services=("wafv2", "elbv2"),
    scope=Scope.REGIONAL,
    actions=("elasticloadbalancing:DescribeLoadBalancers", "wafv2:GetWebACLForResource"),
)
def alb_web_acl(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for lb in load_balancers(ctx):
        if lb.get("Type", "application") != "application" or lb.get("Scheme") != "internet-facing":
            continue
        arn = str(lb.get("LoadBalancerArn"))
        acl = _web_acl_for(ctx, arn)
        if acl:
            found.append(passed(arn, f"{lb.get('LoadBalancerName')}: web ACL {acl.get('Name')}"))
        else:
            found.append(
                failed(arn, f"{lb.get('LoadBalancerName')}: internet-facing, no AWS WAF web ACL")
            )
    return found


def web_acls(ctx: Context, scope: str) -> list[dict[str, Any]]:
    """Every web ACL summary of a scope (wafv2 has no paginator: follow NextMarker)."""
    found = ctx.call_items("wafv2", "list_web_acls", "WebACLs", token="NextMarker", Scope=scope)
    return [acl for acl in found if isinstance(acl, dict)]


def _statements(value: Any) -> Iterator[dict[str, Any]]:
    """Every statement nested anywhere in a rule (and/or/not, scope-down, ...)."""
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _statements(child)
    elif isinstance(value, list):
        for child in value:
            yield from _statements(child)


def managed_groups(acl: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for key in (
        "Rules",
        "PreProcessFirewallManagerRuleGroups",
        "PostProcessFirewallManagerRuleGroups",
    ):
        for statement in _statements(acl.get(key) or []):
            group = statement.get("ManagedRuleGroupStatement")
            if isinstance(group, dict):
                names.append(f"{group.get('VendorName')}:{group.get('Name')}")
    return list(dict.fromkeys(names))


@check(
    "wafv2.managed_rules",
    "AWS WAF web ACLs use managed rule groups (kept current by their vendor)",
    bps=("SEC05-BP03", "SEC05-BP04"),
    service="wafv2",
    scope=Scope.REGIONAL,
    actions=("wafv2:ListWebACLs", "wafv2:GetWebACL"),
)
def managed_rules(ctx: Context) -> Outcome:
    scopes = ["REGIONAL"] + (["CLOUDFRONT"] if ctx.region == "us-east-1" else [])
    found: list[Resource] = []
    for scope in scopes:
        for summary in web_acls(ctx, scope):
            response = ctx.call(
                "wafv2",
                "get_web_acl",
                Name=str(summary.get("Name")),
                Scope=scope,
                Id=str(summary.get("Id")),
            )
            acl = response.get("WebACL") or {}
            ident = str(summary.get("ARN") or acl.get("ARN"))
            groups = managed_groups(acl)
            if groups:
                found.append(passed(ident, f"{summary.get('Name')}: managed {_few(groups)}"))
            else:
                found.append(failed(ident, f"{summary.get('Name')}: no managed rule group"))
    return found
