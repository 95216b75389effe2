"""Detection checks under moto (and Stubber where moto lacks the operation).

Every check: PASS, FAIL, NOT_APPLICABLE (or, where absence is itself the finding, FAIL on
the account/region), and UNKNOWN (access denied, or an operation the endpoint lacks).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from checks.demo import ACCOUNT_ID
from checks.result import GLOBAL, Cause, Status
from checks.testing import Harness, failing_ids

EU, US = "eu-west-1", "us-east-1"
WHERE_EU, WHERE_US = f"{ACCOUNT_ID}/{EU}", f"{ACCOUNT_ID}/{US}"


def trail_arn(region: str, name: str, account: str = ACCOUNT_ID) -> str:
    return f"arn:aws:cloudtrail:{region}:{account}:trail/{name}"


def bucket(account: Harness, name: str = "trail-logs") -> str:
    account.client("s3").create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": EU}
    )
    return name


def denied(result, action: str) -> None:
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED), result
    assert result.missing_action == action


# --- CloudTrail -------------------------------------------------------------------------

TRAIL_SETTINGS = ["cloudtrail.log_file_validation", "cloudtrail.kms_encryption"]
TRAIL_SETTINGS += ["cloudtrail.cloudwatch_logs"]


@pytest.mark.parametrize("check_id", TRAIL_SETTINGS)
def test_trail_settings_not_applicable_without_trails(account, check_id):
    result = account.one(check_id)
    assert (result.status, result.region) == (Status.NOT_APPLICABLE, GLOBAL)


def test_no_trail_at_all_fails_on_the_account(account):
    result = account.one("cloudtrail.multi_region_logging")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {ACCOUNT_ID}


def _good_and_bad_trails(account: Harness) -> None:
    name = bucket(account)
    key = account.client("kms").create_key()["KeyMetadata"]["Arn"]
    eu = account.client("cloudtrail", EU)
    eu.create_trail(
        Name="main",
        S3BucketName=name,
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
        KmsKeyId=key,
        CloudWatchLogsLogGroupArn=f"arn:aws:logs:{EU}:{ACCOUNT_ID}:log-group:trail:*",
        CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/trail",
    )
    eu.start_logging(Name="main")
    account.client("cloudtrail", US).create_trail(Name="legacy-trail", S3BucketName=name)


@pytest.mark.parametrize("check_id", TRAIL_SETTINGS)
def test_trail_settings_name_each_failing_trail(account, check_id):
    _good_and_bad_trails(account)
    result = account.one(check_id)
    assert result.status is Status.FAIL
    assert failing_ids(result) == {trail_arn(US, "legacy-trail")}
    assert {r.id for r in result.resources} == {
        trail_arn(EU, "main"),
        trail_arn(US, "legacy-trail"),
    }
    assert all(r.detail for r in result.resources)


def test_multi_region_trail_logging(account):
    _good_and_bad_trails(account)
    result = account.one("cloudtrail.multi_region_logging")
    assert result.status is Status.PASS
    assert {r.id for r in result.resources} == {trail_arn(EU, "main")}
    account.client("cloudtrail", EU).stop_logging(Name="main")
    result = account.one("cloudtrail.multi_region_logging")
    assert result.status is Status.FAIL
    details = {r.id: r.detail for r in result.failing}
    assert "not logging" in details[trail_arn(EU, "main")]
    assert "single-region" in details[trail_arn(US, "legacy-trail")]


def test_trail_checks_denied(account):
    _good_and_bad_trails(account)
    account.deny("cloudtrail:DescribeTrails")
    for check_id in [*TRAIL_SETTINGS, "cloudtrail.multi_region_logging"]:
        denied(account.one(check_id), "cloudtrail:DescribeTrails")


def test_trail_status_denied_is_unknown_not_fail(account):
    _good_and_bad_trails(account)
    account.deny("cloudtrail:GetTrailStatus")
    denied(account.one("cloudtrail.multi_region_logging"), "cloudtrail:GetTrailStatus")


def test_organization_trail_of_another_account_is_asked_by_arn(account):
    org = trail_arn(US, "org", account="999999999999")
    trail = {
        "Name": "org",
        "TrailARN": org,
        "HomeRegion": US,
        "IsMultiRegionTrail": True,
        "IsOrganizationTrail": True,
        "LogFileValidationEnabled": True,
        "S3BucketName": "central-logs",
    }
    eu, us = account.stub("cloudtrail", EU), account.stub("cloudtrail", US)
    eu.add_response("describe_trails", {"trailList": [trail]})
    us.add_response("describe_trails", {"trailList": [trail]})
    us.add_response("get_trail_status", {"IsLogging": True}, {"Name": org})
    result = account.one("cloudtrail.multi_region_logging")
    assert result.status is Status.PASS
    assert [r.id for r in result.resources] == [org]  # one trail, seen from two regions
    assert "organization trail" in result.resources[0].detail
    us.assert_no_pending_responses()


# --- VPC flow logs ------------------------------------------------------------------------


def _default_vpc(account: Harness, region: str) -> str:
    ec2 = account.client("ec2", region)
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    return str(vpcs[0]["VpcId"])


def vpc_arn(region: str, vpc: str) -> str:
    return f"arn:aws:ec2:{region}:{ACCOUNT_ID}:vpc/{vpc}"


def test_vpc_flow_logs(account):
    ec2 = account.client("ec2", EU)
    default = _default_vpc(account, EU)
    ec2.create_flow_logs(
        ResourceIds=[default],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination=f"arn:aws:s3:::{bucket(account)}",
    )
    assert account.run("ec2.vpc_flow_logs")[EU].status is Status.PASS
    workload = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    result = account.run("ec2.vpc_flow_logs")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {vpc_arn(EU, workload)}
    assert result.failing[0].detail == "no active VPC flow log"


def test_unused_default_vpc_passes_a_used_one_fails(account):
    result = account.run("ec2.vpc_flow_logs")[US]
    assert result.status is Status.PASS  # moto's default VPC: no interfaces
    assert "unused" in result.resources[0].detail
    ec2 = account.client("ec2", US)
    default = _default_vpc(account, US)
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [default]}])["Subnets"][0]
    ec2.create_network_interface(SubnetId=subnet["SubnetId"])
    result = account.run("ec2.vpc_flow_logs")[US]
    assert failing_ids(result) == {vpc_arn(US, default)}


def test_vpc_flow_logs_not_applicable_without_vpcs_and_pages_merged(account):
    stub = account.stub("ec2", EU)
    stub.add_response("describe_vpcs", {"Vpcs": []})
    assert account.run("ec2.vpc_flow_logs")[EU].status is Status.NOT_APPLICABLE
    stub.add_response("describe_vpcs", {"Vpcs": [{"VpcId": "vpc-1", "IsDefault": False}]})
    stub.add_response(
        "describe_flow_logs",
        {"FlowLogs": [{"ResourceId": "vpc-other", "FlowLogStatus": "ACTIVE"}], "NextToken": "t"},
    )
    stub.add_response(
        "describe_flow_logs",
        {"FlowLogs": [{"ResourceId": "vpc-1", "TrafficType": "REJECT"}]},
        {"NextToken": "t"},
    )
    result = account.run("ec2.vpc_flow_logs")[EU]
    assert result.status is Status.PASS  # the flow log on the second page counts
    stub.assert_no_pending_responses()


def test_vpc_flow_logs_denied(account):
    account.deny("ec2:DescribeFlowLogs")
    denied(account.run("ec2.vpc_flow_logs")[EU], "ec2:DescribeFlowLogs")


# --- AWS Config recorder ------------------------------------------------------------------


def test_config_recorder(account):
    result = account.run("config.recorder_recording")[EU]
    assert result.status is Status.FAIL  # nothing set up: the region is the finding
    assert failing_ids(result) == {WHERE_EU}
    config = account.client("config", EU)
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": f"arn:aws:iam::{ACCOUNT_ID}:role/config",
            "recordingGroup": {"allSupported": True},
        }
    )
    result = account.run("config.recorder_recording")[EU]
    assert failing_ids(result) == {f"{WHERE_EU}/config-recorder/default"}
    assert "not recording" in result.failing[0].detail
    config.put_delivery_channel(
        DeliveryChannel={"name": "default", "s3BucketName": bucket(account)}
    )
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    results = account.run("config.recorder_recording")
    assert results[EU].status is Status.PASS
    assert failing_ids(results[US]) == {WHERE_US}


def test_config_recorder_denied(account):
    account.deny("config:DescribeConfigurationRecorders")
    denied(account.run("config.recorder_recording")[US], "config:DescribeConfigurationRecorders")


# --- GuardDuty ----------------------------------------------------------------------------


def test_guardduty_detector(account):
    results = account.run("guardduty.detector_enabled")
    assert failing_ids(results[EU]) == {WHERE_EU}  # nothing set up
    on = account.client("guardduty", EU).create_detector(Enable=True)["DetectorId"]
    off = account.client("guardduty", US).create_detector(Enable=False)["DetectorId"]
    results = account.run("guardduty.detector_enabled")
    assert results[EU].status is Status.PASS
    assert results[EU].resources[0].id == f"arn:aws:guardduty:{EU}:{ACCOUNT_ID}:detector/{on}"
    assert failing_ids(results[US]) == {f"arn:aws:guardduty:{US}:{ACCOUNT_ID}:detector/{off}"}


def test_guardduty_denied(account):
    account.client("guardduty", EU).create_detector(Enable=True)
    account.deny("guardduty:GetDetector")
    denied(account.run("guardduty.detector_enabled")[EU], "guardduty:GetDetector")


# --- CloudWatch Logs retention -------------------------------------------------------------


def test_log_group_retention(account):
    assert account.run("logs.group_retention")[EU].status is Status.NOT_APPLICABLE
    logs = account.client("logs", EU)
    logs.create_log_group(logGroupName="/kept")
    logs.put_retention_policy(logGroupName="/kept", retentionInDays=90)
    assert account.run("logs.group_retention")[EU].status is Status.PASS
    logs.create_log_group(logGroupName="/forever")
    result = account.run("logs.group_retention")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {f"arn:aws:logs:{EU}:{ACCOUNT_ID}:log-group:/forever"}


def test_log_group_retention_denied(account):
    account.deny("logs:DescribeLogGroups")
    denied(account.run("logs.group_retention")[EU], "logs:DescribeLogGroups")


# --- Security Hub -------------------------------------------------------------------------


def test_security_hub_enabled(account):
    account.client("securityhub", EU).enable_security_hub()
    results = account.run("securityhub.hub_enabled")
    assert results[EU].status is Status.PASS
    assert results[EU].resources[0].id == f"arn:aws:securityhub:{EU}:{ACCOUNT_ID}:hub/default"
    assert failing_ids(results[US]) == {WHERE_US}  # not enabled: the region is the finding


def test_security_hub_denied(account):
    account.deny("securityhub:DescribeHub")
    denied(account.run("securityhub.hub_enabled")[EU], "securityhub:DescribeHub")


def test_finding_aggregator_not_applicable_below_two_regions(account):
    assert account.one("securityhub.finding_aggregator").status is Status.NOT_APPLICABLE
    account.client("securityhub", EU).enable_security_hub()
    assert account.one("securityhub.finding_aggregator").status is Status.NOT_APPLICABLE


def test_finding_aggregator_pass_and_fail(account):
    account.client("securityhub", US).enable_security_hub()
    stub = account.stub("securityhub", EU)
    hub = {"HubArn": f"arn:aws:securityhub:{EU}:{ACCOUNT_ID}:hub/default"}
    aggregator = f"arn:aws:securityhub:{EU}:{ACCOUNT_ID}:finding-aggregator/1"
    stub.add_response("describe_hub", hub)
    stub.add_response("list_finding_aggregators", {"FindingAggregators": [], "NextToken": "n"})
    stub.add_response(
        "list_finding_aggregators",
        {"FindingAggregators": [{"FindingAggregatorArn": aggregator}]},
        {"NextToken": "n"},
    )
    result = account.one("securityhub.finding_aggregator")
    assert result.status is Status.PASS
    assert [r.id for r in result.resources] == [aggregator]
    stub.add_response("describe_hub", hub)
    stub.add_response("list_finding_aggregators", {"FindingAggregators": []})
    result = account.one("securityhub.finding_aggregator")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {ACCOUNT_ID}
    assert "no cross-region finding aggregator" in result.failing[0].detail


def test_finding_aggregator_unknown(account):
    account.deny("securityhub:DescribeHub")
    denied(account.one("securityhub.finding_aggregator"), "securityhub:DescribeHub")


HUB = f"arn:aws:securityhub:{EU}:{ACCOUNT_ID}"


def _standards(*statuses: str) -> dict[str, object]:
    return {
        "StandardsSubscriptions": [
            {
                "StandardsSubscriptionArn": f"{HUB}:subscription/s{n}",
                "StandardsArn": f"arn:aws:securityhub:{EU}::standards/cis/v/{n}",
                "StandardsInput": {},
                "StandardsStatus": status,
            }
            for n, status in enumerate(statuses)
        ]
    }


def test_control_standards(account):
    hub, config = account.stub("securityhub", EU), account.stub("config", EU)
    hub.add_response("describe_hub", {"HubArn": f"{HUB}:hub/default"})
    hub.add_response("get_enabled_standards", {**_standards("READY"), "NextToken": "p2"})
    hub.add_response("get_enabled_standards", _standards("FAILED"), {"NextToken": "p2"})
    config.add_response("describe_conformance_packs", {"ConformancePackDetails": []})
    result = account.run("securityhub.control_standards")[EU]
    assert result.status is Status.PASS
    assert [r.id for r in result.resources] == [
        f"arn:aws:securityhub:{EU}:{ACCOUNT_ID}:subscription/s0"
    ]
    assert "Config conformance packs" in result.reason  # what was not found is said
    hub.add_client_error("describe_hub", "InvalidAccessException", "not subscribed")
    pack = {
        "ConformancePackName": "cis",
        "ConformancePackArn": f"arn:aws:config:{EU}:{ACCOUNT_ID}:conformance-pack/cis",
        "ConformancePackId": "cp-1",
    }
    config.add_response("describe_conformance_packs", {"ConformancePackDetails": [pack]})
    assert account.run("securityhub.control_standards")[EU].status is Status.PASS
    hub.add_response("describe_hub", {"HubArn": f"{HUB}:hub/default"})
    hub.add_client_error("get_enabled_standards", "InvalidAccessException", "not subscribed")
    config.add_response("describe_conformance_packs", {"ConformancePackDetails": []})
    result = account.run("securityhub.control_standards")[EU]
    assert result.status is Status.FAIL  # nothing measures control objectives here
    assert failing_ids(result) == {WHERE_EU}


def test_control_standards_unknown(account):
    result = account.run("securityhub.control_standards")[EU]  # moto lacks both operations
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)
    account.deny("config:DescribeConformancePacks")
    denied(account.run("securityhub.control_standards")[EU], "config:DescribeConformancePacks")


# --- correlation, remediation, standard controls (signals) -----------------------------------


def _finding_rule(account: Harness, region: str, target: str, state: str = "ENABLED") -> str:
    events = account.client("events", region)
    pattern = {"source": ["aws.securityhub"], "detail-type": ["Security Hub Findings - Imported"]}
    arn = events.put_rule(Name="findings", EventPattern=json.dumps(pattern), State=state)
    events.put_targets(Rule="findings", Targets=[{"Id": "1", "Arn": target}])
    return str(arn["RuleArn"])


LAMBDA = f"arn:aws:lambda:{EU}:{ACCOUNT_ID}:function:enrich"


def test_finding_correlation(account):
    detective = account.stub("detective", EU)
    detective.add_response("list_graphs", {"GraphList": []})
    result = account.run("events.finding_correlation")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {WHERE_EU}
    events = account.client("events", EU)
    events.put_rule(Name="nightly", ScheduleExpression="rate(1 day)")  # not about findings
    _finding_rule(account, EU, LAMBDA, state="DISABLED")
    detective.add_response("list_graphs", {"GraphList": []})
    assert account.run("events.finding_correlation")[EU].status is Status.FAIL
    rule = _finding_rule(account, EU, LAMBDA)
    result = account.run("events.finding_correlation")[EU]  # moto lacks Detective: still PASS
    assert result.status is Status.PASS
    assert [r.id for r in result.resources] == [rule]


def test_finding_correlation_detective_graph_pages(account):
    detective = account.stub("detective", EU)
    graph = f"arn:aws:detective:{EU}:{ACCOUNT_ID}:graph:abc"
    detective.add_response("list_graphs", {"GraphList": [], "NextToken": "2"})
    detective.add_response("list_graphs", {"GraphList": [{"Arn": graph}]}, {"NextToken": "2"})
    result = account.run("events.finding_correlation")[EU]
    assert result.status is Status.PASS
    assert [r.id for r in result.resources] == [graph]
    detective.assert_no_pending_responses()


def test_finding_correlation_unknown(account):
    result = account.run("events.finding_correlation")[EU]
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)  # no Detective
    account.deny("events:ListRules")
    detective = account.stub("detective", US)
    detective.add_response("list_graphs", {"GraphList": []})
    denied(account.run("events.finding_correlation")[US], "events:ListRules")


def test_remediation_fails_when_nothing_remediates(account):
    _finding_rule(account, EU, f"arn:aws:sns:{EU}:{ACCOUNT_ID}:alerts")  # notifies only
    result = account.run("config.remediation")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {WHERE_EU}


def test_remediation_through_eventbridge(account):
    rule = _finding_rule(account, EU, LAMBDA)
    result = account.run("config.remediation")[EU]
    assert result.status is Status.PASS
    assert [r.id for r in result.resources] == [rule]


def test_remediation_through_config_and_automation_rules(account):
    config, hub = account.stub("config", EU), account.stub("securityhub", EU)
    rules = [{"ConfigRuleName": f"r{n}", "Source": {"Owner": "AWS"}} for n in range(30)]
    config.add_response("describe_config_rules", {"ConfigRules": rules})
    fix = {
        "ConfigRuleName": "r3",
        "TargetType": "SSM_DOCUMENT",
        "TargetId": "AWS-DisablePublicAccessForSecurityGroup",
        "Automatic": True,
        "Arn": f"arn:aws:config:{EU}:{ACCOUNT_ID}:remediation-configuration/r3/1",
    }
    names = [r["ConfigRuleName"] for r in rules]
    config.add_response(
        "describe_remediation_configurations",
        {"RemediationConfigurations": [fix]},
        {"ConfigRuleNames": names[:25]},
    )
    config.add_response(
        "describe_remediation_configurations",
        {"RemediationConfigurations": []},
        {"ConfigRuleNames": names[25:]},
    )
    automation = {
        "RuleArn": f"arn:aws:securityhub:{EU}:{ACCOUNT_ID}:automation-rule/1",
        "RuleName": "tag-owner",
        "RuleStatus": "ENABLED",
    }
    hub.add_response("describe_hub", {"HubArn": f"{HUB}:hub/default"})
    hub.add_response("list_automation_rules", {"AutomationRulesMetadata": [], "NextToken": "n"})
    hub.add_response(
        "list_automation_rules", {"AutomationRulesMetadata": [automation]}, {"NextToken": "n"}
    )
    result = account.run("config.remediation")[EU]
    assert result.status is Status.PASS
    assert {r.id for r in result.resources} == {fix["Arn"], automation["RuleArn"]}
    assert "automatic" in next(r.detail for r in result.resources if r.id == fix["Arn"])
    config.assert_no_pending_responses()
    hub.assert_no_pending_responses()


def test_remediation_unknown(account):
    account.client("securityhub", EU).enable_security_hub()
    result = account.run("config.remediation")[EU]  # moto lacks ListAutomationRules
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)
    account.deny("events:ListRules")
    denied(account.run("config.remediation")[US], "events:ListRules")


def test_standard_controls(account):
    results = account.run("config.standard_controls")
    assert failing_ids(results[EU]) == {WHERE_EU}
    account.client("config", EU).put_config_rule(
        ConfigRule={
            "ConfigRuleName": "encrypted-volumes",
            "Source": {"Owner": "AWS", "SourceIdentifier": "ENCRYPTED_VOLUMES"},
        }
    )
    results = account.run("config.standard_controls")
    assert results[EU].status is Status.PASS
    assert "1 active AWS Config rule" in results[EU].resources[0].detail
    assert results[US].status is Status.FAIL


def test_standard_controls_stacksets(account):
    stub = account.stub("cloudformation", EU)
    summary = {
        "StackSetName": "baseline",
        "StackSetId": "baseline:1234",
        "Status": "ACTIVE",
        "PermissionModel": "SERVICE_MANAGED",
    }
    stub.add_response("list_stack_sets", {"Summaries": [summary]}, {"Status": "ACTIVE"})
    result = account.run("config.standard_controls")[EU]
    assert result.status is Status.PASS
    assert [r.id for r in result.resources] == ["baseline:1234"]


def test_standard_controls_unknown(account):
    account.deny("config:DescribeConfigRules")
    denied(account.run("config.standard_controls")[EU], "config:DescribeConfigRules")


# --- threat detection services ----------------------------------------------------------------


def _no_analyzers(account: Harness, region: str = EU) -> None:
    account.stub("accessanalyzer", region).add_response("list_analyzers", {"analyzers": []})


def test_threat_services_fail_when_none_is_on(account):
    _no_analyzers(account)
    result = account.run("detection.threat_services")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {WHERE_EU}


def test_threat_services_pass_and_say_what_is_missing(account):
    account.client("guardduty", EU).create_detector(Enable=True)
    account.client("inspector2", EU).enable(resourceTypes=["ECR"], accountIds=[ACCOUNT_ID])
    analyzer = {
        "arn": f"arn:aws:access-analyzer:{EU}:{ACCOUNT_ID}:analyzer/a",
        "name": "a",
        "type": "ACCOUNT",
        "createdAt": datetime.now(UTC),
        "status": "ACTIVE",
    }
    account.stub("accessanalyzer", EU).add_response("list_analyzers", {"analyzers": [analyzer]})
    result = account.run("detection.threat_services")[EU]
    assert result.status is Status.PASS
    assert len(result.resources) == 3
    assert "Security Hub" in result.reason
    assert any("Inspector enabled (ecr)" in r.detail for r in result.resources)


def test_threat_services_unknown(account):
    result = account.run("detection.threat_services")[EU]  # moto lacks Access Analyzer
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)
    _no_analyzers(account, US)
    account.deny("inspector2:BatchGetAccountStatus")
    denied(account.run("detection.threat_services")[US], "inspector2:BatchGetAccountStatus")
    account.client("guardduty", US).create_detector(Enable=True)
    _no_analyzers(account, US)
    assert account.run("detection.threat_services")[US].status is Status.PASS  # one is enough
