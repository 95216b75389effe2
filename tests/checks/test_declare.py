"""The compact check declaration (checks/declare.py): derived actions, the judge's three
answers, "there is none", AccessDenied on each call, and the guard still refusing what is
not declared."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from checks.declare import (
    DECLARED,
    Call,
    Fail,
    Found,
    Judgement,
    Pass,
    Resources,
    Undecided,
    actions_of,
    per_resource,
)
from checks.demo import ACCOUNT_ID as ACCOUNT
from checks.demo import EXAMPLE_AMI
from checks.registry import REGISTRY, Scope, all_checks
from checks.result import Cause, Status
from checks.testing import Harness, failing_ids

REGION = "eu-west-1"
QUEUES = Resources(
    Call("sqs", "ListQueues", "QueueUrls"),
    details={
        "attributes": Call(
            "sqs",
            "GetQueueAttributes",
            "Attributes",
            each=lambda r: {"QueueUrl": r.listed, "AttributeNames": ["All"]},
        )
    },
    id=lambda r: r["attributes"]["QueueArn"],
)
BUCKETS = Resources(Call("s3", "ListBuckets", "Buckets"), id="Name")
POLICY = Call(
    "s3",
    "GetBucketPolicy",
    "Policy",
    each=lambda r: {"Bucket": r.id},
    absent={"NoSuchBucketPolicy"},
)


@pytest.fixture
def registered() -> Iterator[list[str]]:
    """Check ids a test registers, forgotten afterwards (the registry is process-wide)."""
    all_checks()
    ids: list[str] = []
    yield ids
    for check_id in ids:
        REGISTRY.pop(check_id, None)
        DECLARED.pop(check_id, None)


def declare(registered: list[str], check_id: str, **kwargs: Any) -> Any:
    registered.append(check_id)
    kwargs.setdefault("bps", ("SEC08-BP02",))
    return per_resource(check_id, "test check", **kwargs)


def queue(account: Harness, name: str, **attributes: str) -> str:
    sqs = account.client("sqs", REGION)
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    return str(
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
    )


def test_actions_and_services_are_derived_from_the_calls(registered: list[str]) -> None:
    @declare(registered, "sqs.test_derived", over=QUEUES)
    def judge(r: Found) -> Judgement:
        return Pass()

    check = REGISTRY["sqs.test_derived"]
    assert check.actions == ("sqs:ListQueues", "sqs:GetQueueAttributes")
    assert (check.service, check.services, check.scope) == ("sqs", ("sqs",), Scope.REGIONAL)
    assert check.module == __name__ and check.function.__name__ == "judge"
    # IAM names that are not prefix:Operation come from iam_action's overrides.
    tags = Call("s3", "GetBucketEncryption", each=lambda r: {"Bucket": r.id})
    assert actions_of(BUCKETS, POLICY, tags) == (
        "s3:ListAllMyBuckets",
        "s3:GetBucketPolicy",
        "s3:GetEncryptionConfiguration",
    )
    reads = Call("organizations", "DescribeOrganization", "Organization")

    @declare(
        registered,
        "s3.test_derived",
        over=BUCKETS,
        details={"policy": POLICY},
        reads=(reads,),
        scope=Scope.GLOBAL,
        extra_actions=("s3:GetBucketPolicy", "kms:DescribeKey"),
        extra_services=("kms",),
    )
    def judge2(r: Found) -> Judgement:
        return Pass()

    check = REGISTRY["s3.test_derived"]
    assert check.actions == (
        "s3:ListAllMyBuckets",
        "s3:GetBucketPolicy",
        "organizations:DescribeOrganization",
        "kms:DescribeKey",
    )
    assert check.services == ("s3", "organizations", "kms")


def test_declarations_are_validated_like_any_check(registered: list[str]) -> None:
    with pytest.raises(ValueError, match="not reads"):
        declare(registered, "sqs.test_write", over=Resources(Call("sqs", "PurgeQueue", "X")))(
            lambda r: Pass()
        )
    with pytest.raises(ValueError, match="SECnn-BPnn"):
        declare(registered, "sqs.test_bp", over=QUEUES, bps=("SEC99-BP01",))(lambda r: Pass())
    with pytest.raises(ValueError, match="each="):
        declare(
            registered,
            "sqs.test_each",
            over=QUEUES,
            details={"tags": Call("sqs", "ListQueueTags", "Tags")},
        )(lambda r: Pass())
    assert not {"sqs.test_write", "sqs.test_bp", "sqs.test_each"} & set(REGISTRY)


def test_the_judge_decides_each_resource(account: Harness, registered: list[str]) -> None:
    @declare(registered, "sqs.test_judge", over=QUEUES, none="no queue here")
    def judge(r: Found) -> Judgement | None:
        name = r.listed.rsplit("/", 1)[-1]
        if name.startswith("skip"):
            return None  # not examined
        if name.startswith("odd"):
            return Undecided("the queue's setting could not be read")
        if r["attributes"].get("KmsMasterKeyId"):
            return Pass("encrypted")
        return Fail("not encrypted")

    assert account.run("sqs.test_judge")[REGION].status is Status.NOT_APPLICABLE
    assert account.run("sqs.test_judge")[REGION].reason == "no queue here"
    queue(account, "skip-me")
    assert account.run("sqs.test_judge")[REGION].status is Status.NOT_APPLICABLE
    good = queue(account, "good", KmsMasterKeyId="alias/aws/sqs")
    result = account.run("sqs.test_judge")[REGION]
    assert result.status is Status.PASS
    assert [(r.id, r.detail) for r in result.resources] == [(good, "encrypted")]
    odd = queue(account, "odd")
    result = account.run("sqs.test_judge")[REGION]
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)
    assert odd in result.reason and "could not be read" in result.reason
    bad = queue(account, "bad")
    result = account.run("sqs.test_judge")[REGION]
    assert result.status is Status.FAIL and failing_ids(result) == {bad}


def test_an_absent_code_gives_the_judge_none(account: Harness, registered: list[str]) -> None:
    seen: dict[str, Any] = {}

    @declare(
        registered, "s3.test_absent", over=BUCKETS, details={"policy": POLICY}, scope=Scope.GLOBAL
    )
    def judge(r: Found) -> Judgement:
        seen[r.id] = r["policy"]
        return Fail("no policy") if r["policy"] is None else Pass("a policy")

    s3 = account.client("s3", "us-east-1")
    s3.create_bucket(Bucket="bare")
    s3.create_bucket(Bucket="guarded")
    s3.put_bucket_policy(
        Bucket="guarded",
        Policy='{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",'
        '"Action":"s3:*","Resource":"arn:aws:s3:::guarded/*"}]}',
    )
    result = account.one("s3.test_absent")
    assert result.status is Status.FAIL and failing_ids(result) == {"bare"}
    assert seen["bare"] is None and "Deny" in seen["guarded"]


def test_access_denied_on_the_listing_or_a_detail_is_unknown_naming_it(
    account: Harness, registered: list[str]
) -> None:
    @declare(registered, "sqs.test_denied", over=QUEUES)
    def judge(r: Found) -> Judgement:
        return Pass("fine")

    queue(account, "one")
    assert account.run("sqs.test_denied")[REGION].status is Status.PASS
    for action in ("sqs:GetQueueAttributes", "sqs:ListQueues"):
        account.allow_all()
        account.deny(action)
        result = account.run("sqs.test_denied")[REGION]
        assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
        assert result.missing_action == action and action in result.reason


def test_other_errors_of_a_detail_are_not_taken_for_none(
    account: Harness, registered: list[str]
) -> None:
    """Only the declared `absent` codes mean "there is none"; anything else is UNKNOWN."""

    @declare(
        registered, "s3.test_other", over=BUCKETS, details={"policy": POLICY}, scope=Scope.GLOBAL
    )
    def judge(r: Found) -> Judgement:
        return Pass("no policy")

    account.client("s3", "us-east-1").create_bucket(Bucket="bucket-b")
    account.deny("s3:GetBucketPolicy", code="NoSuchBucket")
    result = account.one("s3.test_other")
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ERROR)


def test_undeclared_calls_are_still_refused(account: Harness, registered: list[str]) -> None:
    tags = Call("sqs", "ListQueueTags", "Tags")

    @declare(registered, "sqs.test_sneaky", over=QUEUES)
    def sneaky(r: Found) -> Judgement:
        r.ctx.call("sqs", "list_queue_tags", QueueUrl=r.listed)  # not declared anywhere
        return Pass()

    @declare(registered, "sqs.test_unlisted", over=QUEUES)
    def unlisted(r: Found) -> Judgement:
        r.read(tags, QueueUrl=r.listed)  # a Call, but not in reads=
        return Pass()

    @declare(registered, "sqs.test_declared", over=QUEUES, reads=(tags,))
    def declared(r: Found) -> Judgement:
        found = r.read(tags, QueueUrl=r.listed)
        return Pass(f"tags {found}")

    queue(account, "q")
    result = account.run("sqs.test_sneaky")[REGION]
    assert result.status is Status.UNKNOWN
    assert "undeclared action sqs:ListQueueTags" in result.reason
    result = account.run("sqs.test_unlisted")[REGION]
    assert result.status is Status.UNKNOWN and "reads=" in result.reason
    assert account.run("sqs.test_declared")[REGION].status is Status.PASS
    assert "sqs:ListQueueTags" in REGISTRY["sqs.test_declared"].actions


def test_a_token_is_followed_and_a_path_flattens(account: Harness, registered: list[str]) -> None:
    @declare(
        registered,
        "wafv2.test_token",
        over=Resources(
            Call(
                "wafv2", "ListWebACLs", "WebACLs", params={"Scope": "REGIONAL"}, token="NextMarker"
            ),
            id="ARN",
        ),
    )
    def acls(r: Found) -> Judgement:
        return Pass(str(r.get("Name")))

    stub = account.stub("wafv2", REGION)
    arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/"
    acl = {"Name": "a", "Id": "1", "ARN": arn + "a", "LockToken": "t"}
    stub.add_response(
        "list_web_acls", {"WebACLs": [acl], "NextMarker": "m2"}, {"Scope": "REGIONAL"}
    )
    stub.add_response(
        "list_web_acls",
        {"WebACLs": [{**acl, "ARN": arn + "b"}]},
        {"Scope": "REGIONAL", "NextMarker": "m2"},
    )
    result = account.run("wafv2.test_token")[REGION]
    assert {r.id for r in result.resources} == {arn + "a", arn + "b"}

    @declare(
        registered,
        "ec2.test_path",
        over=Resources(
            Call("ec2", "DescribeInstances", "Reservations[].Instances[]"), id="InstanceId"
        ),
    )
    def instances(r: Found) -> Judgement:
        return Pass(str(r.get("InstanceType")))

    ec2 = account.client("ec2", REGION)
    ec2.run_instances(ImageId=EXAMPLE_AMI, MinCount=2, MaxCount=2, InstanceType="t3.micro")
    ec2.run_instances(ImageId=EXAMPLE_AMI, MinCount=1, MaxCount=1, InstanceType="t3.small")
    result = account.run("ec2.test_path")[REGION]
    assert sorted(r.detail for r in result.resources) == ["t3.micro", "t3.micro", "t3.small"]


def test_a_listing_that_is_not_a_list_is_unknown(account: Harness, registered: list[str]) -> None:
    listing = Call("ec2", "GetEbsEncryptionByDefault", "EbsEncryptionByDefault")

    @declare(registered, "ec2.test_shape", over=Resources(listing))
    def judge(r: Found) -> Judgement:
        return Pass()

    result = account.run("ec2.test_shape")[REGION]
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ERROR)
    assert (
        result.reason == "ec2:GetEbsEncryptionByDefault gave no list under EbsEncryptionByDefault"
    )


def test_every_declared_call_is_an_operation_botocore_knows() -> None:
    """Operation names, result keys and fixed parameters of every compact check, checked
    against botocore's service models (a typo would otherwise show only at scan time)."""
    import botocore.session
    from botocore import xform_name

    all_checks()
    session = botocore.session.get_session()
    assert DECLARED, "no compact check registered"
    for check_id, calls in DECLARED.items():
        for call in calls:
            model = session.get_service_model(call.service)
            assert call.operation in model.operation_names, (check_id, call.operation)
            operation = model.operation_model(call.operation)
            assert xform_name(call.operation) == call.method
            if call.key is not None:
                first = call.key.split("[", 1)[0].split(".", 1)[0]
                assert first in operation.output_shape.members, (check_id, call.operation, first)
            inputs = operation.input_shape.members if operation.input_shape else {}
            for name in (*call.params, *([call.token] if call.token else [])):
                assert name in inputs, (check_id, call.operation, name)


