"""`pillar scan` and `pillar iam-policy` on the command line."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from cli.main import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_scan_demo_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "scan", "--demo", "--format", "json", "--check", "iam.*")
    assert code == 0
    data = json.loads(out)
    assert {"account_id", "regions", "started_at", "duration_s", "checks", "best_practices"} <= set(
        data
    )
    assert data["account_id"] == "123456789012"
    assert data["regions"] == ["eu-west-1", "us-east-1"]
    assert data["checks"] and all(c["id"].startswith("iam.") for c in data["checks"])
    for result in data["checks"]:
        assert {"id", "title", "service", "best_practices", "region", "status", "reason"} <= set(
            result
        )
        for resource in result["resources"]:
            assert set(resource) >= {"id", "status", "detail"}
    console = next(c for c in data["checks"] if c["id"] == "iam.console_mfa")
    assert console["status"] == "FAIL"
    assert any("[bold red]x[/]" in r["id"] for r in console["resources"])
    bp = data["best_practices"]["SEC02-BP01"]
    assert bp["proposal"] == "not_met"
    assert "iam.console_mfa" in bp["checks"]


def test_scan_demo_table_escapes_hostile_names(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run(capsys, "scan", "--demo", "--check", "iam.console_mfa")
    assert code == 0
    assert "[bold red]x[/]" in out  # shown literally, not as markup
    assert "\x1b" not in out


def test_fail_on_high_exits_3(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "scan.json"
    code, out, _ = run(
        capsys, "scan", "--demo", "--check", "iam.console_mfa", "--fail-on", "high",
        "--format", "json", "-o", str(target),
    )  # fmt: skip
    assert code == 3
    assert out == ""
    assert json.loads(target.read_text())["checks"]


def test_unknown_check_pattern_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "scan", "--demo", "--check", "nothing.matches")
    assert code == 1
    assert "no check matches" in err


def test_unreachable_endpoint_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, _, err = run(
        capsys, "scan", "--endpoint-url", f"http://127.0.0.1:{port}", "--region", "us-east-1"
    )
    assert code == 2
    assert "cannot reach AWS" in err


def test_iam_policy_prints_least_privilege_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "iam-policy")
    assert code == 0
    policy = json.loads(out)
    actions = policy["Statement"][0]["Action"]
    assert "iam:GetCredentialReport" in actions
    assert all(":" in a and "*" not in a for a in actions)
    code, out, _ = run(capsys, "iam-policy", "--list", "--check", "iam.root_*")
    assert code == 0
    assert out.count("\n") == 2


def test_scan_review_stores_evidence_and_never_overwrites_answers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from questions import security_pillar
    from review.model import AnswerStatus
    from review.store import ReviewStore

    store = ReviewStore(tmp_path, security_pillar())
    review = store.create("payments")
    with store.open(review.id) as session:  # a person already said SEC02-BP01 is met
        session.set_answer("SEC02-BP01", AnswerStatus.MET, by="dana")
    code, _, err = run(
        capsys, "--home", str(tmp_path), "scan", "--demo", "--check", "iam.*",
        "--review", review.id,
    )  # fmt: skip
    assert code == 0
    assert "evidence stored in review 'payments'" in err
    stored = ReviewStore(tmp_path, security_pillar()).load(review.id)
    assert stored.evidence is not None and stored.evidence.results
    assert stored.answer("SEC02-BP01").status is AnswerStatus.MET  # the person's answer stands
    assert stored.answer("SEC03-BP02").status is AnswerStatus.NOT_MET  # proposal applied
    assert "1 answer(s) contradicted" in err
