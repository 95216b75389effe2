"""Data protection: classification, lifecycle, keys, encryption and access at rest (SEC07-08).

Also Secrets Manager rotation (SEC02-BP03/BP05): described only (ListSecrets), never read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from checks.calls import CallFailed
from checks.clock import scan_now
from checks.registry import (
    Context,
    Outcome,
    Scope,
    Verdict,
    check,
    failed,
    not_applicable,
    passed,
)
from checks.result import Cause, Resource, Status

# botocore refuses other bucket names before sending (real S3 has none; emulators may)
VALID_BUCKET = re.compile(r"^[a-zA-Z0-9.\-_]{1,255}$")
CLASSIFICATION_KEY = re.compile(r"classif|sensitiv", re.IGNORECASE)
PUBLIC_GROUPS = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)
BLOCK_SETTINGS = (
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
)
ROTATION_SLACK_DAYS = 2  # rotation runs inside a window: allow a little lateness

# Managed Config rules that keep data at rest encrypted or private (SourceIdentifier).
ENCRYPTION_RULES = frozenset(
    {
        "ENCRYPTED_VOLUMES",
        "EC2_EBS_ENCRYPTION_BY_DEFAULT",
        "RDS_STORAGE_ENCRYPTED",
        "RDS_SNAPSHOT_ENCRYPTED",
        "RDS_CLUSTER_ENCRYPTED_AT_REST",
        "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
        "S3_DEFAULT_ENCRYPTION_KMS",
        "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS",
        "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC",
        "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED",
        "S3_BUCKET_PUBLIC_READ_PROHIBITED",
        "S3_BUCKET_PUBLIC_WRITE_PROHIBITED",
        "EFS_ENCRYPTED_CHECK",
        "ELASTIC_FILE_SYSTEM_ENCRYPTED",
        "DYNAMODB_TABLE_ENCRYPTED_KMS",
        "DYNAMODB_TABLE_ENCRYPTION_ENABLED",
        "SNS_ENCRYPTED_KMS",
        "SQS_QUEUE_ENCRYPTED",
        "CLOUDWATCH_LOG_GROUP_ENCRYPTED",
        "KMS_CMK_NOT_SCHEDULED_FOR_DELETION",
        "CMK_BACKING_KEY_ROTATION_ENABLED",
        "EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK",
        "RDS_SNAPSHOTS_PUBLIC_PROHIBITED",
        "RDS_INSTANCE_PUBLIC_ACCESS_CHECK",
        "BACKUP_RECOVERY_POINT_ENCRYPTED",
    }
)


# --- shared readers ------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _document(text: Any) -> dict[str, Any]:
    """A policy document as a dict (AWS returns key and bucket policies as JSON text)."""
    if isinstance(text, dict):
        return text
    if isinstance(text, str):
        try:
            parsed = json.loads(text)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return {}


def _days_since(value: Any, now: datetime | None = None) -> int | None:
    if not isinstance(value, datetime):
        return None
    when: datetime = value if value.tzinfo else value.replace(tzinfo=UTC)
    return ((now or scan_now()) - when).days


def _classification(tags: Iterable[dict[str, Any]], key: str = "Key") -> str | None:
    """`key=value` of the first tag whose key names a classification or sensitivity."""
    for tag in tags:
        name = str(tag.get(key, tag.get("key", "")))
        if CLASSIFICATION_KEY.search(name):
            value = tag.get("Value", tag.get("value", ""))
            return f"{name}={value}"
    return None


def _classified(arn: str, tags: Iterable[dict[str, Any]], what: str) -> Resource:
    label = _classification(tags)
    if label:
        return passed(arn, f"{what} tagged {label}")
    return failed(arn, f"{what} has no classification or sensitivity tag")


def bucket_names(ctx: Context) -> list[str]:
    return [
        str(b["Name"]) for b in ctx.call("s3", "list_buckets").get("Buckets", []) if "Name" in b
    ]


def per_bucket(ctx: Context, examine: Callable[[str], Resource]) -> Outcome:
    """`examine` every bucket; names the S3 API refuses (emulators only) are reported."""
    names = bucket_names(ctx)
    found = [examine(n) for n in names if VALID_BUCKET.match(n)]
    odd = [n for n in names if not VALID_BUCKET.match(n)]
    if not odd:
        return found
    failing = [r for r in found if r.status is Status.FAIL]
    skipped = f"{len(odd)} bucket(s) not examined, their names are invalid: {', '.join(odd)}"
    if failing:
        return Verdict(
            Status.FAIL, f"{len(failing)} of {len(found)} failing; {skipped}", tuple(found)
        )
    return Verdict(Status.UNKNOWN, skipped, tuple(found), Cause.UNSUPPORTED)


def bucket_arn(ctx: Context, name: str) -> str:
    return f"arn:{ctx.partition}:s3:::{name}"


def account_block(ctx: Context) -> dict[str, bool]:
    """The account-level S3 Block Public Access settings ({} when none is set)."""
    response = ctx.call_if_exists(
        "s3control",
        "get_public_access_block",
        absent={"NoSuchPublicAccessBlockConfiguration"},
        AccountId=ctx.account_id,
    )
    config = (response or {}).get("PublicAccessBlockConfiguration", {})
    return {k: bool(config.get(k)) for k in BLOCK_SETTINGS}


def bucket_block(ctx: Context, name: str) -> dict[str, bool]:
    response = ctx.call_if_exists(
        "s3",
        "get_public_access_block",
        absent={"NoSuchPublicAccessBlockConfiguration"},
        Bucket=name,
    )
    config = (response or {}).get("PublicAccessBlockConfiguration", {})
    return {k: bool(config.get(k)) for k in BLOCK_SETTINGS}


def effective_block(ctx: Context, name: str) -> dict[str, bool]:
    """Bucket and account settings combined (either one turns a setting on)."""
    own = bucket_block(ctx, name)
    if all(own.values()):
        return own
    account = account_block(ctx)
    return {k: own[k] or account[k] for k in BLOCK_SETTINGS}


def volumes(ctx: Context) -> list[dict[str, Any]]:
    return list(ctx.call("ec2", "describe_volumes").get("Volumes", []))


def volume_arn(ctx: Context, volume_id: str) -> str:
    return f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account_id}:volume/{volume_id}"


def db_instances(ctx: Context) -> list[dict[str, Any]]:
    return list(ctx.call("rds", "describe_db_instances").get("DBInstances", []))


def db_clusters(ctx: Context) -> list[dict[str, Any]]:
    return list(ctx.call("rds", "describe_db_clusters").get("DBClusters", []))


def standalone_instances(ctx: Context) -> list[dict[str, Any]]:
    """DB instances that are not members of a cluster (cluster settings cover members)."""
    return [i for i in db_instances(ctx) if not i.get("DBClusterIdentifier")]


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


def file_systems(ctx: Context) -> list[dict[str, Any]]:
    return list(ctx.call("efs", "describe_file_systems").get("FileSystems", []))


def customer_keys(ctx: Context) -> list[dict[str, Any]]:
    """KeyMetadata of every customer managed KMS key in the region.

    Keys behind an `alias/aws/...` alias are AWS managed whatever KeyManager says: that
    prefix is reserved for AWS (moto reports its aws/ebs default key as CUSTOMER).
    """
    keys = ctx.call("kms", "list_keys").get("Keys", [])
    aws_managed = {
        a.get("TargetKeyId")
        for a in ctx.call("kms", "list_aliases").get("Aliases", [])
        if str(a.get("AliasName", "")).startswith("alias/aws/")
    }
    found = []
    for key in keys:
        if key["KeyId"] in aws_managed:
            continue
        meta = ctx.call("kms", "describe_key", KeyId=key["KeyId"]).get("KeyMetadata", {})
        if meta.get("KeyManager") == "CUSTOMER":
            found.append(dict(meta))
    return found


def backup_plans(ctx: Context) -> list[dict[str, Any]]:
    return list(ctx.call("backup", "list_backup_plans").get("BackupPlansList", []))


KMS_KEYS = ("kms:ListKeys", "kms:ListAliases", "kms:DescribeKey")
S3_LIST = ("s3:ListAllMyBuckets",)
S3_BLOCK = ("s3:GetBucketPublicAccessBlock", "s3:GetAccountPublicAccessBlock")


# --- SEC08-BP01: key management --------------------------------------------------------


@check(
    "kms.key_rotation",
    "Customer managed symmetric KMS keys rotate automatically",
    bps=("SEC08-BP01",),
    service="kms",
    scope=Scope.REGIONAL,
    actions=(*KMS_KEYS, "kms:GetKeyRotationStatus"),
)
def kms_key_rotation(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for meta in customer_keys(ctx):
        rotatable = (
            meta.get("KeyState") == "Enabled"
            and meta.get("KeySpec", meta.get("CustomerMasterKeySpec")) == "SYMMETRIC_DEFAULT"
            and meta.get("Origin", "AWS_KMS") == "AWS_KMS"
        )
        if not rotatable:  # asymmetric, HMAC, imported, custom key store, disabled: cannot
            continue
        arn = str(meta.get("Arn") or meta.get("KeyId"))
        status = ctx.call("kms", "get_key_rotation_status", KeyId=meta["KeyId"])
        if status.get("KeyRotationEnabled"):
            period = status.get("RotationPeriodInDays")
            found.append(passed(arn, f"rotates every {period} days" if period else "rotates"))
        else:
            found.append(failed(arn, "automatic key rotation is off"))
    return found


def _open_principal(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        return "*" in _as_list(principal.get("AWS"))
    return False


@check(
    "kms.key_policy_public",
    'Customer managed KMS key policies do not allow a "*" principal without conditions',
    bps=("SEC08-BP01", "SEC08-BP04"),
    service="kms",
    scope=Scope.REGIONAL,
    actions=(*KMS_KEYS, "kms:GetKeyPolicy"),
)
def kms_key_policy_public(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for meta in customer_keys(ctx):
        if str(meta.get("KeyState", "")).startswith("Pending"):  # deletion, import, ...
            continue
        arn = str(meta.get("Arn") or meta.get("KeyId"))
        policy = ctx.call("kms", "get_key_policy", KeyId=meta["KeyId"], PolicyName="default")
        open_sids = [
            str(s.get("Sid") or f"statement {n + 1}")
            for n, s in enumerate(_as_list(_document(policy.get("Policy")).get("Statement")))
            if isinstance(s, dict)
            and s.get("Effect") == "Allow"
            and _open_principal(s.get("Principal"))
            and not s.get("Condition")
        ]
        if open_sids:
            found.append(failed(arn, f'allows "*" without conditions ({", ".join(open_sids)})'))
        else:
            found.append(passed(arn, 'no unconditioned "*" principal'))
    return found


# --- SEC08-BP02: encryption at rest -----------------------------------------------------


@check(
    "ec2.ebs_encryption_by_default",
    "EBS encryption by default is on",
    bps=("SEC08-BP02",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=("ec2:GetEbsEncryptionByDefault",),
)
def ebs_encryption_by_default(ctx: Context) -> Outcome:
    if ctx.call("ec2", "get_ebs_encryption_by_default").get("EbsEncryptionByDefault"):
        return [passed(ctx.where, "new EBS volumes are encrypted by default")]
    return [failed(ctx.where, "EBS encryption by default is off in this region")]


@check(
    "ec2.ebs_volumes_encrypted",
    "EBS volumes are encrypted",
    bps=("SEC08-BP02",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=("ec2:DescribeVolumes",),
)
def ebs_volumes_encrypted(ctx: Context) -> Outcome:
    return [
        passed(volume_arn(ctx, v["VolumeId"]), "encrypted")
        if v.get("Encrypted")
        else failed(volume_arn(ctx, v["VolumeId"]), "volume is not encrypted")
        for v in volumes(ctx)
    ]


@check(
    "rds.storage_encrypted",
    "RDS instances and clusters encrypt their storage",
    bps=("SEC08-BP02",),
    service="rds",
    scope=Scope.REGIONAL,
    actions=("rds:DescribeDBInstances", "rds:DescribeDBClusters"),
)
def rds_storage_encrypted(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for cluster in db_clusters(ctx):
        arn = str(cluster.get("DBClusterArn") or cluster.get("DBClusterIdentifier"))
        if cluster.get("StorageEncrypted"):
            found.append(passed(arn, "cluster storage encrypted"))
        else:
            found.append(failed(arn, "cluster storage is not encrypted"))
    for db in standalone_instances(ctx):
        arn = str(db.get("DBInstanceArn") or db.get("DBInstanceIdentifier"))
        if db.get("StorageEncrypted"):
            found.append(passed(arn, "storage encrypted"))
        else:
            found.append(failed(arn, "instance storage is not encrypted"))
    return found


@check(
    "s3.default_encryption",
    "S3 buckets have default encryption (SSE-S3 or SSE-KMS)",
    bps=("SEC08-BP02",),
    service="s3",
    scope=Scope.GLOBAL,
    actions=(*S3_LIST, "s3:GetEncryptionConfiguration"),
)
def s3_default_encryption(ctx: Context) -> Outcome:
    def examine(name: str) -> Resource:
        response = ctx.call_if_exists(
            "s3",
            "get_bucket_encryption",
            absent={"ServerSideEncryptionConfigurationNotFoundError"},
            Bucket=name,
        )
        rules = (response or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
        algorithms = []
        for rule in rules:
            default = rule.get("ApplyServerSideEncryptionByDefault") or {}
            if default.get("SSEAlgorithm"):
                algorithm = str(default["SSEAlgorithm"])
                if algorithm.startswith("aws:kms"):
                    key = default.get("KMSMasterKeyID")
                    algorithm += f" ({key})" if key else " (AWS managed key)"
                    if rule.get("BucketKeyEnabled"):
                        algorithm += ", bucket key"
                algorithms.append(algorithm)
        arn = bucket_arn(ctx, name)
        if algorithms:
            return passed(arn, "default encryption " + "; ".join(algorithms))
        else:
            return failed(arn, "no default encryption configuration")

    return per_bucket(ctx, examine)


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
    "efs.encrypted",
    "EFS file systems are encrypted",
    bps=("SEC08-BP02",),
    service="efs",
    scope=Scope.REGIONAL,
    actions=("elasticfilesystem:DescribeFileSystems",),
)
def efs_encrypted(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for fs in file_systems(ctx):
        arn = str(fs.get("FileSystemArn") or fs.get("FileSystemId"))
        if fs.get("Encrypted"):
            found.append(passed(arn, f"encrypted ({fs.get('KmsKeyId') or 'KMS'})"))
        else:
            found.append(failed(arn, "file system is not encrypted"))
    return found


@check(
    "sns.topic_encryption",
    "SNS topics use server-side encryption",
    bps=("SEC08-BP02",),
    service="sns",
    scope=Scope.REGIONAL,
    actions=("sns:ListTopics", "sns:GetTopicAttributes"),
)
def sns_topic_encryption(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for topic in ctx.call("sns", "list_topics").get("Topics", []):
        arn = str(topic["TopicArn"])
        attributes = ctx.call("sns", "get_topic_attributes", TopicArn=arn).get("Attributes", {})
        key = attributes.get("KmsMasterKeyId")
        if key:
            found.append(passed(arn, f"encrypted with {key}"))
        else:
            found.append(failed(arn, "topic has no server-side encryption (no KMS key)"))
    return found


@check(
    "sqs.queue_encryption",
    "SQS queues use server-side encryption (SSE-SQS or SSE-KMS)",
    bps=("SEC08-BP02",),
    service="sqs",
    scope=Scope.REGIONAL,
    actions=("sqs:ListQueues", "sqs:GetQueueAttributes"),
)
def sqs_queue_encryption(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for url in ctx.call("sqs", "list_queues").get("QueueUrls", []):
        attributes = ctx.call(
            "sqs", "get_queue_attributes", QueueUrl=url, AttributeNames=["All"]
        ).get("Attributes", {})
        arn = str(attributes.get("QueueArn") or url)
        key = attributes.get("KmsMasterKeyId")
        if key:
            found.append(passed(arn, f"SSE-KMS with {key}"))
        elif str(attributes.get("SqsManagedSseEnabled", "")).lower() == "true":
            found.append(passed(arn, "SSE-SQS"))
        else:
            found.append(failed(arn, "queue has no server-side encryption"))
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


# --- SEC08-BP03: automated protection ---------------------------------------------------


def _region_has_data_stores(ctx: Context) -> bool:
    return bool(
        volumes(ctx)
        or db_instances(ctx)
        or db_clusters(ctx)
        or ctx.call("dynamodb", "list_tables").get("TableNames")
        or file_systems(ctx)
    )


DATA_STORE_ACTIONS = (
    "ec2:DescribeVolumes",
    "rds:DescribeDBInstances",
    "rds:DescribeDBClusters",
    "dynamodb:ListTables",
    "elasticfilesystem:DescribeFileSystems",
)


@check(
    "backup.plans",
    "AWS Backup plans with resources assigned protect the region's data stores",
    bps=("SEC08-BP03", "SEC07-BP04"),
    service="backup",
    scope=Scope.REGIONAL,
    actions=("backup:ListBackupPlans", "backup:ListBackupSelections", *DATA_STORE_ACTIONS),
    services=("backup", "ec2", "rds", "dynamodb", "efs"),
)
def backup_plans_assigned(ctx: Context) -> Outcome:
    plans = backup_plans(ctx)
    if not plans:
        if _region_has_data_stores(ctx):
            return [failed(ctx.where, "data stores but no AWS Backup plan in this region")]
        return not_applicable("no AWS Backup plan and no data stores in this region")
    found: list[Resource] = []
    for plan in plans:
        arn = str(plan.get("BackupPlanArn") or plan.get("BackupPlanId"))
        selections = ctx.call(
            "backup", "list_backup_selections", BackupPlanId=plan["BackupPlanId"]
        ).get("BackupSelectionsList", [])
        name = plan.get("BackupPlanName")
        if selections:
            found.append(passed(arn, f"plan {name}: {len(selections)} resource assignment(s)"))
        else:
            found.append(failed(arn, f"plan {name} has no resources assigned"))
    return found


@check(
    "config.encryption_rules",
    "AWS Config rules watch encryption and public access of data at rest",
    bps=("SEC08-BP03",),
    service="config",
    scope=Scope.REGIONAL,
    actions=("config:DescribeConfigRules",),
)
def config_encryption_rules(ctx: Context) -> Outcome:
    rules = ctx.call("config", "describe_config_rules").get("ConfigRules", [])
    found = [
        passed(
            str(r.get("ConfigRuleArn") or r.get("ConfigRuleName")),
            f"{r.get('ConfigRuleName')} ({r['Source']['SourceIdentifier']})",
        )
        for r in rules
        if str((r.get("Source") or {}).get("SourceIdentifier", "")).upper() in ENCRYPTION_RULES
        and r.get("ConfigRuleState", "ACTIVE") == "ACTIVE"
    ]
    if not found:
        return [
            failed(
                ctx.where,
                f"no active Config rule on data encryption or public access ({len(rules)} rules)",
            )
        ]
    return found


# --- SEC08-BP04: access control ----------------------------------------------------------


@check(
    "s3.account_public_access_block",
    "S3 Block Public Access is fully on at account level",
    bps=("SEC08-BP04",),
    service="s3control",
    scope=Scope.GLOBAL,
    actions=("s3:GetAccountPublicAccessBlock",),
)
def s3_account_public_access_block(ctx: Context) -> Outcome:
    settings = account_block(ctx)
    off = [k for k, on in settings.items() if not on]
    if not off:
        return [passed(ctx.where, "all four Block Public Access settings are on")]
    if len(off) == len(BLOCK_SETTINGS):
        return [failed(ctx.where, "account-level S3 Block Public Access is not set")]
    return [failed(ctx.where, "account-level Block Public Access off: " + ", ".join(off))]


@check(
    "s3.bucket_public_access_block",
    "S3 buckets have Block Public Access on (bucket or account level)",
    bps=("SEC08-BP04",),
    service="s3",
    scope=Scope.GLOBAL,
    actions=(*S3_LIST, *S3_BLOCK),
    services=("s3", "s3control"),
)
def s3_bucket_public_access_block(ctx: Context) -> Outcome:
    def examine(name: str) -> Resource:
        own = bucket_block(ctx, name)
        settings = effective_block(ctx, name)
        off = [k for k, on in settings.items() if not on]
        arn = bucket_arn(ctx, name)
        if off:
            return failed(arn, "Block Public Access off: " + ", ".join(off))
        elif all(own.values()):
            return passed(arn, "Block Public Access on for the bucket")
        else:
            return passed(arn, "Block Public Access on (with the account-level settings)")

    return per_bucket(ctx, examine)


@check(
    "s3.bucket_public",
    "No S3 bucket is public through its policy or ACL",
    bps=("SEC08-BP04",),
    service="s3",
    scope=Scope.GLOBAL,
    actions=(*S3_LIST, *S3_BLOCK, "s3:GetBucketPolicyStatus", "s3:GetBucketAcl"),
    services=("s3", "s3control"),
)
def s3_bucket_public(ctx: Context) -> Outcome:
    def examine(name: str) -> Resource:
        block = effective_block(ctx, name)
        problems = []
        if not block["RestrictPublicBuckets"]:
            status = ctx.call_if_exists(
                "s3", "get_bucket_policy_status", absent={"NoSuchBucketPolicy"}, Bucket=name
            )
            if (status or {}).get("PolicyStatus", {}).get("IsPublic"):
                problems.append("bucket policy is public")
        if not block["IgnorePublicAcls"]:
            grants = ctx.call("s3", "get_bucket_acl", Bucket=name).get("Grants", [])
            groups = sorted(
                {
                    str(g["Grantee"]["URI"]).rsplit("/", 1)[-1]
                    for g in grants
                    if (g.get("Grantee") or {}).get("URI") in PUBLIC_GROUPS
                }
            )
            if groups:
                problems.append(f"ACL grants access to {' and '.join(groups)}")
        arn = bucket_arn(ctx, name)
        if problems:
            return failed(arn, "; ".join(problems))
        else:
            return passed(arn, "not public by policy or ACL")

    return per_bucket(ctx, examine)


@check(
    "ec2.snapshot_public",
    "No EBS snapshot owned by the account is public",
    bps=("SEC08-BP04",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=("ec2:DescribeSnapshots", "ec2:DescribeSnapshotAttribute"),
)
def ebs_snapshot_public(ctx: Context) -> Outcome:
    found: list[Resource] = []
    snapshots = ctx.call("ec2", "describe_snapshots", OwnerIds=["self"]).get("Snapshots", [])
    for snapshot in snapshots:
        snapshot_id = snapshot["SnapshotId"]
        arn = f"arn:{ctx.partition}:ec2:{ctx.region}::snapshot/{snapshot_id}"
        permissions = ctx.call(
            "ec2",
            "describe_snapshot_attribute",
            SnapshotId=snapshot_id,
            Attribute="createVolumePermission",
        ).get("CreateVolumePermissions", [])
        if any(p.get("Group") == "all" for p in permissions):
            found.append(failed(arn, "snapshot is public (anyone can create a volume from it)"))
        else:
            shared = len([p for p in permissions if p.get("UserId")])
            found.append(passed(arn, f"private (shared with {shared} account(s))"))
    return found


def _restorable_by_all(attributes: dict[str, Any]) -> bool:
    return any(
        a.get("AttributeName") == "restore" and "all" in _as_list(a.get("AttributeValues"))
        for a in attributes.get(
            "DBSnapshotAttributes", attributes.get("DBClusterSnapshotAttributes", [])
        )
    )


@check(
    "rds.snapshot_public",
    "No manual RDS snapshot (instance or cluster) is public",
    bps=("SEC08-BP04",),
    service="rds",
    scope=Scope.REGIONAL,
    actions=(
        "rds:DescribeDBSnapshots",
        "rds:DescribeDBSnapshotAttributes",
        "rds:DescribeDBClusterSnapshots",
        "rds:DescribeDBClusterSnapshotAttributes",
    ),
)
def rds_snapshot_public(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for snapshot in ctx.call("rds", "describe_db_snapshots").get("DBSnapshots", []):
        if snapshot.get("SnapshotType") != "manual":  # only manual snapshots can be shared
            continue
        ident = snapshot["DBSnapshotIdentifier"]
        arn = str(snapshot.get("DBSnapshotArn") or ident)
        result = ctx.call("rds", "describe_db_snapshot_attributes", DBSnapshotIdentifier=ident)
        if _restorable_by_all(result.get("DBSnapshotAttributesResult", {})):
            found.append(failed(arn, "snapshot is public (restorable by anyone)"))
        else:
            found.append(passed(arn, "private"))
    clusters = ctx.call("rds", "describe_db_cluster_snapshots").get("DBClusterSnapshots", [])
    for snapshot in clusters:
        if snapshot.get("SnapshotType") != "manual":
            continue
        ident = snapshot["DBClusterSnapshotIdentifier"]
        arn = str(snapshot.get("DBClusterSnapshotArn") or ident)
        result = ctx.call(
            "rds", "describe_db_cluster_snapshot_attributes", DBClusterSnapshotIdentifier=ident
        )
        if _restorable_by_all(result.get("DBClusterSnapshotAttributesResult", {})):
            found.append(failed(arn, "cluster snapshot is public (restorable by anyone)"))
        else:
            found.append(passed(arn, "private"))
    return found


@check(
    "rds.public_access",
    "RDS instances are not publicly accessible",
    bps=("SEC08-BP04",),
    service="rds",
    scope=Scope.REGIONAL,
    actions=("rds:DescribeDBInstances",),
)
def rds_public_access(ctx: Context) -> Outcome:
    return [
        failed(str(db.get("DBInstanceArn")), "instance is publicly accessible")
        if db.get("PubliclyAccessible")
        else passed(str(db.get("DBInstanceArn")), "not publicly accessible")
        for db in db_instances(ctx)
    ]


# --- SEC07-BP01/BP02: classification tags ----------------------------------------------


@check(
    "s3.classification_tag",
    "S3 buckets carry a data classification tag",
    bps=("SEC07-BP01", "SEC07-BP02"),
    service="s3",
    scope=Scope.GLOBAL,
    actions=(*S3_LIST, "s3:GetBucketTagging"),
)
def s3_classification_tag(ctx: Context) -> Outcome:
    def examine(name: str) -> Resource:
        response = ctx.call_if_exists(
            "s3", "get_bucket_tagging", absent={"NoSuchTagSet"}, Bucket=name
        )
        return _classified(bucket_arn(ctx, name), (response or {}).get("TagSet", []), "bucket")

    return per_bucket(ctx, examine)


@check(
    "rds.classification_tag",
    "RDS instances and clusters carry a data classification tag",
    bps=("SEC07-BP01", "SEC07-BP02"),
    service="rds",
    scope=Scope.REGIONAL,
    actions=("rds:DescribeDBInstances", "rds:DescribeDBClusters"),
)
def rds_classification_tag(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for cluster in db_clusters(ctx):
        arn = str(cluster.get("DBClusterArn") or cluster.get("DBClusterIdentifier"))
        found.append(_classified(arn, cluster.get("TagList") or [], "cluster"))
    for db in standalone_instances(ctx):
        arn = str(db.get("DBInstanceArn") or db.get("DBInstanceIdentifier"))
        found.append(_classified(arn, db.get("TagList") or [], "instance"))
    return found


@check(
    "dynamodb.classification_tag",
    "DynamoDB tables carry a data classification tag",
    bps=("SEC07-BP01", "SEC07-BP02"),
    service="dynamodb",
    scope=Scope.REGIONAL,
    actions=("dynamodb:ListTables", "dynamodb:DescribeTable", "dynamodb:ListTagsOfResource"),
)
def dynamodb_classification_tag(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for table in tables(ctx):
        arn = table_arn(ctx, table)
        tags = ctx.call("dynamodb", "list_tags_of_resource", ResourceArn=arn).get("Tags", [])
        found.append(_classified(arn, tags, "table"))
    return found


# --- SEC07-BP03: automated classification ----------------------------------------------


def _macie_not_enabled(error: CallFailed) -> bool:
    """Macie answers GetMacieSession with an error when it is off in the region."""
    if error.code == "ResourceNotFoundException":
        return True
    cause = error.__cause__
    message = ""
    if cause is not None and hasattr(cause, "response"):
        message = str(cause.response.get("Error", {}).get("Message", ""))
    return error.code == "AccessDeniedException" and "not enabled" in message.lower()


@check(
    "macie.sensitive_data_discovery",
    "Amazon Macie runs automated discovery or classification jobs",
    bps=("SEC07-BP03",),
    service="macie2",
    scope=Scope.REGIONAL,
    actions=(
        "macie2:GetMacieSession",
        "macie2:GetAutomatedDiscoveryConfiguration",
        "macie2:ListClassificationJobs",
    ),
)
def macie_discovery(ctx: Context) -> Outcome:
    try:
        session = ctx.call("macie2", "get_macie_session")
    except CallFailed as error:
        if _macie_not_enabled(error):
            return [failed(ctx.where, "Amazon Macie is not enabled in this region")]
        raise
    status = session.get("status")
    if status != "ENABLED":
        return [failed(ctx.where, f"Amazon Macie is {status or 'not enabled'} in this region")]
    automated = ctx.call("macie2", "get_automated_discovery_configuration")
    if automated.get("status") == "ENABLED":
        return [passed(ctx.where, "Macie automated sensitive data discovery is on")]
    jobs = ctx.call("macie2", "list_classification_jobs").get("items", [])
    active = [j for j in jobs if j.get("jobStatus") not in ("CANCELLED", "USER_PAUSED", "PAUSED")]
    if active:
        return [
            passed(
                f"arn:{ctx.partition}:macie2:{ctx.region}:{ctx.account_id}:classification-job/"
                f"{j.get('jobId')}",
                f"classification job {j.get('name')} ({j.get('jobStatus')})",
            )
            for j in active
        ]
    detail = "Macie is on but automated discovery is off and no classification job runs"
    return [failed(ctx.where, detail)]


# --- SEC07-BP04: lifecycle ---------------------------------------------------------------


@check(
    "s3.lifecycle",
    "S3 buckets have an enabled lifecycle rule",
    bps=("SEC07-BP04",),
    service="s3",
    scope=Scope.GLOBAL,
    actions=(*S3_LIST, "s3:GetLifecycleConfiguration"),
)
def s3_lifecycle(ctx: Context) -> Outcome:
    def examine(name: str) -> Resource:
        response = ctx.call_if_exists(
            "s3",
            "get_bucket_lifecycle_configuration",
            absent={"NoSuchLifecycleConfiguration"},
            Bucket=name,
        )
        rules = (response or {}).get("Rules", [])
        enabled = [r for r in rules if r.get("Status") == "Enabled"]
        arn = bucket_arn(ctx, name)
        if enabled:
            return passed(arn, f"{len(enabled)} enabled lifecycle rule(s)")
        elif rules:
            return failed(arn, f"{len(rules)} lifecycle rule(s), none enabled")
        else:
            return failed(arn, "no lifecycle configuration")

    return per_bucket(ctx, examine)


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


@check(
    "rds.backup_retention",
    "RDS instances and clusters keep automated backups",
    bps=("SEC07-BP04",),
    service="rds",
    scope=Scope.REGIONAL,
    actions=("rds:DescribeDBInstances", "rds:DescribeDBClusters"),
)
def rds_backup_retention(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for cluster in db_clusters(ctx):
        arn = str(cluster.get("DBClusterArn") or cluster.get("DBClusterIdentifier"))
        days = int(cluster.get("BackupRetentionPeriod") or 0)
        if days > 0:
            found.append(passed(arn, f"automated backups kept {days} days"))
        else:
            found.append(failed(arn, "automated backups are off (retention 0)"))
    for db in standalone_instances(ctx):
        arn = str(db.get("DBInstanceArn") or db.get("DBInstanceIdentifier"))
        if db.get("ReadReplicaSourceDBInstanceIdentifier") or db.get(
            "ReadReplicaSourceDBClusterIdentifier"
        ):
            continue  # read replicas need no backups of their own
        days = int(db.get("BackupRetentionPeriod") or 0)
        if days > 0:
            found.append(passed(arn, f"automated backups kept {days} days"))
        else:
            found.append(failed(arn, "automated backups are off (retention 0)"))
    return found


@check(
    "dlm.ebs_snapshot_policies",
    "EBS snapshots are managed by Data Lifecycle Manager (or AWS Backup)",
    bps=("SEC07-BP04",),
    service="dlm",
    scope=Scope.REGIONAL,
    actions=("dlm:GetLifecyclePolicies", "ec2:DescribeVolumes", "backup:ListBackupPlans"),
    services=("dlm", "ec2", "backup"),
)
def dlm_policies(ctx: Context) -> Outcome:
    if not volumes(ctx):
        return not_applicable("no EBS volumes in this region")
    policies = ctx.call("dlm", "get_lifecycle_policies").get("Policies", [])
    enabled = [p for p in policies if p.get("State") == "ENABLED"]
    if enabled:
        return [
            passed(
                str(p.get("PolicyArn") or p.get("PolicyId")),
                f"{p.get('PolicyType') or 'DLM'} policy: {p.get('Description') or ''}".rstrip(": "),
            )
            for p in enabled
        ]
    plans = backup_plans(ctx)
    if plans:
        names = ", ".join(str(p.get("BackupPlanName")) for p in plans)
        return not_applicable(f"no DLM policy; AWS Backup plan(s) may cover EBS: {names}")
    return [failed(ctx.where, "EBS volumes but no DLM policy and no AWS Backup plan")]


# --- Secrets Manager (SEC02-BP03 / SEC02-BP05) --------------------------------------------


def _rotation_window_days(secret: dict[str, Any]) -> int | None:
    rules = secret.get("RotationRules") or {}
    days = rules.get("AutomaticallyAfterDays")
    return int(days) if days else None


@check(
    "secretsmanager.rotation",
    "Secrets Manager secrets rotate automatically and on time",
    bps=("SEC02-BP05", "SEC02-BP03"),
    service="secretsmanager",
    scope=Scope.REGIONAL,
    actions=("secretsmanager:ListSecrets",),
)
def secrets_rotation(ctx: Context) -> Outcome:
    found: list[Resource] = []
    now = scan_now()
    for secret in ctx.call("secretsmanager", "list_secrets").get("SecretList", []):
        arn = str(secret.get("ARN") or secret.get("Name"))
        if not secret.get("RotationEnabled"):
            found.append(failed(arn, "automatic rotation is off"))
            continue
        window = _rotation_window_days(secret)
        age = _days_since(secret.get("LastRotatedDate"), now)
        if window is not None and age is not None and age > window + ROTATION_SLACK_DAYS:
            found.append(failed(arn, f"last rotated {age} days ago (rotation every {window} days)"))
        elif age is not None:
            found.append(passed(arn, f"rotation on, last rotated {age} days ago"))
        else:
            found.append(passed(arn, "rotation on"))
    return found
