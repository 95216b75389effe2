"""Tests of the sqs checks (checks/services/sqs.py)."""

from __future__ import annotations

from checks.demo import ACCOUNT_ID
from checks.result import CheckResult, Status
from checks.testing import Harness, failing_ids

EU, US = "eu-west-1", "us-east-1"


def eu(account: Harness, check_id: str) -> CheckResult:
    return account.run(check_id)[EU]


def test_sqs_queue_encryption(account):
    sqs = account.client("sqs")
    sqs.create_queue(QueueName="sse-sqs")  # SSE-SQS is the default
    sqs.create_queue(QueueName="sse-kms", Attributes={"KmsMasterKeyId": "alias/aws/sqs"})
    assert eu(account, "sqs.queue_encryption").status is Status.PASS
    sqs.create_queue(QueueName="plain", Attributes={"SqsManagedSseEnabled": "false"})
    result = eu(account, "sqs.queue_encryption")
    assert failing_ids(result) == {f"arn:aws:sqs:{EU}:{ACCOUNT_ID}:plain"}
