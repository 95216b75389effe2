"""Tests of the backup checks (checks/services/backup.py)."""

from __future__ import annotations

from checks.demo import ACCOUNT_ID
from checks.result import Cause, CheckResult, Status
from checks.testing import Harness, not_in_place_ids

EU, US = "eu-west-1", "us-east-1"


def eu(account: Harness, check_id: str) -> CheckResult:
    return account.run(check_id)[EU]


def _volume(account: Harness) -> None:
    account.client("ec2", EU).create_volume(AvailabilityZone="eu-west-1a", Size=1)


def test_backup_plans_fail_only_where_data_stores_exist(account):
    _volume(account)
    results = account.run("backup.plans")
    assert results[US].status is Status.NOT_APPLICABLE  # nothing to back up there
    assert not_in_place_ids(results[EU]) == {f"{ACCOUNT_ID}/{EU}"}


def test_backup_plans_read_resource_assignments(account):
    stub = account.stub("backup", EU)  # moto has no ListBackupSelections
    plans = [
        {"BackupPlanArn": f"arn:aws:backup:{EU}:{ACCOUNT_ID}:backup-plan:{n}", "BackupPlanId": n}
        for n in ("p1", "p2")
    ]
    plans[0]["BackupPlanName"], plans[1]["BackupPlanName"] = "daily", "empty"
    stub.add_response("list_backup_plans", {"BackupPlansList": plans})
    selection = {"SelectionId": "s1", "SelectionName": "all-tagged", "BackupPlanId": "p1"}
    stub.add_response(
        "list_backup_selections", {"BackupSelectionsList": [selection]}, {"BackupPlanId": "p1"}
    )
    stub.add_response(
        "list_backup_selections", {"BackupSelectionsList": []}, {"BackupPlanId": "p2"}
    )
    result = eu(account, "backup.plans")
    assert result.status is Status.ADVISORY
    assert not_in_place_ids(result) == {plans[1]["BackupPlanArn"]}
    assert "no resources assigned" in result.not_in_place[0].detail


def test_backup_selections_unsupported_is_unknown(account):
    account.client("backup").create_backup_plan(
        BackupPlan={
            "BackupPlanName": "daily",
            "Rules": [{"RuleName": "d", "TargetBackupVaultName": "Default"}],
        }
    )
    result = eu(account, "backup.plans")
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)
