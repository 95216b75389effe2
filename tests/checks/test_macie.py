"""Tests of the macie checks (checks/services/macie.py)."""

from __future__ import annotations

from typing import Any

from checks.demo import ACCOUNT_ID
from checks.result import Cause, CheckResult, Status
from checks.testing import Harness, not_in_place_ids

EU, US = "eu-west-1", "us-east-1"


def eu(account: Harness, check_id: str) -> CheckResult:
    return account.run(check_id)[EU]


def test_macie_not_enabled_fails(account):
    stub = account.stub("macie2", EU)
    stub.add_client_error(
        "get_macie_session", "AccessDeniedException", "Macie is not enabled.", 403
    )
    result = eu(account, "macie.sensitive_data_discovery")
    assert not_in_place_ids(result) == {f"{ACCOUNT_ID}/{EU}"}
    assert "not enabled" in result.not_in_place[0].detail


def test_macie_moto_not_enabled_fails(account):
    account.client("macie2").disable_macie()
    result = eu(account, "macie.sensitive_data_discovery")
    assert result.status is Status.ADVISORY


def _macie_session(stub: Any, status: str = "ENABLED") -> None:
    stub.add_response("get_macie_session", {"status": status})


def test_macie_automated_discovery_passes(account):
    stub = account.stub("macie2", EU)
    _macie_session(stub)
    stub.add_response("get_automated_discovery_configuration", {"status": "ENABLED"})
    assert eu(account, "macie.sensitive_data_discovery").status is Status.PASS


def test_macie_jobs_pass_and_none_fails(account):
    stub = account.stub("macie2", EU)
    _macie_session(stub)
    stub.add_response("get_automated_discovery_configuration", {"status": "DISABLED"})
    job = {"jobId": "j1", "name": "pii", "jobStatus": "RUNNING"}
    stub.add_response("list_classification_jobs", {"items": [job]})
    result = eu(account, "macie.sensitive_data_discovery")
    assert result.status is Status.PASS
    assert result.resources[0].id == f"arn:aws:macie2:{EU}:{ACCOUNT_ID}:classification-job/j1"


def test_macie_on_without_discovery_or_jobs_fails(account):
    stub = account.stub("macie2", EU)
    _macie_session(stub)
    stub.add_response("get_automated_discovery_configuration", {"status": "DISABLED"})
    cancelled = {"jobId": "j2", "name": "old", "jobStatus": "CANCELLED"}
    stub.add_response("list_classification_jobs", {"items": [cancelled]})
    result = eu(account, "macie.sensitive_data_discovery")
    assert not_in_place_ids(result) == {f"{ACCOUNT_ID}/{EU}"}


def test_macie_paused_fails(account):
    stub = account.stub("macie2", EU)
    _macie_session(stub, "PAUSED")
    assert "PAUSED" in eu(account, "macie.sensitive_data_discovery").not_in_place[0].detail


def test_macie_unsupported_is_unknown(account):
    result = eu(account, "macie.sensitive_data_discovery")  # moto: session on, no discovery API
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)
