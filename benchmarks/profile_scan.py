"""Where a scan's CPU goes: one account x 2 regions, a cold `pillar scan` (fresh boto3
session: service models loaded, clients built), profiled across every thread with yappi
(CPU clock). The moto server runs in a child process (bench_scan's), so the CPU measured
here is pillar's own: connect, client build, signing, sending, parsing, the checks.

Run: uv run python benchmarks/profile_scan.py [--top 25] [--save out.pstat]

Prints own CPU (process time of this process during connect + build + scan), calls
requested / sent / HTTP requests per account-region, and the profile's top entries by own
time (tsub) and by cumulated time of a few layers (client build, endpoint resolution,
signing, parsing, checks). No latency is injected (CPU, not wall, is measured).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_scan

REGIONS = ("eu-west-1", "us-east-1")
LAYERS = {
    "client build (session.client)": ("boto3/session.py", "client"),
    "endpoint resolution (rulesets)": ("botocore/regions.py", "construct_endpoint"),
    "request signing (sigv4)": ("botocore/auth.py", "add_auth"),
    "response parsing": ("botocore/parsers.py", "parse"),
    "HTTP send (urllib3)": ("botocore/httpsession.py", "send"),
    "pagination (build_full_result)": ("botocore/paginate.py", "build_full_result"),
    "check functions (run_task)": ("checks/runner.py", "run_task"),
}


def main() -> None:
    import boto3
    import yappi

    parser = argparse.ArgumentParser()
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--save", help="write the profile (pstat) here")
    args = parser.parse_args()

    bench_scan.fake_environment()
    server = bench_scan.start_server()
    try:
        from checks.calls import CallLayer
        from checks.registry import all_checks
        from checks.runner import DEFAULT_CONCURRENCY, run_scan
        from checks.session import AwsOptions, connect

        checks = all_checks()
        http = Counter[str]()

        def count(**_: Any) -> None:
            http["requests"] += 1

        yappi.set_clock_type("cpu")
        session = boto3.Session()
        session.events.register("before-send", count)
        cpu, wall = time.process_time(), time.perf_counter()
        yappi.start(builtins=False, profile_threads=True)
        aws = connect(AwsOptions(endpoint_url=server.endpoint, regions=REGIONS), session=session)
        calls = CallLayer(aws.clients)
        scan = run_scan(aws, checks, concurrency=DEFAULT_CONCURRENCY, calls=calls)
        yappi.stop()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    finally:
        server.stop()

    pairs = len(REGIONS)  # one account
    print(
        f"pillar scan profile: {len(checks)} checks, 1 account x {len(REGIONS)} regions, "
        f"cold session, concurrency {DEFAULT_CONCURRENCY}, no injected latency"
    )
    print(
        f"own CPU {cpu:.2f} s (wall {wall:.2f} s; {len(aws.clients)} clients); per "
        f"account-region: CPU {cpu / pairs:.2f} s, calls requested "
        f"{calls.stats.requested / pairs:.0f}, sent {calls.stats.sent / pairs:.0f}, "
        f"HTTP requests {http['requests'] / pairs:.0f}"
    )
    statuses = Counter(r.status.value for r in scan.results)
    print("results: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    stats = yappi.get_func_stats()
    print("\nlayers (CPU summed over threads, cumulated; they overlap):")
    for label, (path, name) in LAYERS.items():
        total = sum(
            s.ttot for s in stats if s.module.endswith(path) and s.name.split(".")[-1] == name
        )
        print(f"  {label:34} {total:6.2f} s")
    print(f"\ntop {args.top} by own time (tsub), all threads:")
    stats.sort("tsub", "desc")
    for s in list(stats)[: args.top]:
        where = s.module.split("site-packages/")[-1].split("/work/wt/")[-1]
        print(f"  {s.tsub:6.3f} s own {s.ttot:6.3f} s cum {s.ncall:8d} calls  {s.name}  ({where})")
    if args.save:
        stats.save(args.save, type="pstat")


if __name__ == "__main__":
    main()
