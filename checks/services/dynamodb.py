"""DynamoDB tables: encryption, point-in-time recovery, classification tags."""

from __future__ import annotations

from checks.declare import Call, Fail, Found, Judgement, Pass, Resources, Undecided, per_resource
from checks.services.common import classified

LIST_TABLES = Call("dynamodb", "ListTables", "TableNames")


def _arn(r: Found) -> str:
    return f"arn:{r.ctx.partition}:dynamodb:{r.ctx.region}:{r.ctx.account_id}:table/{r.listed}"


TABLES = Resources(
    LIST_TABLES,
    details={
        "table": Call("dynamodb", "DescribeTable", "Table", each=lambda r: {"TableName": r.listed})
    },
    id=lambda r: (r["table"] or {}).get("TableArn") or _arn(r),
)


@per_resource(
    "dynamodb.table_encryption",
    "DynamoDB tables are encrypted at rest (key type noted)",
    bps=("SEC08-BP02",),
    over=TABLES,
)
def dynamodb_table_encryption(r: Found) -> Judgement:
    if not r["table"]:  # no description: "no SSEDescription" would read as an AWS owned key
        return Undecided("DescribeTable returned no table description")
    sse = r["table"].get("SSEDescription") or {}
    status = sse.get("Status")
    if status in ("DISABLED", "DISABLING"):
        return Fail(f"server-side encryption is {status}")
    if not sse:
        return Pass("encrypted with an AWS owned key")
    if sse.get("SSEType") == "KMS":
        return Pass(f"encrypted with KMS ({sse.get('KMSMasterKeyArn') or 'AWS managed key'})")
    return Pass(f"encrypted ({sse.get('SSEType') or status})")


@per_resource(
    "dynamodb.classification_tag",
    "DynamoDB tables carry a data classification tag",
    bps=("SEC07-BP01", "SEC07-BP02"),
    over=TABLES,
    details={
        "tags": Call("dynamodb", "ListTagsOfResource", "Tags", each=lambda r: {"ResourceArn": r.id})
    },
    advisory=True,
)
def dynamodb_classification_tag(r: Found) -> Judgement:
    return classified(r["tags"] or [], "table")


@per_resource(
    "dynamodb.pitr",
    "DynamoDB tables have point-in-time recovery",
    bps=("SEC07-BP04",),
    over=Resources(LIST_TABLES, id=_arn),
    details={
        "backups": Call(
            "dynamodb",
            "DescribeContinuousBackups",
            "ContinuousBackupsDescription",
            each=lambda r: {"TableName": r.listed},
        )
    },
)
def dynamodb_pitr(r: Found) -> Judgement:
    pitr = (r["backups"] or {}).get("PointInTimeRecoveryDescription", {})
    if pitr.get("PointInTimeRecoveryStatus") == "ENABLED":
        days = pitr.get("RecoveryPeriodInDays")
        return Pass(f"point-in-time recovery on ({days or 35} days)")
    return Fail("point-in-time recovery is off")
