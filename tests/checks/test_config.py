"""Tests of the config checks (checks/services/config.py)."""

from __future__ import annotations

import json

from checks.demo import ACCOUNT_ID
from checks.result import Cause, CheckResult, Status
from checks.testing import Harness, failing_ids, not_in_place_ids

EU, US = "eu-west-1", "us-east-1"


WHERE_EU, WHERE_US = f"{ACCOUNT_ID}/{EU}", f"{ACCOUNT_ID}/{US}"


def bucket(account: Harness, name: str = "trail-logs") -> str:
    account.client("s3").create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": EU}
    )
    return name


def denied(result, action: str) -> None:
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED), result
    assert result.missing_action == action


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


HUB = f"arn:aws:securityhub:{EU}:{ACCOUNT_ID}"


def _finding_rule(account: Harness, region: str, target: str, state: str = "ENABLED") -> str:
    events = account.client("events", region)
    pattern = {"source": ["aws.securityhub"], "detail-type": ["Security Hub Findings - Imported"]}
    arn = events.put_rule(Name="findings", EventPattern=json.dumps(pattern), State=state)
    events.put_targets(Rule="findings", Targets=[{"Id": "1", "Arn": target}])
    return str(arn["RuleArn"])


LAMBDA = f"arn:aws:lambda:{EU}:{ACCOUNT_ID}:function:enrich"


def test_remediation_fails_when_nothing_remediates(account):
    _finding_rule(account, EU, f"arn:aws:sns:{EU}:{ACCOUNT_ID}:alerts")  # notifies only
    result = account.run("config.remediation")[EU]
    assert result.status is Status.ADVISORY
    assert not_in_place_ids(result) == {WHERE_EU}


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
    assert not_in_place_ids(results[EU]) == {WHERE_EU}
    account.client("config", EU).put_config_rule(
        ConfigRule={
            "ConfigRuleName": "encrypted-volumes",
            "Source": {"Owner": "AWS", "SourceIdentifier": "ENCRYPTED_VOLUMES"},
        }
    )
    results = account.run("config.standard_controls")
    assert results[EU].status is Status.PASS
    assert "1 active AWS Config rule" in results[EU].resources[0].detail
    assert results[US].status is Status.ADVISORY


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


def eu(account: Harness, check_id: str) -> CheckResult:
    return account.run(check_id)[EU]


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
    assert eu(account, "config.encryption_rules").status is Status.ADVISORY
    config.put_config_rule(
        ConfigRule={
            "ConfigRuleName": "rds-encrypted",
            "Source": {"Owner": "AWS", "SourceIdentifier": "RDS_STORAGE_ENCRYPTED"},
        }
    )
    result = eu(account, "config.encryption_rules")
    assert result.status is Status.PASS
    assert [r.detail for r in result.resources] == ["rds-encrypted (RDS_STORAGE_ENCRYPTED)"]
