"""DynamoDB tables: encryption, point-in-time recovery, classification tags."""

from __future__ import annotations

from typing import Any

from checks.registry import Context, Outcome, Scope, check, failed, passed
from checks.result import Resource
from checks.services.common import _classified


def tables(ctx: Context) -> list[dict[str, Any]]:
    """Every DynamoDB table of the region, described."""
    names = ctx.call("dynamodb", "list_tables").get("TableNames", [])
    return [
        dict(ctx.call("dynamodb", "describe_table", TableName=n).get("Table", {})) for n in names
    ]


def table_arn(ctx: Context, table: dict[str, Any]) -> str:
    name = table.get("TableName")
    return str(
        table.get("TableArn")
        or f"arn:{ctx.partition}:dynamodb:{ctx.region}:{ctx.account_id}:table/{name}"
    )


@check(
    "dynamodb.table_encryption",
    "DynamoDB tables are encrypted at rest (key type noted)",
    bps=("SEC08-BP02",),
    service="dynamodb",
    scope=Scope.REGIONAL,
    actions=("dynamodb:ListTables", "dynamodb:DescribeTable"),
)
def dynamodb_table_encryption(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for table in tables(ctx):
        sse = table.get("SSEDescription") or {}
        status = sse.get("Status")
        arn = table_arn(ctx, table)
        if status in ("DISABLED", "DISABLING"):
            found.append(failed(arn, f"server-side encryption is {status}"))
        elif not sse:
            found.append(passed(arn, "encrypted with an AWS owned key"))
        elif sse.get("SSEType") == "KMS":
            key = sse.get("KMSMasterKeyArn") or "AWS managed key"
            found.append(passed(arn, f"encrypted with KMS ({key})"))
        else:
            found.append(passed(arn, f"encrypted ({sse.get('SSEType') or status})"))
    return found


@check(
    "dynamodb.classification_tag",
    "DynamoDB tables carry a data classification tag",
    bps=("SEC07-BP01", "SEC07-BP02"),
    service="dynamodb",
    scope=Scope.REGIONAL,
    actions=("dynamodb:ListTables", "dynamodb:DescribeTable", "dynamodb:ListTagsOfResource"),
    advisory=True,
)
def dynamodb_classification_tag(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for table in tables(ctx):
        arn = table_arn(ctx, table)
        tags = ctx.call("dynamodb", "list_tags_of_resource", ResourceArn=arn).get("Tags", [])
        found.append(_classified(arn, tags, "table"))
    return found


@check(
    "dynamodb.pitr",
    "DynamoDB tables have point-in-time recovery",
    bps=("SEC07-BP04",),
    service="dynamodb",
    scope=Scope.REGIONAL,
    actions=("dynamodb:ListTables", "dynamodb:DescribeContinuousBackups"),
)
def dynamodb_pitr(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for name in ctx.call("dynamodb", "list_tables").get("TableNames", []):
        response = ctx.call("dynamodb", "describe_continuous_backups", TableName=name)
        description = response.get("ContinuousBackupsDescription", {})
        pitr = description.get("PointInTimeRecoveryDescription", {})
        arn = f"arn:{ctx.partition}:dynamodb:{ctx.region}:{ctx.account_id}:table/{name}"
        if pitr.get("PointInTimeRecoveryStatus") == "ENABLED":
            days = pitr.get("RecoveryPeriodInDays")
            found.append(passed(arn, f"point-in-time recovery on ({days or 35} days)"))
        else:
            found.append(failed(arn, "point-in-time recovery is off"))
    return found
