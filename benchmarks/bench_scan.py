"""Scan numbers: a full scan of a small account on a local moto server, 4 regions, with
50 ms of latency injected into every HTTP request.

Run: uv run python benchmarks/bench_scan.py   (prints numbers; never fails on time)

Method
- Server: `moto.server.ThreadedMotoServer` on 127.0.0.1 (a free port) in a child process,
  so the emulator's CPU work does not share the scanner's GIL, and the scanner's
  ru_maxrss / tracemalloc numbers are pillar's own.
- Latency: a WSGI middleware around the server's app sleeps 50 ms before handling each
  HTTP request (switched on after seeding and a warm-up scan). Like a network round trip,
  it is paid per HTTP request, whoever sends it: every page of a paginated call, every
  retry, sts in `connect`; concurrent requests overlap (threaded server, the sleep holds
  no lock); and the scanner's code is exactly what users run (no hook in its clients
  delays anything). Where moto lacks an operation or service it raises (a 500 that
  botocore retries 3 times with back-off); the middleware answers 501 once instead, as a
  real endpoint answers in one round trip. The report names those operations.
- Account: `checks.demo.seed()` (the demo's two regions, eu-west-1 hardened and us-east-1
  neglected, whatever areas the demo seeds today) sent over HTTP by pointing the demo's
  boto3 clients at the server (AWS_ENDPOINT_URL); its direct edits of moto's store work
  because they run in the server's process. Two more regions get a small mixed set of
  resources with plain boto3 clients.
- Scan: pillar's own `connect(AwsOptions(endpoint_url=..., regions=4 regions))`, client
  build and `run_scan(all_checks())`: first a cold warm-up without latency, then with
  latency at the default concurrency, at 1 (sequential) and at 64, one boto3 session.
  A `before-send` hook (count only, no delay) and a CallLayer subclass (passed through
  `run_scan(calls=...)`) record which HTTP requests each check x region task needed.
- Longest chain: per task, the HTTP requests of every distinct call it needed, in
  sequence (a check is sequential code), including calls it got from the shared cache or
  from a memo computed by another task; x 50 ms. The max over tasks is a lower bound of
  the checks phase even with unlimited threads.
- Own CPU: `time.process_time()` of this process over connect + build + scan (the moto
  server is a child process, so its CPU is not counted), also per account-region (one
  account here). `benchmarks/profile_scan.py` shows where it goes (yappi, all threads).
- Memory: the cold warm-up runs under tracemalloc (peak of Python allocations during
  connect, model loading, client build and scan); ru_maxrss is the whole benchmark
  process (imports included). The server is another process: neither counts it.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
import tracemalloc
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

LATENCY_S = 0.050
REGIONS = ("eu-west-1", "us-east-1", "eu-central-1", "ap-southeast-2")
EXTRA_REGIONS = REGIONS[2:]  # the demo seeds the first two
WIDE = 64  # a third, wider pool: is the pool size what bounds the default run?
TARGET = 1.5  # wall within 1.5x the longest chain
CONTROL = "/__bench/"


# --------------------------------------------------------------------------- the server


class LatencyMiddleware:
    """WSGI wrapper: sleep before each request, time moto's own work, and answer what moto
    cannot (an unknown operation or service raises inside moto: a 500 that botocore would
    retry 3 times with back-off) with one non-retryable 501, as a real endpoint answers in
    one round trip. `/__bench/stats` and `/__bench/latency/<ms>` are the benchmark's own.
    """

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app
        self.delay = 0.0
        self.requests = 0
        self.unanswered = 0  # 5xx from moto, sent as 501
        self.busy_s = 0.0
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = str(environ.get("PATH_INFO", ""))
        if path.startswith(CONTROL):
            if path.startswith(CONTROL + "latency/"):
                self.delay = int(path.rsplit("/", 1)[1]) / 1000
            with self._lock:
                stats = {
                    "requests": self.requests,
                    "unanswered": self.unanswered,
                    "busy_s": self.busy_s,
                    "latency_ms": self.delay * 1000,
                }
            start_response("200 OK", [("Content-Type", "application/json")])
            return [json.dumps(stats).encode()]
        if self.delay:
            time.sleep(self.delay)
        started = time.perf_counter()

        def respond(status: str, headers: list[Any], exc_info: Any = None) -> Any:
            if status.startswith("5"):
                with self._lock:
                    self.unanswered += 1
                status = "501 Not Implemented"
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, respond)
        except Exception as error:
            with self._lock:
                self.unanswered += 1
            body = f"moto cannot answer this: {type(error).__name__}".encode()
            start_response(
                "501 Not Implemented",
                [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))],
            )
            return [body]
        finally:
            with self._lock:
                self.requests += 1
                self.busy_s += time.perf_counter() - started


def fake_environment(endpoint: str | None = None) -> None:
    """Fake credentials only; no profile, config file or real endpoint can leak in."""
    from checks import demo

    for key in demo._CLEARED_ENV:
        os.environ.pop(key, None)
    os.environ.update(demo._FAKE_ENV)
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    if endpoint is not None:
        os.environ["AWS_ENDPOINT_URL"] = endpoint


def seed_extra_region(region: str, hardened: bool) -> None:
    """A small workload with plain boto3 clients (AWS_ENDPOINT_URL points at the server)."""
    from checks import demo

    def client(service: str) -> Any:
        return demo._shared_session().client(service, region_name=region)

    ec2 = client("ec2")
    vpc_id = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0][
        "VpcId"
    ]
    group = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc_id)
    ec2.authorize_security_group_ingress(
        GroupId=group["GroupId"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443 if hardened else 3389,
                "ToPort": 443 if hardened else 3389,
                "IpRanges": [{"CidrIp": "10.0.0.0/8" if hardened else "0.0.0.0/0"}],
            }
        ],
    )
    ec2.run_instances(
        ImageId=demo.EXAMPLE_AMI,
        MinCount=2,
        MaxCount=2,
        InstanceType="t3.micro",
        SecurityGroupIds=[group["GroupId"]],
        MetadataOptions={"HttpTokens": "required" if hardened else "optional"},
    )
    volume = ec2.create_volume(AvailabilityZone=f"{region}a", Size=8, Encrypted=hardened)
    ec2.create_snapshot(VolumeId=volume["VolumeId"], Description="nightly")
    if hardened:
        ec2.enable_ebs_encryption_by_default()
        client("guardduty").create_detector(Enable=True)
    s3 = client("s3")
    bucket = f"acme-{region}-data"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    if hardened:
        s3.put_public_access_block(
            Bucket=bucket,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    kms = client("kms")
    key = kms.create_key(Description="app data")["KeyMetadata"]["KeyId"]
    if hardened:
        kms.enable_key_rotation(KeyId=key)
    ddb = client("dynamodb")
    ddb.create_table(
        TableName=f"events-{region}",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    if hardened:
        ddb.update_continuous_backups(
            TableName=f"events-{region}",
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
        )
    client("sns").create_topic(
        Name="alerts", Attributes={"KmsMasterKeyId": "alias/aws/sns"} if hardened else {}
    )
    client("sqs").create_queue(
        QueueName="jobs", Attributes={"SqsManagedSseEnabled": "true" if hardened else "false"}
    )
    logs = client("logs")
    for name in ("/app/api", "/app/worker"):
        logs.create_log_group(logGroupName=name)
        if hardened:
            logs.put_retention_policy(logGroupName=name, retentionInDays=365)
    client("secretsmanager").create_secret(Name=f"api-key-{region}", SecretString="not-real")
    client("ecr").create_repository(
        repositoryName="api", imageScanningConfiguration={"scanOnPush": hardened}
    )


def serve() -> None:
    """Child process: start the server, seed it over HTTP, print READY, wait for stdin EOF."""
    fake_environment()
    import logging

    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)  # no line per request
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    wsgi = server._server
    assert wsgi is not None
    middleware = LatencyMiddleware(wsgi.app)
    wsgi.app = middleware
    fake_environment(f"http://{host}:{port}")
    from checks import demo

    demo._session = None  # made on first use, now with the endpoint above
    warnings = []
    started = time.perf_counter()
    try:
        demo.seed()
    except Exception as error:  # other areas' seeding may be in flux: scan what exists
        warnings.append(f"demo.seed() stopped early: {type(error).__name__}: {error}")
    for n, region in enumerate(EXTRA_REGIONS):
        try:
            seed_extra_region(region, hardened=n % 2 == 0)
        except Exception as error:
            warnings.append(f"seeding {region} stopped early: {type(error).__name__}: {error}")
    seeded = {
        "port": port,
        "seed_s": time.perf_counter() - started,
        "seed_requests": middleware.requests,
        "warnings": warnings,
    }
    print("READY " + json.dumps(seeded), flush=True)
    sys.stdin.read()  # the parent closes stdin when it is done
    server.stop()


@dataclass
class Server:
    process: subprocess.Popen[str]
    endpoint: str
    info: dict[str, Any]

    def stats(self, latency_ms: int | None = None) -> dict[str, Any]:
        """The server's counters; `latency_ms` sets the injected latency first."""
        path = CONTROL + ("stats" if latency_ms is None else f"latency/{latency_ms}")
        with urllib.request.urlopen(self.endpoint + path, timeout=30) as response:
            data: dict[str, Any] = json.load(response)
            return data

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server() -> Server:
    process = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("READY "):
            info: dict[str, Any] = json.loads(line[len("READY ") :])
            return Server(process, f"http://127.0.0.1:{info['port']}", info)
    process.wait()
    raise SystemExit(f"the moto server did not start (exit code {process.returncode})")


