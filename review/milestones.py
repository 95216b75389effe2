"""Compare two points of a review: a milestone with another, or with now."""

from __future__ import annotations

from dataclasses import dataclass

from questions import Pillar
from review.errors import InvalidChange
from review.model import AnswerStatus, Responses, Review
from review.risk import QuestionRisk, effective_status, review_risk
from review.text import quoted

NOW = "now"
"""The name of the review's current state in a comparison."""


@dataclass(frozen=True, slots=True)
class RiskChange:
    question_id: str
    before: QuestionRisk
    after: QuestionRisk


@dataclass(frozen=True, slots=True)
class StatusChange:
    bp_id: str
    before: AnswerStatus
    after: AnswerStatus


@dataclass(frozen=True, slots=True)
class ReviewDiff:
    """What changed between two points (`before_name` and `after_name`)."""

    before_name: str
    after_name: str
    risk_changes: tuple[RiskChange, ...]
    newly_met: tuple[str, ...]
    newly_unmet: tuple[str, ...]
    status_changes: tuple[StatusChange, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.risk_changes or self.status_changes)


def diff(
    pillar: Pillar, before: Responses, after: Responses, before_name: str, after_name: str
) -> ReviewDiff:
    """Per question risk changes, and best practices newly met / newly not met.

    Statuses are effective ones (a question that does not apply makes its best practices
    N/A; "none of these" makes them not met). Newly unmet means not met now and not
    before (a regression from met, or a new finding).
    """
    before_risk = review_risk(pillar, before)
    after_risk = review_risk(pillar, after)
    risk_changes = tuple(
        RiskChange(qid, old, new)
        for (qid, old), (_, new) in zip(before_risk.questions, after_risk.questions, strict=True)
        if old is not new
    )
    changes: list[StatusChange] = []
    for question in pillar.questions:
        old_state = before.question_state(question.id)
        new_state = after.question_state(question.id)
        for bp in question.best_practices:
            old = effective_status(bp.id, old_state, before.by_best_practice)
            new = effective_status(bp.id, new_state, after.by_best_practice)
            if old is not new:
                changes.append(StatusChange(bp.id, old, new))
    return ReviewDiff(
        before_name=before_name,
        after_name=after_name,
        risk_changes=risk_changes,
        newly_met=tuple(c.bp_id for c in changes if c.after is AnswerStatus.MET),
        newly_unmet=tuple(c.bp_id for c in changes if c.after is AnswerStatus.NOT_MET),
        status_changes=tuple(changes),
    )


def responses_at(review: Review, name: str) -> Responses:
    """The responses of milestone `name`, or the current ones for `now`."""
    if name == NOW:
        return review.responses
    try:
        return review.milestone(name).responses
    except KeyError:
        known = ", ".join(quoted(m.name, 40) for m in review.milestones) or "none yet"
        raise InvalidChange(
            f"review {quoted(review.name)} has no milestone {quoted(name)} (milestones: {known})"
        ) from None


def compare(
    pillar: Pillar, review: Review, from_name: str | None = None, to_name: str | None = None
) -> ReviewDiff:
    """Compare milestone `from_name` (default: the latest) with `to_name` (default: now)."""
    if from_name is None:
        if not review.milestones:
            raise InvalidChange(
                f"review {quoted(review.name)} has no milestones yet; save one with "
                "'pillar milestone REVIEW NAME'"
            )
        from_name = review.milestones[-1].name
    to_name = NOW if to_name is None else to_name
    return diff(
        pillar,
        responses_at(review, from_name),
        responses_at(review, to_name),
        from_name,
        to_name,
    )
