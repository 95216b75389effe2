"""Tests of the cloudtrail checks (checks/services/cloudtrail.py)."""

from __future__ import annotations

import pytest

from checks.demo import ACCOUNT_ID
from checks.result import GLOBAL, Cause, Status
from checks.testing import Harness, failing_ids

EU, US = "eu-west-1", "us-east-1"


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