# --------------------------------------------------------------------------- the probe

Key = tuple[str, ...]


@dataclass
class Probe:
    """Who needed which call, and how many HTTP requests each call took.

    A thread-local stack of frames (task, then `once` keys being computed by this thread)
    attributes every `once` use to the frame that asked and every HTTP request to the
    call being sent.
    """

    http: int = 0
    http_by_key: Counter[Key] = field(default_factory=Counter)
    uses: dict[Key, dict[Key, None]] = field(default_factory=dict)  # ordered sets
    task_seconds: dict[Key, float] = field(default_factory=dict)
    unanswered: Counter[str] = field(default_factory=Counter)
    _local: threading.local = field(default_factory=threading.local)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _fresh: int = 0

    def stack(self) -> list[Key]:
        stack: list[Key] | None = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
        return stack

    def use(self, key: Key) -> None:
        stack = self.stack()
        if stack:
            with self._lock:
                self.uses.setdefault(stack[-1], {})[key] = None

    def push(self, key: Key) -> None:
        self.stack().append(key)

    def pop(self) -> None:
        self.stack().pop()

    def fresh_key(self) -> Key:
        with self._lock:
            self._fresh += 1
            return ("fresh", str(self._fresh))

    def before_send(self, **kwargs: Any) -> None:
        """botocore `before-send`: count only (returning None lets the request go)."""
        stack = self.stack()
        key = stack[-1] if stack else ("outside",)
        with self._lock:
            self.http += 1
            self.http_by_key[key] += 1

    def after_call(self, http_response: Any = None, model: Any = None, **kwargs: Any) -> None:
        """botocore `after-call`: remember the operations moto could not answer (501)."""
        if http_response is not None and http_response.status_code == 501 and model is not None:
            with self._lock:
                self.unanswered[f"{model.service_model.service_name}.{model.name}"] += 1

    def cost(self, key: Key, memo: dict[Key, int]) -> int:
        """HTTP requests on the critical path of `key`: its own plus everything it used."""
        if key not in memo:
            memo[key] = 0  # no cycles expected; guard anyway
            memo[key] = self.http_by_key[key] + sum(
                self.cost(child, memo) for child in self.uses.get(key, {})
            )
        return memo[key]

    def chains(self) -> list[tuple[int, Key]]:
        memo: dict[Key, int] = {}
        return sorted(((self.cost(task, memo), task) for task in self.task_seconds), reverse=True)


