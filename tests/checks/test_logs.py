"""Tests of the logs checks (checks/services/logs.py)."""

from __future__ import annotations

from checks.demo import ACCOUNT_ID
from checks.result import Cause, CheckResult, Status
from checks.testing import Harness, failing_ids

EU, US = "eu-west-1", "us-east-1"


def denied(result, action: str) -> None:
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED), result
    assert result.missing_action == action


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


def eu(account: Harness, check_id: str) -> CheckResult:
    return account.run(check_id)[EU]


def test_log_group_kms_is_a_signal_never_a_failure(account):
    logs = account.client("logs")
    logs.create_log_group(logGroupName="/plain")
    result = eu(account, "logs.group_kms")
    assert result.status is Status.PASS
    assert "no customer KMS key" in result.resources[0].detail


def test_log_group_retention_for_data(account):
    logs = account.client("logs", US)
    logs.create_log_group(logGroupName="/kept")
    logs.put_retention_policy(logGroupName="/kept", retentionInDays=90)
    assert account.run("logs.data_retention")[US].status is Status.PASS
    logs.create_log_group(logGroupName="/forever")
    result = account.run("logs.data_retention")[US]
    assert failing_ids(result) == {f"arn:aws:logs:{US}:{ACCOUNT_ID}:log-group:/forever"}
