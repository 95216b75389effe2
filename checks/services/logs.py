"""CloudWatch Logs groups: retention and encryption."""

from __future__ import annotations

from checks.declare import Call, Fail, Found, Judgement, Pass, Resources, per_resource

DESCRIBE_LOG_GROUPS = Call("logs", "DescribeLogGroups", "logGroups")


def log_group_arn(r: Found) -> str:
    arn = str(r.get("logGroupArn") or r.get("arn") or "")
    if arn:
        return arn.removesuffix(":*")
    ctx = r.ctx
    return (
        f"arn:{ctx.partition}:logs:{ctx.region}:{ctx.account_id}:log-group:{r.get('logGroupName')}"
    )


LOG_GROUPS = Resources(DESCRIBE_LOG_GROUPS, id=log_group_arn)


@per_resource(
    "logs.group_retention",
    "CloudWatch Logs groups have a retention period",
    bps=("SEC04-BP01", "SEC04-BP02"),
    over=Resources(
        DESCRIBE_LOG_GROUPS,
        id=lambda r: (
            r.get("logGroupArn")
            or str(r.get("arn", "")).removesuffix(":*")
            or r.get("logGroupName")
        ),
    ),
)
def group_retention(r: Found) -> Judgement:
    if days := r.get("retentionInDays"):
        return Pass(f"retention {days} days")
    return Fail("no retention period set (kept forever, never reviewed)")


@per_resource(
    "logs.group_kms",
    "CloudWatch Logs log groups are encrypted at rest (customer KMS key noted, a signal)",
    bps=("SEC08-BP02",),
    over=LOG_GROUPS,
)
def logs_group_kms(r: Found) -> Judgement:
    # CloudWatch Logs always encrypts at rest; a customer KMS key is for sensitive logs only,
    # so its absence is shown for the discussion and never fails the check.
    if key := r.get("kmsKeyId"):
        return Pass(f"encrypted with KMS key {key}")
    return Pass("service-managed encryption (no customer KMS key)")


@per_resource(
    "logs.data_retention",
    "CloudWatch Logs log groups expire their data (a retention period is set)",
    bps=("SEC07-BP04",),
    over=LOG_GROUPS,
)
def logs_data_retention(r: Found) -> Judgement:
    if days := r.get("retentionInDays"):
        return Pass(f"kept {days} days")
    return Fail("events never expire (no retention period)")
