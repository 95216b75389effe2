"""Milestones: compare two points of a review."""

from __future__ import annotations

import pytest

from review.errors import InvalidChange
from review.milestones import compare
from review.model import AnswerStatus
from review.risk import QuestionRisk
from review.store import ReviewStore

MET, NOT_MET = AnswerStatus.MET, AnswerStatus.NOT_MET


def test_compare_milestone_with_now_and_two_milestones(store: ReviewStore) -> None:
    review = store.create("x")
    with store.open(review.id) as session:
        with pytest.raises(InvalidChange, match="no milestones yet"):
            compare(store.pillar, session.review)
        session.set_answer("SEC01-BP01", NOT_MET, by="a")
        session.set_answer("SEC02-BP01", MET, by="a")
        session.save_milestone("before")
        session.set_answer("SEC01-BP01", MET, by="a")  # HIGH -> NONE
        session.set_answer("SEC02-BP01", NOT_MET, by="a")  # NONE -> HIGH (regression)
        session.set_answer("SEC03-BP01", NOT_MET, by="a")  # new finding
        session.save_milestone("after")
        session.set_question_state("SEC04", does_not_apply=True)
        current = session.review

    result = compare(store.pillar, current)  # latest milestone -> now
    assert (result.before_name, result.after_name) == ("after", "now")
    assert [(c.question_id, c.before, c.after) for c in result.risk_changes] == [
        ("SEC04", QuestionRisk.UNANSWERED, QuestionRisk.NOT_APPLICABLE)
    ]

    result = compare(store.pillar, current, "before", "after")
    assert {(c.question_id, c.before, c.after) for c in result.risk_changes} == {
        ("SEC01", QuestionRisk.HIGH, QuestionRisk.NONE),
        ("SEC02", QuestionRisk.NONE, QuestionRisk.HIGH),
        ("SEC03", QuestionRisk.UNANSWERED, QuestionRisk.MEDIUM),
    }
    assert result.newly_met == ("SEC01-BP01",)
    assert result.newly_unmet == ("SEC02-BP01", "SEC03-BP01")
    assert not result.is_empty
    assert compare(store.pillar, current, "after", "after").is_empty

    with pytest.raises(InvalidChange, match="no milestone 'nope'"):
        compare(store.pillar, current, "nope")
