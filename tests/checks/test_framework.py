"""The check framework: guard, call layer, runner, session, registry declarations."""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

from checks import demo
from checks.calls import CallFailed, CallLayer, classify, iam_action
from checks.guard import WriteRefused, is_read
from checks.registry import REGISTRY, Check, Context, Scope, all_checks, check, passed
from checks.result import GLOBAL, Cause, Status
from checks.runner import run_scan
from checks.session import Aws, AwsOptions, ClientPool, CredentialsError, connect
from checks.session import strip_account_host_prefix as strip
from checks.testing import service_of

# --- guard ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "DescribeInstances",
        "ListUsers",
        "GetBucketPolicy",
        "HeadBucket",
        "BatchGetProjects",
        "LookupEvents",
        "GenerateCredentialReport",
    ],
)
def test_reads_are_allowed(name):
    assert is_read(name)


@pytest.mark.parametrize(
    "name",
    [
        "CreateBucket",
        "PutBucketPolicy",
        "DeleteUser",
        "UpdateAccountPasswordPolicy",
        "Scan",
        "Query",
        "SearchResources",
        "GetSecretValue",
        "GetObject",
        "GetItem",
        "BatchGetItem",
        "GetPasswordData",
        "GetSessionToken",
        "GetParameters",
        "AssumeRole",
        "GenerateServiceLastAccessedDetails",
    ],
)
def test_writes_and_secret_reads_are_refused(name):
    assert not is_read(name)


def test_guard_refuses_a_write_before_it_is_sent(account):
    s3 = account.scan_client("s3")
    sent: list[str] = []
    s3.meta.events.register("before-send", lambda request, **_: sent.append(request.url))
    with pytest.raises(WriteRefused, match="CreateBucket"):
        s3.create_bucket(
            Bucket="should-not-exist", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
    assert sent == []
    assert account.client("s3").list_buckets()["Buckets"] == []
    s3.list_buckets()  # reads still go through
    assert len(sent) == 1


def test_a_check_calling_a_write_ends_unknown(account):
    def writer(ctx: Context) -> Any:
        return ctx.call("s3", "create_bucket", Bucket="nope")

    rogue = _make_check("test.writer", writer, actions=("s3:CreateBucket",), validate=False)
    result = run_scan(account.aws, [rogue]).results[0]
    assert result.status is Status.UNKNOWN
    assert result.cause is Cause.ERROR
    assert "only reads" in result.reason


# --- declarations -----------------------------------------------------------------------


def test_every_check_declares_known_best_practices_and_read_actions():
    from questions import security_pillar

    pillar = security_pillar()
    checks = all_checks()
    assert checks, "no checks registered"
    for c in checks:
        assert c.title and c.service
        for bp in c.best_practices:
            assert pillar.has_best_practice(bp), f"{c.id}: unknown best practice {bp}"
        assert all(is_read(a.split(":", 1)[1]) for a in c.actions), c.id


def test_declarations_are_validated():
    with pytest.raises(ValueError, match="not reads"):
        check(
            "test.bad",
            "bad",
            bps=("SEC01-BP01",),
            service="s3",
            scope=Scope.GLOBAL,
            actions=("s3:PutBucketPolicy",),
        )(lambda ctx: [])
    with pytest.raises(ValueError, match="SECnn-BPnn"):
        check(
            "test.bad",
            "bad",
            bps=("SEC12-BP01",),
            service="s3",
            scope=Scope.GLOBAL,
            actions=("s3:ListAllMyBuckets",),
        )(lambda ctx: [])
    with pytest.raises(ValueError, match=r"service\.name"):
        check(
            "Bad",
            "bad",
            bps=("SEC01-BP01",),
            service="s3",
            scope=Scope.GLOBAL,
            actions=("s3:ListAllMyBuckets",),
        )(lambda ctx: [])
    assert "test.bad" not in REGISTRY and "Bad" not in REGISTRY


def test_every_checks_real_calls_are_reads_inside_its_declared_actions(account):
    """Run each check alone on the demo account; record what botocore really calls."""
    demo.seed()
    for c in all_checks():
        calls: list[tuple[str, str]] = []

        def record(model: Any, **_: Any) -> None:
            calls.append((service_of(model), model.name))  # noqa: B023

        clients = account._all_clients()
        for client in clients:
            client.meta.events.register("before-call", record, unique_id="record-calls")
        try:
            results = run_scan(account.aws, [c], calls=CallLayer(account.aws.clients)).results
        finally:
            for client in clients:
                client.meta.events.unregister("before-call", unique_id="record-calls")
        assert all(r.cause is not Cause.ERROR for r in results), (c.id, results)
        assert calls or all(r.cause is Cause.UNSUPPORTED for r in results), c.id
        for service, operation in calls:
            assert is_read(operation), (c.id, operation)
            assert iam_action(service, operation) in c.actions, (c.id, service, operation)


def test_iam_policy_lists_every_declared_action():
    from checks.report import iam_policy

    checks = all_checks()
    statement = iam_policy(checks)["Statement"][0]
    assert statement["Effect"] == "Allow"
    assert set(statement["Action"]) >= {a for c in checks for a in c.actions}
    assert all(is_read(a.split(":", 1)[1]) for a in statement["Action"])


# --- call layer -------------------------------------------------------------------------


def test_each_distinct_call_is_sent_once_per_scan(account):
    demo.seed()
    sent: Counter[tuple[str, str, str, bytes]] = Counter()

    def count(request: Any, **_: Any) -> None:
        body = request.body if isinstance(request.body, bytes) else str(request.body).encode()
        sent[(request.method, request.url, request.headers.get("X-Amz-Target", b""), body)] += 1

    for client in account._all_clients():
        client.meta.events.register("before-send", count)
    calls = CallLayer(account.aws.clients)
    scan = run_scan(account.aws, all_checks(), calls=calls, concurrency=8)
    assert scan.results
    repeated = {k: n for k, n in sent.items() if n > 1 and b"GenerateCredentialReport" not in k[3]}
    assert repeated == {}
    assert calls.stats.requested > calls.stats.sent  # checks did share calls


def test_concurrent_askers_wait_for_the_first():
    layer = CallLayer(clients=None)  # type: ignore[arg-type]
    started = threading.Event()
    runs: list[int] = []

    def slow() -> int:
        runs.append(1)
        started.set()
        time.sleep(0.2)
        return 42

    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(layer.once(("k",), slow))) for _ in range(5)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [42] * 5 and runs == [1]


