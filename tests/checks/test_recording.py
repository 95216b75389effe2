"""Recordings: record a scan's responses, replay them through botocore with no network."""

from __future__ import annotations

import base64
import gzip
import json
import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks import demo
from checks.calls import CallLayer
from checks.recording import (
    FORMAT,
    VERSION,
    Call,
    Recorder,
    Recording,
    RecordingError,
    Reply,
    canonical_params,
    dumps,
    load,
    loads,
    redact,
    replay_connect,
    save,
)
from checks.registry import REGISTRY, all_checks
from checks.result import Cause, Status
from checks.runner import run_scan
from checks.session import AwsOptions, connect

ACCOUNT = demo.ACCOUNT_ID


@pytest.fixture(scope="module")
def demo_recording() -> Iterator[tuple[list[dict[str, Any]], Recording]]:
    """The moto demo account scanned live with a Recorder: (live results, recording)."""
    recorder = Recorder()
    with demo.simulated_account():
        demo.seed()
        aws = connect(
            AwsOptions(regions=demo.REGIONS), session=demo._shared_session(), tap=recorder
        )
        live = run_scan(aws, all_checks())
    recording = recorder.recording(aws.account_id, aws.regions, aws.home_region)
    yield [r.to_dict() for r in live.results], loads(dumps(recording))


