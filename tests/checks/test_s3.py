"""Tests of the s3 checks (checks/services/s3.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from checks.demo import ACCOUNT_ID
from checks.result import Cause, CheckResult, Status
from checks.testing import Harness, failing_ids, not_in_place_ids

EU, US = "eu-west-1", "us-east-1"


TLS_ONLY = {
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def test_bucket_tls_only(account):
    assert account.one("s3.bucket_tls_only").status is Status.NOT_APPLICABLE
    s3 = account.client("s3")
    where = {"LocationConstraint": EU}
    for name in ("tls-only", "no-policy", "allow-only"):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration=where)
    tls = {**TLS_ONLY, "Resource": ["arn:aws:s3:::tls-only", "arn:aws:s3:::tls-only/*"]}
    s3.put_bucket_policy(
        Bucket="tls-only", Policy=json.dumps({"Version": "2012-10-17", "Statement": [tls]})
    )
    read = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::allow-only/*",
    }
    s3.put_bucket_policy(
        Bucket="allow-only", Policy=json.dumps({"Version": "2012-10-17", "Statement": [read]})
    )
    result = account.one("s3.bucket_tls_only")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {"arn:aws:s3:::no-policy", "arn:aws:s3:::allow-only"}


def test_bucket_tls_only_unreadable_policy_is_undecided(account):
    # A policy that is not JSON (or has no readable statements) is not judged: never a
    # PASS, never "no statements" either (the statement reading lives in checks.lib.policy).
    stub = account.stub("s3", EU)
    stub.add_response("list_buckets", {"Buckets": [{"Name": "odd"}, {"Name": "tls"}]})
    stub.add_response("get_bucket_policy", {"Policy": "{not json"}, {"Bucket": "odd"})
    tls = {"Version": "2012-10-17", "Statement": [{**TLS_ONLY, "Action": "S3:*"}]}
    stub.add_response("get_bucket_policy", {"Policy": json.dumps(tls)}, {"Bucket": "tls"})
    result = account.one("s3.bucket_tls_only")
    assert result.status is Status.UNKNOWN
    details = {r.id: (r.status, r.detail) for r in result.resources}
    assert details["arn:aws:s3:::odd"] == (Status.UNKNOWN, "the bucket policy could not be read")
    assert details["arn:aws:s3:::tls"][0] is Status.PASS  # IAM actions ignore case


ALL_BLOCKED = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def eu(account: Harness, check_id: str) -> CheckResult:
    return account.run(check_id)[EU]


def bucket(account: Harness, name: str) -> None:
    account.client("s3").create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": EU}
    )


EMPTY_GLOBAL = [
    "s3.default_encryption",
    "s3.bucket_public_access_block",
    "s3.bucket_public",
    "s3.classification_tag",
    "s3.lifecycle",
]


@pytest.mark.parametrize("check_id", EMPTY_GLOBAL)
def test_bucket_checks_not_applicable_without_buckets(account, check_id):
    assert account.one(check_id).status is Status.NOT_APPLICABLE


def test_account_wide_settings_are_never_not_applicable(account):
    # Settings that exist in every account: "absent" is a FAIL with the account as resource.
    assert eu(account, "ec2.ebs_encryption_by_default").status is Status.FAIL
    # An optional control: absent is ADVISORY ("not in place"), still never N/A.
    assert eu(account, "config.encryption_rules").status is Status.ADVISORY
    result = account.one("s3.account_public_access_block")
    assert failing_ids(result) == {ACCOUNT_ID}


def test_s3_default_encryption(account):
    s3 = account.client("s3")
    for name, algorithm in (("sse-s3", "AES256"), ("sse-kms", "aws:kms")):
        bucket(account, name)
        s3.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": algorithm},
                        "BucketKeyEnabled": algorithm == "aws:kms",
                    }
                ]
            },
        )
    result = account.one("s3.default_encryption")
    assert result.status is Status.PASS
    details = {r.id: r.detail for r in result.resources}
    assert details["arn:aws:s3:::sse-s3"] == "default encryption AES256"
    assert "bucket key" in details["arn:aws:s3:::sse-kms"]
    bucket(account, "no-config")
    result = account.one("s3.default_encryption")
    assert failing_ids(result) == {"arn:aws:s3:::no-config"}


def test_account_public_access_block(account):
    s3control = account.client("s3control")
    s3control.put_public_access_block(
        AccountId=ACCOUNT_ID,
        PublicAccessBlockConfiguration={**ALL_BLOCKED, "RestrictPublicBuckets": False},
    )
    result = account.one("s3.account_public_access_block")
    assert result.status is Status.FAIL
    assert result.failing[0].detail.endswith("RestrictPublicBuckets")
    s3control.put_public_access_block(
        AccountId=ACCOUNT_ID, PublicAccessBlockConfiguration=ALL_BLOCKED
    )
    assert account.one("s3.account_public_access_block").status is Status.PASS


def test_bucket_public_access_block_counts_the_account_settings(account):
    s3 = account.client("s3")
    bucket(account, "own-block")
    s3.put_public_access_block(Bucket="own-block", PublicAccessBlockConfiguration=ALL_BLOCKED)
    bucket(account, "partial")
    s3.put_public_access_block(
        Bucket="partial", PublicAccessBlockConfiguration={"BlockPublicAcls": True}
    )
    result = account.one("s3.bucket_public_access_block")
    assert failing_ids(result) == {"arn:aws:s3:::partial"}
    assert "IgnorePublicAcls" in result.failing[0].detail
    account.client("s3control").put_public_access_block(
        AccountId=ACCOUNT_ID, PublicAccessBlockConfiguration=ALL_BLOCKED
    )
    assert account.one("s3.bucket_public_access_block").status is Status.PASS


def _public_policy(name: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{name}/*",
                }
            ],
        }
    )


def test_bucket_public_by_policy_or_acl(account):
    s3 = account.client("s3")
    bucket(account, "private")
    assert account.one("s3.bucket_public").status is Status.PASS
    bucket(account, "by-policy")
    s3.put_bucket_policy(Bucket="by-policy", Policy=_public_policy("by-policy"))
    bucket(account, "by-acl")
    s3.put_bucket_acl(Bucket="by-acl", ACL="public-read")
    result = account.one("s3.bucket_public")
    assert failing_ids(result) == {"arn:aws:s3:::by-policy", "arn:aws:s3:::by-acl"}
    details = {r.id: r.detail for r in result.failing}
    assert details["arn:aws:s3:::by-policy"].startswith("bucket policy is public: ")
    assert "AllUsers" in details["arn:aws:s3:::by-acl"]


def test_bucket_public_access_blocked_by_the_account_is_not_public(account):
    s3 = account.client("s3")
    bucket(account, "by-acl")
    s3.put_bucket_acl(Bucket="by-acl", ACL="public-read")
    account.client("s3control").put_public_access_block(
        AccountId=ACCOUNT_ID, PublicAccessBlockConfiguration=ALL_BLOCKED
    )
    assert account.one("s3.bucket_public").status is Status.PASS


def test_s3_classification_tag(account):
    s3 = account.client("s3")
    bucket(account, "tagged")
    s3.put_bucket_tagging(
        Bucket="tagged", Tagging={"TagSet": [{"Key": "Data-Sensitivity", "Value": "high"}]}
    )
    assert account.one("s3.classification_tag").status is Status.PASS
    bucket(account, "untagged")
    bucket(account, "other-tags")
    s3.put_bucket_tagging(Bucket="other-tags", Tagging={"TagSet": [{"Key": "team", "Value": "x"}]})
    result = account.one("s3.classification_tag")
    assert not_in_place_ids(result) == {"arn:aws:s3:::untagged", "arn:aws:s3:::other-tags"}


def test_s3_lifecycle(account):
    s3 = account.client("s3")
    bucket(account, "expiring")
    rule = {"ID": "r", "Filter": {"Prefix": ""}, "Expiration": {"Days": 30}}
    s3.put_bucket_lifecycle_configuration(
        Bucket="expiring", LifecycleConfiguration={"Rules": [{**rule, "Status": "Enabled"}]}
    )
    assert account.one("s3.lifecycle").status is Status.PASS
    bucket(account, "disabled-rule")
    s3.put_bucket_lifecycle_configuration(
        Bucket="disabled-rule", LifecycleConfiguration={"Rules": [{**rule, "Status": "Disabled"}]}
    )
    bucket(account, "none")
    result = account.one("s3.lifecycle")
    assert not_in_place_ids(result) == {"arn:aws:s3:::disabled-rule", "arn:aws:s3:::none"}


def test_invalid_bucket_names_are_reported_not_hidden(account):
    from moto.s3.models import s3_backends

    bucket(account, "fine")
    s3_backends[ACCOUNT_ID]["aws"].create_bucket("[bold]x[/]", EU)
    result = account.one("s3.lifecycle")
    assert result.status is Status.ADVISORY and "[bold]x[/]" in result.reason
    account.client("s3").put_bucket_lifecycle_configuration(
        Bucket="fine",
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "r",
                    "Filter": {"Prefix": ""},
                    "Status": "Enabled",
                    "Expiration": {"Days": 9},
                }
            ]
        },
    )
    result = account.one("s3.lifecycle")
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)


def test_block_public_access_flags_sent_as_text_are_read_strictly(account):
    # An endpoint (or a replayed answer) sending "false" as text: off, never truthy text.
    account.client("s3control", EU).put_public_access_block(
        AccountId=ACCOUNT_ID, PublicAccessBlockConfiguration=ALL_BLOCKED
    )

    def as_text(parsed: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name == "GetPublicAccessBlock":
            config = parsed.get("PublicAccessBlockConfiguration", {})
            config.update({k: "false" for k in config})
            config["BlockPublicAcls"] = "TRUE"

    for region in (EU, US):
        account.scan_client("s3control", region).meta.events.register("after-call", as_text)
    result = account.one("s3.account_public_access_block")
    assert result.status is Status.FAIL  # was PASS: bool("false") is True
    assert result.failing[0].detail == (
        "account-level Block Public Access off: "
        "IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets"
    )