def test_pagination_merges_every_page(account):
    stubber = account.stub("iam")
    page = {"GroupDetailList": [], "RoleDetailList": [], "Policies": []}
    for name, marker in (("first", "m1"), ("second", None)):
        user = {
            "UserName": name,
            "UserId": "AIDA" + name.upper().ljust(16, "X"),
            "Path": "/",
            "Arn": f"arn:aws:iam::123456789012:user/{name}",
            "CreateDate": datetime.now(UTC),
            "AttachedManagedPolicies": [],
            "UserPolicyList": [],
            "GroupList": [],
        }
        response = {**page, "UserDetailList": [user], "IsTruncated": marker is not None}
        if marker:
            response["Marker"] = marker
        expected = {"Filter": ["User", "Role", "Group", "LocalManagedPolicy"]}
        if name == "second":
            expected["Marker"] = "m1"
        stubber.add_response("get_account_authorization_details", response, expected)
    result = account.one("iam.admin_users")
    assert result.status is Status.PASS
    assert {r.id.rsplit("/", 1)[1] for r in result.resources} == {"first", "second"}
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("code", "cause"),
    [
        ("AccessDenied", Cause.ACCESS_DENIED),
        ("AccessDeniedException", Cause.ACCESS_DENIED),
        ("UnauthorizedOperation", Cause.ACCESS_DENIED),
        ("Throttling", Cause.THROTTLED),
        ("TooManyRequestsException", Cause.THROTTLED),
        ("UnrecognizedClientException", Cause.NOT_AVAILABLE),
        ("OptInRequired", Cause.NOT_AVAILABLE),
        ("SubscriptionRequiredException", Cause.NOT_AVAILABLE),
        ("ExpiredToken", Cause.NO_CREDENTIALS),
        ("InvalidClientTokenId", Cause.NO_CREDENTIALS),
        ("NotImplemented", Cause.UNSUPPORTED),
        ("SomethingElse", Cause.ERROR),
    ],
)
def test_error_codes_map_to_causes(code, cause):
    error = ClientError({"Error": {"Code": code, "Message": "m"}}, "ListUsers")
    failed = classify(error, "iam:ListUsers")
    assert failed.cause is cause
    assert failed.action == "iam:ListUsers"