def test_missing_keep_and_all_regions(account: Harness, registered: list[str]) -> None:
    """`missing`: nothing examined is a FAIL of the account; `keep` runs before any detail
    call; `all_regions` lists every scanned region, once per id."""
    described: list[str] = []

    def attributes(r: Found) -> dict[str, Any]:
        described.append(r.listed)
        return {"QueueUrl": r.listed, "AttributeNames": ["All"]}

    kept = Resources(
        QUEUES.listing,
        keep=lambda r: "keep" in r.listed,
        details={"attributes": Call("sqs", "GetQueueAttributes", "Attributes", each=attributes)},
        id=lambda r: r["attributes"]["QueueArn"],
    )

    @declare(registered, "sqs.test_missing", over=kept, missing="no queue worth keeping")
    def judge(r: Found) -> Judgement:
        return Pass("kept")

    queue(account, "other")
    result = account.run("sqs.test_missing")[REGION]
    assert result.status is Status.FAIL and failing_ids(result) == {f"{ACCOUNT}/{REGION}"}
    assert result.resources[0].detail == "no queue worth keeping" and described == []
    kept_arn = queue(account, "keep-me")
    result = account.run("sqs.test_missing")[REGION]
    assert result.status is Status.PASS and [r.id for r in result.resources] == [kept_arn]
    assert [url.rsplit("/", 1)[-1] for url in described] == ["keep-me"]

    trails = Resources(
        Call("cloudtrail", "DescribeTrails", "trailList"), id="TrailARN", all_regions=True
    )

    @declare(registered, "cloudtrail.test_regions", over=trails, scope=Scope.GLOBAL)
    def trail(r: Found) -> Judgement:
        return Pass(str(r.get("HomeRegion")))

    account.client("s3", "us-east-1").create_bucket(Bucket="trail-bucket")
    for region in ("eu-west-1", "us-east-1"):
        account.client("cloudtrail", region).create_trail(
            Name=f"t-{region}", S3BucketName="trail-bucket", IsMultiRegionTrail=True
        )
    result = account.one("cloudtrail.test_regions")
    assert sorted(r.detail for r in result.resources) == ["eu-west-1", "us-east-1"]


