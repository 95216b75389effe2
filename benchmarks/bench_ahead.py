"""Per-resource reads sent ahead (`CallLayer.prefetch`): one check over many resources,
against an endpoint that costs nothing but its latency.

Run: uv run python benchmarks/bench_ahead.py [--queues 200] [--latency-ms 50]
(prints numbers, never fails on time)

Method
- Endpoint: a local threaded HTTP server speaking just enough of SQS's JSON protocol:
  ListQueues gives N queue URLs, GetQueueAttributes each queue's ARN and KMS key. Every
  request sleeps `--latency-ms` (a network round trip) and does no other work, so the
  scanner's waiting shows, not an emulator's CPU (moto spends ~7 ms of CPU per request,
  which hides any overlap on a 2-core machine: see bench_scan's "moto handling time").
- Scan: the `sqs.*` checks (per-queue details) in one region, a fresh CallLayer each
  run, alternately with prefetch on (as shipped) and off (each resource's details read
  when it is judged, as before). Reported: wall time of run_scan, HTTP requests, the most
  requests in flight at once.
"""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ACCOUNT = "123456789012"
REGION = "eu-west-1"


def option(name: str, default: int) -> int:
    args = sys.argv[1:]
    return int(args[args.index(name) + 1]) if name in args else default


class Endpoint(BaseHTTPRequestHandler):
    queues = 200
    latency_s = 0.05
    requests = 0
    in_flight = 0
    most = 0
    lock = threading.Lock()

    def do_POST(self) -> None:
        cls = type(self)
        with cls.lock:
            cls.requests += 1
            cls.in_flight += 1
            cls.most = max(cls.most, cls.in_flight)
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            target = str(self.headers.get("X-Amz-Target", "")).rsplit(".", 1)[-1]
            time.sleep(cls.latency_s)
            if target == "ListQueues":
                base = f"http://{self.headers['Host']}/{ACCOUNT}"
                answer: dict[str, Any] = {
                    "QueueUrls": [f"{base}/queue-{n}" for n in range(cls.queues)]
                }
            elif target == "GetQueueAttributes":
                name = str(body.get("QueueUrl", "")).rsplit("/", 1)[-1]
                answer = {
                    "Attributes": {
                        "QueueArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}",
                        "KmsMasterKeyId": "alias/aws/sqs",
                        "Policy": "",
                    }
                }
            else:
                answer = {}
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-amz-json-1.0")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        finally:
            with cls.lock:
                cls.in_flight -= 1

    def log_message(self, *args: Any) -> None:
        pass


def main() -> None:
    import boto3

    from checks.calls import CallLayer
    from checks.registry import all_checks, select
    from checks.runner import run_scan
    from checks.session import Aws, AwsOptions, ClientPool

    Endpoint.queues = option("--queues", 200)
    Endpoint.latency_s = option("--latency-ms", 50) / 1000
    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_port}"
    session = boto3.Session(aws_access_key_id="x", aws_secret_access_key="y", region_name=REGION)
    options = AwsOptions(endpoint_url=endpoint, regions=(REGION,))
    aws = Aws(
        clients=ClientPool(session, options),
        account_id=ACCOUNT,
        regions=(REGION,),
        home_region=REGION,
    )
    all_checks()
    checks = select(("sqs.*",))
    shipped = CallLayer.prefetch
    times: dict[str, list[float]] = {"ahead": [], "one by one": []}
    most: dict[str, int] = {}
    sent: dict[str, int] = {}
    try:
        for label in ["ahead", "one by one"] * 3:
            CallLayer.prefetch = shipped if label == "ahead" else (lambda *a, **k: None)  # type: ignore[method-assign]
            Endpoint.requests = Endpoint.most = 0
            started = time.perf_counter()
            scan = run_scan(aws, checks, calls=CallLayer(aws.clients))
            times[label].append(time.perf_counter() - started)
            most[label], sent[label] = Endpoint.most, Endpoint.requests
            assert all(r.status.value != "unknown" for r in scan.results), scan.results
    finally:
        CallLayer.prefetch = shipped  # type: ignore[method-assign]
        server.shutdown()
    print(
        f"{len(checks)} sqs checks, {Endpoint.queues} queues, 1 region, "
        f"{Endpoint.latency_s * 1000:.0f} ms per request; medians of 3"
    )
    for label, runs in times.items():
        print(
            f"  {label:<11} {statistics.median(runs):6.2f} s   {sent[label]} requests, "
            f"at most {most[label]} in flight"
        )


if __name__ == "__main__":
    main()