def test_other_errors_map_to_causes():
    assert classify(NoCredentialsError(), "iam:ListUsers").cause is Cause.NO_CREDENTIALS
    assert classify(EndpointConnectionError(endpoint_url="http://x"), "a:B").cause is Cause.TIMEOUT
    assert classify(NotImplementedError(), "a:B").cause is Cause.UNSUPPORTED
    moto_404 = ClientError(
        {
            "Error": {"Code": "404", "Message": "Not yet implemented"},
            "ResponseMetadata": {"HTTPStatusCode": 404},
        },
        "ListAnalyzers",
    )
    assert classify(moto_404, "a:B").cause is Cause.UNSUPPORTED
    assert classify(RuntimeError("x"), "a:B").cause is Cause.ERROR


PAGE = (
    "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
    "<h1>Internal Server Error</h1>\n<p>The server encountered an internal error.</p>\n"
)


@pytest.mark.parametrize(
    "error",
    [
        {"Error": {"Code": "500", "Message": PAGE}, "ResponseMetadata": {"HTTPStatusCode": 500}},
        {"Error": {"Code": PAGE, "Message": ""}, "ResponseMetadata": {"HTTPStatusCode": 500}},
    ],
)
def test_a_web_page_instead_of_an_error_is_one_sentence(error):
    failed = classify(ClientError(error, "ListAnalyzers"), "access-analyzer:ListAnalyzers")
    assert failed.cause is Cause.UNSUPPORTED
    assert failed.message == (
        "the endpoint does not implement access-analyzer:ListAnalyzers (HTTP 500)"
    )


def test_long_messages_are_cut_to_one_line():
    text = "word " * 200 + "\n<b>bold</b>"
    error = ClientError({"Error": {"Code": "Odd", "Message": text}}, "ListUsers")
    message = classify(error, "iam:ListUsers").message
    assert "\n" not in message and "<" not in message and len(message) < 260
    assert message.startswith("iam:ListUsers failed (Odd: word word")


# --- slow and unreachable endpoints -----------------------------------------------------

THROTTLE_BODY = (
    b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
    b"<Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>"
)


class _Throttler(BaseHTTPRequestHandler):
    hits = 0

    def do_POST(self) -> None:
        type(self).hits += 1
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(400)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(THROTTLE_BODY)))
        self.end_headers()
        self.wfile.write(THROTTLE_BODY)

    def log_message(self, *args: Any) -> None:
        pass


def _aws_at(endpoint: str, **options: Any) -> Aws:
    import boto3

    session = boto3.Session(
        aws_access_key_id="x", aws_secret_access_key="y", region_name="us-east-1"
    )
    opts = AwsOptions(endpoint_url=endpoint, regions=("us-east-1",), **options)
    return Aws(
        clients=ClientPool(session, opts),
        account_id="123456789012",
        regions=("us-east-1",),
        home_region="us-east-1",
    )


def test_throttling_ends_unknown_after_bounded_retries():
    all_checks()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Throttler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        aws = _aws_at(f"http://127.0.0.1:{server.server_port}", max_attempts=2)
        start = time.monotonic()
        result = run_scan(aws, [REGISTRY["iam.password_policy"]]).results[0]
        assert time.monotonic() - start < 15
    finally:
        server.shutdown()
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.THROTTLED)
    assert _Throttler.hits == 2  # bounded attempts (max_attempts=2), then UNKNOWN


class _Unimplemented(BaseHTTPRequestHandler):
    """An emulator that answers every call 501 in plain text (no AWS error shape)."""

    BODY = b"emulator cannot answer this: AttributeError"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(501)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(self.BODY)))
        self.end_headers()
        self.wfile.write(self.BODY)

    do_GET = do_POST

    def log_message(self, *args: Any) -> None:
        pass


@pytest.mark.parametrize(
    ("check_id", "action"),
    [
        ("accessanalyzer.enabled", "access-analyzer:ListAnalyzers"),  # rest-json
        ("ec2.allowed_images", "ec2:GetAllowedImagesSettings"),  # ec2 (XML)
        ("iam.password_policy", "iam:GetAccountPasswordPolicy"),  # query (XML)
    ],
)
def test_an_endpoint_answering_501_does_not_implement_the_call(check_id, action):
    all_checks()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Unimplemented)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        aws = _aws_at(f"http://127.0.0.1:{server.server_port}", max_attempts=1)
        result = run_scan(aws, [REGISTRY[check_id]]).results[0]
    finally:
        server.shutdown()
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED), result.reason
    assert result.reason == f"the endpoint does not implement {action} (HTTP 501)"


