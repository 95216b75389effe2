"""Multi-account scan numbers: 1 and 12 accounts x 2 regions on a local moto server.

Run: uv run python benchmarks/bench_accounts.py [--accounts 12] [--latency-ms 50] [--repeat 3]
(prints numbers, medians of the repeats; never fails on time)

Method
- Server: bench_scan's moto server setup (`ThreadedMotoServer` on 127.0.0.1 in a child
  process, with its latency middleware), but the account is decided by each request's
  access key (no MOTO_ACCOUNT_ID pin), so AssumeRole into a member lands there. The
  management account gets the demo's seeding; an organization is created with 11 member
  accounts, each seeded with a small mixed workload in both regions (a console user, a
  bucket, a security group open or not, a log group), through assumed-role clients.
- Scans: each in a fresh child process, so its peak RSS (ru_maxrss) is that scan's
  alone: (a) one account, today's `run_scan` (the caller's own account); (b) N accounts,
  `AccountsScan` over the organization (the caller's own account plus N-1 members,
  reached by AssumeRole), every registered check, 2 regions, default concurrency.
- Reported (medians of `--repeat` runs of each, interleaved): wall time, peak RSS,
  pillar's own CPU (process time of the scanning process, imports included; the moto
  server is another process) in all and per account-region, calls requested by checks
  and calls sent (distinct calls, every account's `CallLayer` counted) and HTTP requests
  (pages, retries, AssumeRole: counted by the server) per account-region, AssumeRole
  calls, pacing waits, and the accounts' statuses.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import bench_scan

REGIONS = ("eu-west-1", "us-east-1")
MEMBERS = 11


def seed_member(account_id: str, n: int) -> None:
    import boto3

    sts = boto3.client("sts", region_name="us-east-1")
    creds = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
        RoleSessionName="seed",
    )["Credentials"]

    def client(service: str, region: str = "eu-west-1") -> Any:
        return boto3.client(
            service,
            region_name=region,
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )

    iam = client("iam")
    iam.create_user(UserName=f"dev-{n}")
    iam.create_login_profile(UserName=f"dev-{n}", Password="Correct-Horse-9!")
    for region in REGIONS:
        s3 = client("s3", region)
        bucket = f"data-{account_id}-{region}"
        if region == "us-east-1":
            s3.create_bucket(Bucket=bucket)
        else:
            s3.create_bucket(
                Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region}
            )
        ec2 = client("ec2", region)
        vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]
        group = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc["VpcId"])
        if n % 2:
            ec2.authorize_security_group_ingress(
                GroupId=group["GroupId"],
                IpPermissions=[
                    {
                        "IpProtocol": "tcp",
                        "FromPort": 22,
                        "ToPort": 22,
                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                    }
                ],
            )
        client("logs", region).create_log_group(logGroupName=f"/app/{n}")


def serve() -> None:
    bench_scan.fake_environment()
    os.environ.pop("MOTO_ACCOUNT_ID", None)  # the access key decides the account
    import logging

    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    wsgi = server._server
    assert wsgi is not None
    middleware = bench_scan.LatencyMiddleware(wsgi.app)
    wsgi.app = middleware
    bench_scan.fake_environment(f"http://{host}:{port}")
    os.environ.pop("MOTO_ACCOUNT_ID", None)
    from checks import demo

    demo._session = None
    warnings: list[str] = []
    started = time.perf_counter()
    try:
        demo.seed()
    except Exception as error:
        warnings.append(f"demo.seed() stopped early: {type(error).__name__}: {error}")
    import boto3

    organizations = boto3.client("organizations", region_name="us-east-1")
    try:
        organizations.describe_organization()
    except Exception:
        organizations.create_organization(FeatureSet="ALL")
    members = []
    for n in range(MEMBERS):
        created = organizations.create_account(AccountName=f"member-{n}", Email=f"m{n}@x.org")
        members.append(created["CreateAccountStatus"]["AccountId"])
    for n, account_id in enumerate(members):
        try:
            seed_member(account_id, n)
        except Exception as error:
            warnings.append(f"seeding {account_id}: {type(error).__name__}: {error}")
    info = {
        "port": port,
        "seed_s": time.perf_counter() - started,
        "seed_requests": middleware.requests,
        "warnings": warnings,
        "members": members,
    }
    print("READY " + json.dumps(info), flush=True)
    sys.stdin.read()
    server.stop()


def scan(endpoint: str, accounts: int) -> None:
    """Child process: one scan, then its numbers as JSON on stdout."""
    bench_scan.fake_environment(endpoint)
    os.environ.pop("MOTO_ACCOUNT_ID", None)
    wall = time.perf_counter()
    cpu = time.process_time()
    from checks import accounts as accounts_module
    from checks.calls import CallLayer, CallStats
    from checks.registry import all_checks
    from checks.session import AwsOptions, connect

    counted: list[CallStats] = []

    class CountedCallLayer(CallLayer):
        """Every account's call layer keeps its counts here (only the counts: keeping a
        layer would keep its cached answers, and the peak RSS with them)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            counted.append(self.stats)

    accounts_module.CallLayer = CountedCallLayer  # type: ignore[misc]
    checks = all_checks()
    aws = connect(AwsOptions(endpoint_url=endpoint, regions=REGIONS))
    extra: dict[str, Any] = {}
    if accounts == 1:
        from checks.runner import run_scan

        result = run_scan(aws, checks, calls=CountedCallLayer(aws.clients))
    else:
        from checks.accounts import AccountsScan, Members, RoleOptions, organization_accounts

        targets = organization_accounts(aws)
        own = [t for t in targets if t.account_id == aws.account_id]
        others = [t for t in targets if t.account_id != aws.account_id]
        chosen = (own + others)[:accounts]
        members = Members(aws, RoleOptions())
        result = AccountsScan(aws, chosen, checks, members=members).run()
        extra = {"assume_role_calls": members.assumed, "paced_s": members.pacer.waited_s}
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    statuses: dict[str, int] = {}
    for r in result.results:
        statuses[r.status.value] = statuses.get(r.status.value, 0) + 1
    print(
        json.dumps(
            {
                "accounts": accounts,
                "wall_s": time.perf_counter() - wall,
                "scan_s": result.duration_s,
                "cpu_s": time.process_time() - cpu,
                "rss": rss,
                "requested": sum(stats.requested for stats in counted),
                "sent": sum(stats.sent for stats in counted),
                "results": len(result.results),
                "statuses": statuses,
                "account_states": [
                    [a.account_id, a.status.value, a.cause] for a in result.account_statuses()
                ],
                **extra,
            }
        )
    )


