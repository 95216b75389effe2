"""Data checks (checks/data.py) under moto and botocore's Stubber: PASS, FAIL, N/A, UNKNOWN."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from checks.demo import ACCOUNT_ID
from checks.result import GLOBAL, Cause, CheckResult, Status
from checks.testing import Harness, failing_ids

EU, US = "eu-west-1", "us-east-1"
KEY_SCHEMA = {
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}
ALL_BLOCKED = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def eu(account: Harness, check_id: str) -> CheckResult:
    return account.run(check_id)[EU]


def bucket(account: Harness, name: str) -> None:
    account.client("s3").create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": EU}
    )


def table(account: Harness, name: str, region: str = EU) -> str:
    ddb = account.client("dynamodb", region)
    return str(ddb.create_table(TableName=name, **KEY_SCHEMA)["TableDescription"]["TableArn"])


def db(account: Harness, name: str, region: str = EU, **settings: Any) -> str:
    rds = account.client("rds", region)
    response = rds.create_db_instance(
        DBInstanceIdentifier=name,
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="app",
        MasterUserPassword="not-a-real-password",
        AllocatedStorage=20,
        **settings,
    )
    return str(response["DBInstance"]["DBInstanceArn"])


# --- access denied: every check ends UNKNOWN naming the refused action ------------------


def _bucket(account: Harness) -> None:
    bucket(account, "acme-data")


def _volume(account: Harness) -> None:
    account.client("ec2").create_volume(AvailabilityZone=f"{EU}a", Size=8)


def _table(account: Harness) -> None:
    table(account, "orders")


def _macie_on(account: Harness) -> None:
    account.client("macie2").enable_macie()


DENIED = [
    ("kms.key_rotation", None, "kms:ListKeys"),
    ("kms.key_policy_public", None, "kms:ListKeys"),
    ("ec2.ebs_encryption_by_default", None, "ec2:GetEbsEncryptionByDefault"),
    ("ec2.ebs_volumes_encrypted", None, "ec2:DescribeVolumes"),
    ("rds.storage_encrypted", None, "rds:DescribeDBClusters"),
    ("s3.default_encryption", None, "s3:ListAllMyBuckets"),
    ("s3.default_encryption", _bucket, "s3:GetEncryptionConfiguration"),
    ("dynamodb.table_encryption", None, "dynamodb:ListTables"),
    ("dynamodb.table_encryption", _table, "dynamodb:DescribeTable"),
    ("efs.encrypted", None, "elasticfilesystem:DescribeFileSystems"),
    ("sns.topic_encryption", None, "sns:ListTopics"),
    ("sqs.queue_encryption", None, "sqs:ListQueues"),
    ("logs.group_kms", None, "logs:DescribeLogGroups"),
    ("backup.plans", None, "backup:ListBackupPlans"),
    ("backup.plans", None, "ec2:DescribeVolumes"),
    ("config.encryption_rules", None, "config:DescribeConfigRules"),
    ("s3.account_public_access_block", None, "s3:GetAccountPublicAccessBlock"),
    ("s3.bucket_public_access_block", _bucket, "s3:GetAccountPublicAccessBlock"),
    ("s3.bucket_public_access_block", _bucket, "s3:GetBucketPublicAccessBlock"),
    ("s3.bucket_public", _bucket, "s3:GetBucketPolicyStatus"),
    ("s3.bucket_public", _bucket, "s3:GetBucketAcl"),
    ("ec2.snapshot_public", None, "ec2:DescribeSnapshots"),
    ("rds.snapshot_public", None, "rds:DescribeDBSnapshots"),
    ("rds.public_access", None, "rds:DescribeDBInstances"),
    ("s3.classification_tag", _bucket, "s3:GetBucketTagging"),
    ("rds.classification_tag", None, "rds:DescribeDBClusters"),
    ("dynamodb.classification_tag", _table, "dynamodb:ListTagsOfResource"),
    ("macie.sensitive_data_discovery", None, "macie2:GetMacieSession"),
    ("s3.lifecycle", _bucket, "s3:GetLifecycleConfiguration"),
    ("logs.data_retention", None, "logs:DescribeLogGroups"),
    ("dynamodb.pitr", _table, "dynamodb:DescribeContinuousBackups"),
    ("rds.backup_retention", None, "rds:DescribeDBClusters"),
    ("dlm.ebs_snapshot_policies", _volume, "dlm:GetLifecyclePolicies"),
    ("secretsmanager.rotation", None, "secretsmanager:ListSecrets"),
]


@pytest.mark.parametrize(("check_id", "seed", "action"), DENIED)
def test_denied_is_unknown_naming_the_action(account, check_id, seed, action):
    if seed is not None:
        seed(account)
    account.deny(action)
    results = account.run(check_id)
    result = results.get(EU) or results[GLOBAL]
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED), result
    assert result.missing_action == action


def test_every_data_check_has_a_denial_test():
    from checks.registry import all_checks

    mine = {c.id for c in all_checks() if c.module == "checks.data"}
    assert mine == {check_id for check_id, _, _ in DENIED}


# --- nothing to examine ----------------------------------------------------------------

EMPTY = [
    "kms.key_rotation",
    "kms.key_policy_public",
    "ec2.ebs_volumes_encrypted",
    "rds.storage_encrypted",
    "dynamodb.table_encryption",
    "efs.encrypted",
    "sns.topic_encryption",
    "sqs.queue_encryption",
    "logs.group_kms",
    "backup.plans",
    "ec2.snapshot_public",
    "rds.snapshot_public",
    "rds.public_access",
    "rds.classification_tag",
    "dynamodb.classification_tag",
    "logs.data_retention",
    "dynamodb.pitr",
    "rds.backup_retention",
    "dlm.ebs_snapshot_policies",
    "secretsmanager.rotation",
]
EMPTY_GLOBAL = [
    "s3.default_encryption",
    "s3.bucket_public_access_block",
    "s3.bucket_public",
    "s3.classification_tag",
    "s3.lifecycle",
]


@pytest.mark.parametrize("check_id", EMPTY)
def test_not_applicable_on_an_empty_region(account, check_id):
    results = account.run(check_id)
    assert {r.status for r in results.values()} == {Status.NOT_APPLICABLE}, results


@pytest.mark.parametrize("check_id", EMPTY_GLOBAL)
def test_bucket_checks_not_applicable_without_buckets(account, check_id):
    assert account.one(check_id).status is Status.NOT_APPLICABLE


def test_account_wide_settings_are_never_not_applicable(account):
    # Settings that exist in every account: "absent" is a FAIL with the account as resource.
    assert eu(account, "ec2.ebs_encryption_by_default").status is Status.FAIL
    assert eu(account, "config.encryption_rules").status is Status.FAIL
    result = account.one("s3.account_public_access_block")
    assert failing_ids(result) == {ACCOUNT_ID}


# --- SEC08-BP01: keys ------------------------------------------------------------------


def test_kms_key_rotation(account):
    kms = account.client("kms")
    rotating = kms.create_key(Description="rotating")["KeyMetadata"]
    kms.enable_key_rotation(KeyId=rotating["KeyId"])
    assert eu(account, "kms.key_rotation").status is Status.PASS
    still = kms.create_key(Description="never rotated")["KeyMetadata"]
    kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")  # cannot rotate: not examined
    off = kms.create_key(Description="disabled")["KeyMetadata"]
    kms.disable_key(KeyId=off["KeyId"])  # disabled: not examined
    result = eu(account, "kms.key_rotation")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {still["Arn"]}
    assert "rotation is off" in result.failing[0].detail
    assert {r.id for r in result.resources} == {rotating["Arn"], still["Arn"]}


def test_kms_aws_ebs_default_key_is_not_customer_managed(account):
    # An encrypted volume without a key makes moto create the aws/ebs key as CUSTOMER,
    # without rotation; in AWS it is AWS managed (alias/aws/... is reserved): no finding.
    ec2 = account.client("ec2")
    ec2.enable_ebs_encryption_by_default()
    ec2.create_volume(AvailabilityZone="eu-west-1a", Size=8, Encrypted=True)
    kms = account.client("kms")
    aliases = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
    assert aliases.get("alias/aws/ebs")  # the quirk this test guards against
    mine = kms.create_key(Description="mine")["KeyMetadata"]
    kms.enable_key_rotation(KeyId=mine["KeyId"])
    result = eu(account, "kms.key_rotation")
    assert result.status is Status.PASS
    assert {r.id for r in result.resources} == {mine["Arn"]}
    assert {r.id for r in eu(account, "kms.key_policy_public").resources} == {mine["Arn"]}


def _policy(*statements: dict[str, Any]) -> str:
    root = {
        "Sid": "Root",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [root, *statements]})


def test_kms_key_policy_public(account):
    kms = account.client("kms")
    conditioned = kms.create_key(
        Policy=_policy(
            {
                "Sid": "ViaS3",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:CallerAccount": ACCOUNT_ID}},
            },
            {"Sid": "DenyAll", "Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"},
        )
    )["KeyMetadata"]
    assert eu(account, "kms.key_policy_public").status is Status.PASS
    open_key = kms.create_key(
        Policy=_policy(
            {
                "Sid": "Anyone",
                "Effect": "Allow",
                "Principal": {"AWS": ["*"]},
                "Action": "kms:Decrypt",
                "Resource": "*",
            },
            {"Effect": "Allow", "Principal": "*", "Action": "kms:Encrypt", "Resource": "*"},
        )
    )["KeyMetadata"]
    result = eu(account, "kms.key_policy_public")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {open_key["Arn"]}
    assert "Anyone, statement 3" in result.failing[0].detail
    assert conditioned["Arn"] in {r.id for r in result.resources}


# --- SEC08-BP02: encryption ----------------------------------------------------------------


def test_ebs_encryption_by_default(account):
    account.client("ec2").enable_ebs_encryption_by_default()
    results = account.run("ec2.ebs_encryption_by_default")
    assert results[EU].status is Status.PASS
    assert results[US].status is Status.FAIL
    assert failing_ids(results[US]) == {f"{ACCOUNT_ID}/{US}"}


def test_ebs_volumes_encrypted(account):
    ec2 = account.client("ec2", US)
    ec2.create_volume(AvailabilityZone=f"{US}a", Size=8, Encrypted=True)
    assert account.run("ec2.ebs_volumes_encrypted")[US].status is Status.PASS
    plain = ec2.create_volume(AvailabilityZone=f"{US}b", Size=8)["VolumeId"]
    result = account.run("ec2.ebs_volumes_encrypted")[US]
    assert failing_ids(result) == {f"arn:aws:ec2:{US}:{ACCOUNT_ID}:volume/{plain}"}


def test_rds_storage_encrypted_instances_and_clusters(account):
    db(account, "good", StorageEncrypted=True)
    assert eu(account, "rds.storage_encrypted").status is Status.PASS
    bad = db(account, "bad", StorageEncrypted=False)
    rds = account.client("rds")
    cluster = rds.create_db_cluster(
        DBClusterIdentifier="aurora-plain",
        Engine="aurora-postgresql",
        MasterUsername="app",
        MasterUserPassword="not-a-real-password",
        StorageEncrypted=False,
    )["DBCluster"]
    rds.create_db_instance(  # a member: judged by its cluster, not listed on its own
        DBInstanceIdentifier="aurora-plain-1",
        DBInstanceClass="db.r6g.large",
        Engine="aurora-postgresql",
        DBClusterIdentifier="aurora-plain",
    )
    result = eu(account, "rds.storage_encrypted")
    assert failing_ids(result) == {bad, cluster["DBClusterArn"]}
    assert not any("aurora-plain-1" in r.id for r in result.resources)


def test_s3_default_encryption(account):
    s3 = account.client("s3")
    for name, algorithm in (("sse-s3", "AES256"), ("sse-kms", "aws:kms")):
        bucket(account, name)
        s3.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": algorithm},
                        "BucketKeyEnabled": algorithm == "aws:kms",
                    }
                ]
            },
        )
    result = account.one("s3.default_encryption")
    assert result.status is Status.PASS
    details = {r.id: r.detail for r in result.resources}
    assert details["arn:aws:s3:::sse-s3"] == "default encryption AES256"
    assert "bucket key" in details["arn:aws:s3:::sse-kms"]
    bucket(account, "no-config")
    result = account.one("s3.default_encryption")
    assert failing_ids(result) == {"arn:aws:s3:::no-config"}


def test_dynamodb_encryption_never_fails_an_aws_owned_key(account):
    owned = table(account, "owned")
    ddb = account.client("dynamodb")
    kms_arn = ddb.create_table(
        TableName="kms", SSESpecification={"Enabled": True, "SSEType": "KMS"}, **KEY_SCHEMA
    )["TableDescription"]["TableArn"]
    result = eu(account, "dynamodb.table_encryption")
    assert result.status is Status.PASS
    details = {r.id: r.detail for r in result.resources}
    assert details[owned] == "encrypted with an AWS owned key"
    assert details[kms_arn].startswith("encrypted with KMS")


def test_dynamodb_encryption_disabled_fails(account):
    stub = account.stub("dynamodb", EU)
    stub.add_response("list_tables", {"TableNames": ["tbl"]})
    arn = f"arn:aws:dynamodb:{EU}:{ACCOUNT_ID}:table/tbl"
    stub.add_response(
        "describe_table",
        {"Table": {"TableName": "tbl", "TableArn": arn, "SSEDescription": {"Status": "DISABLED"}}},
    )
    result = eu(account, "dynamodb.table_encryption")
    assert failing_ids(result) == {arn}


def test_efs_encrypted(account):
    efs = account.client("efs", US)
    efs.create_file_system(CreationToken="enc", Encrypted=True)
    assert account.run("efs.encrypted")[US].status is Status.PASS
    plain = efs.create_file_system(CreationToken="plain")["FileSystemArn"]
    assert failing_ids(account.run("efs.encrypted")[US]) == {plain}


def test_sns_topic_encryption(account):
    sns = account.client("sns")
    sns.create_topic(Name="enc", Attributes={"KmsMasterKeyId": "alias/aws/sns"})
    assert eu(account, "sns.topic_encryption").status is Status.PASS
    plain = sns.create_topic(Name="plain")["TopicArn"]
    assert failing_ids(eu(account, "sns.topic_encryption")) == {plain}


def test_sqs_queue_encryption(account):
    sqs = account.client("sqs")
    sqs.create_queue(QueueName="sse-sqs")  # SSE-SQS is the default
    sqs.create_queue(QueueName="sse-kms", Attributes={"KmsMasterKeyId": "alias/aws/sqs"})
    assert eu(account, "sqs.queue_encryption").status is Status.PASS
    sqs.create_queue(QueueName="plain", Attributes={"SqsManagedSseEnabled": "false"})
    result = eu(account, "sqs.queue_encryption")
    assert failing_ids(result) == {f"arn:aws:sqs:{EU}:{ACCOUNT_ID}:plain"}


def test_log_group_kms_is_a_signal_never_a_failure(account):
    logs = account.client("logs")
    logs.create_log_group(logGroupName="/plain")
    result = eu(account, "logs.group_kms")
    assert result.status is Status.PASS
    assert "no customer KMS key" in result.resources[0].detail


# --- SEC08-BP03: automation -------------------------------------------------------------


def test_backup_plans_fail_only_where_data_stores_exist(account):
    _volume(account)
    results = account.run("backup.plans")
    assert results[US].status is Status.NOT_APPLICABLE  # nothing to back up there
    assert failing_ids(results[EU]) == {f"{ACCOUNT_ID}/{EU}"}


def test_backup_plans_read_resource_assignments(account):
    stub = account.stub("backup", EU)  # moto has no ListBackupSelections
    plans = [
        {"BackupPlanArn": f"arn:aws:backup:{EU}:{ACCOUNT_ID}:backup-plan:{n}", "BackupPlanId": n}
        for n in ("p1", "p2")
    ]
    plans[0]["BackupPlanName"], plans[1]["BackupPlanName"] = "daily", "empty"
    stub.add_response("list_backup_plans", {"BackupPlansList": plans})
    selection = {"SelectionId": "s1", "SelectionName": "all-tagged", "BackupPlanId": "p1"}
    stub.add_response(
        "list_backup_selections", {"BackupSelectionsList": [selection]}, {"BackupPlanId": "p1"}
    )
    stub.add_response(
        "list_backup_selections", {"BackupSelectionsList": []}, {"BackupPlanId": "p2"}
    )
    result = eu(account, "backup.plans")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {plans[1]["BackupPlanArn"]}
    assert "no resources assigned" in result.failing[0].detail


def test_backup_selections_unsupported_is_unknown(account):
    account.client("backup").create_backup_plan(
        BackupPlan={
            "BackupPlanName": "daily",
            "Rules": [{"RuleName": "d", "TargetBackupVaultName": "Default"}],
        }
    )
    result = eu(account, "backup.plans")
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)


def test_config_encryption_rules(account):
    config = account.client("config")
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": f"arn:aws:iam::{ACCOUNT_ID}:role/config",
            "recordingGroup": {"allSupported": True},
        }
    )
    config.put_config_rule(
        ConfigRule={
            "ConfigRuleName": "tagged",
            "Source": {"Owner": "AWS", "SourceIdentifier": "REQUIRED_TAGS"},
            "InputParameters": json.dumps({"tag1Key": "owner"}),
        }
    )
    assert eu(account, "config.encryption_rules").status is Status.FAIL
    config.put_config_rule(
        ConfigRule={
            "ConfigRuleName": "rds-encrypted",
            "Source": {"Owner": "AWS", "SourceIdentifier": "RDS_STORAGE_ENCRYPTED"},
        }
    )
    result = eu(account, "config.encryption_rules")
    assert result.status is Status.PASS
    assert [r.detail for r in result.resources] == ["rds-encrypted (RDS_STORAGE_ENCRYPTED)"]


# --- SEC08-BP04: access control ----------------------------------------------------------


def test_account_public_access_block(account):
    s3control = account.client("s3control")
    s3control.put_public_access_block(
        AccountId=ACCOUNT_ID,
        PublicAccessBlockConfiguration={**ALL_BLOCKED, "RestrictPublicBuckets": False},
    )
    result = account.one("s3.account_public_access_block")
    assert result.status is Status.FAIL
    assert result.failing[0].detail.endswith("RestrictPublicBuckets")
    s3control.put_public_access_block(
        AccountId=ACCOUNT_ID, PublicAccessBlockConfiguration=ALL_BLOCKED
    )
    assert account.one("s3.account_public_access_block").status is Status.PASS


def test_bucket_public_access_block_counts_the_account_settings(account):
    s3 = account.client("s3")
    bucket(account, "own-block")
    s3.put_public_access_block(Bucket="own-block", PublicAccessBlockConfiguration=ALL_BLOCKED)
    bucket(account, "partial")
    s3.put_public_access_block(
        Bucket="partial", PublicAccessBlockConfiguration={"BlockPublicAcls": True}
    )
    result = account.one("s3.bucket_public_access_block")
    assert failing_ids(result) == {"arn:aws:s3:::partial"}
    assert "IgnorePublicAcls" in result.failing[0].detail
    account.client("s3control").put_public_access_block(
        AccountId=ACCOUNT_ID, PublicAccessBlockConfiguration=ALL_BLOCKED
    )
    assert account.one("s3.bucket_public_access_block").status is Status.PASS


def _public_policy(name: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{name}/*",
                }
            ],
        }
    )


def test_bucket_public_by_policy_or_acl(account):
    s3 = account.client("s3")
    bucket(account, "private")
    assert account.one("s3.bucket_public").status is Status.PASS
    bucket(account, "by-policy")
    s3.put_bucket_policy(Bucket="by-policy", Policy=_public_policy("by-policy"))
    bucket(account, "by-acl")
    s3.put_bucket_acl(Bucket="by-acl", ACL="public-read")
    result = account.one("s3.bucket_public")
    assert failing_ids(result) == {"arn:aws:s3:::by-policy", "arn:aws:s3:::by-acl"}
    details = {r.id: r.detail for r in result.failing}
    assert details["arn:aws:s3:::by-policy"] == "bucket policy is public"
    assert "AllUsers" in details["arn:aws:s3:::by-acl"]


def test_bucket_public_access_blocked_by_the_account_is_not_public(account):
    s3 = account.client("s3")
    bucket(account, "by-acl")
    s3.put_bucket_acl(Bucket="by-acl", ACL="public-read")
    account.client("s3control").put_public_access_block(
        AccountId=ACCOUNT_ID, PublicAccessBlockConfiguration=ALL_BLOCKED
    )
    assert account.one("s3.bucket_public").status is Status.PASS


def test_ebs_snapshot_public(account):
    ec2 = account.client("ec2", US)
    volume = ec2.create_volume(AvailabilityZone=f"{US}a", Size=8)["VolumeId"]
    private = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    ec2.modify_snapshot_attribute(
        SnapshotId=private,
        Attribute="createVolumePermission",
        OperationType="add",
        UserIds=["210987654321"],
    )
    assert account.run("ec2.snapshot_public")[US].status is Status.PASS
    public = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    ec2.modify_snapshot_attribute(
        SnapshotId=public,
        Attribute="createVolumePermission",
        OperationType="add",
        GroupNames=["all"],
    )
    result = account.run("ec2.snapshot_public")[US]
    assert failing_ids(result) == {f"arn:aws:ec2:{US}::snapshot/{public}"}


def test_rds_snapshot_public(account):
    db(account, "orders", StorageEncrypted=True)
    rds = account.client("rds")
    rds.create_db_snapshot(DBSnapshotIdentifier="private", DBInstanceIdentifier="orders")
    assert eu(account, "rds.snapshot_public").status is Status.PASS
    public = rds.create_db_snapshot(DBSnapshotIdentifier="public", DBInstanceIdentifier="orders")
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="public", AttributeName="restore", ValuesToAdd=["all"]
    )
    result = eu(account, "rds.snapshot_public")
    assert failing_ids(result) == {public["DBSnapshot"]["DBSnapshotArn"]}


def test_rds_cluster_snapshot_public(account):
    rds = account.client("rds")
    rds.create_db_cluster(
        DBClusterIdentifier="aurora",
        Engine="aurora-postgresql",
        MasterUsername="app",
        MasterUserPassword="not-a-real-password",
    )
    snapshot = rds.create_db_cluster_snapshot(
        DBClusterSnapshotIdentifier="shared", DBClusterIdentifier="aurora"
    )["DBClusterSnapshot"]
    assert eu(account, "rds.snapshot_public").status is Status.PASS
    rds.modify_db_cluster_snapshot_attribute(
        DBClusterSnapshotIdentifier="shared", AttributeName="restore", ValuesToAdd=["all"]
    )
    result = eu(account, "rds.snapshot_public")
    assert failing_ids(result) == {snapshot["DBClusterSnapshotArn"]}


def test_rds_public_access(account):
    db(account, "internal", PubliclyAccessible=False)
    assert eu(account, "rds.public_access").status is Status.PASS
    public = db(account, "exposed", PubliclyAccessible=True)
    assert failing_ids(eu(account, "rds.public_access")) == {public}


# --- SEC07: classification ------------------------------------------------------------------


def test_s3_classification_tag(account):
    s3 = account.client("s3")
    bucket(account, "tagged")
    s3.put_bucket_tagging(
        Bucket="tagged", Tagging={"TagSet": [{"Key": "Data-Sensitivity", "Value": "high"}]}
    )
    assert account.one("s3.classification_tag").status is Status.PASS
    bucket(account, "untagged")
    bucket(account, "other-tags")
    s3.put_bucket_tagging(Bucket="other-tags", Tagging={"TagSet": [{"Key": "team", "Value": "x"}]})
    result = account.one("s3.classification_tag")
    assert failing_ids(result) == {"arn:aws:s3:::untagged", "arn:aws:s3:::other-tags"}


def test_rds_classification_tag(account):
    tagged = db(account, "tagged", Tags=[{"Key": "classification", "Value": "internal"}])
    assert eu(account, "rds.classification_tag").status is Status.PASS
    untagged = db(account, "untagged")
    result = eu(account, "rds.classification_tag")
    assert failing_ids(result) == {untagged}
    assert {r.id for r in result.resources} == {tagged, untagged}


def test_dynamodb_classification_tag(account):
    tagged = table(account, "tagged")
    account.client("dynamodb").tag_resource(
        ResourceArn=tagged, Tags=[{"Key": "DataClassification", "Value": "restricted"}]
    )
    assert eu(account, "dynamodb.classification_tag").status is Status.PASS
    untagged = table(account, "untagged")
    assert failing_ids(eu(account, "dynamodb.classification_tag")) == {untagged}


def test_macie_not_enabled_fails(account):
    stub = account.stub("macie2", EU)
    stub.add_client_error(
        "get_macie_session", "AccessDeniedException", "Macie is not enabled.", 403
    )
    result = eu(account, "macie.sensitive_data_discovery")
    assert failing_ids(result) == {f"{ACCOUNT_ID}/{EU}"}
    assert "not enabled" in result.failing[0].detail


def test_macie_moto_not_enabled_fails(account):
    account.client("macie2").disable_macie()
    result = eu(account, "macie.sensitive_data_discovery")
    assert result.status is Status.FAIL


def _macie_session(stub: Any, status: str = "ENABLED") -> None:
    stub.add_response("get_macie_session", {"status": status})


def test_macie_automated_discovery_passes(account):
    stub = account.stub("macie2", EU)
    _macie_session(stub)
    stub.add_response("get_automated_discovery_configuration", {"status": "ENABLED"})
    assert eu(account, "macie.sensitive_data_discovery").status is Status.PASS


def test_macie_jobs_pass_and_none_fails(account):
    stub = account.stub("macie2", EU)
    _macie_session(stub)
    stub.add_response("get_automated_discovery_configuration", {"status": "DISABLED"})
    job = {"jobId": "j1", "name": "pii", "jobStatus": "RUNNING"}
    stub.add_response("list_classification_jobs", {"items": [job]})
    result = eu(account, "macie.sensitive_data_discovery")
    assert result.status is Status.PASS
    assert result.resources[0].id == f"arn:aws:macie2:{EU}:{ACCOUNT_ID}:classification-job/j1"


def test_macie_on_without_discovery_or_jobs_fails(account):
    stub = account.stub("macie2", EU)
    _macie_session(stub)
    stub.add_response("get_automated_discovery_configuration", {"status": "DISABLED"})
    cancelled = {"jobId": "j2", "name": "old", "jobStatus": "CANCELLED"}
    stub.add_response("list_classification_jobs", {"items": [cancelled]})
    result = eu(account, "macie.sensitive_data_discovery")
    assert failing_ids(result) == {f"{ACCOUNT_ID}/{EU}"}


def test_macie_paused_fails(account):
    stub = account.stub("macie2", EU)
    _macie_session(stub, "PAUSED")
    assert "PAUSED" in eu(account, "macie.sensitive_data_discovery").failing[0].detail


def test_macie_unsupported_is_unknown(account):
    result = eu(account, "macie.sensitive_data_discovery")  # moto: session on, no discovery API
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)


# --- SEC07-BP04: lifecycle ------------------------------------------------------------------


def test_s3_lifecycle(account):
    s3 = account.client("s3")
    bucket(account, "expiring")
    rule = {"ID": "r", "Filter": {"Prefix": ""}, "Expiration": {"Days": 30}}
    s3.put_bucket_lifecycle_configuration(
        Bucket="expiring", LifecycleConfiguration={"Rules": [{**rule, "Status": "Enabled"}]}
    )
    assert account.one("s3.lifecycle").status is Status.PASS
    bucket(account, "disabled-rule")
    s3.put_bucket_lifecycle_configuration(
        Bucket="disabled-rule", LifecycleConfiguration={"Rules": [{**rule, "Status": "Disabled"}]}
    )
    bucket(account, "none")
    result = account.one("s3.lifecycle")
    assert failing_ids(result) == {"arn:aws:s3:::disabled-rule", "arn:aws:s3:::none"}


def test_log_group_retention(account):
    logs = account.client("logs", US)
    logs.create_log_group(logGroupName="/kept")
    logs.put_retention_policy(logGroupName="/kept", retentionInDays=90)
    assert account.run("logs.data_retention")[US].status is Status.PASS
    logs.create_log_group(logGroupName="/forever")
    result = account.run("logs.data_retention")[US]
    assert failing_ids(result) == {f"arn:aws:logs:{US}:{ACCOUNT_ID}:log-group:/forever"}


def test_dynamodb_pitr(account):
    table(account, "recoverable")
    account.client("dynamodb").update_continuous_backups(
        TableName="recoverable",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )
    assert eu(account, "dynamodb.pitr").status is Status.PASS
    table(account, "fragile")
    result = eu(account, "dynamodb.pitr")
    assert failing_ids(result) == {f"arn:aws:dynamodb:{EU}:{ACCOUNT_ID}:table/fragile"}


def test_dynamodb_pitr_reads_every_page(account):
    stub = account.stub("dynamodb", EU)
    stub.add_response("list_tables", {"TableNames": ["aaa"], "LastEvaluatedTableName": "aaa"})
    stub.add_response("list_tables", {"TableNames": ["bbb"]}, {"ExclusiveStartTableName": "aaa"})
    for name, status in (("aaa", "ENABLED"), ("bbb", "DISABLED")):
        stub.add_response(
            "describe_continuous_backups",
            {
                "ContinuousBackupsDescription": {
                    "ContinuousBackupsStatus": "ENABLED",
                    "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": status},
                }
            },
            {"TableName": name},
        )
    result = eu(account, "dynamodb.pitr")
    assert len(result.resources) == 2
    assert failing_ids(result) == {f"arn:aws:dynamodb:{EU}:{ACCOUNT_ID}:table/bbb"}
    stub.assert_no_pending_responses()


def test_rds_backup_retention(account):
    db(account, "kept", BackupRetentionPeriod=7)
    assert eu(account, "rds.backup_retention").status is Status.PASS
    off = db(account, "off", BackupRetentionPeriod=0)
    result = eu(account, "rds.backup_retention")
    assert failing_ids(result) == {off}


def test_rds_read_replicas_need_no_backups(account):
    db(account, "primary", BackupRetentionPeriod=7)
    account.client("rds").create_db_instance_read_replica(
        DBInstanceIdentifier="replica", SourceDBInstanceIdentifier="primary"
    )
    result = eu(account, "rds.backup_retention")
    assert result.status is Status.PASS
    assert not any(r.id.endswith(":db:replica") for r in result.resources)


def test_dlm_policies(account):
    _volume(account)
    stub = account.stub("dlm", EU)  # moto has no DLM
    policy = {
        "PolicyId": "policy-1",
        "Description": "daily snapshots",
        "State": "ENABLED",
        "PolicyType": "EBS_SNAPSHOT_MANAGEMENT",
    }
    stub.add_response("get_lifecycle_policies", {"Policies": [policy]})
    result = eu(account, "dlm.ebs_snapshot_policies")
    assert result.status is Status.PASS
    assert result.resources[0].detail == "EBS_SNAPSHOT_MANAGEMENT policy: daily snapshots"


def test_dlm_none_fails_unless_aws_backup_plans_exist(account):
    _volume(account)
    stub = account.stub("dlm", EU)
    stub.add_response(
        "get_lifecycle_policies", {"Policies": [{"PolicyId": "p", "State": "DISABLED"}]}
    )
    assert failing_ids(eu(account, "dlm.ebs_snapshot_policies")) == {f"{ACCOUNT_ID}/{EU}"}
    stub.add_response("get_lifecycle_policies", {"Policies": []})
    account.client("backup").create_backup_plan(
        BackupPlan={
            "BackupPlanName": "daily",
            "Rules": [{"RuleName": "d", "TargetBackupVaultName": "Default"}],
        }
    )
    result = eu(account, "dlm.ebs_snapshot_policies")
    assert result.status is Status.NOT_APPLICABLE and "daily" in result.reason


def test_dlm_unsupported_is_unknown(account):
    _volume(account)
    result = eu(account, "dlm.ebs_snapshot_policies")
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)


# --- Secrets Manager --------------------------------------------------------------------------


def _secret(name: str, **fields: Any) -> dict[str, Any]:
    return {
        "ARN": f"arn:aws:secretsmanager:{EU}:{ACCOUNT_ID}:secret:{name}-AbCdEf",
        "Name": name,
        **fields,
    }


def test_secrets_rotation_under_moto(account):
    account.client("secretsmanager").create_secret(Name="db", SecretString="not-a-real-secret")
    result = eu(account, "secretsmanager.rotation")
    assert result.status is Status.FAIL
    assert result.failing[0].detail == "automatic rotation is off"
    assert "not-a-real-secret" not in repr(result)


def test_secrets_rotation_window_and_pages(account):
    stub = account.stub("secretsmanager", EU)
    now = datetime.now(UTC)
    on_time = _secret(
        "on-time",
        RotationEnabled=True,
        RotationRules={"AutomaticallyAfterDays": 30},
        LastRotatedDate=now - timedelta(days=10),
    )
    late = _secret(
        "late",
        RotationEnabled=True,
        RotationRules={"AutomaticallyAfterDays": 30},
        LastRotatedDate=now - timedelta(days=90),
    )
    scheduled = _secret(
        "scheduled", RotationEnabled=True, RotationRules={"ScheduleExpression": "rate(4 hours)"}
    )
    stub.add_response("list_secrets", {"SecretList": [on_time, late], "NextToken": "t"})
    stub.add_response("list_secrets", {"SecretList": [scheduled]}, {"NextToken": "t"})
    result = eu(account, "secretsmanager.rotation")
    assert len(result.resources) == 3
    assert failing_ids(result) == {late["ARN"]}
    assert result.failing[0].detail == "last rotated 90 days ago (rotation every 30 days)"
    stub.assert_no_pending_responses()


def test_secrets_rotation_passes_when_all_rotate(account):
    stub = account.stub("secretsmanager", EU)
    stub.add_response("list_secrets", {"SecretList": [_secret("s", RotationEnabled=True)]})
    assert eu(account, "secretsmanager.rotation").status is Status.PASS


# --- buckets the S3 API cannot name -----------------------------------------------------------


def test_invalid_bucket_names_are_reported_not_hidden(account):
    from moto.s3.models import s3_backends

    bucket(account, "fine")
    s3_backends[ACCOUNT_ID]["aws"].create_bucket("[bold]x[/]", EU)
    result = account.one("s3.lifecycle")
    assert result.status is Status.FAIL and "[bold]x[/]" in result.reason
    account.client("s3").put_bucket_lifecycle_configuration(
        Bucket="fine",
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "r",
                    "Filter": {"Prefix": ""},
                    "Status": "Enabled",
                    "Expiration": {"Days": 9},
                }
            ]
        },
    )
    result = account.one("s3.lifecycle")
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)
