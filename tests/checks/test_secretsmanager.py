"""Tests of the secretsmanager checks (checks/services/secretsmanager.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from checks.demo import ACCOUNT_ID
from checks.result import Cause, CheckResult, Status
from checks.testing import Harness, failing_ids

EU, US = "eu-west-1", "us-east-1"


def denied(account: Harness, check_id: str, action: str) -> None:
    account.deny(action)
    for result in account.run(check_id).values():
        assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
        assert result.missing_action == action


def test_secrets_manager_in_use(account):
    results = account.run("secretsmanager.in_use")
    assert {r.status for r in results.values()} == {Status.NOT_APPLICABLE}
    account.client("secretsmanager", US).create_secret(Name="db", SecretString="not-real")
    results = account.run("secretsmanager.in_use")
    assert results[US].status is Status.PASS
    assert results[EU].status is Status.NOT_APPLICABLE
    assert "not-real" not in json.dumps(results[US].to_dict())


def test_secrets_manager_denied(account):
    denied(account, "secretsmanager.in_use", "secretsmanager:ListSecrets")


def eu(account: Harness, check_id: str) -> CheckResult:
    return account.run(check_id)[EU]


def _secret(name: str, **fields: Any) -> dict[str, Any]:
    return {
        "ARN": f"arn:aws:secretsmanager:{EU}:{ACCOUNT_ID}:secret:{name}-AbCdEf",
        "Name": name,
        **fields,
    }


def test_secrets_rotation_under_moto(account):
    account.client("secretsmanager").create_secret(Name="db", SecretString="not-a-real-secret")
    result = eu(account, "secretsmanager.rotation")
    assert result.status is Status.FAIL
    assert result.failing[0].detail == "automatic rotation is off"
    assert "not-a-real-secret" not in repr(result)


def test_secrets_rotation_window_and_pages(account):
    stub = account.stub("secretsmanager", EU)
    now = datetime.now(UTC)
    on_time = _secret(
        "on-time",
        RotationEnabled=True,
        RotationRules={"AutomaticallyAfterDays": 30},
        LastRotatedDate=now - timedelta(days=10),
    )
    late = _secret(
        "late",
        RotationEnabled=True,
        RotationRules={"AutomaticallyAfterDays": 30},
        LastRotatedDate=now - timedelta(days=90),
    )
    scheduled = _secret(
        "scheduled", RotationEnabled=True, RotationRules={"ScheduleExpression": "rate(4 hours)"}
    )
    stub.add_response("list_secrets", {"SecretList": [on_time, late], "NextToken": "t"})
    stub.add_response("list_secrets", {"SecretList": [scheduled]}, {"NextToken": "t"})
    result = eu(account, "secretsmanager.rotation")
    assert len(result.resources) == 3
    assert failing_ids(result) == {late["ARN"]}
    assert result.failing[0].detail == "last rotated 90 days ago (rotation every 30 days)"
    stub.assert_no_pending_responses()


def test_secrets_rotation_passes_when_all_rotate(account):
    stub = account.stub("secretsmanager", EU)
    recent = datetime.now(UTC) - timedelta(days=3)
    rotated = _secret("s", RotationEnabled=True, LastRotatedDate=recent)
    stub.add_response("list_secrets", {"SecretList": [rotated]})
    assert eu(account, "secretsmanager.rotation").status is Status.PASS


def test_secrets_rotation_never_rotated_is_judged_from_creation(account):
    # Rotation on but no LastRotatedDate was a PASS "rotation on" whatever its age.
    stub = account.stub("secretsmanager", EU)
    now = datetime.now(UTC)
    every_30 = {"RotationEnabled": True, "RotationRules": {"AutomaticallyAfterDays": 30}}
    stale = _secret("stale", CreatedDate=now - timedelta(days=200), **every_30)
    fresh = _secret("fresh", CreatedDate=now - timedelta(days=5), **every_30)
    unknown = _secret("unknown", **every_30)
    stub.add_response("list_secrets", {"SecretList": [stale, fresh, unknown]})
    result = eu(account, "secretsmanager.rotation")
    assert result.status is Status.FAIL
    found = {r.id.split(":")[-1].rsplit("-", 1)[0]: (r.status, r.detail) for r in result.resources}
    assert found["stale"] == (
        Status.FAIL,
        "rotation on but never rotated in the 200 days since it was created",
    )
    assert found["fresh"] == (Status.PASS, "rotation on, not rotated yet (created 5 days ago)")
    assert found["unknown"][0] is Status.UNKNOWN
