"""The domain rules of review.rules, as pure functions: unit cases and hypothesis properties."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.result import Proposal
from questions import Pillar
from review import rules
from review.errors import InvalidChange
from review.model import (
    AgendaItem,
    AnswerSource,
    AnswerStatus,
    NotApplicableReason,
    ParkedItem,
    Participant,
    Review,
)
from review.workshop import end_workshop, start_workshop

from .conftest import SMALL_BANK, build_pillar

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
PILLAR = build_pillar(SMALL_BANK)
BP_IDS = [bp.id for bp in PILLAR.best_practices()]
QUESTION_IDS = [q.id for q in PILLAR.questions]
MET, NOT_MET, NA, UNANSWERED = (
    AnswerStatus.MET,
    AnswerStatus.NOT_MET,
    AnswerStatus.NOT_APPLICABLE,
    AnswerStatus.UNANSWERED,
)


def empty_review() -> Review:
    return Review(id="a" * 32, name="r", created_at=T0, updated_at=T0)


def answer(review: Review, bp_id: str, status: AnswerStatus, **kwargs: object) -> Review:
    given_answer = rules.NewAnswer(bp_id, status, **kwargs)  # type: ignore[arg-type]
    return rules.with_answers(PILLAR, review, [given_answer], by="Ann", why="", now=T0)


# --- ids ------------------------------------------------------------------------------------


def test_ids_are_normalised_and_checked_against_the_bank(pillar: Pillar) -> None:
    assert rules.best_practice_id(pillar, " sec01-bp02 ") == "SEC01-BP02"
    assert rules.question_id(pillar, "sec03\n") == "SEC03"
    with pytest.raises(InvalidChange, match="not a best practice"):
        rules.best_practice_id(pillar, "SEC01-BP09")
    with pytest.raises(InvalidChange, match="not a question"):
        rules.question_id(pillar, "SEC42")


# --- answers and their interactions ---------------------------------------------------------

answers_strategy = st.lists(
    st.tuples(
        st.sampled_from(BP_IDS),
        st.sampled_from([MET, NOT_MET, NA, UNANSWERED]),
        st.sampled_from([None, "note"]),
        st.sampled_from(list(AnswerSource)),
    ),
    max_size=20,
)


@settings(max_examples=200, deadline=None)
@given(steps=answers_strategy, none_of_these=st.sets(st.sampled_from(QUESTION_IDS)))
def test_answering_met_clears_none_of_these_and_nothing_else(
    steps: list[tuple[str, AnswerStatus, str | None, AnswerSource]], none_of_these: set[str]
) -> None:
    review = empty_review()
    for question in sorted(none_of_these):
        review = rules.with_question_state(review, question, now=T0, none_of_these=True)
    for bp_id, status, note, source in steps:
        before = review
        review = rules.with_answers(
            PILLAR,
            review,
            [rules.NewAnswer(bp_id, status, note=note, source=source)],
            by="Ann",
            why="w",
            now=T0,
        )
        question = PILLAR.best_practice(bp_id).question_id
        state_before = before.question_state(question)
        state_after = review.question_state(question)
        if status is MET:
            assert not state_after.none_of_these
        else:
            assert state_after == state_before
        for other in QUESTION_IDS:  # other questions are untouched
            if other != question:
                assert review.question_state(other) == before.question_state(other)
        new = review.answer(bp_id)
        old = before.answer(bp_id)
        assert new.note == (old.note if note is None else note)  # the note is kept
        assert (new.reason is not None) == (status is NA)
        changed = (old.status, old.reason, old.source) != (new.status, new.reason, new.source)
        assert len(review.history) == len(before.history) + changed
        for other in BP_IDS:
            if other != bp_id:
                assert review.answer(other) == before.answer(other)


def test_not_applicable_reasons() -> None:
    review = answer(empty_review(), "SEC01-BP01", NA)
    assert review.answer("SEC01-BP01").reason is NotApplicableReason.NONE
    review = answer(review, "SEC01-BP01", NA, reason=NotApplicableReason.OUT_OF_SCOPE)
    assert review.answer("SEC01-BP01").reason is NotApplicableReason.OUT_OF_SCOPE
    with pytest.raises(InvalidChange, match="only goes with not applicable"):
        answer(review, "SEC01-BP01", MET, reason=NotApplicableReason.OTHER)
    assert answer(review, "SEC01-BP01", MET).answer("SEC01-BP01").reason is None


def test_question_states() -> None:
    review = empty_review()
    with pytest.raises(InvalidChange, match="only goes with 'does not apply'"):
        rules.with_question_state(review, "SEC01", now=T0, reason=NotApplicableReason.OTHER)
    review = rules.with_question_state(review, "SEC01", now=T0, does_not_apply=True)
    assert review.question_state("SEC01").reason is NotApplicableReason.NONE
    review = rules.with_question_state(review, "SEC01", now=T0, reason=NotApplicableReason.OTHER)
    assert review.question_state("SEC01").reason is NotApplicableReason.OTHER
    review = rules.with_question_state(review, "SEC01", now=T0, does_not_apply=False, notes="n")
    state = review.question_state("SEC01")
    assert (state.does_not_apply, state.reason, state.notes) == (False, None, "n")


def test_accepted_proposals_need_a_name_and_come_from_evidence() -> None:
    with pytest.raises(InvalidChange, match="who accepts"):
        rules.accepted_answers([("SEC01-BP01", Proposal.MET)], "  ")
    accepted = rules.accepted_answers(
        [("SEC01-BP01", Proposal.MET), ("SEC02-BP01", Proposal.NOT_MET)], "Ann"
    )
    assert [(a.bp_id, a.status, a.source) for a in accepted] == [
        ("SEC01-BP01", MET, AnswerSource.EVIDENCE),
        ("SEC02-BP01", NOT_MET, AnswerSource.EVIDENCE),
    ]


# --- the review's own fields ------------------------------------------------------------------


@given(st.lists(st.text(alphabet=" ab\t", max_size=4)))
def test_unique_texts(items: list[str]) -> None:
    result = rules.unique_texts(items)
    assert all(item and item == item.strip() for item in result)
    assert len(set(result)) == len(result)
    assert set(result) == {i.strip() for i in items if i.strip()}
    assert rules.unique_texts(result) == result


@given(
    st.lists(st.tuples(st.text(alphabet=" ab", max_size=3), st.text(alphabet=" xy", max_size=3)))
)
def test_unique_participants_first_mention_wins(people: list[tuple[str, str]]) -> None:
    result = rules.unique_participants(Participant(n, r) for n, r in people)
    names = [p.name for p in result]
    assert len(set(names)) == len(names) and all(n and n == n.strip() for n in names)
    for person in result:
        first = next(r for n, r in people if n.strip() == person.name)
        assert person.role == first.strip()


def test_a_review_needs_a_name() -> None:
    with pytest.raises(InvalidChange, match="needs a name"):
        rules.new_review(PILLAR, " ", review_id="a" * 32, now=T0)
    with pytest.raises(InvalidChange, match="needs a name"):
        rules.with_details(empty_review(), now=T0, name="")
    review = rules.new_review(PILLAR, "x", review_id="a" * 32, now=T0, regions=[" eu ", "eu"])
    assert (review.regions, review.bank_revision) == (("eu",), PILLAR.revision)


def test_what_moves_updated_at() -> None:
    review = empty_review()
    later = T0 + timedelta(hours=1)
    assert rules.visited(review, "SEC02").updated_at == T0
    assert rules.visited(review, "SEC02").last_question == "SEC02"
    same = rules.visited(rules.visited(review, "SEC02"), "SEC02")
    assert same.last_question == "SEC02"
    assert rules.with_notes(review, "n", later).updated_at == later
    assert rules.with_participants(review, [], later) is review  # nothing changed
    assert rules.with_participants(review, [Participant("A")], later).updated_at == later


# --- milestones -------------------------------------------------------------------------------


@given(
    existing=st.lists(st.sampled_from(["v1", "v2", "before", " x "]), unique=True),
    name=st.sampled_from(["v1", "v2", "now", "", "  ", "new", " x ", "x"]),
)
def test_milestone_names(existing: list[str], name: str) -> None:
    review = empty_review()
    for index, old in enumerate(existing):
        review = rules.with_milestone(review, rules.new_milestone(review, old, T0))
        assert len(review.milestones) == index + 1
    allowed = bool(name.strip()) and name != "now" and name not in existing
    assert (rules.milestone_name_problem(review, name) is None) == allowed
    if allowed:
        milestone = rules.new_milestone(review, name, T0)
        assert milestone.responses is review.responses and milestone.name == name
    else:
        with pytest.raises(InvalidChange):
            rules.new_milestone(review, name, T0)


# --- workshops --------------------------------------------------------------------------------

AGENDA = (AgendaItem("SEC01", 10.0), AgendaItem("SEC02", 10.0))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["start", "end", "save again"]), max_size=12))
def test_only_one_workshop_runs_at_a_time(operations: list[str]) -> None:
    review = empty_review()
    now = T0
    for operation in operations:
        now += timedelta(minutes=5)
        running = review.active_workshop
        if operation == "start":
            started = start_workshop(PILLAR, review, now=now, length_minutes=60, agenda=AGENDA)
            if running is not None:
                with pytest.raises(InvalidChange, match="already running"):
                    rules.with_workshop(PILLAR, review, started, now)
                continue
            review = rules.with_workshop(PILLAR, review, started, now)
            assert review.updated_at == now
        elif operation == "end" and running is not None:
            review = rules.with_workshop(PILLAR, review, end_workshop(running, now), now)
            ended = review.workshops[-1]
            assert ended.answered_at_end == 0 and ended.risks_at_end == (0, 0)
        elif operation == "save again" and review.workshops:
            assert rules.with_workshop(PILLAR, review, review.workshops[-1], now) is review
        assert sum(w.active for w in review.workshops) <= 1
        starts = [w.started_at for w in review.workshops]
        assert starts == sorted(starts) and len(set(starts)) == len(starts)


def test_moving_a_clock_does_not_change_the_review() -> None:
    started = start_workshop(PILLAR, empty_review(), now=T0, length_minutes=60, agenda=AGENDA)
    review = rules.with_workshop(PILLAR, empty_review(), started, T0)
    later = T0 + timedelta(minutes=3)
    moved = rules.with_workshop(PILLAR, review, replace(started, current="SEC02"), later)
    assert moved.updated_at == T0 and moved.workshops[0].current == "SEC02"


# --- the parking lot --------------------------------------------------------------------------


@given(st.sets(st.integers(min_value=1, max_value=500)))
def test_parked_ids_are_never_reused(numbers: set[int]) -> None:
    lot = [ParkedItem(f"P{n}", "SEC01", "t", "", T0, "") for n in numbers]
    next_id = rules.next_parked_id(lot)
    assert next_id == f"P{max(numbers, default=0) + 1}"
    assert next_id not in {p.id for p in lot}


def test_parking_needs_text_and_numbers_in_order() -> None:
    review = empty_review()
    with pytest.raises(InvalidChange, match="needs text"):
        rules.new_parked_item(review, "SEC01", " \n", owner="", by="Ann", now=T0)
    for expected in ("P1", "P2", "P3"):
        item = rules.new_parked_item(review, "SEC01", " keep  as is ", owner="", by="A", now=T0)
        assert item.id == expected and item.text == " keep  as is "
        review = rules.with_parked(review, item)
