"""`pillar interview`: questionary prompts driven through a prompt_toolkit pipe input.

Keys are sent before the interview starts (prompt_toolkit keeps typeahead between
prompts); the pipe is then closed, so an interview that wants more input than a test
gives ends with EOF (a clean stop) instead of hanging.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from cli.interview import Interviewer, InterviewOutcome, question_id_from, questions_to_ask
from cli.main import main
from questions import security_pillar
from review.model import AnswerSource, AnswerStatus, NotApplicableReason
from review.store import ReviewStore

from ..tui.conftest import HOSTILE_BUCKET, HOSTILE_TAG, fixed_scan

DOWN = "\x1b[B"
ENTER = "\r"
CTRL_C = "\x03"
SEC01 = [f"SEC01-BP{n:02d}" for n in range(1, 9)]


@contextmanager
def piped(keys: str) -> Iterator[PipeInput]:
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()  # the write end: what is sent is read, then EOF
        yield pipe


def interview(
    store: ReviewStore,
    review_id: str,
    keys: str,
    *,
    start: str | None = None,
    unanswered_only: bool = False,
) -> tuple[InterviewOutcome, str]:
    """Run an interview on `review_id` with `keys` typed; the outcome and what it printed."""
    out = io.StringIO()
    console = Console(file=out, width=100, color_system=None, highlight=False)
    with piped(keys) as pipe, store.open(review_id) as session:
        outcome = Interviewer(
            session,
            by="tester",
            console=console,
            input=pipe,
            output=DummyOutput(),
        ).run(start, unanswered_only)
    return outcome, out.getvalue()


def shown_questions(printed: str) -> list[str]:
    """The question ids whose heading the interview printed, in order."""
    return [line.split()[0] for line in printed.splitlines() if " of " in line and "·" in line]


@pytest.fixture
def review_id(store: ReviewStore) -> str:
    return store.create("Payments API").id


# --- a full question ------------------------------------------------------------------------


def test_a_full_question_applies_ticks_and_note_land_in_the_store(
    store: ReviewStore, review_id: str
) -> None:
    keys = "y" + " " + DOWN + DOWN + " " + ENTER + "root MFA in the safe" + ENTER + CTRL_C
    outcome, printed = interview(store, review_id, keys, start="SEC01")

    review = store.load(review_id)
    statuses = {bp: review.answer(bp).status for bp in SEC01}
    assert statuses == {
        bp: AnswerStatus.MET if bp in ("SEC01-BP01", "SEC01-BP03") else AnswerStatus.NOT_MET
        for bp in SEC01
    }
    assert {review.answer(bp).by for bp in SEC01} == {"tester"}
    assert {review.answer(bp).source for bp in SEC01} == {AnswerSource.PERSON}
    assert review.question_state("SEC01").notes == "root MFA in the safe"
    assert not review.question_state("SEC01").does_not_apply
    # stopped in SEC02, which is where a re-run resumes
    assert outcome == InterviewOutcome(saved=9, questions_done=1, questions_total=11, stopped=True)
    assert review.last_question == "SEC02"
    assert shown_questions(printed) == ["SEC01", "SEC02"]
    assert "Why it matters:" in printed and "Ask the room:" in printed
    assert "Saved: SEC01-BP01 met, SEC01-BP02 not met, SEC01-BP03 met" in printed


def test_each_answer_is_durable_before_the_next_prompt(store: ReviewStore, review_id: str) -> None:
    """The checkbox answers are on disk while the note prompt is still open (EOF there)."""
    outcome, _ = interview(store, review_id, "y" + " " + ENTER, start="SEC01")
    assert outcome.stopped and outcome.saved == 8
    assert store.load(review_id).answer("SEC01-BP01").status is AnswerStatus.MET


def test_does_not_apply_with_a_reason(store: ReviewStore, review_id: str) -> None:
    keys = "n" + DOWN + DOWN + ENTER + ENTER + CTRL_C
    outcome, printed = interview(store, review_id, keys, start="SEC04")

    review = store.load(review_id)
    state = review.question_state("SEC04")
    assert state.does_not_apply
    assert state.reason is NotApplicableReason.ARCHITECTURE_CONSTRAINTS
    assert not review.responses.answers  # no best practice was asked or answered
    assert outcome.saved == 1 and outcome.questions_done == 1
    assert "Saved: SEC04 does not apply (ARCHITECTURE_CONSTRAINTS)." in printed

    # answering "yes, it applies" on a later run takes the "does not apply" back
    interview(store, review_id, "y" + ENTER + ENTER + CTRL_C, start="SEC04")
    assert not store.load(review_id).question_state("SEC04").does_not_apply


# --- which questions are asked ------------------------------------------------------------------


def test_unanswered_skips_questions_whose_best_practices_are_all_answered(
    store: ReviewStore, review_id: str
) -> None:
    with store.open(review_id) as session:
        for bp in SEC01:
            session.set_answer(bp, AnswerStatus.MET, by="someone")
        session.set_question_state("SEC02", does_not_apply=True)
        session.set_answer("SEC03-BP01", AnswerStatus.NOT_MET, by="someone")  # partly answered
        session.visit("SEC05")  # --unanswered looks from SEC01 on, not from where it was left
    outcome, printed = interview(store, review_id, CTRL_C, unanswered_only=True)
    assert shown_questions(printed) == ["SEC03"]
    assert outcome.questions_total == 9

    review = store.load(review_id)
    walk = questions_to_ask(security_pillar(), review, "SEC02", unanswered_only=True)
    assert [q.id for q in walk][:2] == ["SEC03", "SEC04"]


def test_nothing_to_ask_when_everything_is_answered(store: ReviewStore, review_id: str) -> None:
    with store.open(review_id) as session:
        for question in security_pillar().questions:
            session.set_question_state(question.id, does_not_apply=True)
    outcome, printed = interview(store, review_id, "", unanswered_only=True)
    assert outcome == InterviewOutcome(0, 0, 0, stopped=False)
    assert "Nothing to ask" in printed


def test_a_rerun_resumes_at_the_last_visited_question(store: ReviewStore, review_id: str) -> None:
    interview(store, review_id, "y" + ENTER + ENTER + CTRL_C)  # SEC01, then stop in SEC02
    assert store.load(review_id).last_question == "SEC02"
    _, printed = interview(store, review_id, CTRL_C)
    assert shown_questions(printed) == ["SEC02"]

    with store.open(review_id) as session:
        session.visit("SEC07")  # e.g. left there in the full-screen app
    _, printed = interview(store, review_id, CTRL_C)
    assert shown_questions(printed) == ["SEC07"]
    _, printed = interview(store, review_id, CTRL_C, start="SEC03")  # --question wins
    assert shown_questions(printed) == ["SEC03"]


def test_after_the_last_question_a_rerun_starts_over(store: ReviewStore, review_id: str) -> None:
    outcome, printed = interview(store, review_id, "n" + ENTER + ENTER, start="SEC11")
    assert outcome == InterviewOutcome(1, 1, 1, stopped=False)
    assert "Done: 1 question walked, 1 answer saved." in printed
    assert store.load(review_id).last_question == "SEC01"


def test_question_ids_are_read_leniently() -> None:
    pillar = security_pillar()
    assert question_id_from("SEC03", pillar) == "SEC03"
    assert question_id_from(" sec3 ", pillar) == "SEC03"
    assert question_id_from("11", pillar) == "SEC11"
    assert question_id_from("SEC12", pillar) is None
    assert question_id_from("SEC03-BP01", pillar) is None
    assert question_id_from("[red]x", pillar) is None


# --- evidence, overrides, not-applicable best practices, notes -----------------------------------


def test_evidence_pre_ticks_and_is_accepted_then_an_override_needs_a_reason(
    store: ReviewStore, review_id: str
) -> None:
    with store.open(review_id) as session:
        session.attach_evidence(fixed_scan())  # SEC02-BP04 proposed met, -BP01 not met
    interview(store, review_id, "y" + ENTER + ENTER + CTRL_C, start="SEC02")
    review = store.load(review_id)
    assert review.answer("SEC02-BP04").status is AnswerStatus.MET  # pre-ticked, kept
    assert review.answer("SEC02-BP04").source is AnswerSource.EVIDENCE
    assert review.answer("SEC02-BP01").status is AnswerStatus.NOT_MET
    assert review.answer("SEC02-BP01").source is AnswerSource.EVIDENCE
    assert review.answer("SEC02-BP02").source is AnswerSource.PERSON
    assert review.answer("SEC02-BP04").by == "tester"

    # tick SEC02-BP01 against the evidence: an empty reason is refused, then one is kept
    keys = "y" + " " + ENTER + ENTER + "break-glass users" + ENTER + ENTER + CTRL_C
    outcome, printed = interview(store, review_id, keys, start="SEC02")
    review = store.load(review_id)
    assert review.answer("SEC02-BP01").status is AnswerStatus.MET
    assert review.answer("SEC02-BP01").source is AnswerSource.PERSON
    assert review.history[-1].why == "override: break-glass users"
    assert outcome.saved == 1  # the other answers did not change, so were not rewritten
    assert "Saved: SEC02-BP01 met," in printed


def test_a_not_applicable_best_practice_stays_so_unless_ticked(
    store: ReviewStore, review_id: str
) -> None:
    with store.open(review_id) as session:
        session.set_answer(
            "SEC01-BP08",
            AnswerStatus.NOT_APPLICABLE,
            by="someone",
            reason=NotApplicableReason.OTHER,
        )
    interview(store, review_id, "y" + ENTER + ENTER + CTRL_C, start="SEC01")
    review = store.load(review_id)
    assert review.answer("SEC01-BP08").status is AnswerStatus.NOT_APPLICABLE
    assert review.answer("SEC01-BP08").by == "someone"
    assert review.answer("SEC01-BP01").status is AnswerStatus.NOT_MET


def test_an_empty_note_keeps_the_note_and_a_dash_clears_it(
    store: ReviewStore, review_id: str
) -> None:
    with store.open(review_id) as session:
        session.set_question_state("SEC01", notes="keep me")
    interview(store, review_id, "y" + ENTER + ENTER + CTRL_C, start="SEC01")
    assert store.load(review_id).question_state("SEC01").notes == "keep me"
    interview(store, review_id, "y" + ENTER + "-" + ENTER + CTRL_C, start="SEC01")
    assert store.load(review_id).question_state("SEC01").notes == ""


def test_untrusted_text_is_shown_as_text(store: ReviewStore, review_id: str) -> None:
    with store.open(review_id) as session:
        session.set_question_state("SEC01", notes=f"{HOSTILE_BUCKET} {HOSTILE_TAG}")
    _, printed = interview(store, review_id, CTRL_C, start="SEC01")
    assert HOSTILE_BUCKET in printed  # markup printed literally, not applied
    assert "\x1b" not in printed and "\x07" not in printed


# --- the command ------------------------------------------------------------------------------


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("PILLAR_HOME", str(home))
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "")  # empty is "not set"; restored after each test
    return home


def run_cli(capsys: pytest.CaptureFixture[str], keys: str, *args: str) -> tuple[int, str, str]:
    with (
        piped(keys) as pipe,
        create_app_session(input=pipe, output=DummyOutput()),
        pytest.raises(SystemExit) as exited,
    ):
        main(list(args))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_ctrl_c_in_the_middle_keeps_the_answers_and_exits_130(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    store = ReviewStore(home, security_pillar())
    review = store.create("Payments API")
    # SEC01: applies, tick BP01, no note; SEC02: applies, then Ctrl-C in the checkbox list
    keys = "y" + " " + ENTER + ENTER + "y" + CTRL_C
    code, out, err = run_cli(capsys, keys, "interview", "Payments API", "--by", "ann")
    assert code == 130
    assert "Stopped. 8 answers saved; resume with `pillar interview 'Payments API'`." in err
    assert "SEC02" in out
    saved = store.load(review.id)
    assert saved.answer("SEC01-BP01").status is AnswerStatus.MET
    assert saved.answer("SEC01-BP01").by == "ann"
    assert saved.answer("SEC02-BP01").status is AnswerStatus.UNANSWERED
    assert saved.last_question == "SEC02"
    with store.open(review.id):  # the lock was released
        pass


def test_a_review_held_by_another_pillar_is_refused_with_exit_4(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    store = ReviewStore(home, security_pillar())
    review = store.create("Payments API")
    with store.open(review.id):
        code, _, err = run_cli(capsys, "", "interview", review.id)
    assert code == 4
    assert err.startswith("pillar: ") and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_an_unknown_question_or_review_is_one_sentence(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    ReviewStore(home, security_pillar()).create("Payments API")
    code, _, err = run_cli(capsys, "", "interview", "Payments API", "--question", "SEC12")
    assert code == 1 and "is not a question; give SEC01 to SEC11" in err
    code, _, err = run_cli(capsys, "", "interview", "nope")
    assert code == 1 and "no review matches" in err


def test_no_color_turns_colour_off_for_rich_and_prompt_toolkit(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    ReviewStore(home, security_pillar()).create("Payments API")
    code, out, _ = run_cli(
        capsys, CTRL_C, "interview", "Payments API", "--question", "5", "--no-color"
    )
    assert code == 130
    assert os.environ["NO_COLOR"] == "1"  # both read it; the fixture restores it
    assert "SEC05" in out and "\x1b" not in out