def traced_call_layer(probe: Probe) -> type[Any]:
    from checks.calls import CallLayer

    class TracedCallLayer(CallLayer):
        def once(self, key: tuple[str, ...], compute: Callable[[], T]) -> T:
            probe.use(key)

            def owned() -> T:
                probe.push(key)
                try:
                    return compute()
                finally:
                    probe.pop()

            return super().once(key, owned)

        def call(
            self,
            service: str,
            region: str,
            operation: str,
            params: dict[str, Any],
            *,
            fresh: bool = False,
        ) -> dict[str, Any]:
            if not fresh:
                return super().call(service, region, operation, params)
            key = probe.fresh_key()
            probe.use(key)
            probe.push(key)
            try:
                return super().call(service, region, operation, params, fresh=True)
            finally:
                probe.pop()

    return TracedCallLayer


# --------------------------------------------------------------------------- one scan


@dataclass
class Run:
    label: str
    concurrency: int
    connect_s: float
    build_s: float
    scan_s: float
    requested: int
    sent: int
    http: int
    server_busy_s: float
    unanswered: int
    cpu_s: float
    statuses: Counter[str]
    causes: Counter[str]
    outcome: dict[tuple[str, str], str]
    longest: list[tuple[int, Key]]
    longest_task_s: float
    tasks: int
    checks: int
    clients: set[tuple[str, str]]
    unanswered_ops: Counter[str] = field(default_factory=Counter)
    traced_peak: int | None = None

    @property
    def total_s(self) -> float:
        return self.connect_s + self.build_s + self.scan_s


