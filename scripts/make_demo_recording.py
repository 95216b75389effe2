"""Make the demo's recording (checks/demo_recording.json.gz) from the simulated account.

    uv run python scripts/make_demo_recording.py        # writes the file, prints a summary

Run it again whenever a check is added or changed what it reads: the test
`tests/checks/test_demo_recording.py` fails until the recording answers every check.

How it is made (moto is a dev dependency: the installed pillar only replays the file):
1. moto builds the simulated account with the demo seeders (`checks.demo.seed()`: good and
   bad resources in two regions, hostile names).
2. Every registered check scans it with a `Recorder` on every client, as
   `pillar scan --record` does.
3. What moto cannot answer is answered here instead, and recorded the same way:
   - the IAM credential report gets the root user's row (moto has none): MFA on, one
     active access key (a finding the demo should show);
   - Security Hub standards, Config conformance packs and IAM Access Analyzer analyzers
     (`SUPPLEMENTS`): enabled in eu-west-1, the hardened region, absent in us-east-1;
   - any other operation moto does not implement gets an empty, valid answer ("nothing
     set up here"): found by running the scan, listing the calls moto refused, and
     running again (at most a few rounds).
   Answers are serialized with moto's own botocore-model serializers, so the recorded
   bytes are what the real service's protocol looks like.
4. The scan must then give every check a real answer (PASS, FAIL, NOT_APPLICABLE or an
   advisory, never UNKNOWN); otherwise nothing is written and the script says which.
5. The recording is replayed with every check (as of its own time) and the result kept
   as checks/demo_evidence.json.gz: `pillar demo` opens with it at once.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks import demo  # noqa: E402
from checks.recording import _KEY, Recorder, dumps  # noqa: E402
from checks.registry import all_checks  # noqa: E402
from checks.result import Status  # noqa: E402
from checks.runner import run_scan  # noqa: E402
from checks.session import AwsOptions, connect  # noqa: E402

OUTPUT = ROOT / "checks" / "demo_recording.json.gz"
ACCOUNT = demo.ACCOUNT_ID
HARDENED = demo.HOME  # eu-west-1; us-east-1 is the neglected region
ENABLED_AT = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)

Answer = Callable[[str, Mapping[str, Any]], dict[str, Any]]


def _analyzers(region: str, params: Mapping[str, Any]) -> dict[str, Any]:
    if region != HARDENED:
        return {"analyzers": []}
    return {
        "analyzers": [
            {
                "arn": f"arn:aws:access-analyzer:{region}:{ACCOUNT}:analyzer/account-analyzer",
                "name": "account-analyzer",
                "type": "ACCOUNT",
                "createdAt": ENABLED_AT,
                "status": "ACTIVE",
            }
        ]
    }


def _standards(region: str, params: Mapping[str, Any]) -> dict[str, Any]:
    if region != HARDENED:
        return {"StandardsSubscriptions": []}
    name = "aws-foundational-security-best-practices/v/1.0.0"
    return {
        "StandardsSubscriptions": [
            {
                "StandardsSubscriptionArn": (
                    f"arn:aws:securityhub:{region}:{ACCOUNT}:subscription/{name}"
                ),
                "StandardsArn": f"arn:aws:securityhub:{region}::standards/{name}",
                "StandardsInput": {},
                "StandardsStatus": "READY",
            }
        ]
    }


def _conformance_packs(region: str, params: Mapping[str, Any]) -> dict[str, Any]:
    if region != HARDENED:
        return {"ConformancePackDetails": []}
    return {
        "ConformancePackDetails": [
            {
                "ConformancePackName": "operational-best-practices-for-cis",
                "ConformancePackArn": (
                    f"arn:aws:config:{region}:{ACCOUNT}:conformance-pack/"
                    "operational-best-practices-for-cis-abc123"
                ),
                "ConformancePackId": "conformance-pack-abc123",
                "LastUpdateRequestedTime": ENABLED_AT,
            }
        ]
    }


SUPPLEMENTS: dict[tuple[str, str], Answer] = {
    ("accessanalyzer", "ListAnalyzers"): _analyzers,
    ("securityhub", "GetEnabledStandards"): _standards,
    ("config", "DescribeConformancePacks"): _conformance_packs,
}


def _root_row() -> str:
    """The credential report's root row: MFA on, one active (old) access key."""
    created = (datetime.now(UTC) - timedelta(days=900)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    rotated = (datetime.now(UTC) - timedelta(days=420)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    used = (datetime.now(UTC) - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    fields = [
        "<root_account>",
        f"arn:aws:iam::{ACCOUNT}:root",
        created,
        "not_supported",
        used,
        "not_supported",
        "not_supported",
        "true",
        "true",
        rotated,
        used,
        HARDENED,
        "s3",
        "false",
        "N/A",
        "N/A",
        "N/A",
        "N/A",
        "false",
        "N/A",
        "false",
        "N/A",
    ]
    return ",".join(fields) + "\n"


def _with_root_row() -> Callable[[], None]:
    """Patch moto's credential report to start with the root user's row; returns undo."""
    from moto.iam.models import IAMBackend

    original = IAMBackend.get_credential_report

    def report(self: Any) -> str:
        header, _, users = original(self).partition("\n")
        return f"{header}\n{_root_row()}{users}"

    IAMBackend.get_credential_report = report  # type: ignore[method-assign]

    def undo() -> None:
        IAMBackend.get_credential_report = original  # type: ignore[method-assign]

    return undo


class DemoTap(Recorder):
    """Records like `pillar scan --record`, answering what moto cannot."""

    def __init__(self, empty: set[tuple[str, str]]) -> None:
        super().__init__()
        self.empty = empty  # operations moto lacks: answered "nothing here"
        self.refused: set[tuple[str, str]] = set()  # moto refused these this round

    def _hook(self, client: Any) -> None:
        super()._hook(client)
        client.meta.events.register_first("before-send", self._answer)
        client.meta.events.register("response-received", self._watch)

    def _answer(self, request: Any, **_: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        key, model = request.context[_KEY]
        service, region, operation = key[1], key[2], key[3]
        answer = SUPPLEMENTS.get((service, operation))
        if answer is None and (service, operation) not in self.empty:
            return None  # moto answers
        data = answer(region, json.loads(key[4])) if answer else {}
        status, headers, body = _serialize(model, data)
        url = request.url
        # botocore asks every before-send handler: moto's, next, must not recognise the
        # request (it would raise NotImplementedError for what it lacks).
        request.url = "https://answered-by-make-demo-recording.invalid/"
        return AWSResponse(url, status, headers, _Raw(body))

    def _watch(self, response_dict: Any, context: Any, exception: Any, **_: Any) -> None:
        remembered = context.get(_KEY)
        if remembered is None:
            return
        key, _model = remembered
        body = (response_dict or {}).get("body", b"")
        unsupported = isinstance(exception, NotImplementedError) or (
            response_dict is not None
            and int(response_dict.get("status_code", 200)) >= 400
            and isinstance(body, bytes)
            and (b"not yet implemented" in body.lower() or b"notimplemented" in body.lower())
        )
        if unsupported:
            self.refused.add((key[1], key[3]))


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Any:
        yield self.body


def _serialize(model: Any, data: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    """A successful answer of `model` (a botocore OperationModel) in its wire protocol."""
    from moto.core.serialize import get_serializer_class
    from moto.core.utils import get_service_model

    service = get_service_model(model.service_model.service_name)  # moto's model classes
    serializer = get_serializer_class(service.service_name, service.resolved_protocol)
    response = serializer(service.operation_model(model.name)).serialize(data)
    body = response["body"]
    encoded = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    return int(response["status_code"]), dict(response["headers"]), encoded


def record_once(empty: set[tuple[str, str]]) -> tuple[Any, DemoTap, Any]:
    tap = DemoTap(empty)
    undo = _with_root_row()
    try:
        with demo.simulated_account():
            demo.seed()
            aws = connect(AwsOptions(regions=demo.REGIONS), session=demo._shared_session(), tap=tap)
            scan = run_scan(aws, all_checks())
    finally:
        undo()
    return aws, tap, scan


def main() -> int:
    empty: set[tuple[str, str]] = set()
    for attempt in range(1, 6):
        aws, tap, scan = record_once(empty)
        if not tap.refused - empty:
            break
        print(f"round {attempt}: moto lacks {sorted(tap.refused - empty)}; answering them empty")
        empty |= tap.refused
    unknown = [r for r in scan.results if r.status is Status.UNKNOWN]
    if unknown:
        for result in unknown:
            print(f"UNKNOWN {result.check_id} {result.region}: {result.reason}", file=sys.stderr)
        print(
            f"{len(unknown)} result(s) are UNKNOWN: answer their calls in SUPPLEMENTS "
            "(or seed the account in checks/demo*.py); nothing written.",
            file=sys.stderr,
        )
        return 1
    recording = tap.recording(aws.account_id, aws.regions, aws.home_region, "demo")
    OUTPUT.write_bytes(dumps(recording))
    # The demo review opens with this replay at once (as of the recording's time, so it
    # stays equal to a replay; tests/checks/test_demo_recording.py checks it).
    replayed = demo.run_demo_scan()
    evidence = replace(replayed, started_at=recording.recorded_at, duration_s=0.0)
    text = json.dumps(evidence.to_dict(), ensure_ascii=False, separators=(",", ":"))
    demo.EVIDENCE.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    statuses: dict[str, int] = {}
    for result in scan.results:
        statuses[result.status.value] = statuses.get(result.status.value, 0) + 1
    print(
        f"{OUTPUT.relative_to(ROOT)}: {len(recording.calls)} calls, "
        f"{OUTPUT.stat().st_size / 1024:.0f} KiB; {len(scan.results)} results {statuses}; "
        f"answered empty: {', '.join(f'{s}:{o}' for s, o in sorted(empty)) or 'none'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