CHILD_TIMEOUT_S = 240  # a scan that takes longer is stuck (see run_child)


def run_child(server: bench_scan.Server, accounts: int) -> dict[str, Any] | None:
    """One scan in a child process; None if it had to be stopped.

    Under heavy machine load the moto server has been seen to stop answering (hundreds
    of server threads, the scan's calls waiting on their read timeouts and retries): such
    a run measures the emulator, not pillar, so it is stopped and left out.
    """
    before = server.stats()["requests"]
    try:
        out = subprocess.run(
            [sys.executable, os.path.abspath(__file__), "--scan", server.endpoint, str(accounts)],
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        print(f"  a {accounts}-account scan was stopped after {CHILD_TIMEOUT_S} s (left out)")
        return None
    if out.returncode != 0:
        raise SystemExit(f"the {accounts}-account scan failed:\n{out.stderr[-3000:]}")
    data: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    data["http"] = server.stats()["requests"] - before
    return data


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each numeric figure's median over the repeats (the last run's other fields)."""
    merged = dict(runs[-1])
    for key, value in runs[-1].items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            merged[key] = statistics.median(run[key] for run in runs)
    return merged


def option(name: str, default: int) -> int:
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def main() -> None:
    latency = option("--latency-ms", 50)
    many = option("--accounts", 12)
    repeat = max(1, option("--repeat", 3))
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    info: dict[str, Any] = {}
    for line in process.stdout:
        if line.startswith("READY "):
            info = json.loads(line[len("READY ") :])
            break
    if not info:
        raise SystemExit("the moto server did not start")
    server = bench_scan.Server(process, f"http://127.0.0.1:{info['port']}", info)
    loads: list[float] = []
    try:
        print(
            f"seeded the management account and {len(info['members'])} members in "
            f"{info['seed_s']:.0f} s ({info['seed_requests']} requests)"
        )
        for warning in info["warnings"]:
            print(f"  warning: {warning}")
        run_child(server, 1)  # warm the server (first-call costs in moto)
        server.stats(latency)
        ones: list[dict[str, Any]] = []
        manys: list[dict[str, Any]] = []
        for _ in range(repeat):  # interleaved, so a burst of load hits both alike
            loads.append(os.getloadavg()[0])
            for runs, accounts in ((ones, 1), (manys, many)):
                run = run_child(server, accounts)
                if run is not None:
                    runs.append(run)
    finally:
        server.stop()
    if not ones or not manys:
        raise SystemExit("every run of one kind was stopped: the moto server stopped answering")
    runs = [median_run(ones), median_run(manys)]
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(
        f"{os.cpu_count()} CPUs, load average {load} (1-min load at each repeat's start: "
        f"{', '.join(f'{n:.1f}' for n in loads)}); {latency} ms per HTTP request; "
        f"{len(REGIONS)} regions; medians of {len(ones)} and {len(manys)} runs; benchmark "
        f"{time.perf_counter() - started:.0f} s"
    )

    def per_pair(r: dict[str, Any], key: str) -> float:
        return float(r[key]) / (r["accounts"] * len(REGIONS))

    print(f"{'':34}{'1 account':>16}{f'{many} accounts':>16}")
    rows = [
        ("wall (process start to end)", lambda r: f"{r['wall_s']:.1f} s"),
        ("scan duration", lambda r: f"{r['scan_s']:.1f} s"),
        ("peak RSS (scanning process)", lambda r: f"{r['rss'] / 2**20:.0f} MiB"),
        ("pillar CPU (process time)", lambda r: f"{r['cpu_s']:.1f} s"),
        ("  per account-region", lambda r: f"{per_pair(r, 'cpu_s'):.2f} s"),
        ("calls requested per account-region", lambda r: f"{per_pair(r, 'requested'):.0f}"),
        ("calls sent per account-region", lambda r: f"{per_pair(r, 'sent'):.0f}"),
        ("HTTP requests per account-region", lambda r: f"{per_pair(r, 'http'):.0f}"),
        ("results", lambda r: str(r["results"])),
        ("AssumeRole calls", lambda r: str(r.get("assume_role_calls", 0))),
        ("time waiting on pacing (summed)", lambda r: f"{r.get('paced_s', 0.0):.1f} s"),
    ]
    for name, cell in rows:
        print(f"{name:34}" + "".join(f"{cell(r):>16}" for r in runs))
    if repeat > 1:
        spread = ", ".join(
            f"{label} {min(r['cpu_s'] for r in group):.1f}-{max(r['cpu_s'] for r in group):.1f} s"
            for label, group in (("1 account", ones), (f"{many} accounts", manys))
        )
        print(f"pillar CPU range over the repeats: {spread}")
    one, many_run = runs
    ratio = many_run["rss"] / one["rss"]
    print(f"peak RSS {many} accounts / 1 account: {ratio:.2f}x (target at most 1.5x)")
    not_scanned = [a for a in many_run["account_states"] if a[1] != "scanned"]
    print(f"accounts not scanned: {not_scanned or 'none'}")
    print(f"statuses, {many} accounts: {many_run['statuses']}")


if __name__ == "__main__":
    if "--serve" in sys.argv:
        serve()
    elif "--scan" in sys.argv:
        index = sys.argv.index("--scan")
        scan(sys.argv[index + 1], int(sys.argv[index + 2]))
    else:
        main()
