"""How a review changes: the domain rules an editing session applies, as pure functions.

Each function takes a review (and the question bank where it needs one) and a clock
reading `now`, and returns the new value, or raises `InvalidChange` with a sentence a
person can act on. `review.session.ReviewSession` calls them and saves what they return;
nothing here knows about files. The rules:

- ids are given in any case and with spaces around; they must name a best practice or a
  question of the bank (`best_practice_id`, `question_id`);
- a review needs a name; account ids and regions are trimmed and kept once each;
  participants are trimmed, nameless ones dropped, each name once (first mention wins);
- a not-applicable reason goes only with "not applicable" (NONE when none is given), and
  a question's reason only with "does not apply" (`with_answers`, `with_question_state`);
- answering a best practice MET clears its question's "none of these" (`with_answers`);
- an answer keeps its note unless a new one is given; the history records a change of
  status, reason or source (a note alone is not a history entry);
- evidence proposals become answers only for unanswered best practices, accepted by a
  named person (`accepted_answers`, with review.evidence.proposals_to_apply);
- milestone names are not empty, not "now", and unique in the review (`new_milestone`);
- only one workshop session runs at a time; a session is saved over the one with the same
  start; an ended session keeps the review's numbers as they were when it ended
  (`with_workshop`);
- parked items are numbered P1, P2, ... in order and a number is never reused
  (`next_parked_id`), and need text (`new_parked_item`);
- a review syncs with at most one AWS WA Tool workload; what both sides agreed is kept
  per question, only while linked; answers pulled from the WA Tool change only best
  practices whose status or reason differ, keep their notes, and are in the history
  (`with_workload_link`, `with_sync_agreed`, `with_remote_answers`);
- `updated_at` moves when what was said about the review changes (answers, question
  states, details, notes, evidence, plan tracking, parked items, a session starting or
  ending), not when a clock ticks or the last visited question changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from checks.result import Proposal, ScanResult
from questions import Pillar
from review.errors import InvalidChange
from review.milestones import NOW
from review.model import (
    Answer,
    AnswerChange,
    AnswerSource,
    AnswerStatus,
    Environment,
    Milestone,
    NotApplicableReason,
    ParkedItem,
    Participant,
    QuestionState,
    Review,
    ScanScope,
    SyncedQuestion,
    WorkloadLink,
    Workshop,
)
from review.plan import PlanTracking, with_tracking
from review.risk import review_risk
from review.text import quoted

# --- ids --------------------------------------------------------------------------------


def best_practice_id(pillar: Pillar, bp_id: str) -> str:
    """`bp_id` as the bank spells it (SEC01-BP01); InvalidChange if the bank has none."""
    normal = bp_id.strip().upper()
    if not pillar.has_best_practice(normal):
        raise InvalidChange(
            f"{quoted(normal, 30)} is not a best practice of the question bank; "
            "run 'pillar questions' to see the ids (like SEC01-BP01)"
        )
    return normal


def question_id(pillar: Pillar, question: str) -> str:
    """`question` as the bank spells it (SEC01); InvalidChange if the bank has none."""
    normal = question.strip().upper()
    try:
        pillar.question(normal)
    except KeyError:
        raise InvalidChange(
            f"{quoted(normal, 30)} is not a question of the question bank (SEC01 to SEC11)"
        ) from None
    return normal


# --- the review's own fields ------------------------------------------------------------------


def unique_texts(items: Iterable[str]) -> tuple[str, ...]:
    """Items trimmed, empty ones dropped, each once (in first-seen order)."""
    seen: dict[str, None] = {}
    for item in items:
        item = item.strip()
        if item:
            seen.setdefault(item, None)
    return tuple(seen)


def unique_participants(people: Iterable[Participant]) -> tuple[Participant, ...]:
    """Participants with names and roles trimmed, nameless ones dropped, and each name
    once (the first mention wins)."""
    seen: dict[str, Participant] = {}
    for person in people:
        name, role = person.name.strip(), person.role.strip()
        if name:
            seen.setdefault(name, Participant(name, role))
    return tuple(seen.values())


def new_review(
    pillar: Pillar,
    name: str,
    *,
    review_id: str,
    now: datetime,
    owner: str = "",
    environment: Environment = Environment.PRODUCTION,
    description: str = "",
    account_ids: Iterable[str] = (),
    regions: Iterable[str] = (),
    participants: Iterable[Participant] = (),
) -> Review:
    """A new, empty review on the bank's current revision."""
    if not name.strip():
        raise InvalidChange("a review needs a name; give one, e.g. pillar new 'Payments API'")
    return Review(
        id=review_id,
        name=name,
        created_at=now,
        updated_at=now,
        description=description,
        owner=owner,
        environment=environment,
        account_ids=unique_texts(account_ids),
        regions=unique_texts(regions),
        bank_revision=pillar.revision,
        participants=unique_participants(participants),
    )


