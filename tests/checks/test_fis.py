"""Tests of the fis checks (checks/services/fis.py)."""

from __future__ import annotations

from checks.demo import ACCOUNT_ID
from checks.result import Cause, Status
from checks.testing import Harness

ARN = f"arn:aws:iam::{ACCOUNT_ID}"


EU, US = "eu-west-1", "us-east-1"


def denied(account: Harness, check_id: str, action: str) -> None:
    account.deny(action)
    for result in account.run(check_id).values():
        assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
        assert result.missing_action == action


def test_fis_experiments(account):
    results = account.run("fis.experiments")
    assert {r.status for r in results.values()} == {Status.NOT_APPLICABLE}
    fis = account.client("fis", EU)
    template = fis.create_experiment_template(
        description="game day",
        roleArn=f"{ARN}:role/fis",
        stopConditions=[{"source": "none"}],
        actions={"wait": {"actionId": "aws:fis:wait", "parameters": {"duration": "PT1M"}}},
    )["experimentTemplate"]
    fis.start_experiment(experimentTemplateId=template["id"])
    results = account.run("fis.experiments")
    assert results[EU].status is Status.PASS
    assert "run 1 time(s)" in results[EU].resources[0].detail
    assert results[US].status is Status.NOT_APPLICABLE


def test_fis_denied(account):
    denied(account, "fis.experiments", "fis:ListExperimentTemplates")
