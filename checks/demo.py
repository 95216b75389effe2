"""The simulated account behind `pillar scan --demo` and the demo review.

The demo replays `demo_recording.json.gz` (shipped with pillar): every AWS response a
scan of the simulated account received, answered offline through botocore
(checks.recording). `run_demo_scan()` runs today's checks on it: no moto, no network, no
credentials.

The recording is made from this module (`scripts/make_demo_recording.py`): moto (a dev
dependency) builds the account in-process (`simulated_account()` + `seed()`: two
regions, a realistic mix of good and bad settings across every area of the pillar), and
the script answers what moto lacks. Some names are hostile on purpose (Rich markup, a
terminal escape sequence) so every screen and export proves it shows them as plain
text. Tests that prove checks against a real emulator use `run_simulated_scan()`.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from checks.registry import Check, all_checks
from checks.result import ScanResult
from checks.runner import DEFAULT_CONCURRENCY, Progress, run_scan
from checks.session import AwsOptions, connect

ACCOUNT_ID = "123456789012"
REGIONS = ("eu-west-1", "us-east-1")
HOME = REGIONS[0]
MARKUP_NAME = "[bold red]x[/]"
ESCAPE_TEXT = "ops\x1b]52;c;aGk=\x07"  # OSC 52: would write "hi" to the clipboard

_FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": HOME,
    "MOTO_ACCOUNT_ID": ACCOUNT_ID,
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",  # thousands of AMIs: seconds of serializing
    # moto reads its AMI catalogue (megabytes of JSON) when moto.ec2 is first imported.
    "MOTO_AMIS_PATH": str(Path(__file__).with_name("demo_amis.json")),
}
EXAMPLE_AMI = "ami-12c6146b"  # moto accepts any AMI id while AMI validation is off
_CLEARED_ENV = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "AWS_ENDPOINT_URL_S3_CONTROL",
    "AWS_ENDPOINT_URL_IAM",
    "AWS_ENDPOINT_URL_STS",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
)
_env_lock = threading.Lock()

ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
TRUST_EC2 = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


@contextmanager
def simulated_account() -> Iterator[None]:
    """moto active, fake credentials in the environment, real ones hidden; restored after."""
    from moto import mock_aws

    with _env_lock:
        saved = {k: os.environ.get(k) for k in (*_FAKE_ENV, *_CLEARED_ENV)}
        for key in _CLEARED_ENV:
            os.environ.pop(key, None)
        os.environ.update(_FAKE_ENV)
        os.environ["AWS_CONFIG_FILE"] = os.devnull
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
        global _session
        _session = None  # made on first use, with the fake credentials above
        try:
            with mock_aws():
                yield
        finally:
            _session = None
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


_session: Any = None  # the simulated account's boto3 Session (fake credentials only)


def _shared_session() -> Any:
    """One Session for seeding and scanning: its loaded service models are reused (seconds)."""
    import boto3

    global _session
    if _session is None:
        _session = boto3.Session()
    return _session


def _client(service: str, region: str = HOME) -> Any:
    """A plain (unguarded) client to seed the account."""
    return _shared_session().client(service, region_name=region)


def _age_user(name: str, days: int, key_days: int | None = None) -> None:
    """Backdate a user (and its first key) in moto's store: boto3 cannot create old keys."""
    from moto.iam.models import iam_backends

    user = iam_backends[ACCOUNT_ID]["global"].users[name]
    old = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=days)
    user.create_date = old
    if key_days is not None and user.access_keys:
        user.access_keys[0].create_date = datetime.now(UTC).replace(tzinfo=None) - timedelta(
            days=key_days
        )


def _load_aws_policy(name: str) -> None:
    """moto skips AWS managed policies unless asked (slow): load just the one needed."""
    from moto.iam.aws_managed_policies import aws_managed_policies_data
    from moto.iam.models import AWSManagedPolicy, iam_backends

    backend = iam_backends[ACCOUNT_ID]["global"]
    data = json.loads(aws_managed_policies_data)[name]
    policy = AWSManagedPolicy.from_data(name, ACCOUNT_ID, backend.region_name, data)
    backend.managed_policies[policy.arn] = policy


