"""`pillar plan` and the md/csv formats of `pillar export`, end to end on a saved review."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from cli.main import main

REF = "Shop"


def run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


@pytest.fixture
def home(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Path:
    monkeypatch.setenv("COLUMNS", "200")  # lines must not wrap whatever the runner's terminal
    home = tmp_path / "home"
    assert run(capsys, home, "new", "Shop")[0] == 0
    note = "shared `root` | <script>\n# heading"
    assert run(capsys, home, "answer", REF, "SEC02-BP01", "--not-met", "--note", note)[0] == 0
    assert run(capsys, home, "answer", REF, "SEC01-BP01", "--not-met")[0] == 0
    return home


def test_plan_prints_buckets_and_why(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    code, out, _ = run(capsys, home, "plan", REF)
    assert code == 0
    assert "Do now" in out and "SEC02-BP01" in out and "SEC01-BP01" in out
    assert "High risk" in out


def test_plan_bucket_filter(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    code, out, _ = run(capsys, home, "plan", REF, "--bucket", "later")
    assert code == 0
    assert "Later (0)" in out and "SEC02-BP01" not in out


def test_plan_tracking_is_saved_and_exported(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    code, out, err = run(
        capsys,
        home,
        "plan",
        "Shop",
        "--item",
        "sec02-bp01",
        "--owner",
        "Alex",
        "--due",
        "2026-12-01",
        "--status",
        "in_progress",
    )
    assert code == 0, err
    assert "owner Alex" in out and "due 2026-12-01" in out and "in progress" in out
    code, out, _ = run(capsys, home, "export", REF, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    mfa = next(r for r in rows if r["Best practice"] == "SEC02-BP01")
    assert (mfa["Owner"], mfa["Due date"], mfa["Status"]) == ("Alex", "2026-12-01", "in progress")
    code, out, _ = run(capsys, home, "export", REF, "--format", "json")
    assert '"owner": "Alex"' in out


def test_plan_refuses_unknown_items_and_bad_dates(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    code, _, err = run(capsys, home, "plan", REF, "--item", "SEC05-BP01", "--owner", "x")
    assert code == 1 and "not an item of this review's plan" in err
    code, _, err = run(capsys, home, "plan", REF, "--item", "SEC02-BP01", "--due", "soon")
    assert code == 1 and "YYYY-MM-DD" in err


def test_export_markdown_to_a_file(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out.md"
    code, _, err = run(capsys, home, "export", REF, "--format", "md", "-o", str(target))
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Security Pillar review: Shop\n")
    assert "- [ ] **SEC02-BP01" in text
    assert "<script>" not in text
