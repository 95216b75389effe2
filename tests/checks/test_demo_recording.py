"""The demo is a recording shipped with pillar: it answers every check, without moto.

When this fails after adding or changing a check, regenerate the recording:
    uv run python scripts/make_demo_recording.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from checks import demo
from checks.recording import load
from checks.registry import all_checks
from checks.result import GLOBAL, Status

REGENERATE = "regenerate it: uv run python scripts/make_demo_recording.py"


@pytest.fixture(scope="module")
def demo_scan() -> object:
    return demo.run_demo_scan()


def test_the_recording_is_shipped_small_and_sound() -> None:
    assert demo.RECORDING.is_file(), f"no demo recording; {REGENERATE}"
    assert demo.RECORDING.stat().st_size < 512 * 1024
    recording = load(demo.RECORDING)
    assert recording.account_id == demo.ACCOUNT_ID
    assert recording.regions == demo.REGIONS


def test_every_check_gets_a_real_answer_on_the_demo_recording(demo_scan: object) -> None:
    from checks.result import ScanResult

    assert isinstance(demo_scan, ScanResult)
    got = {(r.check_id, r.region): r for r in demo_scan.results}
    for check in all_checks():
        regions = (GLOBAL,) if check.scope.value != "regional" else demo.REGIONS
        for region in regions:
            result = got.get((check.id, region))
            assert result is not None, f"{check.id} {region} did not run"
            assert result.status is not Status.UNKNOWN, (
                f"{check.id} in {region} is UNKNOWN on the demo recording "
                f"({result.reason}); {REGENERATE}"
            )


def test_the_demo_shows_what_moto_cannot_simulate(demo_scan: object) -> None:
    from checks.result import ScanResult

    assert isinstance(demo_scan, ScanResult)
    got = {(r.check_id, r.region): r for r in demo_scan.results}
    # The credential report has the root user's row: MFA on, an active access key.
    assert got[("iam.root_mfa", GLOBAL)].status is Status.PASS
    assert got[("iam.root_access_keys", GLOBAL)].status is Status.FAIL
    # Security Hub standards and IAM Access Analyzer: on in eu-west-1, off in us-east-1.
    assert got[("securityhub.control_standards", "eu-west-1")].status is Status.PASS
    assert got[("accessanalyzer.enabled", "eu-west-1")].status is Status.PASS
    assert got[("accessanalyzer.enabled", "us-east-1")].status is Status.ADVISORY  # optional
    # Hostile names are kept as they are (every screen and export escapes them).
    assert any(demo.MARKUP_NAME in r.id for result in demo_scan.results for r in result.resources)


def test_the_demo_needs_neither_moto_nor_the_network(tmp_path: Path) -> None:
    """`pillar scan --demo` with moto impossible to import (as in an installed pillar)."""
    script = (
        "import sys\n"
        "sys.modules['moto'] = None  # any import of moto now fails\n"
        "import socket\n"
        "def refuse(*a, **k): raise OSError('no network in this test')\n"
        "socket.socket.connect = refuse; socket.create_connection = refuse\n"
        "from cli.main import main\n"
        "main(['scan', '--demo', '--format', 'json', '--check', 'iam.*'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["account_id"] == demo.ACCOUNT_ID
    assert data["checks"] and all(c["status"] != "UNKNOWN" for c in data["checks"])


def test_the_demo_opens_with_exactly_what_a_replay_gives(demo_scan: object) -> None:
    """`pillar demo` opens with the shipped evidence instead of waiting for the replay:
    it must be the replay, result for result (ages are judged as of the recording, so
    this holds next year too)."""
    from checks.result import ScanResult

    assert isinstance(demo_scan, ScanResult)
    shipped = demo.demo_evidence()
    assert [r.to_dict() for r in shipped.results] == [r.to_dict() for r in demo_scan.results], (
        f"checks/demo_evidence.json.gz is stale; {REGENERATE}"
    )
    assert shipped.started_at == load(demo.RECORDING).recorded_at


def test_a_replay_judges_ages_as_of_its_recording() -> None:
    from datetime import UTC, datetime, timedelta

    from checks.clock import as_of, scan_now
    from checks.lib.dates import age_days

    recorded = datetime(2025, 1, 10, tzinfo=UTC)
    with as_of(recorded):
        assert scan_now() == recorded
        assert age_days("2025-01-01T00:00:00Z") == 9
    assert abs(scan_now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_checks_take_the_time_from_the_scan_clock() -> None:
    """A check that read the real clock would judge a replay's ages against today."""
    import re

    root = Path(__file__).resolve().parents[2] / "checks"
    allowed = {"clock.py", "runner.py", "recording.py", "testing.py"}
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*.py"))
        if path.name not in allowed and not path.name.startswith("demo")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\b(datetime\.now|datetime\.utcnow|date\.today|time\.time)\(", line)
    ]
    assert offenders == [], f"use checks.clock.scan_now() instead: {offenders}"