def with_details(
    review: Review,
    *,
    now: datetime,
    name: str | None = None,
    description: str | None = None,
    owner: str | None = None,
    environment: Environment | None = None,
    account_ids: Iterable[str] | None = None,
    regions: Iterable[str] | None = None,
    participants: Iterable[Participant] | None = None,
) -> Review:
    """The review with the fields given changed (the others as they were)."""
    if name is not None and not name.strip():
        raise InvalidChange("a review needs a name")
    return replace(
        review,
        name=review.name if name is None else name,
        description=review.description if description is None else description,
        owner=review.owner if owner is None else owner,
        environment=environment or review.environment,
        account_ids=review.account_ids if account_ids is None else unique_texts(account_ids),
        regions=review.regions if regions is None else unique_texts(regions),
        participants=(
            review.participants if participants is None else unique_participants(participants)
        ),
        updated_at=now,
    )


def with_participants(review: Review, participants: Iterable[Participant], now: datetime) -> Review:
    """The review with these participants; the same review if they are the same people."""
    people = unique_participants(participants)
    if people == review.participants:
        return review
    return replace(review, participants=people, updated_at=now)


def with_notes(review: Review, notes: str, now: datetime) -> Review:
    return replace(review, notes=notes, updated_at=now)


def visited(review: Review, question: str) -> Review:
    """The review remembering `question` as the last visited (not a change of content)."""
    if review.last_question == question:
        return review
    return replace(review, last_question=question)


def with_plan_tracking(review: Review, tracking: PlanTracking, now: datetime) -> Review:
    return replace(with_tracking(review, tracking), updated_at=now)


def with_scan_scope(review: Review, scope: ScanScope | None, now: datetime) -> Review:
    """The review remembering what its scans cover (None forgets it: the caller's account
    in the review's regions). The same review when nothing changes."""
    if scope == review.scan_scope:
        return review
    return replace(review, scan_scope=scope, updated_at=now)


def with_evidence(review: Review, scan: ScanResult, now: datetime) -> Review:
    """The review with the latest scan stored (answers are not touched)."""
    return replace(review, evidence=scan, updated_at=now)


# --- answers ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewAnswer:
    """One answer to give: `note` None keeps the answer's note as it is."""

    bp_id: str
    status: AnswerStatus
    reason: NotApplicableReason | None = None
    note: str | None = None
    source: AnswerSource = AnswerSource.PERSON


def answer_reason(
    status: AnswerStatus, reason: NotApplicableReason | None
) -> NotApplicableReason | None:
    """The reason an answer keeps: NONE for not applicable without one; refused otherwise."""
    if status is AnswerStatus.NOT_APPLICABLE:
        return reason or NotApplicableReason.NONE
    if reason is not None:
        raise InvalidChange("a not-applicable reason only goes with not applicable")
    return None


