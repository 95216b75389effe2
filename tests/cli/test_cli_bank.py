"""`pillar questions` and the CLI's global behaviour."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest

from cli.main import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_questions_json_lists_the_whole_bank(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "questions", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["revision"]
    assert len(data["questions"]) == 11
    bps = [bp for q in data["questions"] for bp in q["best_practices"]]
    assert len(bps) == 63
    for bp in bps:
        assert {"id", "title", "risk", "effort", "description", "steps", "links"} <= set(bp)
        assert bp["risk"] in {"High", "Medium", "Low"}
        assert bp["risk_source"].startswith("https://")


def test_questions_filters(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "questions", "--json", "--risk", "low")
    data = json.loads(out)
    assert data["questions"]
    assert all(bp["risk"] == "Low" for q in data["questions"] for bp in q["best_practices"])
    _, out, _ = run(capsys, "questions", "--json", "--area", "incident")
    assert [q["id"] for q in json.loads(out)["questions"]] == ["SEC10"]


def test_questions_tree_shows_badges(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "questions", "--area", "Detection")
    assert code == 0
    assert "SEC04-BP01" in out and "HIGH" in out
    assert "SEC02" not in out


def test_unknown_area_is_one_clear_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "questions", "--area", "astrology")
    assert code == 1
    assert "no area matches 'astrology'" in err
    assert "Traceback" not in err


def test_version_and_help_exit_zero() -> None:
    for args, expected in ((["--version"], "pillar, version"), (["--help"], "questions")):
        done = subprocess.run(
            [sys.executable, "-c", "from cli.main import main; main()", *args],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        assert expected in done.stdout


def test_scan_concurrency_default_matches_the_runner() -> None:
    from checks.runner import DEFAULT_CONCURRENCY
    from cli.commands.scan import scan

    option = next(p for p in scan.params if p.name == "concurrency")
    assert option.default == DEFAULT_CONCURRENCY


def test_export_formats_are_the_export_dispatch_formats() -> None:
    from cli.commands.reviews import EXPORT_FORMATS, export
    from review.export import ExportFormat

    assert set(EXPORT_FORMATS) == {f.value for f in ExportFormat}
    option = next(p for p in export.params if p.name == "fmt")
    assert isinstance(option.type, click.Choice)
    assert set(option.type.choices) == set(EXPORT_FORMATS)