def scan_once(
    server: Server, session: Any, concurrency: int, label: str, *, trace: bool = False
) -> Run:
    from checks import runner
    from checks.registry import all_checks
    from checks.session import AwsOptions, connect

    checks = all_checks()
    probe = Probe()
    before = server.stats()
    if trace:
        tracemalloc.start()
    # Handlers on the session are copied into every client built after this point.
    session.events.register("before-send", probe.before_send)
    session.events.register("after-call", probe.after_call)
    started = time.perf_counter()
    cpu = time.process_time()
    aws = connect(AwsOptions(endpoint_url=server.endpoint, regions=REGIONS), session=session)
    connected = time.perf_counter()
    tasks = runner.plan(checks, aws)
    pairs = {(s, t.api_region) for t in tasks for s in t.check.services}
    aws.clients.build(pairs)
    built = time.perf_counter()

    original = runner.run_task

    def run_task(task: runner.Task, aws: Any, calls: Any) -> Any:
        key = ("task", task.check.id, task.region)
        probe.push(key)
        began = time.perf_counter()
        try:
            return original(task, aws, calls)
        finally:
            probe.pop()
            with probe._lock:
                probe.task_seconds[key] = time.perf_counter() - began

    layer = traced_call_layer(probe)(aws.clients)
    runner.run_task = run_task
    try:
        result = runner.run_scan(aws, checks, concurrency=concurrency, calls=layer)
    finally:
        runner.run_task = original
        session.events.unregister("before-send", probe.before_send)
        session.events.unregister("after-call", probe.after_call)
    cpu_s = time.process_time() - cpu
    peak = None
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    after = server.stats()
    statuses = Counter(r.status.value for r in result.results)
    causes = Counter(r.cause.value for r in result.results if r.cause is not None)
    return Run(
        label=label,
        concurrency=concurrency,
        connect_s=connected - started,
        build_s=built - connected,
        scan_s=result.duration_s,
        requested=layer.stats.requested,
        sent=layer.stats.sent,
        http=probe.http,
        server_busy_s=after["busy_s"] - before["busy_s"],
        unanswered=after["unanswered"] - before["unanswered"],
        cpu_s=cpu_s,
        statuses=statuses,
        causes=causes,
        outcome={(r.check_id, r.region): r.status.value for r in result.results},
        longest=probe.chains()[:3],
        longest_task_s=max(probe.task_seconds.values(), default=0.0),
        tasks=len(tasks),
        checks=len(checks),
        clients=pairs,
        unanswered_ops=probe.unanswered,
        traced_peak=peak,
    )


# --------------------------------------------------------------------------- report


def mib(n: float) -> str:
    return f"{n / 2**20:.1f} MiB"


