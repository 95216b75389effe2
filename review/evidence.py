"""Evidence proposes, people decide: what stored evidence suggests for a review.

Pure functions over a Review and the bank; the store applies what they return.
"""

from __future__ import annotations

from collections.abc import Iterable

from checks.result import Proposal
from questions import Pillar
from review.model import AnswerStatus, Contradiction, Review


def _as_status(proposal: Proposal) -> AnswerStatus:
    return AnswerStatus.MET if proposal is Proposal.MET else AnswerStatus.NOT_MET


def proposals(pillar: Pillar, review: Review) -> tuple[tuple[str, Proposal], ...]:
    """Every best practice the stored evidence proposes an answer for, in bank order."""
    scan = review.evidence
    if scan is None:
        return ()
    found: list[tuple[str, Proposal]] = []
    for bp in pillar.best_practices():
        proposal = scan.proposal(pillar, bp.id)
        if proposal is not None:
            found.append((bp.id, proposal))
    return tuple(found)


def proposals_to_apply(
    pillar: Pillar, review: Review, only: Iterable[str] | None = None
) -> tuple[tuple[str, Proposal], ...]:
    """Proposals for best practices that are still unanswered (optionally only `only`).

    A best practice in a question marked "does not apply" or "none of these" counts as
    answered: a person has spoken about it.
    """
    wanted = None if only is None else {bp_id.upper() for bp_id in only}
    result: list[tuple[str, Proposal]] = []
    for bp_id, proposal in proposals(pillar, review):
        if wanted is not None and bp_id not in wanted:
            continue
        state = review.question_state(pillar.best_practice(bp_id).question_id)
        if state.does_not_apply or state.none_of_these:
            continue
        if review.answer(bp_id).status is AnswerStatus.UNANSWERED:
            result.append((bp_id, proposal))
    return tuple(result)


def contradictions(pillar: Pillar, review: Review) -> tuple[Contradiction, ...]:
    """Answers (met / not met) that disagree with what the stored evidence proposes.

    These are flagged, never changed: the person's answer stands until a person changes it.
    """
    found: list[Contradiction] = []
    for bp_id, proposal in proposals(pillar, review):
        answer = review.answer(bp_id)
        proposed = _as_status(proposal)
        if (
            answer.status in (AnswerStatus.MET, AnswerStatus.NOT_MET)
            and answer.status is not proposed
        ):
            found.append(Contradiction(bp_id, answer, proposed))
    return tuple(found)
