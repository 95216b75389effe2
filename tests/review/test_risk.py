"""Risk rules (issue 3): unit cases and hypothesis properties."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from questions import Pillar, Question, Risk, security_pillar
from review.model import Answer, AnswerStatus, NotApplicableReason, QuestionState, Responses
from review.risk import QuestionRisk, question_risk, review_risk

from .conftest import SMALL_BANK, build_pillar

MET, NOT_MET, NA, UNANSWERED = (
    AnswerStatus.MET,
    AnswerStatus.NOT_MET,
    AnswerStatus.NOT_APPLICABLE,
    AnswerStatus.UNANSWERED,
)


def answers_of(**statuses: AnswerStatus) -> dict[str, Answer]:
    result = {}
    for key, status in statuses.items():
        bp_id = key.replace("_", "-")
        reason = NotApplicableReason.OTHER if status is NA else None
        result[bp_id] = Answer(bp_id, status, reason=reason)
    return result


def q(pillar: Pillar, question_id: str) -> Question:
    return pillar.question(question_id)


def test_nothing_answered_is_unanswered(pillar: Pillar) -> None:
    state = QuestionState("SEC01")
    assert question_risk(q(pillar, "SEC01"), state, {}) is QuestionRisk.UNANSWERED


def test_high_not_met_is_high(pillar: Pillar) -> None:
    answers = answers_of(SEC01_BP01=NOT_MET, SEC01_BP02=MET)
    assert question_risk(q(pillar, "SEC01"), QuestionState("SEC01"), answers) is QuestionRisk.HIGH


def test_medium_not_met_is_medium(pillar: Pillar) -> None:
    answers = answers_of(SEC01_BP01=MET, SEC01_BP02=NOT_MET, SEC01_BP03=NOT_MET)
    risk = question_risk(q(pillar, "SEC01"), QuestionState("SEC01"), answers)
    assert risk is QuestionRisk.MEDIUM


def test_only_low_not_met_is_none(pillar: Pillar) -> None:
    answers = answers_of(SEC01_BP01=MET, SEC01_BP02=MET, SEC01_BP03=NOT_MET)
    assert question_risk(q(pillar, "SEC01"), QuestionState("SEC01"), answers) is QuestionRisk.NONE


def test_not_applicable_high_practice_is_no_risk(pillar: Pillar) -> None:
    answers = answers_of(SEC01_BP01=NA, SEC01_BP02=MET)
    assert question_risk(q(pillar, "SEC01"), QuestionState("SEC01"), answers) is QuestionRisk.NONE


def test_unanswered_practice_raises_no_risk_in_answered_question(pillar: Pillar) -> None:
    answers = answers_of(SEC01_BP02=MET)  # BP01 (High) unanswered
    assert question_risk(q(pillar, "SEC01"), QuestionState("SEC01"), answers) is QuestionRisk.NONE


def test_question_does_not_apply(pillar: Pillar) -> None:
    state = QuestionState("SEC01", does_not_apply=True, reason=NotApplicableReason.OUT_OF_SCOPE)
    answers = answers_of(SEC01_BP01=NOT_MET)
    assert question_risk(q(pillar, "SEC01"), state, answers) is QuestionRisk.NOT_APPLICABLE


def test_none_of_these_means_none_is_met(pillar: Pillar) -> None:
    state = QuestionState("SEC01", none_of_these=True)
    assert question_risk(q(pillar, "SEC01"), state, {}) is QuestionRisk.HIGH
    # ... except best practices marked N/A
    answers = answers_of(SEC01_BP01=NA)
    assert question_risk(q(pillar, "SEC01"), state, answers) is QuestionRisk.MEDIUM


def test_review_totals_and_areas(pillar: Pillar) -> None:
    responses = Responses(
        answers=tuple(answers_of(SEC01_BP01=NOT_MET, SEC02_BP01=MET, SEC03_BP01=NOT_MET).values()),
        questions=(QuestionState("SEC04", does_not_apply=True),),
    )
    summary = review_risk(pillar, responses)
    assert summary.counts.high == 1
    assert summary.counts.medium == 1
    assert summary.counts.answered == 3
    assert summary.counts.total == 3  # SEC04 does not apply: removed from the counts
    assert summary.counts.not_applicable == 1
    assert summary.risk_of("SEC02") is QuestionRisk.NONE
    iam = next(a for a in summary.areas if a.area == "Identity and access management")
    assert (iam.counts.high, iam.counts.medium, iam.counts.answered) == (0, 1, 2)
    assert summary.best_practices_total == 8
    assert summary.best_practices_answered == 4  # three answered + SEC04's one (N/A)


def test_answers_for_unknown_practices_are_ignored(pillar: Pillar) -> None:
    responses = Responses(answers=(Answer("SEC09-BP01", NOT_MET),))
    assert review_risk(pillar, responses).counts.high == 0


def test_real_bank_totals() -> None:
    bank = security_pillar()
    summary = review_risk(bank, Responses())
    assert summary.counts.total == len(bank.questions) == 11
    assert summary.best_practices_total == bank.best_practice_count
    assert summary.counts.answered == 0


# --- properties --------------------------------------------------------------------------

RISKS = st.sampled_from([Risk.HIGH, Risk.MEDIUM, Risk.LOW])
STATUSES = st.sampled_from(list(AnswerStatus))


@st.composite
def pillars(draw: st.DrawFn) -> Pillar:
    count = draw(st.integers(1, 5))
    areas = ["A", "B", "C"]
    spec = {
        f"SEC{n:02d}": (
            draw(st.sampled_from(areas)),
            draw(st.lists(RISKS, min_size=1, max_size=5)),
        )
        for n in range(1, count + 1)
    }
    return build_pillar(spec)


@st.composite
def pillar_and_responses(draw: st.DrawFn) -> tuple[Pillar, Responses]:
    pillar = draw(pillars())
    answers = []
    for bp in pillar.best_practices():
        status = draw(STATUSES)
        reason = draw(st.sampled_from(list(NotApplicableReason))) if status is NA else None
        answers.append(Answer(bp.id, status, reason=reason))
    states = tuple(
        QuestionState(
            question.id,
            does_not_apply=draw(st.booleans()) and draw(st.booleans()),
            none_of_these=draw(st.booleans()) and draw(st.booleans()),
        )
        for question in pillar.questions
    )
    return pillar, Responses(tuple(answers), states)


@settings(max_examples=300)
@given(pillar_and_responses(), st.data())
def test_meeting_one_more_practice_never_raises_risk(
    case: tuple[Pillar, Responses], data: st.DataObject
) -> None:
    pillar, responses = case
    bp = data.draw(st.sampled_from(list(pillar.best_practices())))
    question = pillar.question(bp.question_id)
    state = responses.question_state(question.id)
    before = question_risk(question, state, responses.by_best_practice)
    after_responses = responses.with_answer(Answer(bp.id, MET))
    after = question_risk(question, state, after_responses.by_best_practice)
    if before is not QuestionRisk.UNANSWERED:
        assert after.rank <= before.rank
    summary_before = review_risk(pillar, responses).counts
    summary_after = review_risk(pillar, after_responses).counts
    assert summary_after.high <= summary_before.high
    assert summary_after.high + summary_after.medium <= summary_before.high + summary_before.medium


@settings(max_examples=300)
@given(pillar_and_responses(), st.data())
def test_marking_question_not_applicable_removes_it_from_counts(
    case: tuple[Pillar, Responses], data: st.DataObject
) -> None:
    pillar, responses = case
    question = data.draw(st.sampled_from(list(pillar.questions)))
    state = responses.question_state(question.id)
    marked = responses.with_question_state(replace(state, does_not_apply=True))
    before = review_risk(pillar, responses)
    after = review_risk(pillar, marked)
    was = before.risk_of(question.id)
    assert after.risk_of(question.id) is QuestionRisk.NOT_APPLICABLE
    if was is not QuestionRisk.NOT_APPLICABLE:
        assert after.counts.total == before.counts.total - 1
        assert after.counts.high == before.counts.high - (was is QuestionRisk.HIGH)
        assert after.counts.medium == before.counts.medium - (was is QuestionRisk.MEDIUM)
        assert after.counts.answered == before.counts.answered - (
            was is not QuestionRisk.UNANSWERED
        )
        assert after.counts.not_applicable == before.counts.not_applicable + 1
    else:
        assert after.counts == before.counts


def test_small_bank_shape() -> None:
    assert set(SMALL_BANK) == {"SEC01", "SEC02", "SEC03", "SEC04"}
