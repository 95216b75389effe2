"""Security Hub: enabled hub, standards, finding aggregation."""

from __future__ import annotations

from typing import Any

from checks.calls import CallFailed
from checks.registry import Context, Outcome, Scope, check, failed, not_applicable, passed
from checks.result import Resource
from checks.services.common import _first_error, _found_or_fail, _try


def hub(ctx: Context, region: str | None = None) -> dict[str, Any] | None:
    """Security Hub in the region, or None when it is not enabled there."""
    return ctx.call_if_exists(
        "securityhub", "describe_hub", absent={"InvalidAccessException"}, region=region
    )


def _standard_name(subscription: dict[str, Any]) -> str:
    """aws-foundational-security-best-practices/v/1.0.0 from a standards ARN."""
    arn = str(subscription.get("StandardsArn", ""))
    for marker in ("standards/", "ruleset/"):
        if marker in arn:
            return arn.split(marker, 1)[1]
    return arn


@check(
    "securityhub.hub_enabled",
    "AWS Security Hub is enabled in the region",
    bps=("SEC04-BP03",),
    service="securityhub",
    scope=Scope.REGIONAL,
    actions=("securityhub:DescribeHub",),
    advisory=True,
)
def hub_enabled(ctx: Context) -> Outcome:
    found = hub(ctx)
    if found is None:
        return [failed(ctx.where, "Security Hub is not enabled in this region")]
    return [passed(str(found.get("HubArn") or ctx.where), "Security Hub enabled")]


@check(
    "securityhub.finding_aggregator",
    "Security Hub aggregates findings across regions (when enabled in two or more)",
    bps=("SEC04-BP02",),
    service="securityhub",
    scope=Scope.GLOBAL,
    actions=("securityhub:DescribeHub", "securityhub:ListFindingAggregators"),
)
def finding_aggregator(ctx: Context) -> Outcome:
    enabled: list[str] = []
    errors: list[CallFailed] = []
    for region in ctx.regions or (ctx.region,):
        if _try(errors, lambda r=region: hub(ctx, r)) is not None:
            enabled.append(region)
    if len(enabled) < 2:
        error = _first_error(errors)
        if error is not None and len(enabled) + len(errors) >= 2:
            raise error
        return not_applicable(
            f"Security Hub is enabled in {len(enabled)} scanned region(s): nothing to aggregate"
        )
    aggregators = ctx.call("securityhub", "list_finding_aggregators", region=enabled[0]).get(
        "FindingAggregators", []
    )
    if aggregators:
        return [
            passed(str(a.get("FindingAggregatorArn")), "cross-region finding aggregator")
            for a in aggregators
        ]
    return [
        failed(
            ctx.where,
            f"Security Hub is enabled in {len(enabled)} regions ({', '.join(enabled)}) "
            "with no cross-region finding aggregator",
        )
    ]


@check(
    "securityhub.control_standards",
    "Control objectives are measured: Security Hub standards or Config conformance packs",
    bps=("SEC01-BP03",),
    service="securityhub",
    scope=Scope.REGIONAL,
    actions=(
        "securityhub:DescribeHub",
        "securityhub:GetEnabledStandards",
        "config:DescribeConformancePacks",
    ),
    services=("securityhub", "config"),
    advisory=True,
)
def control_standards(ctx: Context) -> Outcome:
    errors: list[CallFailed] = []
    found: list[Resource] = []
    missing: list[str] = []
    standards = _try(
        errors,
        lambda: (
            {}
            if hub(ctx) is None  # Security Hub is not enabled here: no standards
            else ctx.call_if_exists(
                "securityhub", "get_enabled_standards", absent={"InvalidAccessException"}
            )
            or {}
        ),
    )
    active = [
        s
        for s in (standards or {}).get("StandardsSubscriptions", [])
        if s.get("StandardsStatus") in {"READY", "PENDING", "INCOMPLETE"}
    ]
    found += [
        passed(
            str(s.get("StandardsSubscriptionArn")),
            f"Security Hub standard {_standard_name(s)} {s.get('StandardsStatus')}",
        )
        for s in active
    ]
    if standards is not None and not active:
        missing.append("Security Hub standards")
    packs = _try(errors, lambda: ctx.call("config", "describe_conformance_packs"))
    details = (packs or {}).get("ConformancePackDetails", [])
    found += [
        passed(str(p.get("ConformancePackArn")), f"conformance pack {p.get('ConformancePackName')}")
        for p in details
    ]
    if packs is not None and not details:
        missing.append("Config conformance packs")
    return _found_or_fail(
        found,
        errors,
        failed(ctx.where, "no Security Hub standard enabled and no Config conformance pack"),
        missing,
    )
