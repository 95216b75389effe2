"""Tests of the kms checks (checks/services/kms.py)."""

from __future__ import annotations

import json
from typing import Any

from checks.demo import ACCOUNT_ID
from checks.result import CheckResult, Status
from checks.testing import Harness, failing_ids

EU, US = "eu-west-1", "us-east-1"


def eu(account: Harness, check_id: str) -> CheckResult:
    return account.run(check_id)[EU]


def test_kms_key_rotation(account):
    kms = account.client("kms")
    rotating = kms.create_key(Description="rotating")["KeyMetadata"]
    kms.enable_key_rotation(KeyId=rotating["KeyId"])
    assert eu(account, "kms.key_rotation").status is Status.PASS
    still = kms.create_key(Description="never rotated")["KeyMetadata"]
    kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")  # cannot rotate: not examined
    off = kms.create_key(Description="disabled")["KeyMetadata"]
    kms.disable_key(KeyId=off["KeyId"])  # disabled: not examined
    result = eu(account, "kms.key_rotation")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {still["Arn"]}
    assert "rotation is off" in result.failing[0].detail
    assert {r.id for r in result.resources} == {rotating["Arn"], still["Arn"]}


def test_kms_aws_ebs_default_key_is_not_customer_managed(account):
    # An encrypted volume without a key makes moto create the aws/ebs key as CUSTOMER,
    # without rotation; in AWS it is AWS managed (alias/aws/... is reserved): no finding.
    ec2 = account.client("ec2")
    ec2.enable_ebs_encryption_by_default()
    ec2.create_volume(AvailabilityZone="eu-west-1a", Size=8, Encrypted=True)
    kms = account.client("kms")
    aliases = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
    assert aliases.get("alias/aws/ebs")  # the quirk this test guards against
    mine = kms.create_key(Description="mine")["KeyMetadata"]
    kms.enable_key_rotation(KeyId=mine["KeyId"])
    result = eu(account, "kms.key_rotation")
    assert result.status is Status.PASS
    assert {r.id for r in result.resources} == {mine["Arn"]}
    assert {r.id for r in eu(account, "kms.key_policy_public").resources} == {mine["Arn"]}


def _policy(*statements: dict[str, Any]) -> str:
    root = {
        "Sid": "Root",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [root, *statements]})


def test_kms_key_policy_public(account):
    kms = account.client("kms")
    conditioned = kms.create_key(
        Policy=_policy(
            {
                "Sid": "ViaS3",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:CallerAccount": ACCOUNT_ID}},
            },
            {"Sid": "DenyAll", "Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"},
        )
    )["KeyMetadata"]
    assert eu(account, "kms.key_policy_public").status is Status.PASS
    open_key = kms.create_key(
        Policy=_policy(
            {
                "Sid": "Anyone",
                "Effect": "Allow",
                "Principal": {"AWS": ["*"]},
                "Action": "kms:Decrypt",
                "Resource": "*",
            },
            {"Effect": "Allow", "Principal": "*", "Action": "kms:Encrypt", "Resource": "*"},
        )
    )["KeyMetadata"]
    result = eu(account, "kms.key_policy_public")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {open_key["Arn"]}
    assert "Anyone allows" in result.failing[0].detail
    assert "statement 3 allows" in result.failing[0].detail
    assert conditioned["Arn"] in {r.id for r in result.resources}


def test_key_rotation_unreported_state_or_spec_is_undecided(account):
    # A key whose state or spec is not reported was silently left out (so PASS beside
    # rotating keys): it is undecided.
    stub = account.stub("kms", "eu-west-1")
    stub.add_response("list_keys", {"Keys": [{"KeyId": "k1"}]})
    stub.add_response("list_aliases", {"Aliases": []})
    stub.add_response(
        "describe_key",
        {
            "KeyMetadata": {
                "KeyId": "k1",
                "Arn": "arn:aws:kms:eu-west-1:1:key/k1",
                "KeyManager": "CUSTOMER",
            }
        },
        {"KeyId": "k1"},
    )
    stub.add_response("get_key_rotation_status", {"KeyRotationEnabled": False}, {"KeyId": "k1"})
    result = account.run("kms.key_rotation")["eu-west-1"]
    assert result.status is Status.UNKNOWN
    assert result.resources[0].detail == "the key's state or spec is not reported"