def seed_identity() -> None:
    iam = _client("iam")
    _load_aws_policy("AdministratorAccess")
    iam.update_account_password_policy(MinimumPasswordLength=8, RequireNumbers=True)
    # alice: console + MFA, fine.  bob: console without MFA, old key, admin via group.
    for user in ("alice", "bob", "ci-deploy", MARKUP_NAME, "legacy-batch"):
        iam.create_user(UserName=user, Tags=[{"Key": "team", "Value": "platform"}])
    for user in ("alice", "bob", MARKUP_NAME):
        iam.create_login_profile(UserName=user, Password="Correct-Horse-Battery-9")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    iam.enable_mfa_device(
        UserName="alice",
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )
    iam.create_access_key(UserName="bob")
    iam.create_access_key(UserName="ci-deploy")
    iam.create_access_key(UserName="ci-deploy")
    iam.create_access_key(UserName="legacy-batch")
    _age_user("bob", days=400, key_days=200)
    _age_user("legacy-batch", days=300, key_days=300)
    iam.create_group(GroupName="admins")
    iam.attach_group_policy(
        GroupName="admins", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"
    )
    iam.add_user_to_group(GroupName="admins", UserName="bob")
    power = iam.create_policy(PolicyName="power-user-ish", PolicyDocument=json.dumps(ALLOW_ALL))
    iam.attach_user_policy(UserName="ci-deploy", PolicyArn=power["Policy"]["Arn"])
    read = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}],
    }
    iam.put_user_policy(UserName="alice", PolicyName="read-s3", PolicyDocument=json.dumps(read))
    for role in ("app-server", "reporting"):
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    iam.put_role_policy(
        RoleName="app-server", PolicyName="everything", PolicyDocument=json.dumps(ALLOW_ALL)
    )
    iam.put_role_policy(RoleName="reporting", PolicyName="read-s3", PolicyDocument=json.dumps(read))
    iam.create_role(
        RoleName="incident-response",
        AssumeRolePolicyDocument=json.dumps(TRUST_EC2),
        Tags=[{"Key": "purpose", "Value": "break-glass"}],
    )
    iam.generate_credential_report()
    org = _client("organizations", "us-east-1")
    org.create_organization(FeatureSet="ALL")


