"""The proposed agenda: every chosen question in order, never more than the session allows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from questions import security_pillar
from review.model import Answer, AnswerStatus, Review
from review.workshop import MIN_MINUTES, WRAP_UP_SHARE, propose_agenda

NOW = datetime(2026, 11, 30, tzinfo=UTC)


@settings(max_examples=200, deadline=None)
@given(
    length=st.integers(min_value=5, max_value=600),
    picked=st.sets(st.integers(min_value=1, max_value=11), min_size=1),
)
def test_proposed_agenda_fits_the_session(length: int, picked: set[int]) -> None:
    pillar = security_pillar()
    review = Review(id="a" * 32, name="r", created_at=NOW, updated_at=NOW)
    ids = [f"SEC{n:02d}" for n in sorted(picked)]
    agenda = propose_agenda(pillar, review, length, ids)
    assert [item.question_id for item in agenda] == ids
    budget = length * (1 - WRAP_UP_SHARE)
    assert sum(item.minutes for item in agenda) <= budget + 1e-9
    floor = min(MIN_MINUTES, budget / len(ids))
    assert all(item.minutes >= floor - 0.1 for item in agenda)


def test_open_questions_get_more_time() -> None:
    pillar = security_pillar()
    review = Review(id="a" * 32, name="r", created_at=NOW, updated_at=NOW)
    answered = review.responses
    for bp in pillar.question("SEC01").best_practices:
        answered = answered.with_answer(Answer(bp.id, AnswerStatus.MET))
    review = replace(review, responses=answered)
    agenda = {
        i.question_id: i.minutes for i in propose_agenda(pillar, review, 60, ["SEC01", "SEC03"])
    }
    assert agenda["SEC03"] > agenda["SEC01"]
