"""Demo seeding for the data area (checks/data.py), on top of what `demo.seed_storage` makes.

eu-west-1 is the better-kept region (encrypted file system, backup plan, Config rule,
classification tags, a rotating secret); us-east-1 has the gaps (unencrypted file system,
public RDS snapshot, a KMS key policy open to "*", no lifecycle anywhere).
"""

from __future__ import annotations

import json

from checks.demo import ACCOUNT_ID, HOME, _client

US = "us-east-1"
CLASSIFICATION = {"Key": "DataClassification", "Value": "confidential"}


def _file_systems() -> None:
    for region, encrypted in ((HOME, True), (US, False)):
        _client("efs", region).create_file_system(
            CreationToken=f"shared-{region}",
            Encrypted=encrypted,
            Tags=[{"Key": "Name", "Value": "shared"}, *([CLASSIFICATION] if encrypted else [])],
        )


def _classification_tags() -> None:
    ddb = _client("dynamodb")
    ddb.tag_resource(
        ResourceArn=f"arn:aws:dynamodb:{HOME}:{ACCOUNT_ID}:table/orders-{HOME}",
        Tags=[CLASSIFICATION],
    )
    _client("rds").add_tags_to_resource(
        ResourceName=f"arn:aws:rds:{HOME}:{ACCOUNT_ID}:db:orders-db", Tags=[CLASSIFICATION]
    )
    _client("s3").put_bucket_tagging(
        Bucket="acme-cloudtrail-logs",
        Tagging={"TagSet": [{"Key": "Sensitivity", "Value": "internal"}]},
    )


def _lifecycle_and_backups() -> None:
    _client("s3").put_bucket_lifecycle_configuration(
        Bucket="acme-cloudtrail-logs",
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "expire-after-400-days",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "Expiration": {"Days": 400},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                }
            ]
        },
    )
    _client("backup").create_backup_plan(
        BackupPlan={
            "BackupPlanName": "daily-35-days",
            "Rules": [
                {
                    "RuleName": "daily",
                    "TargetBackupVaultName": "Default",
                    "ScheduleExpression": "cron(0 3 * * ? *)",
                    "Lifecycle": {"DeleteAfterDays": 35},
                }
            ],
        }
    )
    _client("config").put_config_rule(
        ConfigRule={
            "ConfigRuleName": "encrypted-volumes",
            "Source": {"Owner": "AWS", "SourceIdentifier": "ENCRYPTED_VOLUMES"},
            "Scope": {"ComplianceResourceTypes": ["AWS::EC2::Volume"]},
        }
    )


def _snapshots() -> None:
    _client("rds").create_db_snapshot(
        DBSnapshotIdentifier="orders-db-before-migration", DBInstanceIdentifier="orders-db"
    )
    rds_us = _client("rds", US)
    rds_us.create_db_snapshot(
        DBSnapshotIdentifier="legacy-reports-export", DBInstanceIdentifier="legacy-reports"
    )
    rds_us.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="legacy-reports-export", AttributeName="restore", ValuesToAdd=["all"]
    )


def _open_key_policy() -> None:
    kms = _client("kms", US)
    key = next(  # the "app data" key that demo.seed_storage made
        k["KeyId"]
        for k in kms.list_keys()["Keys"]
        if kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"].get("Description") == "app data"
    )
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "LegacyAnyoneDecrypt",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "kms:Decrypt",
                "Resource": "*",
            },
        ],
    }
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=json.dumps(policy))


def _rotating_secret() -> None:
    """moto cannot run a rotation Lambda: mark the eu-west-1 secret as rotating in its store."""
    from datetime import UTC, datetime, timedelta

    from moto.secretsmanager.models import FakeSecret, secretsmanager_backends

    backend = secretsmanager_backends[ACCOUNT_ID][HOME]
    for secret in backend.secrets.values():
        if not isinstance(secret, FakeSecret) or secret.name != f"db-password-{HOME}":
            continue
        secret.rotation_requested = True  # moto shows rotation fields only after this
        secret.rotation_enabled = True
        secret.auto_rotate_after_days = 30
        secret.rotation_lambda_arn = f"arn:aws:lambda:{HOME}:{ACCOUNT_ID}:function:rotate-db"
        secret.last_rotation_date = int((datetime.now(UTC) - timedelta(days=3)).timestamp())


def seed() -> None:
    _file_systems()
    _classification_tags()
    _lifecycle_and_backups()
    _snapshots()
    _open_key_policy()
    _rotating_secret()