def seed_storage() -> None:
    from moto.s3.models import s3_backends

    s3 = _client("s3")
    where = {"LocationConstraint": HOME}
    s3.create_bucket(Bucket="acme-cloudtrail-logs", CreateBucketConfiguration=where)
    s3.put_bucket_encryption(
        Bucket="acme-cloudtrail-logs",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
        },
    )
    s3.put_bucket_versioning(
        Bucket="acme-cloudtrail-logs", VersioningConfiguration={"Status": "Enabled"}
    )
    tls_only = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [
                    "arn:aws:s3:::acme-cloudtrail-logs",
                    "arn:aws:s3:::acme-cloudtrail-logs/*",
                ],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {
                "Sid": "CloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": ["s3:PutObject", "s3:GetBucketAcl"],
                "Resource": [
                    "arn:aws:s3:::acme-cloudtrail-logs",
                    "arn:aws:s3:::acme-cloudtrail-logs/*",
                ],
            },
        ],
    }
    s3.put_bucket_policy(Bucket="acme-cloudtrail-logs", Policy=json.dumps(tls_only))
    s3.put_public_access_block(
        Bucket="acme-cloudtrail-logs",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.create_bucket(Bucket="acme-public-assets", CreateBucketConfiguration=where)
    public_read = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::acme-public-assets/*",
            }
        ],
    }
    s3.put_bucket_policy(Bucket="acme-public-assets", Policy=json.dumps(public_read))
    s3.put_bucket_tagging(
        Bucket="acme-public-assets",
        Tagging={
            "TagSet": [
                {"Key": MARKUP_NAME, "Value": MARKUP_NAME},
                {"Key": "data-classification", "Value": "public"},
            ]
        },
    )
    us = _client("s3", "us-east-1")
    us.create_bucket(Bucket="acme-backups-us", ObjectLockEnabledForBucket=True)
    # A bucket name no real S3 accepts, put straight into moto's store: hostile-text tests.
    s3_backends[ACCOUNT_ID]["aws"].create_bucket(MARKUP_NAME, HOME)

    for region, encrypted in ((HOME, True), ("us-east-1", False)):
        kms = _client("kms", region)  # moto makes real RSA material per key: keep few
        key = kms.create_key(Description="app data")["KeyMetadata"]["KeyId"]
        if encrypted:
            kms.enable_key_rotation(KeyId=key)
        ddb = _client("dynamodb", region)
        for table in (f"orders-{region}", f"sessions-{region}"):
            ddb.create_table(
                TableName=table,
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
        ddb.update_continuous_backups(
            TableName=f"orders-{region}",
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
        )
        sns = _client("sns", region)
        sns.create_topic(
            Name="alerts", Attributes={"KmsMasterKeyId": "alias/aws/sns"} if encrypted else {}
        )
        sqs = _client("sqs", region)
        sqs.create_queue(
            QueueName="jobs", Attributes={"SqsManagedSseEnabled": "true" if encrypted else "false"}
        )
        logs = _client("logs", region)
        logs.create_log_group(logGroupName="/app/web")
        logs.put_retention_policy(logGroupName="/app/web", retentionInDays=365)
        # Kept forever, unencrypted; JSON protocols carry control characters, XML ones cannot.
        logs.create_log_group(logGroupName=f"/app/{ESCAPE_TEXT}", tags={"owner": ESCAPE_TEXT})
        secrets = _client("secretsmanager", region)
        secrets.create_secret(
            Name=f"db-password-{region}",
            SecretString="not-a-real-secret",
            Tags=[{"Key": "note", "Value": ESCAPE_TEXT}],
        )
        ecr = _client("ecr", region)
        ecr.create_repository(
            repositoryName="web", imageScanningConfiguration={"scanOnPush": encrypted}
        )
    rds = _client("rds")
    rds.create_db_instance(
        DBInstanceIdentifier="orders-db",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="app",
        MasterUserPassword="not-a-real-password",
        AllocatedStorage=20,
        StorageEncrypted=True,
        PubliclyAccessible=False,
        BackupRetentionPeriod=7,
    )
    rds_us = _client("rds", "us-east-1")
    rds_us.create_db_instance(
        DBInstanceIdentifier="legacy-reports",
        DBInstanceClass="db.t3.micro",
        Engine="mysql",
        MasterUsername="admin",
        MasterUserPassword="not-a-real-password",
        AllocatedStorage=20,
        StorageEncrypted=False,
        PubliclyAccessible=True,
        BackupRetentionPeriod=0,
    )


def seed_network_and_compute() -> None:
    for region, hardened in ((HOME, True), ("us-east-1", False)):
        ec2 = _client("ec2", region)
        vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]
        vpc_id = vpc["VpcId"]
        open_sg = ec2.create_security_group(
            GroupName="ssh-from-anywhere", Description="legacy", VpcId=vpc_id
        )
        ec2.authorize_security_group_ingress(
            GroupId=open_sg["GroupId"],
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 22,
                    "ToPort": 22,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                }
            ],
        )
        web_sg = ec2.create_security_group(GroupName="web", Description="https", VpcId=vpc_id)
        ec2.authorize_security_group_ingress(
            GroupId=web_sg["GroupId"],
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 443,
                    "ToPort": 443,
                    "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
                }
            ],
        )
        ec2.run_instances(
            ImageId=EXAMPLE_AMI,
            MinCount=1,
            MaxCount=1,
            InstanceType="t3.micro",
            SecurityGroupIds=[web_sg["GroupId"] if hardened else open_sg["GroupId"]],
            MetadataOptions={"HttpTokens": "required" if hardened else "optional"},
            TagSpecifications=[
                {
                    "ResourceType": "instance",
                    "Tags": [{"Key": "Name", "Value": MARKUP_NAME if not hardened else "web-1"}],
                }
            ],
        )
        if hardened:
            ec2.enable_ebs_encryption_by_default()
            ec2.create_flow_logs(
                ResourceIds=[vpc_id],
                ResourceType="VPC",
                TrafficType="ALL",
                LogDestinationType="s3",
                LogDestination="arn:aws:s3:::acme-cloudtrail-logs/flow",
            )
            _client("guardduty", region).create_detector(Enable=True)
            config = _client("config", region)
            config.put_configuration_recorder(
                ConfigurationRecorder={
                    "name": "default",
                    "roleARN": f"arn:aws:iam::{ACCOUNT_ID}:role/config",
                    "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
                }
            )
        volume = ec2.create_volume(AvailabilityZone=f"{region}a", Size=8, Encrypted=hardened)
        snapshot = ec2.create_snapshot(VolumeId=volume["VolumeId"], Description="nightly")
        if not hardened:
            ec2.modify_snapshot_attribute(
                SnapshotId=snapshot["SnapshotId"],
                Attribute="createVolumePermission",
                OperationType="add",
                GroupNames=["all"],
            )


def seed_detection() -> None:
    trail = _client("cloudtrail")
    trail.create_trail(
        Name="org-trail",
        S3BucketName="acme-cloudtrail-logs",
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
    )
    trail.start_logging(Name="org-trail")
    us = _client("cloudtrail", "us-east-1")
    us.create_trail(Name="legacy-trail", S3BucketName="acme-cloudtrail-logs")


def seed() -> None:
    """Create the simulated account's resources (moto must be active)."""
    seed_identity()
    seed_storage()
    seed_network_and_compute()
    seed_detection()
    # Each area seeds its own good and bad resources (order matters: later seeders may
    # adjust what earlier ones made).
    from checks import (
        demo_access,
        demo_compute,
        demo_data,
        demo_detection,
        demo_network,
        demo_policies,
    )

    for area in (demo_data, demo_detection, demo_access, demo_compute, demo_network, demo_policies):
        area.seed()


RECORDING = Path(__file__).with_name("demo_recording.json.gz")
EVIDENCE = Path(__file__).with_name("demo_evidence.json.gz")
"""Every check's replay of RECORDING, computed when the recording is made (a test keeps
it equal to `run_demo_scan()`): the demo review opens with it at once."""


def demo_evidence() -> ScanResult:
    """The demo's evidence: what `run_demo_scan()` gives, read instead of recomputed."""
    import gzip

    return ScanResult.from_dict(json.loads(gzip.decompress(EVIDENCE.read_bytes())))


def run_demo_scan(
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    checks: tuple[Check, ...] | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> ScanResult:
    """Scan the demo account, replayed from the shipped recording, with every check."""
    from checks.recording import load, replay_connect

    aws, _replayer = replay_connect(load(RECORDING))
    return run_scan(
        aws,
        checks if checks is not None else all_checks(),
        progress=progress,
        cancel=cancel,
        concurrency=concurrency,
    )


def run_simulated_scan(
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    checks: tuple[Check, ...] | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> ScanResult:
    """Build the simulated account in moto (a dev dependency) and scan it live."""
    with simulated_account():
        seed()
        aws = connect(AwsOptions(regions=REGIONS), session=_shared_session())
        return run_scan(
            aws,
            checks if checks is not None else all_checks(),
            progress=progress,
            cancel=cancel,
            concurrency=concurrency,
        )