class InFlight:
    """A `before-send` hook that holds every request 50 ms and counts how many overlap."""

    def __init__(self) -> None:
        import threading

        self.now = 0
        self.most = 0
        self.sent: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, request: Any, **kwargs: Any) -> None:
        import time

        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)
            self.sent.append(str(request.headers.get("X-Amz-Target", request.url)))
        time.sleep(0.05)
        with self._lock:
            self.now -= 1


def test_details_of_many_resources_are_read_several_at_once(
    account: Harness, registered: list[str]
) -> None:
    from checks.calls import CallLayer
    from checks.registry import Context

    arns = {queue(account, f"q{n}", KmsMasterKeyId="alias/aws/sqs") for n in range(12)}

    @declare(registered, "sqs.test_ahead", over=QUEUES)
    def judge(r: Found) -> Judgement:
        return Pass("encrypted") if r["attributes"].get("KmsMasterKeyId") else Fail("plain")

    hook = InFlight()
    account.aws.clients.get("sqs", REGION).meta.events.register("before-send", hook)
    layer = CallLayer(account.aws.clients)
    result = account.run("sqs.test_ahead", calls=layer)[REGION]
    assert {r.id for r in result.resources} == arns
    assert result.status is Status.PASS
    # Each queue's attributes were asked once, and several were in flight together.
    assert layer.stats.sent == 2 + 12  # ListQueues in both regions, the attributes once each
    assert hook.most > 1
    # Nothing more is sent when the check asks again; a closed layer sends nothing ahead.
    layer.close()
    check = REGISTRY["sqs.test_ahead"]
    ctx = Context(check, REGION, account.aws.account_id, account.aws.regions, layer)
    sent = layer.stats.sent
    ctx.prefetch("sqs", "get_queue_attributes", [{"QueueUrl": "nope", "AttributeNames": []}])
    layer.cancel.set()
    ctx.prefetch("sqs", "get_queue_attributes", [{"QueueUrl": "other", "AttributeNames": []}])
    layer.close()
    assert layer.stats.sent - sent <= 1  # the first may have gone; none after the cancel


