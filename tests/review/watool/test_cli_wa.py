"""`pillar wa ...` end to end: the CLI against the local WA Tool through --endpoint-url."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_watool import FakeWaTool

from cli.main import main
from review.model import AnswerStatus, NotApplicableReason
from review.store import ReviewStore


def run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


@pytest.fixture
def review_id(store: ReviewStore) -> str:
    pillar = store.pillar
    review = store.create("Payments platform", owner="alice", regions=["eu-west-1"])
    with store.open(review.id) as session:
        session.set_question_state(
            "SEC01", does_not_apply=True, reason=NotApplicableReason.OUT_OF_SCOPE
        )
        session.set_question_state("SEC02", none_of_these=True)
        for question in pillar.questions[2:]:
            for n, bp in enumerate(question.best_practices):
                status = AnswerStatus.MET if n % 2 == 0 else AnswerStatus.NOT_MET
                session.set_answer(bp.id, status, by="bob")
    return review.id


def test_push_pull_status_and_a_conflict_end_to_end(
    capsys: pytest.CaptureFixture[str],
    store: ReviewStore,
    review_id: str,
    fake: tuple[FakeWaTool, str],
) -> None:
    service, url = fake
    home = store.home
    aws = ("--endpoint-url", url, "--region", "eu-west-1")
    code, out, err = run(capsys, home, "wa", "push", review_id, "--create", "--dry-run", *aws)
    assert code == 0, err
    assert "dry run: nothing is written" in out and service.writes() == []
    assert out.count("would send") == 11

    code, out, err = run(capsys, home, "wa", "push", review_id, "--create", *aws)
    assert code == 0, err
    assert "11 answer(s) sent, 12 write call(s)" in out
    first_writes = len(service.writes())
    assert first_writes == 12  # CreateWorkload + 11 UpdateAnswer

    code, out, err = run(capsys, home, "wa", "push", review_id, "--endpoint-url", url)
    assert code == 0, err  # the region comes from the link
    assert "0 answer(s) sent, 0 write call(s)" in out
    assert len(service.writes()) == first_writes

    code, out, _ = run(capsys, home, "wa", "status", review_id, "--json", "--endpoint-url", url)
    data = json.loads(out)
    assert {q["state"] for q in data["questions"]} == {"in_sync"}
    assert data["lens"] == {
        "alias": "wellarchitected",
        "version": "2024-06-27",
        "status": "CURRENT",
        "current": True,
    }

    # someone edits SEC04 in the console, someone else edits it in pillar
    workload = next(iter(service.workloads.values()))
    service.set_answer(workload, "detect-investigate-events", Notes="console: [bold]x[/]\x1b[2J")
    with store.open(review_id) as session:
        session.set_answer("SEC04-BP01", AnswerStatus.NOT_MET, by="bob")

    code, out, err = run(capsys, home, "wa", "status", review_id, *aws)
    assert code == 0
    assert "SEC04  conflict" in out
    assert "\x1b" not in out and "[bold]x[/]" in out  # untrusted text stays text

    code, out, err = run(capsys, home, "wa", "push", review_id, *aws)
    assert code == 5
    assert "SEC04  CONFLICT" in out and "pillar:  met: SEC04-BP03" in out
    assert "WA Tool: met: SEC04-BP01, SEC04-BP03; notes: 'console: [bold]x[/][2J'" in out
    assert "1 conflict(s) left alone on both sides" in err

    code, out, err = run(capsys, home, "wa", "pull", review_id, *aws)
    assert code == 5
    code, out, err = run(capsys, home, "wa", "pull", review_id, "--prefer", "remote", *aws)
    assert code == 0, err
    assert "SEC04  taken" in out
    assert store.load(review_id).question_state("SEC04").notes.startswith("console:")

    # a new review from the workload
    code, out, err = run(
        capsys, home, "wa", "pull", "--workload", workload.name, "--name", "Copy", *aws
    )
    assert code == 1 and "already syncs with workload" in err
    other = home.parent / "other"
    code, out, err = run(
        capsys,
        other,
        "wa",
        "pull",
        "--workload",
        workload.arn,
        "--name",
        "Copy",
        "--endpoint-url",
        url,
    )
    assert code == 0, err
    assert "new review 'Copy'" in out and "11 question(s)" in out

    code, out, _ = run(capsys, home, "wa", "workloads", "--json", *aws)
    assert [w["name"] for w in json.loads(out)] == ["Payments platform"]


def test_errors_are_one_sentence_on_the_command_line(
    capsys: pytest.CaptureFixture[str],
    store: ReviewStore,
    review_id: str,
    fake: tuple[FakeWaTool, str],
) -> None:
    from fake_watool import ServiceError

    service, url = fake
    aws = ("--endpoint-url", url, "--region", "eu-west-1")
    code, _, err = run(capsys, store.home, "wa", "push", review_id, *aws)
    assert code == 1
    assert err.startswith("pillar: review 'Payments platform' is not linked to a WA Tool workload")
    service.errors["ListWorkloads"] = ServiceError(403, "AccessDeniedException", "no")
    code, _, err = run(capsys, store.home, "wa", "workloads", *aws)
    assert code == 2
    assert err == (
        "pillar: access denied to wellarchitected:ListWorkloads: allow it for your AWS identity "
        "(`pillar iam-policy --sync` prints every action sync needs)\n"
    )
    code, _, err = run(
        capsys, store.home, "wa", "push", review_id, "--create", "--milestone", "m1", *aws
    )
    assert code == 1 and "milestone name needs 3 to 100 characters" in err
    assert service.writes() == []  # checked before anything is written
    code, _, err = run(
        capsys, store.home, "wa", "push", review_id, "--create", "--milestone", "Sprint 1", *aws
    )
    assert code == 0, err
    code, _, err = run(capsys, store.home, "wa", "push", review_id, "--milestone", "Sprint 1", *aws)
    assert code == 1
    assert "already has a milestone named 'Sprint 1'" in err and "Traceback" not in err


def test_iam_policy_for_sync(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, tmp_path, "iam-policy", "--sync")
    assert code == 0
    actions = {a for s in json.loads(out)["Statement"] for a in s["Action"]}
    assert "wellarchitected:UpdateAnswer" in actions
    assert "wellarchitected:DeleteWorkload" not in actions
