"""Tests of the efs checks (checks/services/efs.py)."""

from __future__ import annotations

from checks.result import Status
from checks.testing import failing_ids

EU, US = "eu-west-1", "us-east-1"


def test_efs_encrypted(account):
    efs = account.client("efs", US)
    efs.create_file_system(CreationToken="enc", Encrypted=True)
    assert account.run("efs.encrypted")[US].status is Status.PASS
    plain = efs.create_file_system(CreationToken="plain")["FileSystemArn"]
    assert failing_ids(account.run("efs.encrypted")[US]) == {plain}
