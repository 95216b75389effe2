"""The pillar as typed, immutable values: Pillar -> Area -> Question -> BestPractice.

Nothing here knows about AWS calls, reviews or the UI; this is the content people read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum


class Risk(StrEnum):
    """Level of risk exposed if a best practice is not established (as AWS states it)."""

    HIGH = "High"
    MEDIUM = "Medium"
    LOW = "Low"

    @property
    def rank(self) -> int:
        """3 for High, 2 for Medium, 1 for Low: bigger is riskier."""
        return {Risk.HIGH: 3, Risk.MEDIUM: 2, Risk.LOW: 1}[self]


class Effort(StrEnum):
    """Our estimate of the work needed to establish a best practice."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return {Effort.LOW: 1, Effort.MEDIUM: 2, Effort.HIGH: 3}[self]


class EvidenceRole(StrEnum):
    """What automated evidence can say about a best practice.

    verdict: account settings largely decide it; checks may propose met / not met.
    signal:  it is partly about process; evidence informs the discussion, people decide.
    manual:  no useful account evidence exists; it is answered in the room.
    """

    VERDICT = "verdict"
    SIGNAL = "signal"
    MANUAL = "manual"


class ClassicArea(StrEnum):
    """The five classic areas of the Security Pillar (foundations and appsec have none)."""

    IAM = "Identity and access management"
    DETECTIVE = "Detective controls"
    INFRASTRUCTURE = "Infrastructure protection"
    DATA = "Data protection"
    INCIDENT_RESPONSE = "Incident response"


@dataclass(frozen=True, slots=True)
class BestPractice:
    id: str
    question_id: str
    title: str
    risk: Risk
    risk_source: str
    risk_verified: bool
    choice_id: str | None
    description: str
    evidence: tuple[str, ...]
    evidence_role: EvidenceRole
    steps: tuple[str, ...]
    effort: Effort
    links: tuple[str, ...]

    @property
    def number(self) -> int:
        """2 for SEC03-BP02: the order of the best practice within its question."""
        return int(self.id.rsplit("BP", 1)[1])


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    wa_question_id: str
    area: str
    classic_area: ClassicArea | None
    title: str
    why_it_matters: str
    prompts: tuple[str, ...]
    best_practices: tuple[BestPractice, ...]
    source: str
    none_choice_id: str | None = None
    """The WA Tool's "None of these" choice of this question (e.g. sec_identities_no)."""

    @property
    def number(self) -> int:
        return int(self.id.removeprefix("SEC"))

    def best_practice_of_choice(self, choice_id: str) -> BestPractice | None:
        """The best practice whose WA Tool choice id is `choice_id` (None if none is)."""
        for bp in self.best_practices:
            if bp.choice_id == choice_id:
                return bp
        return None

    def best_practice(self, bp_id: str) -> BestPractice:
        for bp in self.best_practices:
            if bp.id == bp_id:
                return bp
        raise KeyError(bp_id)


@dataclass(frozen=True, slots=True)
class Area:
    name: str
    questions: tuple[Question, ...]


@dataclass(frozen=True, slots=True)
class Pillar:
    id: str
    name: str
    revision: str
    revision_note: str
    source: str
    areas: tuple[Area, ...]
    _questions: dict[str, Question] = field(default_factory=dict, repr=False, compare=False)
    _best_practices: dict[str, BestPractice] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        for area in self.areas:
            for question in area.questions:
                self._questions[question.id] = question
                for bp in question.best_practices:
                    self._best_practices[bp.id] = bp

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(self._questions.values())

    def best_practices(self) -> Iterator[BestPractice]:
        yield from self._best_practices.values()

    def question(self, question_id: str) -> Question:
        """The question with this id (case-insensitive); KeyError if there is none."""
        return self._questions[question_id.upper()]

    def best_practice(self, bp_id: str) -> BestPractice:
        """The best practice with this id (case-insensitive); KeyError if there is none."""
        return self._best_practices[bp_id.upper()]

    def has_best_practice(self, bp_id: str) -> bool:
        return bp_id.upper() in self._best_practices

    def question_of(self, bp_id: str) -> Question:
        return self._questions[self.best_practice(bp_id).question_id]

    @property
    def best_practice_count(self) -> int:
        return len(self._best_practices)