def report(server: Server, cold: Run, runs: list[Run], elapsed: float) -> None:
    default, sequential = runs[0], runs[1]
    chain_requests, chain_task = default.longest[0] if default.longest else (0, ("", "-", "-"))
    chain_s = chain_requests * LATENCY_S
    print(
        f"pillar scan benchmark: {default.checks} checks x {len(REGIONS)} regions = "
        f"{default.tasks} tasks, moto server with {LATENCY_S * 1000:.0f} ms per HTTP request"
    )
    print(
        f"account: regions {', '.join(REGIONS)}; seeded over HTTP in "
        f"{server.info['seed_s']:.1f} s ({server.info['seed_requests']} requests)"
    )
    for warning in server.info["warnings"]:
        print(f"  warning: {warning}")
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load}; benchmark {elapsed:.0f} s in all")
    print(
        f"cold start (first scan of the process: service models loaded): connect "
        f"{cold.connect_s:.2f} s, build {len(cold.clients)} clients {cold.build_s:.2f} s"
    )
    print()
    width, column = 32, 16
    print(f"{'':{width}}" + "".join(f"{r.label:>{column}}" for r in runs))
    rows: list[tuple[str, Callable[[Run], str]]] = [
        ("connect (sts)", lambda r: f"{r.connect_s:.2f} s"),
        ("build clients (models loaded)", lambda r: f"{r.build_s:.2f} s"),
        ("checks phase (run_scan)", lambda r: f"{r.scan_s:.2f} s"),
        ("  x longest chain", lambda r: f"{r.scan_s / chain_s:.2f}x" if chain_s else "-"),
        (
            "  pool floor (HTTP/N x 50 ms)",
            lambda r: f"{r.http / r.concurrency * LATENCY_S:.2f} s",
        ),
        ("wall, end to end", lambda r: f"{r.total_s:.2f} s"),
        ("longest single task", lambda r: f"{r.longest_task_s:.2f} s"),
        ("calls requested by checks", lambda r: str(r.requested)),
        ("distinct calls sent", lambda r: str(r.sent)),
        ("HTTP requests (pages, retries)", lambda r: str(r.http)),
        ("  answered 501 (moto lacks it)", lambda r: str(r.unanswered)),
        ("moto handling time, summed", lambda r: f"{r.server_busy_s:.2f} s"),
        ("scanner CPU (process time)", lambda r: f"{r.cpu_s:.2f} s"),
        # one account: per account-region = per region (moto server CPU excluded: another process)
        ("  own CPU per account-region", lambda r: f"{r.cpu_s / len(REGIONS):.2f} s"),
        ("calls sent per account-region", lambda r: f"{r.sent / len(REGIONS):.0f}"),
    ]
    for name, cell in rows:
        print(f"{name:{width}}" + "".join(f"{cell(r):>{column}}" for r in runs))
    print()
    same = all(r.outcome == cold.outcome for r in runs)
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(default.statuses.items()))
    causes = ", ".join(f"{k} {v}" for k, v in sorted(default.causes.items())) or "none"
    print(f"results: {statuses} (UNKNOWN causes: {causes}); same in every run: {same}")
    lacking = ", ".join(sorted(default.unanswered_ops)) or "none"
    print(f"operations moto could not answer: {lacking}")
    print("longest chains (HTTP requests one after another in one task, x 50 ms):")
    for requests, task in default.longest:
        print(f"  {task[1]} @ {task[2]}: {requests} -> {requests * LATENCY_S:.2f} s")
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"peak memory: tracemalloc peak {mib(cold.traced_peak or 0)} (cold connect + build "
        f"+ scan at concurrency {cold.concurrency}); ru_maxrss {mib(rss_kib * 1024)} "
        "(whole benchmark process, imports included)"
    )
    ratio = default.scan_s / chain_s if chain_s else float("inf")
    print()
    print(
        f"verdict: checks phase {default.scan_s:.2f} s at concurrency {default.concurrency} "
        f"(end to end {default.total_s:.2f} s) = {ratio:.2f}x the longest "
        f"chain ({chain_s:.2f} s, {chain_task[1]} @ {chain_task[2]}): "
        f"{'within' if ratio <= TARGET else 'outside'} the {TARGET}x target; "
        f"{sequential.scan_s / default.scan_s:.1f}x faster than sequential; "
        f"{default.requested} calls requested, {default.sent} sent."
    )


def main() -> None:
    import boto3

    from checks.runner import DEFAULT_CONCURRENCY

    fake_environment()
    began = time.perf_counter()
    server = start_server()
    try:
        # One session for every run, as in one `pillar scan`: the warm-up pays for loading
        # the service models (reported as the cold start) and, under tracemalloc, gives
        # the peak memory of a whole cold scan. It also warms moto, which imports a
        # service's code and builds its app on first use under a global lock (an
        # emulator cost AWS does not have); it runs without the injected latency.
        session = boto3.Session()
        warm = scan_once(server, session, DEFAULT_CONCURRENCY, "cold, traced", trace=True)
        server.stats(latency_ms=round(LATENCY_S * 1000))
        runs = [
            scan_once(server, session, DEFAULT_CONCURRENCY, f"default ({DEFAULT_CONCURRENCY})"),
            scan_once(server, session, 1, "sequential (1)"),
            scan_once(server, session, WIDE, f"wide ({WIDE})"),
        ]
    finally:
        server.stop()
    report(server, warm, runs, time.perf_counter() - began)


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
    else:
        main()