def with_answers(
    pillar: Pillar,
    review: Review,
    answers: Sequence[NewAnswer],
    *,
    by: str,
    why: str,
    now: datetime,
) -> Review:
    """The review with these answers given by `by` at `now`.

    Best-practice ids must be the bank's (see `best_practice_id`). A change of status,
    reason or source is added to the history with `why`; answering MET clears the
    question's "none of these" (the team found something after all).
    """
    responses = review.responses
    given: list[Answer] = []
    history: list[AnswerChange] = []
    cleared: dict[str, QuestionState] = {}
    for new in answers:
        reason = answer_reason(new.status, new.reason)
        old = responses.answer(new.bp_id)
        given.append(
            Answer(
                bp_id=new.bp_id,
                status=new.status,
                reason=reason,
                note=old.note if new.note is None else new.note,
                by=by,
                at=now,
                source=new.source,
            )
        )
        if old.status is not new.status or old.reason is not reason or old.source is not new.source:
            history.append(
                AnswerChange(new.bp_id, now, by, old.status, new.status, why, new.source)
            )
        if new.status is AnswerStatus.MET:
            question = pillar.best_practice(new.bp_id).question_id
            state = cleared.get(question) or responses.question_state(question)
            if state.none_of_these:
                cleared[question] = replace(state, none_of_these=False)
    responses = responses.with_answers(given)
    for state in cleared.values():
        responses = responses.with_question_state(state)
    return replace(review, responses=responses, history=(*review.history, *history), updated_at=now)


def accepted_answers(
    proposals: Iterable[tuple[str, Proposal]], accepted_by: str
) -> tuple[NewAnswer, ...]:
    """Evidence proposals as answers accepted by a person (who must be named)."""
    if not accepted_by.strip():
        raise InvalidChange("say who accepts the proposals (a name)")
    return tuple(
        NewAnswer(
            bp_id,
            AnswerStatus.MET if proposal is Proposal.MET else AnswerStatus.NOT_MET,
            source=AnswerSource.EVIDENCE,
        )
        for bp_id, proposal in proposals
    )


def with_question_state(
    review: Review,
    question: str,
    *,
    now: datetime,
    does_not_apply: bool | None = None,
    reason: NotApplicableReason | None = None,
    none_of_these: bool | None = None,
    notes: str | None = None,
) -> Review:
    """The review with what was said about a whole question changed (only the arguments
    given). "Does not apply" takes a reason (NONE when none is given) and clearing it
    clears the reason; a reason alone is refused unless the question does not apply."""
    state = review.question_state(question)
    if does_not_apply is not None:
        state = replace(
            state,
            does_not_apply=does_not_apply,
            reason=(reason or NotApplicableReason.NONE) if does_not_apply else None,
        )
    elif reason is not None:
        if not state.does_not_apply:
            raise InvalidChange("a not-applicable reason only goes with 'does not apply'")
        state = replace(state, reason=reason)
    if none_of_these is not None:
        state = replace(state, none_of_these=none_of_these)
    if notes is not None:
        state = replace(state, notes=notes)
    return replace(review, responses=review.responses.with_question_state(state), updated_at=now)


# --- milestones -----------------------------------------------------------------------------


def milestone_name_problem(review: Review, name: str) -> str | None:
    """Why `name` cannot name a new milestone of the review (None if it can)."""
    if not name.strip():
        return "a milestone needs a name"
    if name == NOW:
        return f"'{NOW}' names the current state; choose another milestone name"
    if any(m.name == name for m in review.milestones):
        return f"this review already has a milestone named {quoted(name)}"
    return None


def new_milestone(review: Review, name: str, now: datetime) -> Milestone:
    """The review's current answers frozen under `name` (see `milestone_name_problem`)."""
    problem = milestone_name_problem(review, name)
    if problem is not None:
        raise InvalidChange(problem)
    return Milestone(
        name=name, at=now, bank_revision=review.bank_revision, responses=review.responses
    )


def with_milestone(review: Review, milestone: Milestone) -> Review:
    return replace(review, milestones=(*review.milestones, milestone))


# --- workshops and the parking lot ------------------------------------------------------------


