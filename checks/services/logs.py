"""CloudWatch Logs groups: retention and encryption."""

from __future__ import annotations

from typing import Any

from checks.registry import Context, Outcome, Scope, check, failed, passed
from checks.result import Resource


@check(
    "logs.group_retention",
    "CloudWatch Logs groups have a retention period",
    bps=("SEC04-BP01", "SEC04-BP02"),
    service="logs",
    scope=Scope.REGIONAL,
    actions=("logs:DescribeLogGroups",),
)
def group_retention(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for group in ctx.call("logs", "describe_log_groups").get("logGroups", []):
        arn = str(
            group.get("logGroupArn")
            or str(group.get("arn", "")).removesuffix(":*")
            or group.get("logGroupName")
        )
        days = group.get("retentionInDays")
        if days:
            found.append(passed(arn, f"retention {days} days"))
        else:
            found.append(failed(arn, "no retention period set (kept forever, never reviewed)"))
    return found


def log_groups(ctx: Context) -> list[dict[str, Any]]:
    return list(ctx.call("logs", "describe_log_groups").get("logGroups", []))


def log_group_arn(ctx: Context, group: dict[str, Any]) -> str:
    arn = str(group.get("logGroupArn") or group.get("arn") or "")
    if arn:
        return arn.removesuffix(":*")
    name = group.get("logGroupName")
    return f"arn:{ctx.partition}:logs:{ctx.region}:{ctx.account_id}:log-group:{name}"


@check(
    "logs.group_kms",
    "CloudWatch Logs log groups are encrypted at rest (customer KMS key noted, a signal)",
    bps=("SEC08-BP02",),
    service="logs",
    scope=Scope.REGIONAL,
    actions=("logs:DescribeLogGroups",),
)
def logs_group_kms(ctx: Context) -> Outcome:
    # CloudWatch Logs always encrypts at rest; a customer KMS key is for sensitive logs only,
    # so its absence is shown for the discussion and never fails the check.
    return [
        passed(log_group_arn(ctx, g), f"encrypted with KMS key {g['kmsKeyId']}")
        if g.get("kmsKeyId")
        else passed(log_group_arn(ctx, g), "service-managed encryption (no customer KMS key)")
        for g in log_groups(ctx)
    ]


@check(
    "logs.data_retention",
    "CloudWatch Logs log groups expire their data (a retention period is set)",
    bps=("SEC07-BP04",),
    service="logs",
    scope=Scope.REGIONAL,
    actions=("logs:DescribeLogGroups",),
)
def logs_data_retention(ctx: Context) -> Outcome:
    return [
        passed(log_group_arn(ctx, g), f"kept {g['retentionInDays']} days")
        if g.get("retentionInDays")
        else failed(log_group_arn(ctx, g), "events never expire (no retention period)")
        for g in log_groups(ctx)
    ]
