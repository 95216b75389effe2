"""Tests of the dlm checks (checks/services/dlm.py)."""

from __future__ import annotations

from checks.demo import ACCOUNT_ID
from checks.result import Cause, CheckResult, Status
from checks.testing import Harness, not_in_place_ids

EU, US = "eu-west-1", "us-east-1"


def eu(account: Harness, check_id: str) -> CheckResult:
    return account.run(check_id)[EU]


def _volume(account: Harness) -> None:
    account.client("ec2").create_volume(AvailabilityZone=f"{EU}a", Size=8)


def test_dlm_policies(account):
    _volume(account)
    stub = account.stub("dlm", EU)  # moto has no DLM
    policy = {
        "PolicyId": "policy-1",
        "Description": "daily snapshots",
        "State": "ENABLED",
        "PolicyType": "EBS_SNAPSHOT_MANAGEMENT",
    }
    stub.add_response("get_lifecycle_policies", {"Policies": [policy]})
    result = eu(account, "dlm.ebs_snapshot_policies")
    assert result.status is Status.PASS
    assert result.resources[0].detail == "EBS_SNAPSHOT_MANAGEMENT policy: daily snapshots"


def test_dlm_none_fails_unless_aws_backup_plans_exist(account):
    _volume(account)
    stub = account.stub("dlm", EU)
    stub.add_response(
        "get_lifecycle_policies", {"Policies": [{"PolicyId": "p", "State": "DISABLED"}]}
    )
    assert not_in_place_ids(eu(account, "dlm.ebs_snapshot_policies")) == {f"{ACCOUNT_ID}/{EU}"}
    stub.add_response("get_lifecycle_policies", {"Policies": []})
    account.client("backup").create_backup_plan(
        BackupPlan={
            "BackupPlanName": "daily",
            "Rules": [{"RuleName": "d", "TargetBackupVaultName": "Default"}],
        }
    )
    result = eu(account, "dlm.ebs_snapshot_policies")
    assert result.status is Status.NOT_APPLICABLE and "daily" in result.reason


def test_dlm_unsupported_is_unknown(account):
    _volume(account)
    result = eu(account, "dlm.ebs_snapshot_policies")
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)