def with_workshop(pillar: Pillar, review: Review, workshop: Workshop, now: datetime) -> Review:
    """The review with this workshop session saved.

    It replaces the session with the same start, else it is added (sessions stay oldest
    first). Only one session runs at a time: adding a running session while another runs
    is refused. An ended session saved without its end numbers gets the numbers of the
    review as it is now (answered best practices, High and Medium questions), so its
    summary stays as it was when it ended. Starting or ending a session changes the
    review (`updated_at`); moving its clocks does not. Returns `review` itself when the
    session is saved as it already is.
    """
    existing = next((w for w in review.workshops if w.started_at == workshop.started_at), None)
    if existing is not None:
        workshop = replace(workshop, started_at=existing.started_at)  # the same stored key
    elif workshop.active and review.active_workshop is not None:
        raise InvalidChange(
            "a workshop session is already running on this review; end it before starting another"
        )
    if not workshop.active and workshop.answered_at_end is None:
        risk = review_risk(pillar, review.responses)
        workshop = replace(
            workshop,
            answered_at_end=risk.best_practices_answered,
            risks_at_end=(risk.counts.high, risk.counts.medium),
        )
    if workshop == existing:
        return review
    others = [w for w in review.workshops if w.started_at != workshop.started_at]
    new = replace(review, workshops=tuple(sorted([*others, workshop], key=lambda w: w.started_at)))
    if existing is None or existing.active != workshop.active:
        new = replace(new, updated_at=now)
    return new


def next_parked_id(parking_lot: Iterable[ParkedItem]) -> str:
    """The id of the next parked item: one more than the highest number ever given (ids
    are never reused, even if an item is gone)."""
    return f"P{max((p.number for p in parking_lot), default=0) + 1}"


def new_parked_item(
    review: Review, question: str, text: str, *, owner: str, by: str, now: datetime
) -> ParkedItem:
    """A follow-up parked on a question; the text is kept exactly as given."""
    if not text.strip():
        raise InvalidChange("a parked item needs text: say what to follow up")
    return ParkedItem(
        id=next_parked_id(review.parking_lot),
        question_id=question,
        text=text,
        owner=owner,
        at=now,
        by=by,
    )


def with_parked(review: Review, item: ParkedItem) -> Review:
    return replace(review, parking_lot=(*review.parking_lot, item), updated_at=item.at)


# --- sync with the AWS WA Tool (review.watool decides what; these rules keep it) ------------


def _linked(review: Review) -> WorkloadLink:
    if review.wa_link is None:
        raise InvalidChange("this review is not linked to an AWS WA Tool workload")
    return review.wa_link


def with_workload_link(review: Review, link: WorkloadLink | None, now: datetime) -> Review:
    """The review linked to this WA Tool workload (None forgets the link)."""
    if link == review.wa_link:
        return review
    return replace(review, wa_link=link, updated_at=now)


def with_sync_agreed(review: Review, synced: Iterable[SyncedQuestion]) -> Review:
    """The review remembering what both sides agreed for some questions (answers are not
    touched); refused when the review is not linked to a workload."""
    link = _linked(review)
    new_link = link.with_synced(synced)
    if new_link == link:
        return review
    return replace(review, wa_link=new_link)


def with_remote_answers(
    pillar: Pillar,
    review: Review,
    answers: Iterable[tuple[str, AnswerStatus, NotApplicableReason | None]],
    states: Iterable[QuestionState],
    synced: Iterable[SyncedQuestion],
    *,
    by: str,
    why: str,
    now: datetime,
) -> Review:
    """Answers and question states taken from the AWS WA Tool, and what both sides agree
    afterwards. Best practices whose status and reason do not change are left as they are
    (who answered them and when are kept); every change is in the history with `by` and
    `why`, like any other answer. Returns `review` itself when nothing changes."""
    link = _linked(review)
    responses = review.responses
    new_answers: list[Answer] = []
    history: list[AnswerChange] = []
    for bp_id, status, reason in answers:
        bp_id = best_practice_id(pillar, bp_id)
        old = responses.answer(bp_id)
        if old.status is status and old.reason is reason:
            continue
        new_answers.append(Answer(bp_id, status, reason, old.note, by, now))
        history.append(AnswerChange(bp_id, now, by, old.status, status, why))
    new_states = [
        s
        for s in states
        if question_id(pillar, s.question_id) and s != responses.question_state(s.question_id)
    ]
    responses = responses.with_answers(new_answers)
    for state in new_states:
        responses = responses.with_question_state(state)
    new = replace(
        review,
        responses=responses,
        history=(*review.history, *history),
        wa_link=link.with_synced(synced),
        updated_at=now if new_answers or new_states else review.updated_at,
    )
    return review if new == review else new
