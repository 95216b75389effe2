"""EventBridge rules that route findings."""

from __future__ import annotations

import json
from typing import Any

from checks.calls import CallFailed
from checks.registry import Context, Outcome, Scope, check, failed, passed
from checks.result import Resource
from checks.services.common import _found_or_fail, _try

SECURITY_SOURCES = (
    "aws.guardduty",
    "aws.securityhub",
    "aws.inspector2",
    "aws.inspector",
    "aws.macie",
    "aws.access-analyzer",
    "aws.detective",
    "aws.config",
)


def _pattern_sources(pattern: Any) -> list[str]:
    """The security services an EventBridge event pattern matches events from."""
    text = pattern if isinstance(pattern, str) else json.dumps(pattern or "")
    try:
        parsed = json.loads(text) if text else {}
    except ValueError:
        parsed = {}
    sources = parsed.get("source", []) if isinstance(parsed, dict) else []
    values = sources if isinstance(sources, list) else [sources]
    found = []
    for value in values:
        if isinstance(value, str) and value in SECURITY_SOURCES:
            found.append(value)
        elif isinstance(value, dict):  # {"prefix": "aws.guard"} and similar
            prefix = str(value.get("prefix", ""))
            if prefix and any(s.startswith(prefix) for s in SECURITY_SOURCES):
                found.append(f"{prefix}*")
    return found


def finding_rules(ctx: Context) -> list[tuple[dict[str, Any], list[str], list[str]]]:
    """Enabled rules of the default bus matching security findings, with target ARNs."""
    found = []
    for rule in ctx.call("events", "list_rules").get("Rules", []):
        sources = _pattern_sources(rule.get("EventPattern"))
        if not sources or rule.get("State", "ENABLED") != "ENABLED":
            continue
        targets = ctx.call("events", "list_targets_by_rule", Rule=rule["Name"]).get("Targets", [])
        arns = [str(t.get("Arn", "")) for t in targets]
        if arns:
            found.append((rule, sources, arns))
    return found


@check(
    "events.finding_correlation",
    "Security findings are routed by EventBridge rules or correlated in Detective",
    bps=("SEC04-BP03",),
    service="events",
    scope=Scope.REGIONAL,
    actions=("events:ListRules", "events:ListTargetsByRule", "detective:ListGraphs"),
    services=("events", "detective"),
    advisory=True,
)
def finding_correlation(ctx: Context) -> Outcome:
    errors: list[CallFailed] = []
    found: list[Resource] = []
    missing: list[str] = []
    rules = _try(errors, lambda: finding_rules(ctx))
    for rule, sources, targets in rules or []:
        found.append(
            passed(
                str(rule.get("Arn") or rule.get("Name")),
                f"rule on {', '.join(sources)} findings -> {len(targets)} target(s)",
            )
        )
    if rules == []:
        missing.append("EventBridge rules on findings")
    graphs = _try(errors, lambda: ctx.call_items("detective", "list_graphs", "GraphList"))
    found += [passed(str(g.get("Arn")), "Detective behavior graph") for g in graphs or []]
    if graphs == []:
        missing.append("Detective behavior graph")
    return _found_or_fail(
        found,
        errors,
        failed(
            ctx.where,
            "no EventBridge rule routes security findings and no Detective behavior graph",
        ),
        missing,
    )