def _replay(recording: Recording, checks: Any = None) -> tuple[list[dict[str, Any]], Any]:
    aws, replayer = replay_connect(recording)
    scan = run_scan(aws, checks if checks is not None else all_checks())
    return [r.to_dict() for r in scan.results], replayer


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every way to open a socket raises (and is counted)."""
    attempts: list[Any] = []

    def refuse(*args: Any, **_: Any) -> Any:
        attempts.append(args)
        raise OSError("network access is blocked in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_replay_gives_the_live_results_with_no_network_and_no_credentials(
    demo_recording: tuple[list[dict[str, Any]], Recording],
    no_network: list[Any],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    live, recording = demo_recording
    # Nothing of the person's AWS setup is read: a broken profile and config do not matter.
    broken = tmp_path / "config"
    broken.write_text("[profile nope]\nregion = nowhere\ncredential_process = /bin/false\n")
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_PROFILE", "nope")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(broken))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(broken))
    replayed, replayer = _replay(recording)
    assert no_network == []
    # For some operations moto raises NotImplementedError in-process: no HTTP answer was
    # received, so none is recorded, and only those calls are "not in the recording".
    for before, after in zip(live, replayed, strict=True):
        if after["cause"] == "not_recorded":
            assert before["cause"] == "unsupported", before
        else:
            assert after == before
    assert len(replayer.misses) >= 1


def test_a_call_missing_from_the_recording_is_unknown_not_in_the_recording(
    demo_recording: tuple[list[dict[str, Any]], Recording], no_network: list[Any]
) -> None:
    _live, recording = demo_recording
    kept = tuple(c for c in recording.calls if c.operation != "ListBuckets")
    assert len(kept) < len(recording.calls)
    partial = Recording(
        recording.account_id, recording.regions, recording.home_region, recording.recorded_at, kept
    )
    aws, replayer = replay_connect(partial)
    bucket_checks = [c for c in all_checks() if c.actions == ("s3:ListAllMyBuckets",)]
    lists_buckets = bucket_checks[0] if bucket_checks else None
    if lists_buckets is None:  # any check that starts by listing the buckets
        lists_buckets = next(c for c in all_checks() if "s3:ListAllMyBuckets" in c.actions)
    result = run_scan(aws, [lists_buckets]).results[0]
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.NOT_RECORDED)
    assert result.reason == "s3:ListAllMyBuckets is not in the recording"
    assert {key[3] for key in replayer.misses} == {"ListBuckets"}
    # Other checks still answer from what is recorded.
    other = run_scan(aws, [REGISTRY["iam.console_mfa"]]).results[0]
    assert other.status is Status.FAIL


def test_replay_refuses_a_region_the_recording_lacks(
    demo_recording: tuple[list[dict[str, Any]], Recording],
) -> None:
    _live, recording = demo_recording
    with pytest.raises(RecordingError, match="no region ap-south-1"):
        replay_connect(recording, AwsOptions(regions=("ap-south-1",)))


# --- secrets ----------------------------------------------------------------------------

KEY_ID = "AKIAPILLARLEAKTEST01"
SECRET = "pillar-secret-never-written-0123456789abcdef"
TOKEN = "pillar-session-token-never-written-0123456789"


def test_no_credential_signature_or_request_header_is_ever_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import boto3

    recorder = Recorder()
    with demo.simulated_account():
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY_ID)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
        monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
        demo.seed_identity()
        aws = connect(AwsOptions(regions=demo.REGIONS), session=boto3.Session(), tap=recorder)
        run_scan(aws, [c for c in all_checks() if c.service in {"iam", "sts", "s3"}])
        # Credential-bearing answers go through a recorded client too (as an Organization
        # scan's AssumeRole may): they must be written without their credentials.
        sts = boto3.client("sts", region_name=demo.HOME)
        recorder.install(sts, "sts", demo.HOME, "")
        issued = [
            sts.assume_role(
                RoleArn=f"arn:aws:iam::{ACCOUNT}:role/app-server", RoleSessionName="pillar"
            )["Credentials"],
            sts.get_session_token()["Credentials"],
            sts.get_federation_token(Name="pillar")["Credentials"],
        ]
    path = tmp_path / "scan.recording.gz"
    save(recorder.recording(aws.account_id, aws.regions, aws.home_region), path)
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    secrets = {KEY_ID, SECRET, TOKEN}
    for credentials in issued:
        secrets |= {
            credentials["AccessKeyId"],
            credentials["SecretAccessKey"],
            credentials["SessionToken"],
        }
    # moto's fixed GetSessionToken key id is also the UserId its GetCallerIdentity reports
    # (real AWS answers an AIDA... id there): that one is an id, not a credential, here.
    secrets.discard("AKIAIOSFODNN7EXAMPLE")
    assert all(len(s) >= 16 for s in secrets)
    leaked = {s for s in secrets if s in text}
    assert leaked == set()
    for marker in ("AWS4-HMAC-SHA256", "Credential=", "Signature=", "X-Amz-Security-Token"):
        assert marker not in text  # nothing of a signed request
    document = json.loads(text)
    headers = {name for c in document["calls"] for r in c["replies"] for name in r["headers"]}
    assert headers <= {"content-type", "x-amzn-query-error", "x-amzn-errortype"}, headers
    operations = {c["operation"] for c in document["calls"]}
    assert {
        "AssumeRole",
        "GetSessionToken",
        "GetFederationToken",
        "GetCredentialReport",
    } <= operations
    assert text.count("REDACTED") >= 9  # three values in each of the three answers


def test_redact_replaces_credential_values_in_xml_and_json() -> None:
    xml = (
        b"<Credentials><AccessKeyId>ASIAX</AccessKeyId><SecretAccessKey>s/e+c=</SecretAccessKey>"
        b"<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>"
    )
    assert redact(xml) == (
        b"<Credentials><AccessKeyId>REDACTED</AccessKeyId><SecretAccessKey>REDACTED"
        b"</SecretAccessKey><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>"
    )
    body = (
        b'{"roleCredentials": {"accessKeyId": "ASIA", "secretAccessKey": "a\\"b", '
        b'"sessionToken" : "t", "expiration": 1}}'
    )
    assert json.loads(redact(body)) == {
        "roleCredentials": {
            "accessKeyId": "REDACTED",
            "secretAccessKey": "REDACTED",
            "sessionToken": "REDACTED",
            "expiration": 1,
        }
    }
    plain = b"<ListUsersResult><Users/></ListUsersResult>"
    assert redact(plain) is plain


# --- botocore does the work: pagination, errors, retries ----------------------------------


def _recording(*calls: Call) -> Recording:
    return Recording(ACCOUNT, ("eu-west-1",), "eu-west-1", datetime.now(UTC), calls)


def _identity() -> Call:
    body = (
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        f"<GetCallerIdentityResult><Account>{ACCOUNT}</Account>"
        f"<Arn>arn:aws:iam::{ACCOUNT}:user/auditor</Arn><UserId>AIDA</UserId>"
        "</GetCallerIdentityResult></GetCallerIdentityResponse>"
    )
    return Call("", "sts", "eu-west-1", "GetCallerIdentity", "{}", (Reply(200, (), body.encode()),))


def _json(status: int, data: dict[str, Any], error: str | None = None) -> Reply:
    headers = [("content-type", "application/x-amz-json-1.1")]
    if error:
        headers.append(("x-amzn-errortype", error))
    return Reply(status, tuple(headers), json.dumps(data).encode())


def test_pages_are_separate_calls_merged_by_the_paginator(no_network: list[Any]) -> None:
    first = canonical_params({})
    second = canonical_params({"nextToken": "page-2"})
    page = [
        _json(200, {"logGroups": [{"logGroupName": "a"}], "nextToken": "page-2"}),
        _json(200, {"logGroups": [{"logGroupName": "b"}]}),
    ]
    recording = _recording(
        _identity(),
        Call("", "logs", "eu-west-1", "DescribeLogGroups", first, (page[0],)),
        Call("", "logs", "eu-west-1", "DescribeLogGroups", second, (page[1],)),
    )
    aws, replayer = replay_connect(recording)
    groups = CallLayer(aws.clients).call("logs", "eu-west-1", "describe_log_groups", {})
    assert [g["logGroupName"] for g in groups["logGroups"]] == ["a", "b"]
    assert replayer.misses == set()


def test_errors_and_retries_replay_as_they_happened(no_network: list[Any]) -> None:
    throttled = _json(400, {"__type": "ThrottlingException", "message": "slow down"}, "Throttling")
    ok = _json(200, {"logGroups": []})
    denied = _json(400, {"__type": "AccessDeniedException", "message": "no"}, "AccessDenied")
    recording = _recording(
        _identity(),
        Call("", "logs", "eu-west-1", "DescribeLogGroups", "{}", (throttled, ok)),
        Call("", "logs", "eu-west-1", "DescribeMetricFilters", "{}", (denied,)),
        Call(
            "", "logs", "eu-west-1", "DescribeDestinations", "{}", (Reply(failure="read_timeout"),)
        ),
    )
    aws, _ = replay_connect(recording, AwsOptions(max_attempts=2))
    calls = CallLayer(aws.clients)
    assert calls.call("logs", "eu-west-1", "describe_log_groups", {}) == {"logGroups": []}
    with pytest.raises(Exception) as denied_error:
        calls.call("logs", "eu-west-1", "describe_metric_filters", {})
    assert getattr(denied_error.value, "cause", None) is Cause.ACCESS_DENIED
    with pytest.raises(Exception) as timeout:
        calls.call("logs", "eu-west-1", "describe_destinations", {})
    assert getattr(timeout.value, "cause", None) is Cause.TIMEOUT


def test_canonical_params_ignore_key_order_and_times() -> None:
    from botocore.session import get_session

    model = get_session().get_service_model("cloudtrail").operation_model("LookupEvents")
    now = datetime.now(UTC)
    a = canonical_params({"StartTime": now, "MaxResults": 5}, model.input_shape)
    b = canonical_params({"MaxResults": 5, "StartTime": now - timedelta(days=3)}, model.input_shape)
    assert a == b == '{"MaxResults":5,"StartTime":"<time>"}'
    # A timestamp given as text is still a timestamp (the shape says so).
    c = canonical_params({"StartTime": "2026-01-01", "MaxResults": 5}, model.input_shape)
    assert c == a


# --- the file ---------------------------------------------------------------------------


def _document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "pillar": "0.1.0",
        "recorded_at": "2026-12-01T10:00:00+00:00",
        "account_id": ACCOUNT,
        "regions": ["eu-west-1"],
        "home_region": "eu-west-1",
        "calls": [
            {
                "account": "",
                "service": "logs",
                "region": "eu-west-1",
                "operation": "DescribeLogGroups",
                "params": {},
                "replies": [{"status": 200, "headers": {}, "body": '{"logGroups":[]}'}],
            }
        ],
    }
    document.update(changes)
    return document


def _packed(document: Any) -> bytes:
    return gzip.compress(json.dumps(document).encode())


def test_a_saved_recording_loads_back_the_same(tmp_path: Path) -> None:
    binary = Reply(200, (("content-type", "application/cbor"),), bytes(range(256)))
    recording = _recording(_identity(), Call("", "logs", "eu-west-1", "X", "{}", (binary,)))
    path = tmp_path / "r.gz"
    size = save(recording, path)
    assert size == path.stat().st_size
    again = load(path)
    assert {c.key: c.replies for c in again.calls} == {c.key: c.replies for c in recording.calls}
    assert (again.account_id, again.regions) == (ACCOUNT, ("eu-west-1",))
    assert dumps(again) == dumps(recording)  # stable bytes


@pytest.mark.parametrize(
    ("data", "sentence"),
    [
        (b"not gzip at all", "not a pillar recording (not gzip-compressed)"),
        (gzip.compress(b"{oops"), "its JSON does not parse"),
        (gzip.compress(b"x" * 10)[:-6], "compressed data is cut or corrupt"),
        (_packed({"format": "something-else"}), "not a pillar recording"),
        (_packed([1, 2, 3]), "not a pillar recording"),
        (_packed(_document(version=VERSION + 1)), "made by a newer pillar"),
        (_packed(_document(version="1")), "version is not a positive number"),
        (_packed(_document(account_id="12345")), "account id is not 12 digits"),
        (_packed(_document(regions=[])), "regions are not a list"),
        (_packed(_document(regions=["eu west 1"])), "not a valid name"),
        (_packed(_document(calls={"a": 1})), "calls are not a list"),
        (_packed(_document(calls=[{"service": 3}])), "parameters that are not an object"),
        (_packed(_document(recorded_at="yesterday")), "recording date is not a date"),
    ],
    ids=lambda value: value if isinstance(value, str) else "data",
)
def test_a_file_that_is_not_a_sound_recording_is_refused_in_one_sentence(
    data: bytes, sentence: str
) -> None:
    with pytest.raises(RecordingError, match=re.escape(sentence)) as refused:
        loads(data, "scan.rec")
    message = str(refused.value)
    assert message.startswith("scan.rec ") and message.endswith(".") and "\n" not in message


def test_replies_are_validated() -> None:
    def with_reply(reply: Any) -> bytes:
        document = _document()
        document["calls"][0]["replies"] = [reply]
        return _packed(document)

    for reply, sentence in [
        ({"status": 99}, "no HTTP status"),
        ({"status": True}, "no HTTP status"),
        ({"failure": "gremlins"}, "unknown failure"),
        ({"status": 200, "headers": {"x": "a\r\nb"}}, "line breaks"),
        ({"status": 200, "body_base64": "!!"}, "not base64"),
        ({"status": 200, "body": "<!DOCTYPE x [<!ENTITY a 'b'>]><x/>"}, "XML entities"),
    ]:
        with pytest.raises(RecordingError, match=sentence):
            loads(with_reply(reply))
    document = _document()
    document["calls"][0]["replies"] = [{"status": 200}] * 17
    with pytest.raises(RecordingError, match="1 to 16 replies"):
        loads(_packed(document))
    document = _document()
    document["calls"] *= 2
    with pytest.raises(RecordingError, match="repeats an earlier call"):
        loads(_packed(document))


def test_a_bomb_is_refused_without_expanding_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from checks import recording

    monkeypatch.setattr(recording, "MAX_JSON_BYTES", 10_000)
    with pytest.raises(RecordingError, match="expands to more than"):
        loads(gzip.compress(b" " * 5_000_000))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    key=st.sampled_from(
        ["version", "account_id", "regions", "home_region", "recorded_at", "calls", "format"]
    ),
    value=json_values,
    call_key=st.sampled_from(["service", "region", "operation", "params", "replies", "account"]),
    call_value=json_values,
)
def test_any_damaged_document_loads_or_is_refused_in_one_sentence(
    key: str, value: Any, call_key: str, call_value: Any
) -> None:
    damaged_call = _document()
    damaged_call["calls"][0][call_key] = call_value
    for document in (_document(**{key: value}), damaged_call):
        try:
            loads(_packed(document))
        except RecordingError as refused:
            assert "\n" not in str(refused)


def test_base64_bodies_round_trip() -> None:
    reply = Reply(200, (), b"\xff\x00cbor")
    assert reply.to_dict()["body_base64"] == base64.b64encode(b"\xff\x00cbor").decode()


def test_a_multi_account_recording_round_trips_and_is_validated() -> None:
    from checks.recording import RecordedRole

    role = RecordedRole("scan/PillarScan", "pillar-scan", 3600, True)
    other = "210987654321"
    calls = (
        Call("", "sts", "eu-west-1", "AssumeRole", '{"ExternalId":"REDACTED"}', (Reply(200),)),
        Call(other, "iam", "eu-west-1", "ListUsers", "{}", (Reply(200),)),
    )
    recording = Recording(
        ACCOUNT,
        ("eu-west-1",),
        "eu-west-1",
        datetime(2026, 12, 1, tzinfo=UTC),
        calls,
        accounts=((ACCOUNT, ""), (other, "[b]prod[/b]")),
        role=role,
    )
    again = loads(dumps(recording))
    assert (again.accounts, again.role) == (recording.accounts, role)
    assert json.loads(gzip.decompress(dumps(recording)))["version"] == 2
    assert json.loads(gzip.decompress(dumps(_recording(_identity()))))["version"] == 1

    def damaged(**changes: Any) -> bytes:
        document = json.loads(gzip.decompress(dumps(recording)))
        document.update(changes)
        return _packed(document)

    for changes, sentence in [
        ({"accounts": []}, "1 to 10,000 accounts"),
        ({"accounts": [{"account_id": "12"}]}, "not 12 digits"),
        ({"accounts": [{"account_id": ACCOUNT}] * 2}, "listed twice"),
        ({"accounts": [{"account_id": ACCOUNT, "name": 7}]}, "account name"),
        ({"role": None}, "names no role"),
        ({"role": {**role.to_dict(), "role_name": "a b"}}, "not an IAM role name"),
        ({"role": {**role.to_dict(), "duration_s": 60}}, "900 to 43200"),
        ({"role": {**role.to_dict(), "external_id": "secret"}}, "true or false"),
    ]:
        with pytest.raises(RecordingError, match=sentence):
            loads(damaged(**changes))


def test_an_external_id_is_keyed_redacted() -> None:
    import boto3
    from botocore.stub import Stubber

    recorder = Recorder()
    sts = boto3.client(
        "sts", region_name="eu-west-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    recorder.install(sts, "sts", "eu-west-1", "")
    keys: list[Any] = []
    sts.meta.events.register(  # after the recorder's own hook, which runs first
        "before-parameter-build",
        lambda context, **_: keys.append(context["pillar.recording"][0]),
    )
    with Stubber(sts) as stub:
        stub.add_response("get_session_token", {})
        sts.get_session_token(SerialNumber="arn:aws:iam::1:mfa/x", TokenCode="123456")
    (key,) = keys
    assert "123456" not in key[4] and "mfa/x" not in key[4]
    assert json.loads(key[4]) == {"SerialNumber": "REDACTED", "TokenCode": "REDACTED"}
