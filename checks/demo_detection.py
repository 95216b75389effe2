"""Demo seeding for the detection area (checks/detection.py), on top of demo.seed_detection.

eu-west-1 is the hardened region (the org trail is encrypted and sent to CloudWatch Logs,
Config records, Security Hub and Inspector are on, findings are routed, Config rules are
deployed); us-east-1 is the neglected one (GuardDuty suspended, Security Hub off, a
workload VPC without flow logs, a log group kept forever).
"""

from __future__ import annotations

import json

from checks.demo import ACCOUNT_ID, HOME, _client

US = "us-east-1"
TRAIL_LOGS = "/aws/cloudtrail/org-trail"


def seed() -> None:
    """moto must be active; runs after demo.seed_detection (org-trail, legacy-trail)."""
    # eu-west-1: the org trail gets SSE-KMS and CloudWatch Logs delivery.
    kms = _client("kms", HOME)
    key = kms.create_key(Description="cloudtrail")["KeyMetadata"]["Arn"]
    logs = _client("logs", HOME)
    logs.create_log_group(logGroupName=TRAIL_LOGS)
    logs.put_retention_policy(logGroupName=TRAIL_LOGS, retentionInDays=400)
    group_arn = f"arn:aws:logs:{HOME}:{ACCOUNT_ID}:log-group:{TRAIL_LOGS}:*"
    _client("cloudtrail", HOME).update_trail(
        Name="org-trail",
        KmsKeyId=key,
        CloudWatchLogsLogGroupArn=group_arn,
        CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/cloudtrail-to-logs",
    )
    # demo.py's flow log names a key prefix moto rejects ("does not exist"): add one it takes.
    ec2 = _client("ec2", HOME)
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    ec2.create_flow_logs(
        ResourceIds=[default_vpc[0]["VpcId"]],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::acme-cloudtrail-logs",
    )
    # AWS Config: demo.py created the recorder; give it a channel and start it.
    config = _client("config", HOME)
    config.put_delivery_channel(
        DeliveryChannel={"name": "default", "s3BucketName": "acme-cloudtrail-logs"}
    )
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    config.put_config_rule(
        ConfigRule={
            "ConfigRuleName": "s3-bucket-public-read-prohibited",
            "Source": {"Owner": "AWS", "SourceIdentifier": "S3_BUCKET_PUBLIC_READ_PROHIBITED"},
        }
    )
    _client("securityhub", HOME).enable_security_hub(EnableDefaultStandards=True)
    _client("inspector2", HOME).enable(resourceTypes=["EC2", "ECR"], accountIds=[ACCOUNT_ID])
    events = _client("events", HOME)
    events.put_rule(
        Name="guardduty-findings-to-responder",
        EventPattern=json.dumps(
            {"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"]}
        ),
    )
    events.put_targets(
        Rule="guardduty-findings-to-responder",
        Targets=[
            {"Id": "responder", "Arn": f"arn:aws:lambda:{HOME}:{ACCOUNT_ID}:function:responder"}
        ],
    )
    events.put_rule(Name="nightly-report", ScheduleExpression="rate(1 day)")  # not a finding rule

    # us-east-1: GuardDuty suspended, a workload VPC without flow logs.
    _client("guardduty", US).create_detector(Enable=False)
    ec2 = _client("ec2", US)
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "payments"}])
