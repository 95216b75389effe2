"""Tests of the accessanalyzer checks (checks/services/accessanalyzer.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from checks.demo import ACCOUNT_ID
from checks.result import Cause, Status
from checks.testing import not_in_place_ids


def test_access_analyzer_unsupported_by_moto(account):
    results = account.run("accessanalyzer.enabled")
    assert set(results) == {"eu-west-1", "us-east-1"}
    assert all(r.cause is Cause.UNSUPPORTED for r in results.values())


def test_access_analyzer_per_region(account):
    arn = f"arn:aws:access-analyzer:eu-west-1:{ACCOUNT_ID}:analyzer/main"
    eu = account.stub("accessanalyzer", "eu-west-1")
    eu.add_response(
        "list_analyzers",
        {
            "analyzers": [
                {
                    "arn": arn,
                    "name": "main",
                    "type": "ACCOUNT",
                    "createdAt": datetime.now(UTC),
                    "status": "ACTIVE",
                }
            ]
        },
    )
    us = account.stub("accessanalyzer", "us-east-1")
    us.add_client_error("list_analyzers", "AccessDeniedException", "no", 403)
    results = account.run("accessanalyzer.enabled")
    assert results["eu-west-1"].status is Status.PASS
    assert results["us-east-1"].status is Status.UNKNOWN
    assert results["us-east-1"].missing_action == "access-analyzer:ListAnalyzers"


def test_access_analyzer_missing_fails(account):
    for region in ("eu-west-1", "us-east-1"):
        account.stub("accessanalyzer", region).add_response("list_analyzers", {"analyzers": []})
    results = account.run("accessanalyzer.enabled")
    assert {r.status for r in results.values()} == {Status.ADVISORY}
    assert not_in_place_ids(results["us-east-1"]) == {f"{ACCOUNT_ID}/us-east-1"}