def test_an_answer_that_is_not_aws_is_one_sentence():
    from botocore.parsers import ResponseParserError

    error = ResponseParserError("Unable to parse response (syntax error), invalid XML: b'<x'")
    failed = classify(error, "ec2:DescribeImages")
    assert failed.cause is Cause.ERROR
    assert (
        failed.message == "the endpoint's answer to ec2:DescribeImages is not a valid AWS response"
    )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_endpoint_ends_unknown_within_seconds():
    all_checks()
    aws = _aws_at(f"http://127.0.0.1:{_closed_port()}", max_attempts=2, connect_timeout=1)
    start = time.monotonic()
    identity = [c for c in all_checks() if c.id.startswith(("iam.", "organizations.", "sso."))]
    scan = run_scan(aws, identity)
    assert time.monotonic() - start < 20
    assert scan.results
    assert {r.status for r in scan.results} == {Status.UNKNOWN}
    assert {r.cause for r in scan.results} == {Cause.TIMEOUT}


def test_connect_reports_an_unreachable_endpoint(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    with pytest.raises(CredentialsError, match="cannot reach AWS"):
        connect(
            AwsOptions(
                endpoint_url=f"http://127.0.0.1:{_closed_port()}",
                regions=("us-east-1",),
                max_attempts=1,
                connect_timeout=1,
            )
        )


def test_s3_control_host_prefix_is_stripped_on_custom_endpoints():
    class Request:
        url = "http://123456789012.127.0.0.1:5000/v20180820/configuration/publicAccessBlock"

    request = Request()
    strip(request)
    assert request.url == "http://127.0.0.1:5000/v20180820/configuration/publicAccessBlock"
    request.url = "https://123456789012.s3-control.eu-west-1.amazonaws.com/v20180820/x"
    strip(request)
    assert request.url.startswith("https://123456789012.s3-control.")


# --- runner -----------------------------------------------------------------------------


def _make_check(
    id: str,
    function: Any,
    actions: tuple[str, ...] = ("iam:ListUsers",),
    scope: Scope = Scope.GLOBAL,
    validate: bool = True,
) -> Check:
    service = actions[0].split(":")[0]
    return Check(
        id=id,
        title=id,
        best_practices=("SEC03-BP01",),
        service=service,
        scope=scope,
        actions=actions,
        services=(service,),
        function=function,
    )


def test_a_bug_in_a_check_is_unknown_not_a_crash(account):
    def broken(ctx: Context) -> Any:
        raise KeyError("Users")

    result = run_scan(account.aws, [_make_check("test.broken", broken)]).results[0]
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ERROR)
    assert "KeyError" in result.reason


def test_undeclared_calls_are_caught(account):
    def sneaky(ctx: Context) -> Any:
        return ctx.call("iam", "list_roles")

    result = run_scan(account.aws, [_make_check("test.sneaky", sneaky)]).results[0]
    assert result.status is Status.UNKNOWN and "undeclared action iam:ListRoles" in result.reason


def test_regional_checks_run_per_region_and_report_progress(account):
    seen: list[tuple[int, int, str, str]] = []

    def here(ctx: Context) -> Any:
        return [passed(ctx.where, ctx.region)]

    regional = _make_check("test.regional", here, scope=Scope.REGIONAL)
    scan = run_scan(
        account.aws,
        [regional, _make_check("test.global", here)],
        progress=lambda *a: seen.append(a),
    )
    assert [(r.check_id, r.region) for r in scan.results] == [
        ("test.global", GLOBAL),
        ("test.regional", "eu-west-1"),
        ("test.regional", "us-east-1"),
    ]
    assert sorted(d for d, *_ in seen) == [1, 2, 3] and {t for _, t, *_ in seen} == {3}


def test_cancel_keeps_results_so_far(account):
    cancel = threading.Event()

    def quick(ctx: Context) -> Any:
        return [passed("x")]

    def waits(ctx: Context) -> Any:
        ctx.calls.cancel.wait(5)
        return ctx.call("iam", "list_users")

    checks = [
        _make_check("test.a_quick", quick),
        _make_check("test.b_waits", waits),
        _make_check("test.c_waits", waits),
    ]
    start = time.monotonic()
    scan = run_scan(
        account.aws, checks, concurrency=2, cancel=cancel, progress=lambda done, *_: cancel.set()
    )
    assert time.monotonic() - start < 4
    assert scan.cancelled
    by_id = {r.check_id: r for r in scan.results}
    assert by_id["test.a_quick"].status is Status.PASS
    assert by_id["test.b_waits"].cause is Cause.CANCELLED
    assert by_id["test.c_waits"].cause is Cause.CANCELLED


def test_call_failed_carries_the_action():
    error = CallFailed(Cause.ACCESS_DENIED, "m", "iam:ListUsers", "AccessDenied")
    assert (error.action, error.code) == ("iam:ListUsers", "AccessDenied")
