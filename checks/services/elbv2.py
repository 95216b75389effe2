"""Elastic Load Balancing: HTTP to HTTPS redirects and TLS policies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks.declare import Call, Resources
from checks.registry import Context, Outcome, Scope, check, failed, passed, undecided
from checks.result import Resource
from checks.services.common import _arn, _few, _list

OLD_TLS = ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1")


LOAD_BALANCERS = Resources(
    Call("elbv2", "DescribeLoadBalancers", "LoadBalancers"), id="LoadBalancerArn"
)


def load_balancers(ctx: Context) -> list[dict[str, Any]]:
    return _list(ctx.call("elbv2", "describe_load_balancers"), "LoadBalancers")


def listeners(ctx: Context, load_balancer_arn: str) -> list[dict[str, Any]]:
    response = ctx.call("elbv2", "describe_listeners", LoadBalancerArn=load_balancer_arn)
    return _list(response, "Listeners")


def with_listeners(ctx: Context) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Every load balancer with its listeners (the others' listeners read ahead once the
    first load balancer's are in)."""
    balancers = load_balancers(ctx)
    for n, lb in enumerate(balancers):
        found = listeners(ctx, str(lb.get("LoadBalancerArn")))
        if n == 0:
            ctx.prefetch(
                "elbv2",
                "describe_listeners",
                [{"LoadBalancerArn": str(b.get("LoadBalancerArn"))} for b in balancers[1:]],
            )
        yield lb, found


def classic_load_balancers(ctx: Context) -> list[dict[str, Any]]:
    return _list(ctx.call("elb", "describe_load_balancers"), "LoadBalancerDescriptions")


def _redirects_to_https(actions: list[dict[str, Any]]) -> bool:
    return any(
        a.get("Type") == "redirect"
        and str((a.get("RedirectConfig") or {}).get("Protocol", "")).upper() == "HTTPS"
        for a in actions
    )


_PASSES_TRAFFIC = {"forward", "authenticate-oidc", "authenticate-cognito"}


@check(
    "elbv2.http_redirect",
    "Load balancer HTTP listeners only redirect to HTTPS",
    bps=("SEC09-BP02",),
    service="elbv2",
    services=("elbv2", "elb"),
    scope=Scope.REGIONAL,
    actions=(
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeRules",
    ),
)
def http_redirect(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for lb, lb_listeners in with_listeners(ctx):
        name = lb.get("LoadBalancerName")
        for listener in lb_listeners:
            if listener.get("Protocol") != "HTTP":
                continue
            arn = str(listener.get("ListenerArn"))
            port = listener.get("Port")
            default = _list(listener, "DefaultActions")
            if not default:
                found.append(undecided(arn, f"{name}: HTTP:{port} reports no default action"))
                continue
            if not _redirects_to_https(default) and {a.get("Type") for a in default} & (
                _PASSES_TRAFFIC
            ):
                found.append(failed(arn, f"{name}: HTTP:{port} forwards without HTTPS redirect"))
                continue
            rules = _list(ctx.call("elbv2", "describe_rules", ListenerArn=arn), "Rules")
            forwarding = [
                str(r.get("Priority"))
                for r in rules
                if not r.get("IsDefault")
                and not _redirects_to_https(_list(r, "Actions"))
                and {a.get("Type") for a in _list(r, "Actions")} & _PASSES_TRAFFIC
            ]
            if forwarding:
                found.append(
                    failed(arn, f"{name}: HTTP:{port} rule(s) {_few(forwarding)} forward over HTTP")
                )
            else:
                found.append(passed(arn, f"{name}: HTTP:{port} only redirects or answers"))
    for lb in classic_load_balancers(ctx):
        name = str(lb.get("LoadBalancerName"))
        ident = _arn(ctx, "elasticloadbalancing", "loadbalancer", name)
        plain = [
            str((d.get("Listener") or {}).get("LoadBalancerPort"))
            for d in _list(lb, "ListenerDescriptions")
            if str((d.get("Listener") or {}).get("Protocol", "")).upper() == "HTTP"
        ]
        if plain:
            found.append(
                failed(ident, f"{name}: classic load balancer serves plain HTTP on {_few(plain)}")
            )
    return found


def _known_policy_protocols(ctx: Context) -> dict[str, list[str]]:
    policies = _list(ctx.call("elbv2", "describe_ssl_policies"), "SslPolicies")
    return {str(p.get("Name")): [str(v) for v in p.get("SslProtocols") or []] for p in policies}


def policy_protocols(ctx: Context, name: str) -> list[str] | None:
    known = ctx.once("network.ssl_policies", lambda: _known_policy_protocols(ctx))
    if name in known:
        return known[name]
    response = ctx.call_if_exists(
        "elbv2", "describe_ssl_policies", absent={"SSLPolicyNotFound"}, Names=[name]
    )
    for policy in _list(response or {}, "SslPolicies"):
        if policy.get("Name") == name:
            return [str(v) for v in policy.get("SslProtocols") or []]
    return None


@check(
    "elbv2.tls_policy",
    "HTTPS and TLS listeners use a security policy without TLS 1.0 or 1.1",
    bps=("SEC09-BP02",),
    service="elbv2",
    scope=Scope.REGIONAL,
    actions=(
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeSSLPolicies",
    ),
)
def tls_policy(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for lb, lb_listeners in with_listeners(ctx):
        name = lb.get("LoadBalancerName")
        for listener in lb_listeners:
            if listener.get("Protocol") not in {"HTTPS", "TLS"}:
                continue
            arn = str(listener.get("ListenerArn"))
            policy = str(listener.get("SslPolicy") or "")
            where = f"{name}: {listener.get('Protocol')}:{listener.get('Port')}"
            if not policy:
                found.append(undecided(arn, f"{where}: the listener names no security policy"))
                continue
            protocols = policy_protocols(ctx, policy)
            if not protocols:  # unknown to the endpoint, or described without protocols
                found.append(undecided(arn, f"{where}: security policy {policy} cannot be read"))
                continue
            old = [p for p in protocols if p in OLD_TLS]
            if old:
                found.append(failed(arn, f"{where} policy {policy} allows {', '.join(old)}"))
            else:
                found.append(passed(arn, f"{where} policy {policy} ({', '.join(protocols)})"))
    return found