def test_a_refused_detail_is_asked_once_not_once_per_resource(
    account: Harness, registered: list[str]
) -> None:
    for n in range(3):
        queue(account, f"denied{n}")

    @declare(registered, "sqs.test_ahead_denied", over=QUEUES)
    def judge(r: Found) -> Judgement:
        return Pass()

    from checks.calls import CallLayer

    account.deny("sqs:GetQueueAttributes")
    layer = CallLayer(account.aws.clients)
    result = account.run("sqs.test_ahead_denied", calls=layer)[REGION]
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
    assert result.missing_action == "sqs:GetQueueAttributes"
    # The first queue's refusal stops the check: nothing was sent ahead for the others.
    assert layer.stats.failed == 1


def test_a_failure_sent_ahead_is_raised_to_whoever_asks(account: Harness) -> None:
    import time

    from checks.calls import CallFailed, CallLayer

    layer = CallLayer(account.aws.clients)
    missing = {"QueueUrl": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/gone"}
    layer.prefetch("sqs", REGION, "get_queue_attributes", [missing])
    for _ in range(200):  # until the thread ahead has its answer
        if layer.stats.sent:
            break
        time.sleep(0.01)
    with pytest.raises(CallFailed) as first:
        layer.call("sqs", REGION, "get_queue_attributes", missing)
    with pytest.raises(CallFailed) as again:
        layer.call("sqs", REGION, "get_queue_attributes", missing)
    assert first.value is again.value  # one answer, remembered
    assert "NonExistentQueue" in str(first.value.code)
    assert layer.stats.sent == 1
    layer.close()
