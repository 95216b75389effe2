"""Tests of the sns checks (checks/services/sns.py)."""

from __future__ import annotations

from checks.result import CheckResult, Status
from checks.testing import Harness, failing_ids

EU, US = "eu-west-1", "us-east-1"


def eu(account: Harness, check_id: str) -> CheckResult:
    return account.run(check_id)[EU]


def test_sns_topic_encryption(account):
    sns = account.client("sns")
    sns.create_topic(Name="enc", Attributes={"KmsMasterKeyId": "alias/aws/sns"})
    assert eu(account, "sns.topic_encryption").status is Status.PASS
    plain = sns.create_topic(Name="plain")["TopicArn"]
    assert failing_ids(eu(account, "sns.topic_encryption")) == {plain}
