"""The review commands: new, list, show, answer, milestone, diff, delete, export, import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import main


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("PILLAR_HOME", str(home))
    monkeypatch.setenv("COLUMNS", "200")
    return home


Run = tuple[int, str, str]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def new(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, out, err = run(capsys, "new", *args)
    assert code == 0, err
    return out.strip()


def test_new_prints_id_and_show_json_has_the_documented_shape(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    review_id = new(
        capsys,
        "Payments API",
        "--owner",
        "Ann",
        "--environment",
        "preproduction",
        "--description",
        "cards",
        "--account-id",
        "123456789012",
        "--region",
        "eu-west-1",
        "--region",
        "us-east-1",
    )
    assert len(review_id) == 32
    assert (home / "reviews" / f"{review_id}.json").exists()
    code, _, err = run(
        capsys, "answer", review_id, "SEC01-BP01", "--not-met", "--note", "no", "--by", "Bob"
    )
    assert (code, err) == (0, "")
    run(capsys, "answer", "Payments API", "SEC02-BP01", "--not-applicable", "out_of_scope")
    code, out, _ = run(capsys, "show", review_id[:6], "--json")
    assert code == 0
    data = json.loads(out)
    assert {"id", "name", "answers", "question_risk", "counts"} <= set(data)
    assert data["id"] == review_id and data["name"] == "Payments API"
    assert data["environment"] == "PREPRODUCTION"
    assert data["regions"] == ["eu-west-1", "us-east-1"]
    assert len(data["answers"]) == 63
    first = data["answers"]["SEC01-BP01"]
    assert set(first) >= {"status", "note", "reason", "by", "at"}
    assert (first["status"], first["note"], first["by"]) == ("not_met", "no", "Bob")
    assert data["answers"]["SEC02-BP01"]["reason"] == "OUT_OF_SCOPE"
    assert data["answers"]["SEC03-BP01"]["status"] == "unanswered"
    assert set(data["question_risk"]) == {f"SEC{n:02d}" for n in range(1, 12)}
    assert set(data["question_risk"].values()) <= {
        "HIGH",
        "MEDIUM",
        "NONE",
        "NOT_APPLICABLE",
        "UNANSWERED",
    }
    assert data["question_risk"]["SEC01"] == "HIGH"
    assert data["question_risk"]["SEC03"] == "UNANSWERED"
    counts = data["counts"]
    assert (counts["high"], counts["answered"], counts["total"]) == (1, 2, 11)


def test_list_plain_and_json(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    code, out, _ = run(capsys, "list")
    assert code == 0 and "No reviews yet" in out
    first = new(capsys, "First")
    second = new(capsys, "Second")
    run(capsys, "answer", first, "SEC01-BP01", "--not-met")
    code, out, _ = run(capsys, "list", "--json")
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [first, second]
    assert rows[0]["high"] == 1 and rows[0]["answered"] == 1 and rows[0]["total"] == 11
    code, out, _ = run(capsys, "list")
    assert first in out and "Second" in out and "1/11" in out


def test_answer_validation(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    review_id = new(capsys, "x")
    code, _, err = run(capsys, "answer", review_id, "SEC01-BP01")
    assert code == 1 and "exactly one of" in err
    code, _, err = run(capsys, "answer", review_id, "SEC01-BP01", "--met", "--not-met")
    assert code == 1 and "exactly one of" in err
    code, _, err = run(
        capsys, "answer", review_id, "SEC01-BP01", "--met", "--not-applicable", "OTHER"
    )
    assert code == 1 and "exactly one of" in err
    code, _, err = run(capsys, "answer", review_id, "SEC77-BP01", "--met")
    assert code == 1 and err.startswith("pillar: 'SEC77-BP01' is not a best practice")
    code, _, err = run(capsys, "answer", "nope", "SEC01-BP01", "--met")
    assert code == 1 and "no review matches 'nope'" in err
    code, _, err = run(capsys, "answer", review_id, "SEC01-BP01", "--met", "--note", "n" * 3000)
    assert code == 0 and "2,084" in err


def test_ambiguous_name_lists_candidates(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    a = new(capsys, "Same")
    b = new(capsys, "Same")
    code, _, err = run(capsys, "show", "Same")
    assert code == 1
    assert a in err and b in err and "give more of the id" in err


def test_milestone_and_diff(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    review_id = new(capsys, "x")
    code, _, err = run(capsys, "diff", review_id)
    assert code == 1 and "no milestones yet" in err
    run(capsys, "answer", review_id, "SEC01-BP01", "--not-met")
    assert run(capsys, "milestone", review_id, "workshop 1")[0] == 0
    code, _, err = run(capsys, "milestone", review_id, "workshop 1")
    assert code == 1 and "already has a milestone" in err
    run(capsys, "answer", review_id, "SEC01-BP01", "--met")
    code, out, _ = run(capsys, "diff", review_id)
    assert code == 0
    assert "SEC01" in out and "HIGH → NONE" in out and "Newly met: SEC01-BP01" in out
    code, out, _ = run(capsys, "diff", review_id, "--from", "workshop 1", "--to", "now", "--json")
    data = json.loads(out)
    assert data["question_risk"]["SEC01"] == {"from": "HIGH", "to": "NONE"}
    assert data["newly_met"] == ["SEC01-BP01"]


def test_export_import_round_trip(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    review_id = new(capsys, "x", "--owner", "Ann")
    run(capsys, "answer", review_id, "SEC01-BP01", "--met", "--note", "fine")
    run(capsys, "milestone", review_id, "m1")
    code, out, _ = run(capsys, "export", review_id, "--format", "json")
    assert code == 0
    exported = json.loads(out)
    assert exported["format"] == "pillar-review" and exported["version"] == 2
    target = tmp_path / "x.json"
    assert run(capsys, "export", review_id, "--format", "JSON", "-o", str(target))[0] == 0
    code, out, err = run(capsys, "import", str(target))
    assert code == 0 and "already exists" in err
    copy_id = out.strip()
    assert copy_id != review_id
    _, a, _ = run(capsys, "show", review_id, "--json")
    _, b, _ = run(capsys, "show", copy_id, "--json")
    a_data, b_data = json.loads(a), json.loads(b)
    assert a_data.pop("id") != b_data.pop("id")
    assert a_data == b_data
    code, _, err = run(capsys, "export", review_id, "--format", "pdf")
    assert code == 1 and "pdf" in err


def test_import_bad_file_changes_nothing(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    new(capsys, "keep")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "pillar-review", "version": 1, "review": {"id": 5}}')
    before = sorted(p.name for p in (home / "reviews").iterdir())
    code, out, err = run(capsys, "import", str(bad))
    assert code == 1 and out == ""
    assert err.startswith("pillar: the export is invalid: review.id must be text")
    assert sorted(p.name for p in (home / "reviews").iterdir()) == before
    code, _, err = run(capsys, "import", str(tmp_path / "missing.json"))
    assert code == 1 and "cannot read" in err


def test_delete_asks_unless_yes(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    review_id = new(capsys, "doomed")
    code, _, err = run(capsys, "delete", review_id)
    assert code == 1 and "--yes" in err
    assert run(capsys, "delete", review_id, "--yes")[0] == 0
    code, _, err = run(capsys, "show", review_id)
    assert code == 1 and "no review matches" in err


def test_corrupt_review_is_reported_and_others_list(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    good = new(capsys, "good")
    bad = new(capsys, "bad")
    (home / "reviews" / f"{bad}.json").write_text("{half a file")
    code, out, err = run(capsys, "list")
    assert code == 0 and good in out and bad not in out
    assert err.startswith(f"pillar: warning: review file {bad}.json cannot be read")
    assert "moved aside" in err


HOSTILE_NAME = "[bold red]BOOM[/] \x1b[2J\x1b]0;owned\x07 ../../etc/passwd \u202eevil"


def test_hostile_names_and_notes_print_as_plain_text(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    review_id = new(capsys, HOSTILE_NAME, "--owner", "[link=http://x]o[/link]")
    note = "[blink]n[/blink] \x1b[31m\x9b1m" + "z" * 1_000_000
    code, _, err = run(capsys, "answer", review_id, "SEC01-BP01", "--met", "--note", note)
    assert code == 0
    for args in (("list",), ("show", review_id), ("diff", review_id)):
        code, out, err = run(capsys, *args)
        text = out + err
        assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
        assert "\u202e" not in text
    _, out, _ = run(capsys, "show", review_id)
    assert "[bold red]BOOM[/]" in out  # markup shown literally
    assert "[link=http://x]o[/link]" in out
    assert "[blink]n[/blink]" in out
    assert "more characters; see --json" in out and len(out) < 50_000
    assert sorted(p.name for p in (home / "reviews").iterdir()) == [
        f"{review_id}.json",
        f"{review_id}.lock",
    ]
    _, out, _ = run(capsys, "show", review_id, "--json")
    assert json.loads(out)["answers"]["SEC01-BP01"]["note"] == note


def test_error_names_are_escaped(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    code, _, err = run(capsys, "show", "\x1b[2Jgone")
    assert code == 1 and "\x1b" not in err and "'[2Jgone'" in err


def test_home_option_overrides_env(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    code, out, _ = run(capsys, "--home", str(other), "new", "elsewhere")
    assert code == 0
    assert (other / "reviews" / f"{out.strip()}.json").exists()
    assert not home.exists()


def test_help_stays_light() -> None:
    code = (
        "import sys; from cli.main import cli\n"
        "try:\n    cli.main(['--help'], standalone_mode=False)\nexcept SystemExit: pass\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "('review', 'tinydb', 'rich', 'boto3', 'textual', 'filelock')]\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_participants_and_parking_lot_in_new_and_show(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    from questions import security_pillar
    from review.store import ReviewStore

    review_id = new(
        capsys, "Shop", "--participant", "Sam Lee: Security lead", "--participant", "Ana"
    )
    with ReviewStore(home, security_pillar()).open(review_id) as session:
        session.park("SEC03", HOSTILE_NAME, owner="Sam Lee", by="Ana")
    _, out, _ = run(capsys, "show", review_id, "--json")
    data = json.loads(out)
    assert data["participants"] == [
        {"name": "Sam Lee", "role": "Security lead"},
        {"name": "Ana", "role": ""},
    ]
    [parked] = data["parking_lot"]
    assert (parked["id"], parked["question"], parked["text"]) == ("P1", "SEC03", HOSTILE_NAME)
    assert (parked["owner"], parked["by"]) == ("Sam Lee", "Ana")
    _, out, _ = run(capsys, "show", review_id)
    assert "Participants: Sam Lee (Security lead), Ana" in out
    assert "Parked P1 SEC03" in out and "[bold red]BOOM[/]" in out
    assert "\x1b" not in out and "\u202e" not in out
    code, _, err = run(capsys, "new", "x", "--participant", ":lead")
    assert code == 1 and "has no name" in err
