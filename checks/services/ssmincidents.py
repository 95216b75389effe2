"""Incident Manager response plans."""

from __future__ import annotations

from checks.registry import Context, Outcome, Scope, check, not_applicable, passed
from checks.services.common import across_regions


@check(
    "ssmincidents.response_plans",
    "Incident Manager has response plans (signal: an equivalent tool may hold them)",
    bps=("SEC10-BP02",),
    service="ssm-incidents",
    scope=Scope.GLOBAL,
    actions=("ssm-incidents:ListResponsePlans",),
)
def response_plans(ctx: Context) -> Outcome:
    plans, problems = across_regions(
        ctx, "ssm-incidents", "list_response_plans", "responsePlanSummaries"
    )
    if plans:
        return [
            passed(str(p.get("arn") or p.get("name")), f"response plan in {region}")
            for region, p in plans
        ]
    if problems:
        raise problems[0]
    return not_applicable(
        "no Incident Manager response plans in the scanned regions (an equivalent tool "
        "may hold them)"
    )
