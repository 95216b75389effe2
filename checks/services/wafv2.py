"""AWS WAF web ACLs: load balancer coverage and managed rule groups."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks.declare import Call, Fail, Found, Judgement, Pass, Undecided, per_resource
from checks.registry import Context, Outcome, Scope, check, failed, passed
from checks.result import Resource
from checks.services.common import _few
from checks.services.elbv2 import LOAD_BALANCERS


@per_resource(
    "wafv2.alb_web_acl",
    "Internet-facing Application Load Balancers have an AWS WAF web ACL",
    bps=("SEC05-BP03",),
    over=LOAD_BALANCERS,
    keep=lambda r: (
        r.get("Type", "application") == "application"
        and r.get("Scheme") in ("internet-facing", None)  # unreported: judged undecided
    ),
    details={
        "acl": Call(
            "wafv2",
            "GetWebACLForResource",
            "WebACL",
            each=lambda r: {"ResourceArn": r.id},
            absent={"WAFNonexistentItemException"},
        )
    },
    service="wafv2",
)
def alb_web_acl(r: Found) -> Judgement:
    acl = r["acl"]
    if r.get("Scheme") is None and not acl:
        return Undecided(f"{r.get('LoadBalancerName')}: its scheme is not reported, no web ACL")
    if isinstance(acl, dict) and acl:
        return Pass(f"{r.get('LoadBalancerName')}: web ACL {acl.get('Name')}")
    return Fail(f"{r.get('LoadBalancerName')}: internet-facing, no AWS WAF web ACL")


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
