"""Tests of the detection checks (checks/services/detection.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from checks.demo import ACCOUNT_ID
from checks.result import Cause, Status
from checks.testing import Harness, not_in_place_ids

EU, US = "eu-west-1", "us-east-1"


WHERE_EU, WHERE_US = f"{ACCOUNT_ID}/{EU}", f"{ACCOUNT_ID}/{US}"


def denied(result, action: str) -> None:
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED), result
    assert result.missing_action == action


def _no_analyzers(account: Harness, region: str = EU) -> None:
    account.stub("accessanalyzer", region).add_response("list_analyzers", {"analyzers": []})


def test_threat_services_fail_when_none_is_on(account):
    _no_analyzers(account)
    result = account.run("detection.threat_services")[EU]
    assert result.status is Status.ADVISORY
    assert not_in_place_ids(result) == {WHERE_EU}


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
