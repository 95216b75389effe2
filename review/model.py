"""What a review is: immutable values for the review, its answers and its milestones.

Every change to a review produces a new value (`dataclasses.replace` and the `with_*`
helpers below); only `review.store` writes them to disk. Domain words follow docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

from checks.result import ScanResult

if TYPE_CHECKING:
    from review.plan import PlanTracking

WA_NOTES_LIMIT = 2084
"""The AWS WA Tool's limit for question notes; pillar keeps longer notes but warns."""

THE_ROOM = "the room"
"""Who decided an answer when the facilitator does not pick a participant."""

UNKNOWN_PERSON = "unknown"
"""Who is shown when an answer's author is not known (see `review.vocabulary`)."""


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC (all review times are UTC)."""
    return datetime.now(UTC)


class Environment(StrEnum):
    """The workload environment, as the AWS WA Tool names it."""

    PRODUCTION = "PRODUCTION"
    PREPRODUCTION = "PREPRODUCTION"


class AnswerStatus(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"
    UNANSWERED = "unanswered"


class NotApplicableReason(StrEnum):
    """Why a best practice or question does not apply (the WA Tool's reason set)."""

    OUT_OF_SCOPE = "OUT_OF_SCOPE"
    BUSINESS_PRIORITIES = "BUSINESS_PRIORITIES"
    ARCHITECTURE_CONSTRAINTS = "ARCHITECTURE_CONSTRAINTS"
    OTHER = "OTHER"
    NONE = "NONE"


class AnswerSource(StrEnum):
    """Who decided an answer: a person, or a person accepting a proposal from evidence."""

    PERSON = "person"
    EVIDENCE = "evidence"


@dataclass(frozen=True, slots=True)
class Answer:
    """The answer for one best practice (SECnn-BPmm)."""

    bp_id: str
    status: AnswerStatus = AnswerStatus.UNANSWERED
    reason: NotApplicableReason | None = None
    note: str = ""
    by: str = ""
    at: datetime | None = None
    source: AnswerSource = AnswerSource.PERSON

    def __post_init__(self) -> None:
        if self.reason is not None and self.status is not AnswerStatus.NOT_APPLICABLE:
            raise ValueError("a not-applicable reason needs the status not_applicable")

    @property
    def source_label(self) -> str:
        """'person', or 'evidence (accepted by NAME)' for an accepted proposal."""
        if self.source is AnswerSource.EVIDENCE:
            return f"evidence (accepted by {self.by or UNKNOWN_PERSON})"
        return "person"


@dataclass(frozen=True, slots=True)
class QuestionState:
    """What was said about a whole question (SECnn)."""

    question_id: str
    does_not_apply: bool = False
    reason: NotApplicableReason | None = None
    none_of_these: bool = False
    notes: str = ""

    @property
    def is_default(self) -> bool:
        return self == QuestionState(self.question_id)


@dataclass(frozen=True, slots=True)
class Responses:
    """The answers and question states of a review at one point in time.

    Lookups return the "nothing said yet" value for best practices and questions that were
    never touched, so callers never deal with missing keys.
    """

    answers: tuple[Answer, ...] = ()
    questions: tuple[QuestionState, ...] = ()
    _answers: dict[str, Answer] = field(default_factory=dict, repr=False, compare=False)
    _questions: dict[str, QuestionState] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for answer in self.answers:
            if answer.bp_id in self._answers:
                raise ValueError(f"two answers for {answer.bp_id}")
            self._answers[answer.bp_id] = answer
        for state in self.questions:
            if state.question_id in self._questions:
                raise ValueError(f"two states for {state.question_id}")
            self._questions[state.question_id] = state

    def answer(self, bp_id: str) -> Answer:
        found = self._answers.get(bp_id)
        return found if found is not None else Answer(bp_id)

    def question_state(self, question_id: str) -> QuestionState:
        found = self._questions.get(question_id)
        return found if found is not None else QuestionState(question_id)

    @property
    def by_best_practice(self) -> Mapping[str, Answer]:
        """The stored answers by best-practice id (read-only view)."""
        return MappingProxyType(self._answers)

    def with_answer(self, answer: Answer) -> Responses:
        others = [a for a in self.answers if a.bp_id != answer.bp_id]
        return Responses(_sorted_answers([*others, answer]), self.questions)

    def with_answers(self, answers: Iterable[Answer]) -> Responses:
        new = {a.bp_id: a for a in answers}
        kept = [a for a in self.answers if a.bp_id not in new]
        return Responses(_sorted_answers([*kept, *new.values()]), self.questions)

    def with_question_state(self, state: QuestionState) -> Responses:
        others = [q for q in self.questions if q.question_id != state.question_id]
        states = sorted([*others, state], key=lambda q: q.question_id)
        return Responses(self.answers, tuple(states))


def _sorted_answers(answers: Iterable[Answer]) -> tuple[Answer, ...]:
    return tuple(sorted(answers, key=lambda a: a.bp_id))


@dataclass(frozen=True, slots=True)
class AnswerChange:
    """One entry of a review's answer history: who changed what, when, and why."""

    bp_id: str
    at: datetime
    by: str
    before: AnswerStatus
    after: AnswerStatus
    why: str = ""
    source: AnswerSource = AnswerSource.PERSON


@dataclass(frozen=True, slots=True)
class Milestone:
    """A frozen, named copy of a review's answers at a point in time."""

    name: str
    at: datetime
    bank_revision: str
    responses: Responses


@dataclass(frozen=True, slots=True)
class Contradiction:
    """A best practice whose answer disagrees with what the stored evidence proposes."""

    bp_id: str
    answer: Answer
    proposal: AnswerStatus


# --- workshops (the logic is in review.workshop; these are the values a review keeps) ---


@dataclass(frozen=True, slots=True)
class Participant:
    """Someone taking part in the review's workshops."""

    name: str
    role: str = ""

    @property
    def label(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


@dataclass(frozen=True, slots=True)
class AgendaItem:
    question_id: str
    minutes: float


@dataclass(frozen=True, slots=True)
class ParkedItem:
    """A follow-up captured during a workshop, tied to a question; becomes a plan item."""

    id: str  # "P1", "P2", ... unique within the review, never reused
    question_id: str
    text: str
    owner: str
    at: datetime
    by: str

    @property
    def number(self) -> int:
        """1 for P1 (0 if the id is not of that form)."""
        digits = self.id.removeprefix("P")
        return int(digits) if digits.isdigit() else 0


@dataclass(frozen=True, slots=True)
class Workshop:
    """One workshop session on a review, with its agenda and the time spent so far.

    `answered_at_end` and `risks_at_end` are filled in when an ended session is saved
    (review.rules.with_workshop), so a past session's summary keeps the numbers it had
    when it ended. Sessions saved by older pillars have no `paused_at` / `away_seconds`.
    """

    started_at: datetime
    length_minutes: int
    agenda: tuple[AgendaItem, ...]
    spent: tuple[tuple[str, float], ...] = ()  # seconds per question, closed intervals only
    current: str | None = None  # the question whose clock is running
    current_since: datetime | None = None
    ended_at: datetime | None = None
    decided_by: str = THE_ROOM  # who answers are attributed to right now
    answered_at_start: int = 0  # best practices answered when the session started
    risks_at_start: tuple[int, int] = (0, 0)  # (high, medium) question counts at start
    answered_at_end: int | None = None  # best practices answered when the session ended
    risks_at_end: tuple[int, int] | None = None  # (high, medium) when the session ended
    paused_at: datetime | None = None  # when its clocks were paused (None while they run)
    away_seconds: float = 0.0  # time spent paused, left out of the session's elapsed time

    @property
    def active(self) -> bool:
        return self.ended_at is None

    def planned_minutes(self, question_id: str) -> float | None:
        for item in self.agenda:
            if item.question_id == question_id:
                return item.minutes
        return None

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(item.question_id for item in self.agenda)


# --- sync with the AWS WA Tool (the logic is in review.watool) ---------------------------


@dataclass(frozen=True, slots=True)
class SyncedQuestion:
    """What pillar and the AWS WA Tool agreed for one question at the last sync.

    `fingerprint` identifies the question's answer in WA Tool terms (applicable or not,
    selected choices, not-applicable choices with reasons, notes) as both sides held it;
    comparing it with each side now tells local changes, remote changes and conflicts.
    """

    question_id: str  # SECnn
    fingerprint: str
    at: datetime


@dataclass(frozen=True, slots=True)
class WorkloadLink:
    """The AWS WA Tool workload a review syncs with, and what was agreed per question."""

    arn: str  # arn:aws:wellarchitected:<region>:<account>:workload/<id>
    region: str
    linked_at: datetime
    lens_alias: str = "wellarchitected"
    synced: tuple[SyncedQuestion, ...] = ()  # by question id

    @property
    def workload_id(self) -> str:
        return self.arn.rsplit("/", 1)[-1]

    def agreed(self, question_id: str) -> SyncedQuestion | None:
        """What was agreed for a question at the last sync (None: never synced)."""
        for item in self.synced:
            if item.question_id == question_id:
                return item
        return None

    def with_synced(self, items: Iterable[SyncedQuestion]) -> WorkloadLink:
        """This link with the agreements of `items` replacing those of their questions."""
        new = {item.question_id: item for item in items}
        kept = [s for s in self.synced if s.question_id not in new]
        merged = sorted([*kept, *new.values()], key=lambda s: s.question_id)
        return WorkloadLink(self.arn, self.region, self.linked_at, self.lens_alias, tuple(merged))


# --- what a scan of the review covers (the rules and words are in review.scope) -------------


@dataclass(frozen=True, slots=True)
class ScanScope:
    """The accounts, regions and role a scan of the review covers (issue 11).

    Accounts: the organization's active accounts (`organization`; only those under `ous`
    if given, without `excluded`), or the `account_ids` named, or neither: the account of
    the credentials the scan runs with. Regions: `regions`, or none given: the account's
    enabled regions. Accounts other than the caller's are reached by assuming `role_name`
    there ("" = pillar's default role) with `external_id` if that role requires one. The
    AWS profile and endpoint belong to the machine that scans, never to the review.
    """

    organization: bool = False
    ous: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    account_ids: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    role_name: str = ""
    external_id: str = ""

    def __post_init__(self) -> None:
        if self.organization and self.account_ids:
            raise ValueError("a scope is the organization or named accounts, not both")
        if (self.ous or self.excluded) and not self.organization:
            raise ValueError("OUs and excluded accounts only narrow an organization scope")
        if (self.role_name or self.external_id) and not self.multi_account:
            raise ValueError("a role is only assumed in other accounts")

    @property
    def multi_account(self) -> bool:
        """Accounts are listed or named (else: the caller's account alone)."""
        return self.organization or bool(self.account_ids)


@dataclass(frozen=True, slots=True)
class Review:
    """One workload under review, with everything said and found about it."""

    id: str
    name: str
    created_at: datetime
    updated_at: datetime
    description: str = ""
    owner: str = ""
    environment: Environment = Environment.PRODUCTION
    account_ids: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    bank_revision: str = ""
    participants: tuple[Participant, ...] = ()
    last_question: str | None = None
    notes: str = ""
    responses: Responses = field(default_factory=Responses)
    history: tuple[AnswerChange, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    evidence: ScanResult | None = None
    plan: tuple[PlanTracking, ...] = ()  # owner/due/status of plan items (review.plan)
    workshops: tuple[Workshop, ...] = ()  # every session, oldest first
    parking_lot: tuple[ParkedItem, ...] = ()  # follow-ups parked in workshops, P1 first
    wa_link: WorkloadLink | None = None  # the AWS WA Tool workload it syncs with (issue 10)
    scan_scope: ScanScope | None = None  # what its scans cover (None: never set; review.scope)

    def answer(self, bp_id: str) -> Answer:
        return self.responses.answer(bp_id)

    def question_state(self, question_id: str) -> QuestionState:
        return self.responses.question_state(question_id)

    @property
    def active_workshop(self) -> Workshop | None:
        """The running workshop session: the last one not ended (None if there is none)."""
        for workshop in reversed(self.workshops):
            if workshop.ended_at is None:
                return workshop
        return None

    def parked(self, item_id: str) -> ParkedItem:
        """The parked item with this id; KeyError if there is none."""
        for item in self.parking_lot:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def milestone(self, name: str) -> Milestone:
        """The milestone with this name; KeyError if there is none."""
        for milestone in self.milestones:
            if milestone.name == name:
                return milestone
        raise KeyError(name)


def notes_warning(text: str) -> str | None:
    """A warning when notes exceed the WA Tool's limit (pillar keeps them whole)."""
    if len(text) > WA_NOTES_LIMIT:
        return (
            f"notes are {len(text):,} characters, above the AWS WA Tool's limit of "
            f"{WA_NOTES_LIMIT:,}; pillar keeps them whole, but a WA Tool upload would cut them"
        )
    return None
