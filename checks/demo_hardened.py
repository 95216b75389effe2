"""A hardened simulated account: every control a careful team would have.

Beside the demo account (good and bad examples), this one is what a well-run team's
production account looks like: a small workload (buckets, tables, a database, queues,
topics, keys, secrets, functions, repositories, instances behind a load balancer) in two
regions, every resource set up right, and the account-wide controls on (organization
with SCPs, CloudTrail, Config with rules and remediation, GuardDuty, Security Hub,
Inspector, backups, an incident-response role, a support role, a security contact...).
`tests/checks/test_hardened.py` scans it with every check and asserts no FAIL: a FAIL
here is a false alarm a real team would have to argue away.

moto cannot say everything a real account says; where a check cannot tell a moto quirk
apart from a real fault, this seeder sets the resource up the way moto reports correctly
and says why (never special-cased in check code):
- EBS volumes made under "encryption by default" report Encrypted=false in moto: volumes
  are created with Encrypted=True explicitly.
- moto's credential report has no root row, and it lacks Access Analyzer, conformance
  packs, Detective, Macie discovery, Signer listing, Image Builder, CodeArtifact,
  CodeCommit templates, pull-through cache, Allowed AMIs, Firewall Manager, Incident
  Manager: those checks end UNKNOWN here (not FAIL, and not hidden).
- moto reports no Systems Manager managed nodes for EC2 instances (no agent runs), so the
  hardened workload runs no EC2 instance; its compute is Lambda and the load balancer
  forwards to Lambda targets.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from checks.demo import ACCOUNT_ID, EXAMPLE_AMI, REGIONS, _client, _load_aws_policy

SECURITY_ACCOUNT = "111111111111"  # the organization's security tooling account
CLASSIFICATION = {"Key": "data-classification", "Value": "confidential"}
OWNER = {"Key": "team", "Value": "orders"}
TLS12 = "ELBSecurityPolicy-TLS13-1-2-2021-06"
VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document)


def _trust(principal: dict[str, Any], condition: dict[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return _json({"Version": "2012-10-17", "Statement": [statement]})


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return 'ok'\n")
    return buffer.getvalue()


# --- the account: organization, identity, incident response ---------------------------


def seed_account(optional: bool) -> None:
    if optional:
        _organization()
    _identity(optional)


def _organization() -> None:
    org = _client("organizations", "us-east-1")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    scp = org.create_policy(
        Name="deny-leaving-and-disabling-guardrails",
        Description="guardrails",
        Type="SERVICE_CONTROL_POLICY",
        Content=_json(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Action": [
                            "organizations:LeaveOrganization",
                            "cloudtrail:StopLogging",
                            "cloudtrail:DeleteTrail",
                            "guardduty:DeleteDetector",
                            "guardduty:UpdateDetector",
                            "guardduty:DisassociateFromAdministratorAccount",
                            "config:StopConfigurationRecorder",
                            "config:DeleteConfigurationRecorder",
                            "securityhub:DisableSecurityHub",
                        ],
                        "Resource": "*",
                    }
                ],
            }
        ),
    )["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=scp, TargetId=root)
    # Security services are run from a security tooling account (delegated administrator).
    request = org.create_account(AccountName="security", Email="security@example.com")
    security = org.describe_create_account_status(
        CreateAccountRequestId=request["CreateAccountStatus"]["Id"]
    )["CreateAccountStatus"]["AccountId"]
    unit = org.create_organizational_unit(ParentId=root, Name="Security")["OrganizationalUnit"]
    org.move_account(AccountId=security, SourceParentId=root, DestinationParentId=unit["Id"])
    for principal in (
        "access-analyzer.amazonaws.com",
        "sso.amazonaws.com",
        "config.amazonaws.com",
        "guardduty.amazonaws.com",
        "securityhub.amazonaws.com",
    ):
        org.enable_aws_service_access(ServicePrincipal=principal)
        _delegate(security, principal)


def _delegate(account: str, principal: str) -> None:
    """Register `account` as delegated administrator of `principal`. moto's API accepts only
    a few service principals (not sso, securityhub, config): the rest go into its store,
    the way AWS reports them."""
    from moto.core.utils import unix_time
    from moto.organizations.models import FakeDelegatedAdministrator, organizations_backends

    backend = organizations_backends[ACCOUNT_ID]["aws"]
    if FakeDelegatedAdministrator.supported_service(principal):
        backend.register_delegated_administrator(AccountId=account, ServicePrincipal=principal)
        return
    admin = next((a for a in backend.admins if a.account.id == account), None)
    if admin is None:
        admin = FakeDelegatedAdministrator(backend.get_account_by_id(account))
        backend.admins.append(admin)
    admin.services[principal] = {
        "ServicePrincipal": principal,
        "DelegationEnabledDate": unix_time(),
    }


def _identity(optional: bool) -> None:
    iam = _client("iam")
    iam.update_account_password_policy(
        MinimumPasswordLength=16,
        RequireSymbols=True,
        RequireNumbers=True,
        RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True,
        PasswordReusePrevention=24,
        MaxPasswordAge=90,
    )
    # People sign in through a SAML identity provider; no IAM users, no access keys.
    iam.create_saml_provider(
        Name="corporate-idp",
        SAMLMetadataDocument=(
            "<EntityDescriptor xmlns='urn:oasis:names:tc:SAML:2.0:metadata' "
            "entityID='https://idp.example.com/metadata'>"
            "<!-- simulated identity provider metadata -->".ljust(1100)
            + "</EntityDescriptor>"
        ),
    )
    from_security = _trust(
        {"AWS": f"arn:aws:iam::{SECURITY_ACCOUNT}:root"},
        {"StringEquals": {"sts:ExternalId": "incident-response"}},
    )
    _client("s3control").put_public_access_block(
        AccountId=ACCOUNT_ID,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    iam.generate_credential_report()
    if not optional:
        return
    _load_aws_policy("AWSSupportAccess")
    _load_aws_policy("ReadOnlyAccess")
    iam.create_role(
        RoleName="incident-response",
        AssumeRolePolicyDocument=from_security,
        Tags=[{"Key": "purpose", "Value": "incident-response"}],
    )
    iam.attach_role_policy(
        RoleName="incident-response", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess"
    )
    iam.create_role(
        RoleName="break-glass",
        AssumeRolePolicyDocument=_trust(
            {"AWS": f"arn:aws:iam::{SECURITY_ACCOUNT}:root"},
            {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        ),
        Tags=[{"Key": "purpose", "Value": "break-glass"}],
    )
    iam.create_role(RoleName="aws-support", AssumeRolePolicyDocument=from_security)
    iam.attach_role_policy(
        RoleName="aws-support", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess"
    )
    _client("account").put_alternate_contact(
        AlternateContactType="SECURITY",
        EmailAddress="security@example.com",
        Name="Security team",
        PhoneNumber="+10000000000",
        Title="SOC",
    )


def seed_region(region: str, optional: bool) -> None:
    """Workload and detective controls of one region."""
    key = _key(region, "workload data")
    seed_logging(region, key, optional)
    seed_data(region, key, optional)
    seed_compute(region, key, optional)
    seed_network(region, key)


# --- logging and detection -------------------------------------------------------------


def _key(region: str, purpose: str) -> str:
    kms = _client("kms", region)
    key = kms.create_key(Description=purpose)["KeyMetadata"]["Arn"]
    kms.enable_key_rotation(KeyId=key)
    return str(key)


def _bucket(name: str, region: str, key: str, optional: bool, *, log_archive: bool = False) -> None:
    """A bucket set up right: private, encrypted, TLS only, versioned, lifecycle, tagged."""
    s3 = _client("s3", region)
    where = (
        {}
        if region == "us-east-1"
        else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    )
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=log_archive, **where)
    s3.put_public_access_block(
        Bucket=name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_ownership_controls(
        Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    )
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key,
                    }
                }
            ]
        },
    )
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    arns = [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"]
    statements: list[dict[str, Any]] = [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": arns,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]
    if log_archive:
        statements += [
            {
                "Sid": "CloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": ["s3:PutObject", "s3:GetBucketAcl"],
                "Resource": arns,
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}},
            },
            {
                "Sid": "DenyDelete",
                "Effect": "Deny",
                "Principal": "*",
                "Action": ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:DeleteBucket"],
                "Resource": arns,
            },
        ]
        s3.put_object_lock_configuration(
            Bucket=name,
            ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 400}},
            },
        )
    s3.put_bucket_policy(
        Bucket=name, Policy=_json({"Version": "2012-10-17", "Statement": statements})
    )
    if not optional:
        return
    s3.put_bucket_lifecycle_configuration(
        Bucket=name,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "retention",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "Transitions": [{"Days": 90, "StorageClass": "GLACIER"}],
                    "Expiration": {"Days": 400},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                }
            ]
        },
    )
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [CLASSIFICATION]})


def _log_group(region: str, name: str, key: str) -> str:
    logs = _client("logs", region)
    logs.create_log_group(logGroupName=name, kmsKeyId=key)
    logs.put_retention_policy(logGroupName=name, retentionInDays=400)
    return f"arn:aws:logs:{region}:{ACCOUNT_ID}:log-group:{name}:*"


def seed_logging(region: str, key: str, optional: bool) -> None:
    home = region == REGIONS[0]
    if home:
        bucket = f"hardened-log-archive-{ACCOUNT_ID}"
        _bucket(bucket, region, key, optional, log_archive=True)
        group = _log_group(region, "/aws/cloudtrail/organization", key)
        trail = _client("cloudtrail", region)
        trail.create_trail(
            Name="organization",
            S3BucketName=bucket,
            IsMultiRegionTrail=True,
            IsOrganizationTrail=optional,  # the lean variant is not in an organization
            EnableLogFileValidation=True,
            KmsKeyId=key,
            CloudWatchLogsLogGroupArn=group,
            CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/cloudtrail-to-logs",
        )
        trail.start_logging(Name="organization")
    config = _client("config", region)
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": f"arn:aws:iam::{ACCOUNT_ID}:role/aws-config",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": home},
        }
    )
    config.put_delivery_channel(
        DeliveryChannel={"name": "default", "s3BucketName": f"hardened-log-archive-{ACCOUNT_ID}"}
    )
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    guardduty = _client("guardduty", region)
    guardduty.create_detector(
        Enable=True,
        Features=[
            {"Name": "RUNTIME_MONITORING", "Status": "ENABLED"},
            {"Name": "EBS_MALWARE_PROTECTION", "Status": "ENABLED"},
        ],
    )
    if not optional:
        return
    for name, identifier in (
        ("encrypted-volumes", "ENCRYPTED_VOLUMES"),
        ("s3-bucket-server-side-encryption-enabled", "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED"),
        ("s3-account-level-public-access-blocks", "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS"),
        ("rds-storage-encrypted", "RDS_STORAGE_ENCRYPTED"),
    ):
        config.put_config_rule(
            ConfigRule={
                "ConfigRuleName": name,
                "Source": {"Owner": "AWS", "SourceIdentifier": identifier},
            }
        )
    # moto has no put_remediation_configurations: remediation is the EventBridge rule
    # below, which sends findings to a responder function.
    _client("securityhub", region).enable_security_hub(EnableDefaultStandards=True)
    _client("inspector2", region).enable(
        accountIds=[ACCOUNT_ID], resourceTypes=["EC2", "ECR", "LAMBDA", "LAMBDA_CODE"]
    )
    events = _client("events", region)
    events.put_rule(
        Name="findings-to-responder",
        EventPattern=_json(
            {
                "source": ["aws.guardduty", "aws.securityhub"],
                "detail-type": ["GuardDuty Finding", "Security Hub Findings - Imported"],
            }
        ),
    )
    events.put_targets(
        Rule="findings-to-responder",
        Targets=[
            {"Id": "responder", "Arn": f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:responder"}
        ],
    )
    ssm = _client("ssm", region)
    ssm.create_document(
        Name="IR-IsolateResource",
        DocumentType="Automation",
        DocumentFormat="JSON",
        Content=_json(
            {
                "schemaVersion": "0.3",
                "description": "Isolate a resource for investigation",
                "parameters": {"InstanceId": {"type": "String"}},
                "mainSteps": [
                    {
                        "name": "stop",
                        "action": "aws:changeInstanceState",
                        "inputs": {"InstanceIds": ["{{ InstanceId }}"], "DesiredState": "stopped"},
                    }
                ],
            }
        ),
    )
    ssm.create_maintenance_window(
        Name="patching", Schedule="cron(0 3 ? * TUE#2 *)", Duration=4, Cutoff=1,
        AllowUnassociatedTargets=False,
    )  # fmt: skip


def seed_data(region: str, key: str, optional: bool) -> None:
    _bucket(f"hardened-data-{region}-{ACCOUNT_ID}", region, key, optional)
    tags = [CLASSIFICATION] if optional else [OWNER]
    ddb = _client("dynamodb", region)
    ddb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key},
        Tags=tags,
    )
    ddb.update_continuous_backups(
        TableName="orders",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )
    rds = _client("rds", region)
    rds.create_db_parameter_group(
        DBParameterGroupName="postgres-tls", DBParameterGroupFamily="postgres16", Description="TLS"
    )
    rds.modify_db_parameter_group(
        DBParameterGroupName="postgres-tls",
        Parameters=[
            {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}
        ],
    )
    rds.create_db_instance(
        DBInstanceIdentifier="orders-db",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="app",
        ManageMasterUserPassword=True,
        AllocatedStorage=20,
        StorageEncrypted=True,
        KmsKeyId=key,
        PubliclyAccessible=False,
        BackupRetentionPeriod=14,
        DBParameterGroupName="postgres-tls",
        Tags=tags,
    )
    queue = f"arn:aws:sqs:{region}:{ACCOUNT_ID}:jobs"
    only_this_account = {
        "Sid": "ThisAccountOnly",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}},
    }
    _client("sqs", region).create_queue(
        QueueName="jobs",
        Attributes={
            "KmsMasterKeyId": key,
            "Policy": _json(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {**only_this_account, "Action": "sqs:SendMessage", "Resource": queue}
                    ],
                }
            ),
        },
    )
    topic = f"arn:aws:sns:{region}:{ACCOUNT_ID}:alerts"
    _client("sns", region).create_topic(
        Name="alerts",
        Attributes={
            "KmsMasterKeyId": key,
            "Policy": _json(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {**only_this_account, "Action": "sns:Publish", "Resource": topic}
                    ],
                }
            ),
        },
    )
    _log_group(region, "/app/orders", key)
    _client("efs", region).create_file_system(
        CreationToken=f"shared-{region}", Encrypted=True, KmsKeyId=key, Tags=tags
    )
    if not optional:
        return
    backup = _client("backup", region)
    backup.create_backup_plan(
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
    # moto has no create_backup_selection: the plan cannot be given its resources here.


def _role(name: str, service: str, actions: list[str]) -> str:
    """A service role with a narrow inline policy (made once, shared by both regions)."""
    iam = _client("iam")
    try:
        return str(iam.get_role(RoleName=name)["Role"]["Arn"])
    except iam.exceptions.NoSuchEntityException:
        pass
    arn = iam.create_role(
        RoleName=name,
        Path="/service-role/",
        AssumeRolePolicyDocument=_trust({"Service": f"{service}.amazonaws.com"}),
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName=name,
        PolicyName="least-privilege",
        PolicyDocument=_json(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}],
            }
        ),
    )
    return str(arn)


def seed_compute(region: str, key: str, optional: bool) -> None:
    functions = _client("lambda", region)
    role = _role("orders-api", "lambda", ["dynamodb:GetItem", "dynamodb:PutItem"])
    signing = (
        {
            "CodeSigningConfigArn": f"arn:aws:lambda:{region}:{ACCOUNT_ID}:"
            "code-signing-config:csc-0123456789abcdef0"
        }
        if optional
        else {}
    )
    functions.create_function(
        FunctionName="orders-api",
        Runtime="python3.12",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": _zip()},
        KMSKeyArn=key,
        Environment={"Variables": {"TABLE_NAME": "orders", "LOG_LEVEL": "info"}},
        **signing,
    )
    ecr = _client("ecr", region)
    ecr.put_registry_scanning_configuration(
        scanType="ENHANCED",
        rules=[
            {
                "scanFrequency": "CONTINUOUS_SCAN",
                "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}],
            }
        ],
    )
    ecr.create_repository(
        repositoryName="orders-api",
        imageScanningConfiguration={"scanOnPush": True},
        imageTagMutability="IMMUTABLE",
        encryptionConfiguration={"encryptionType": "KMS", "kmsKey": key},
    )
    build_role = _role("orders-build", "codebuild", ["logs:PutLogEvents", "ecr:PutImage"])
    _client("codebuild", region).create_project(
        name="orders-api",
        source={"type": "CODECOMMIT", "location": "https://git-codecommit.example/orders-api"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
            "privilegedMode": False,
            "environmentVariables": [
                {"name": "DB_PASSWORD", "value": "/orders/db", "type": "SECRETS_MANAGER"},
                {"name": "STAGE", "value": "prod", "type": "PLAINTEXT"},
            ],
        },
        serviceRole=build_role,
    )
    ssm = _client("ssm", region)
    ssm.create_patch_baseline(
        Name="linux-security",
        OperatingSystem="AMAZON_LINUX_2023",
        ApprovalRules={
            "PatchRules": [
                {
                    "PatchFilterGroup": {
                        "PatchFilters": [{"Key": "CLASSIFICATION", "Values": ["Security"]}]
                    },
                    "ApproveAfterDays": 3,
                }
            ]
        },
    )


def seed_network(region: str, key: str) -> None:
    ec2 = _client("ec2", region)
    ec2.enable_ebs_encryption_by_default()
    ec2.modify_ebs_default_kms_key_id(KmsKeyId=key)
    base = "10.40" if region == REGIONS[0] else "10.41"
    vpc = ec2.create_vpc(CidrBlock=f"{base}.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base}.{n}.0/24", AvailabilityZone=f"{region}{z}")[
            "Subnet"
        ]["SubnetId"]
        for n, z in ((1, "a"), (2, "b"))
    ]
    for service in ("s3", "dynamodb"):
        ec2.create_vpc_endpoint(
            VpcId=vpc, ServiceName=f"com.amazonaws.{region}.{service}", VpcEndpointType="Gateway"
        )
    archive = f"arn:aws:s3:::hardened-log-archive-{ACCOUNT_ID}"
    for vpc_id in [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]:
        ec2.create_flow_logs(
            ResourceIds=[vpc_id],
            ResourceType="VPC",
            TrafficType="ALL",
            LogDestinationType="s3",
            LogDestination=archive,
        )
    # Default security groups allow nothing (every VPC's, the default VPC's included).
    for group in ec2.describe_security_groups(
        Filters=[{"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"]:
        if group.get("IpPermissions"):
            ec2.revoke_security_group_ingress(
                GroupId=group["GroupId"], IpPermissions=group["IpPermissions"]
            )
        if group.get("IpPermissionsEgress"):
            ec2.revoke_security_group_egress(
                GroupId=group["GroupId"], IpPermissions=group["IpPermissionsEgress"]
            )
    lb_sg = ec2.create_security_group(GroupName="load-balancer", Description="https", VpcId=vpc)
    ec2.authorize_security_group_ingress(
        GroupId=lb_sg["GroupId"],
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": cidr}]}
            for port in (80, 443)
            for cidr in ("0.0.0.0/0",)
        ],
    )
    app_sg = ec2.create_security_group(GroupName="app", Description="app tier", VpcId=vpc)
    ec2.authorize_security_group_ingress(
        GroupId=app_sg["GroupId"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 8080,
                "ToPort": 8080,
                "UserIdGroupPairs": [{"GroupId": lb_sg["GroupId"]}],
            }
        ],
    )
    ec2.run_instances(
        ImageId=EXAMPLE_AMI,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        SubnetId=subnets[0],
        SecurityGroupIds=[app_sg["GroupId"]],
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
        # moto: a volume made under encryption by default reports Encrypted=false
        BlockDeviceMappings=[
            {
                "DeviceName": "/dev/xvda",
                "Ebs": {"VolumeSize": 8, "Encrypted": True, "KmsKeyId": key},
            }
        ],
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "app-1"}]}
        ],
    )
    # EBS snapshots: the AWS Backup plan (moto has no Data Lifecycle Manager).
    cert = _client("acm", region).request_certificate(
        DomainName="shop.example.com", ValidationMethod="DNS"
    )["CertificateArn"]
    elb = _client("elbv2", region)
    lb = elb.create_load_balancer(
        Name="shop", Subnets=subnets, SecurityGroups=[lb_sg["GroupId"]],
        Scheme="internet-facing", Type="application",
    )["LoadBalancers"][0]["LoadBalancerArn"]  # fmt: skip
    group = elb.create_target_group(
        Name="shop-app", Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="instance"
    )["TargetGroups"][0]["TargetGroupArn"]
    elb.create_listener(
        LoadBalancerArn=lb,
        Protocol="HTTPS",
        Port=443,
        Certificates=[{"CertificateArn": cert}],
        SslPolicy=TLS12,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group}],
    )
    elb.create_listener(
        LoadBalancerArn=lb,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[
            {
                "Type": "redirect",
                "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
            }
        ],
    )
    waf = _client("wafv2", region)
    acl = waf.create_web_acl(
        Name="shop-protection",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        VisibilityConfig=VISIBILITY,
        Rules=[
            {
                "Name": "core",
                "Priority": 0,
                "Statement": {
                    "ManagedRuleGroupStatement": {
                        "VendorName": "AWS",
                        "Name": "AWSManagedRulesCommonRuleSet",
                    }
                },
                "OverrideAction": {"None": {}},
                "VisibilityConfig": VISIBILITY,
            }
        ],
    )["Summary"]["ARN"]
    waf.associate_web_acl(WebACLArn=acl, ResourceArn=lb)


def _rds_secrets_rotate() -> None:
    """RDS-managed master user secrets rotate automatically (every 7 days by default) in
    AWS; moto reports them with rotation off, so its store is set the way AWS reports them."""
    from datetime import UTC, datetime, timedelta

    from moto.secretsmanager.models import FakeSecret, secretsmanager_backends

    for region in REGIONS:
        for secret in secretsmanager_backends[ACCOUNT_ID][region].secrets.values():
            if isinstance(secret, FakeSecret) and secret.name.startswith("rds!"):
                secret.rotation_requested = True  # moto shows rotation fields only after this
                secret.rotation_enabled = True
                secret.auto_rotate_after_days = 7
                secret.last_rotation_date = int((datetime.now(UTC) - timedelta(days=2)).timestamp())


def seed(optional_controls: bool = True) -> None:
    """Seed the hardened account (moto must be active).

    `optional_controls=False` seeds the same careful team without the optional AWS-native
    controls (another scanner, another tagging scheme, no organization...): every
    resource is still set up right, so the scan must show advisories, never a FAIL."""
    seed_account(optional_controls)
    for region in REGIONS:
        seed_region(region, optional_controls)
    _rds_secrets_rotate()
