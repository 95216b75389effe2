"""`pillar scan --record/--replay` and `pillar evidence attach` on the command line."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from checks import demo
from cli.main import main
from review.model import AnswerStatus
from review.store import ReviewStore


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def comparable(document: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in document.items() if k not in {"started_at", "duration_s"}}


def test_record_then_replay_gives_the_same_scan(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    recording = tmp_path / "account.recording.gz"
    with demo.simulated_account():
        demo.seed_identity()
        code, live, err = run(
            capsys,
            *("scan", "--region", "eu-west-1", "--check", "iam.*", "--format", "json"),
            *("--record", str(recording)),
        )
    assert code == 0, err
    assert f"recorded in {recording}" in err
    assert gzip.decompress(recording.read_bytes()).startswith(b'{"format":"pillar-recording"')
    code, replayed, err = run(
        capsys, "scan", "--replay", str(recording), "--check", "iam.*", "--format", "json"
    )
    assert code == 0, err
    assert comparable(json.loads(replayed)) == comparable(json.loads(live))
    # A check that needs calls the recording lacks says so, and the rest still answers.
    code, out, err = run(
        capsys, "scan", "--replay", str(recording), "--check", "s3.*", "--format", "json"
    )
    assert code == 0
    assert "not in the recording" in err
    assert {c["cause"] for c in json.loads(out)["checks"]} == {"not_recorded"}


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (("--replay", "x.gz", "--demo"), "--replay answers every call from the recording"),
        (("--replay", "x.gz", "--profile", "p"), "--replay answers every call"),
        (("--record", "x.gz", "--demo"), "--record keeps what a live scan receives"),
    ],
)
def test_conflicting_options_are_refused(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], sentence: str
) -> None:
    code, _, err = run(capsys, "scan", *args)
    assert code == 1
    assert sentence in err


def test_a_bad_recording_is_one_sentence(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    code, _, err = run(capsys, "scan", "--replay", str(path))
    assert code == 1
    assert err.strip() == f"pillar: {path} is not a pillar recording (not gzip-compressed)."
    code, _, err = run(capsys, "scan", "--replay", str(tmp_path / "missing.gz"))
    assert code == 1 and "cannot read" in err and "Traceback" not in err


# --- evidence attach ----------------------------------------------------------------------


@pytest.fixture
def customer_scan(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    """What the customer's engineer sends: `pillar scan --format json -o scan.json`."""
    path = tmp_path / "scan.json"
    code, _, err = run(
        capsys, "scan", "--demo", "--check", "iam.*", "--format", "json", "-o", str(path)
    )
    assert code == 0, err
    return path


def test_the_facilitator_attaches_the_customers_scan(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, customer_scan: Path
) -> None:
    home = tmp_path / "home"
    store = ReviewStore(home, __import__("questions").security_pillar())
    review = store.create("Customer workload")
    with store.open(review.id) as session:
        session.set_answer("SEC02-BP01", AnswerStatus.MET, by="ana")
    code, out, err = run(
        capsys, "--home", str(home), "evidence", "attach", "Customer workload", str(customer_scan)
    )
    assert code == 0, err
    assert "Evidence attached to review 'Customer workload': 1 scan file(s) attached" in out
    assert "SEC02-BP01: answered met, evidence proposes not met" in out
    after = store.load(review.id)
    assert after.evidence is not None and after.evidence.results
    assert after.answer("SEC02-BP01").status is AnswerStatus.MET
    proposed = [
        a.bp_id for a in after.responses.answers if a.by.endswith("(pillar evidence attach)")
    ]
    assert proposed, after.answers
    # Attaching the same file again changes nothing.
    code, out, _ = run(
        capsys, "--home", str(home), "evidence", "attach", review.id, str(customer_scan)
    )
    assert code == 0
    assert "0 result(s) added, 0 replaced" in out
    assert store.load(review.id).evidence == after.evidence


def test_attach_refuses_a_bad_file_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, customer_scan: Path
) -> None:
    home = tmp_path / "home"
    store = ReviewStore(home, __import__("questions").security_pillar())
    review = store.create("Customer workload")
    before = store.path_of(review.id).read_bytes()
    tampered = tmp_path / "tampered.json"
    document = json.loads(customer_scan.read_text())
    document["checks"][0]["status"] = "GREAT"
    tampered.write_text(json.dumps(document))
    code, _, err = run(
        capsys,
        *("--home", str(home), "evidence", "attach", review.id),
        *(str(customer_scan), str(tampered)),
    )
    assert code == 1
    assert err.strip().startswith(f"pillar: {tampered} is damaged or was tampered with: ")
    assert err.count("\n") == 1
    assert store.path_of(review.id).read_bytes() == before
    code, _, err = run(capsys, "--home", str(home), "evidence", "attach", review.id)
    assert code != 0 and "Missing argument" in err
