"""How risk follows from answers (issue 3, "Risk").

Question risk:
- NOT_APPLICABLE when the question does not apply;
- else UNANSWERED when nothing in it was answered (no best practice has a status other
  than unanswered, and "none of these" is not set);
- else HIGH if any High-risk best practice is not met (and not N/A), MEDIUM if any
  Medium-risk one is, otherwise NONE. "None of these" means every best practice of the
  question counts as not met, except those explicitly answered N/A or met. An unanswered
  best practice in an answered question raises no risk by itself (it is shown as
  unanswered progress instead).

Review totals count questions: high, medium, answered and total, overall and per area.
A question that does not apply is removed from all four counts (it is counted apart as
`not_applicable`), so marking a question N/A can never make the totals look worse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from questions import Pillar, Question, Risk
from review.model import Answer, AnswerStatus, QuestionState, Responses


class QuestionRisk(StrEnum):
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    NONE = "NONE"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    UNANSWERED = "UNANSWERED"

    @property
    def rank(self) -> int:
        """3 HIGH, 2 MEDIUM, 1 NONE, 0 for NOT_APPLICABLE and UNANSWERED (no risk known)."""
        return {QuestionRisk.HIGH: 3, QuestionRisk.MEDIUM: 2, QuestionRisk.NONE: 1}.get(self, 0)


def effective_status(
    bp_id: str, state: QuestionState, answers: Mapping[str, Answer]
) -> AnswerStatus:
    """A best practice's status once the question's state is taken into account.

    Question does not apply -> not_applicable; "none of these" -> not_met, unless the best
    practice itself is answered N/A or met (an explicit answer is more specific; the store
    clears "none of these" when a best practice is marked met); otherwise the best
    practice's own answer.
    """
    answer = answers.get(bp_id)
    own = answer.status if answer is not None else AnswerStatus.UNANSWERED
    if state.does_not_apply:
        return AnswerStatus.NOT_APPLICABLE
    if state.none_of_these and own not in (AnswerStatus.NOT_APPLICABLE, AnswerStatus.MET):
        return AnswerStatus.NOT_MET
    return own


def question_risk(
    question: Question, state: QuestionState, answers: Mapping[str, Answer]
) -> QuestionRisk:
    """The risk of one question given its state and the answers (missing = unanswered)."""
    if state.does_not_apply:
        return QuestionRisk.NOT_APPLICABLE
    statuses = [
        (bp.risk, effective_status(bp.id, state, answers)) for bp in question.best_practices
    ]
    if not state.none_of_these and all(s is AnswerStatus.UNANSWERED for _, s in statuses):
        return QuestionRisk.UNANSWERED
    unmet = {risk for risk, status in statuses if status is AnswerStatus.NOT_MET}
    if Risk.HIGH in unmet:
        return QuestionRisk.HIGH
    if Risk.MEDIUM in unmet:
        return QuestionRisk.MEDIUM
    return QuestionRisk.NONE


@dataclass(frozen=True, slots=True)
class RiskCounts:
    """Question counts for a review or one area (N/A questions are only in not_applicable)."""

    high: int = 0
    medium: int = 0
    answered: int = 0
    total: int = 0
    not_applicable: int = 0

    def plus(self, risk: QuestionRisk) -> RiskCounts:
        if risk is QuestionRisk.NOT_APPLICABLE:
            return RiskCounts(
                self.high, self.medium, self.answered, self.total, self.not_applicable + 1
            )
        return RiskCounts(
            high=self.high + (risk is QuestionRisk.HIGH),
            medium=self.medium + (risk is QuestionRisk.MEDIUM),
            answered=self.answered + (risk is not QuestionRisk.UNANSWERED),
            total=self.total + 1,
            not_applicable=self.not_applicable,
        )


@dataclass(frozen=True, slots=True)
class AreaRisk:
    area: str
    counts: RiskCounts


@dataclass(frozen=True, slots=True)
class RiskSummary:
    """Risk of every question, with totals overall and per area."""

    questions: tuple[tuple[str, QuestionRisk], ...]
    counts: RiskCounts
    areas: tuple[AreaRisk, ...]
    best_practices_answered: int
    best_practices_total: int

    def risk_of(self, question_id: str) -> QuestionRisk:
        for qid, risk in self.questions:
            if qid == question_id:
                return risk
        raise KeyError(question_id)


def review_risk(pillar: Pillar, responses: Responses) -> RiskSummary:
    """Question risks and totals for a review's responses against `pillar`.

    Answers for best practices the bank no longer has are kept in the review but ignored
    here.
    """
    answers = responses.by_best_practice
    per_question: list[tuple[str, QuestionRisk]] = []
    areas: list[AreaRisk] = []
    total = RiskCounts()
    bp_answered = 0
    bp_total = 0
    for area in pillar.areas:
        counts = RiskCounts()
        for question in area.questions:
            state = responses.question_state(question.id)
            risk = question_risk(question, state, answers)
            per_question.append((question.id, risk))
            counts = counts.plus(risk)
            total = total.plus(risk)
            for bp in question.best_practices:
                bp_total += 1
                if effective_status(bp.id, state, answers) is not AnswerStatus.UNANSWERED:
                    bp_answered += 1
        areas.append(AreaRisk(area.name, counts))
    return RiskSummary(
        questions=tuple(per_question),
        counts=total,
        areas=tuple(areas),
        best_practices_answered=bp_answered,
        best_practices_total=bp_total,
    )
