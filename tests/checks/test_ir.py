"""Tests of the ir checks (checks/services/ir.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from checks.demo import ACCOUNT_ID
from checks.result import Cause, Status
from checks.services.ir import denies_deletes
from checks.testing import Harness, failing_ids, not_in_place_ids

EU, US = "eu-west-1", "us-east-1"


WHERE = {EU: f"{ACCOUNT_ID}/{EU}", US: f"{ACCOUNT_ID}/{US}"}


def denied(account: Harness, check_id: str, action: str) -> None:
    account.deny(action)
    for result in account.run(check_id).values():
        assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
        assert result.missing_action == action


def _graph(n: int) -> dict[str, object]:
    return {
        "Arn": f"arn:aws:detective:{EU}:{ACCOUNT_ID}:graph:g{n}",
        "CreatedTime": datetime.now(UTC),
    }


def test_detective_unsupported_by_moto(account):
    results = account.run("ir.detective")
    assert {r.cause for r in results.values()} == {Cause.UNSUPPORTED}


def test_detective(account):
    eu = account.stub("detective", EU)
    eu.add_response("list_graphs", {"GraphList": [_graph(1)], "NextToken": "t1"}, {})
    eu.add_response("list_graphs", {"GraphList": [_graph(2)]}, {"NextToken": "t1"})
    us = account.stub("detective", US)
    us.add_response("list_graphs", {"GraphList": []})
    us.add_response("list_invitations", {"Invitations": []})
    results = account.run("ir.detective")
    assert results[EU].status is Status.PASS
    assert len(results[EU].resources) == 2
    assert results[US].status is Status.ADVISORY
    assert not_in_place_ids(results[US]) == {WHERE[US]}
    eu.assert_no_pending_responses()


def test_detective_member_account_passes(account):
    graph = f"arn:aws:detective:{US}:111111111111:graph:admin"
    for region in (EU, US):
        stub = account.stub("detective", region)
        stub.add_response("list_graphs", {"GraphList": []})
        status = "ENABLED" if region == US else "INVITED"
        stub.add_response(
            "list_invitations",
            {"Invitations": [{"AccountId": ACCOUNT_ID, "GraphArn": graph, "Status": status}]},
        )
    results = account.run("ir.detective")
    assert results[US].status is Status.PASS
    assert [r.id for r in results[US].resources] == [graph]
    assert results[EU].status is Status.ADVISORY  # invited, not enabled


def test_detective_denied(account):
    for region in (EU, US):
        account.stub("detective", region).add_client_error(
            "list_graphs", "AccessDeniedException", "no", 403
        )
    results = account.run("ir.detective")
    assert {(r.status, r.missing_action) for r in results.values()} == {
        (Status.UNKNOWN, "detective:ListGraphs")
    }


def test_guardduty(account):
    results = account.run("ir.guardduty")
    assert {r.status for r in results.values()} == {Status.FAIL}
    assert failing_ids(results[US]) == {WHERE[US]}
    detector = account.client("guardduty", EU).create_detector(Enable=True)["DetectorId"]
    off = account.client("guardduty", US).create_detector(Enable=False)["DetectorId"]
    results = account.run("ir.guardduty")
    assert results[EU].status is Status.PASS
    assert [r.id for r in results[EU].resources] == [
        f"arn:aws:guardduty:{EU}:{ACCOUNT_ID}:detector/{detector}"
    ]
    assert failing_ids(results[US]) == {f"arn:aws:guardduty:{US}:{ACCOUNT_ID}:detector/{off}"}


def test_guardduty_no_regions_examined_is_never_silent(account):
    account.deny("guardduty:GetDetector")
    account.client("guardduty", EU).create_detector(Enable=True)
    results = account.run("ir.guardduty")
    assert results[EU].status is Status.UNKNOWN
    assert results[US].status is Status.FAIL  # no detector to read: nothing set up


def test_guardduty_denied(account):
    denied(account, "ir.guardduty", "guardduty:ListDetectors")


def bucket(account: Harness, name: str, **extra: object) -> str:
    account.client("s3").create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": EU}, **extra
    )
    return f"arn:aws:s3:::{name}"


def trail(account: Harness, name: str, bucket_name: str, region: str = EU) -> None:
    account.client("cloudtrail", region).create_trail(Name=name, S3BucketName=bucket_name)


def test_log_bucket_protection(account):
    assert account.one("ir.log_bucket_protection").status is Status.NOT_APPLICABLE
    s3 = account.client("s3")
    locked = bucket(account, "locked-logs", ObjectLockEnabledForBucket=True)
    trail(account, "t-locked", "locked-logs")
    versioned = bucket(account, "versioned-logs")
    s3.put_bucket_versioning(Bucket="versioned-logs", VersioningConfiguration={"Status": "Enabled"})
    trail(account, "t-versioned", "versioned-logs", region=US)
    result = account.one("ir.log_bucket_protection")
    assert result.status is Status.PASS
    details = {r.id: r.detail for r in result.resources}
    assert "Object Lock on" in details[locked]
    assert "versioning on" in details[versioned]
    plain = bucket(account, "plain-logs")
    tls_only = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::plain-logs", "arn:aws:s3:::plain-logs/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }
    s3.put_bucket_policy(Bucket="plain-logs", Policy=json.dumps(tls_only))
    trail(account, "t-plain", "plain-logs")
    result = account.one("ir.log_bucket_protection")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {plain}
    assert "t-plain" in result.failing[0].detail


def test_deny_delete_policy_counts():
    deny_delete = {
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": ["s3:DeleteObject", "s3:DeleteObjectVersion"],
                "Resource": "arn:aws:s3:::logs/*",
                "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::1:role/admin"}},
            }
        ]
    }
    assert denies_deletes(json.dumps(deny_delete))
    assert not denies_deletes(json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:*"}]}))


def test_log_bucket_in_another_account_is_not_examined(account):
    for region in (EU, US):  # moto refuses trails to buckets it does not hold
        account.stub("cloudtrail", region).add_response(
            "describe_trails", {"trailList": [{"Name": "org", "S3BucketName": "log-archive"}]}
        )
    result = account.one("ir.log_bucket_protection")
    assert result.status is Status.NOT_APPLICABLE
    assert "another account" in result.reason


def test_log_bucket_protection_denied(account):
    bucket(account, "ir-logs")
    trail(account, "trail-1", "ir-logs")
    denied(account, "ir.log_bucket_protection", "s3:GetBucketObjectLockConfiguration")


def test_log_bucket_trails_denied(account):
    denied(account, "ir.log_bucket_protection", "cloudtrail:DescribeTrails")
