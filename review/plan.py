"""The prioritized improvement plan: what to do first, and why (issue 6).

One plan item per best practice that is not met, plus each best practice that is still
unanswered but has failing evidence (marked unanswered). Best practices of a question that
does not apply, or answered met or not applicable, give no item.

How the plan is prioritized (also in the README, "How the plan is prioritized"):

    risk      High 3, Medium 2, Low 1                 (the bank's risk level)
    evidence  0 none failing ("no" unverified), 1 a check fails, 2 ten or more failing resources
    ease      2 low effort, 1 medium, 0 high          (the bank's effort estimate)
    score   = 4 * risk + 2 * evidence + ease          (4..18, bigger is more urgent)
    bucket  = Do now   if risk is High, or a quick win:
                       low effort and (risk >= Medium or evidence >= 1)
              Next     else if risk is Medium, or evidence >= 1
              Later    otherwise
    order   = bucket, then score (high first), then question, then best-practice order

Every input moves an item only up when it rises (risk, evidence) or falls (effort): the
property tests in tests/review/test_plan_properties.py prove it.

Owner, due date and status of an item are kept in the review (`Review.plan`, a tuple of
`PlanTracking`), keyed by the item id (the best-practice id, or P1, P2, ... for parked
items).

Parked items (the workshop's parking lot, `Review.parking_lot`) are plan items too
(`origin=Origin.PARKING_LOT`, made by `parking_lot_item`), placed by the same function:

    risk      the highest risk among its question's other plan items, or Medium if the
              question has none
    evidence  none
    effort    low
    owner     the owner given when parking, until the plan item's owner is set

so a parked item is a quick win (Do now) and comes after the assessment items of the same
question with the same score. `build_plan(..., extra=...)` takes further items.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from checks.result import AccountStatus, CheckResult, ScanResult, Status
from questions import BestPractice, Effort, Pillar, Risk
from questions.ids import question_number
from review.accounts import ACCOUNTS_SHOWN, NAME_LIMIT, accounts_phrase, plural, scan_accounts
from review.model import Answer, AnswerStatus, ParkedItem, Review
from review.risk import effective_status

WIDESPREAD = 10
"""Failing resources from which evidence counts as widespread (evidence level 2)."""

EXAMPLES = 3
"""How many failing resources an item names."""


class Bucket(StrEnum):
    NOW = "Do now"
    NEXT = "Next"
    LATER = "Later"

    @property
    def rank(self) -> int:
        """0 for Do now, 1 Next, 2 Later: smaller comes first."""
        return {Bucket.NOW: 0, Bucket.NEXT: 1, Bucket.LATER: 2}[self]

    @property
    def slug(self) -> str:
        """'now', 'next' or 'later' (the CLI's --bucket values)."""
        return {Bucket.NOW: "now", Bucket.NEXT: "next", Bucket.LATER: "later"}[self]

    @classmethod
    def from_slug(cls, slug: str) -> Bucket:
        for bucket in cls:
            if slug.strip().lower() in (bucket.slug, bucket.value.lower()):
                return bucket
        raise ValueError(f"unknown bucket {slug!r}: use now, next or later")


class ItemStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Origin(StrEnum):
    """Where a plan item comes from."""

    ASSESSMENT = "assessment"  # a best practice not met, or unanswered with failing evidence
    PARKING_LOT = "parking_lot"  # a follow-up parked in a workshop (Review.parking_lot)


class Evidence(StrEnum):
    """How strongly checks confirm that a best practice is not established."""

    NONE = "none"  # nothing failing: an unverified "no"
    CONFIRMED = "confirmed"  # at least one check fails
    WIDESPREAD = "widespread"  # WIDESPREAD or more failing resources

    @property
    def rank(self) -> int:
        return {Evidence.NONE: 0, Evidence.CONFIRMED: 1, Evidence.WIDESPREAD: 2}[self]


def ease(effort: Effort) -> int:
    """2 for low effort, 1 medium, 0 high: bigger is easier."""
    return 3 - effort.rank


@dataclass(frozen=True, slots=True)
class Placement:
    """Where the priority function puts an item, with its score and the reason."""

    bucket: Bucket
    score: int
    why: str


def priority_score(risk: Risk, evidence: Evidence, effort: Effort) -> int:
    """4 * risk + 2 * evidence + ease (4..18); see the module docstring."""
    return 4 * risk.rank + 2 * evidence.rank + ease(effort)


def is_quick_win(risk: Risk, evidence: Evidence, effort: Effort) -> bool:
    """Low effort, and either at least Medium risk or confirmed by a failing check."""
    return effort is Effort.LOW and (risk.rank >= Risk.MEDIUM.rank or evidence.rank >= 1)


def bucket_of(risk: Risk, evidence: Evidence, effort: Effort) -> Bucket:
    if risk is Risk.HIGH or is_quick_win(risk, evidence, effort):
        return Bucket.NOW
    if risk is Risk.MEDIUM or evidence.rank >= 1:
        return Bucket.NEXT
    return Bucket.LATER


def _found(evidence: Evidence, failing_resources: int) -> str:
    if evidence is Evidence.NONE:
        return "no check confirms it yet"
    if failing_resources:
        noun = "resource" if failing_resources == 1 else "resources"
        return f"checks confirm {failing_resources:,} failing {noun}"
    return "a check confirms it"


def place(risk: Risk, evidence: Evidence, effort: Effort, failing_resources: int = 0) -> Placement:
    """The bucket, score and one-sentence reason for an item with these inputs."""
    bucket = bucket_of(risk, evidence, effort)
    found = _found(evidence, failing_resources)
    if bucket is Bucket.NOW and risk is Risk.HIGH:
        why = f"High risk, {effort.value} effort; {found}."
    elif bucket is Bucket.NOW:
        why = f"Quick win: low effort, {risk.value} risk; {found}."
    elif bucket is Bucket.NEXT and risk is Risk.MEDIUM:
        why = f"Medium risk, {effort.value} effort; {found}."
    elif bucket is Bucket.NEXT:
        why = f"Low risk, {effort.value} effort, but {found}."
    else:
        why = f"Low risk, {effort.value} effort; {found}."
    return Placement(bucket, priority_score(risk, evidence, effort), why)


# --- evidence -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FailingCheck:
    """One check that fails for the best practice, over all regions."""

    check_id: str
    title: str
    regions: tuple[str, ...]
    failing_resources: int
    accounts: int = 0  # accounts it fails in (multi-account evidence only; else 0)


@dataclass(frozen=True, slots=True)
class EvidenceSummary:
    """What the stored scan found for one best practice."""

    failing_checks: tuple[FailingCheck, ...] = ()
    failing_resources: int = 0
    examined_resources: int = 0
    examples: tuple[str, ...] = ()
    unknown_checks: int = 0
    checks: int = 0
    # Titles of advisory checks (an optional control not in place): shown, never weighed.
    not_in_place: tuple[str, ...] = ()
    # Multi-account evidence only (else 0 and ()): the accounts scanned and not scanned,
    # and the scanned accounts where a check fails, in scan order.
    accounts_scanned: int = 0
    accounts_not_scanned: int = 0
    failing_accounts: tuple[AccountStatus, ...] = ()

    @property
    def level(self) -> Evidence:
        if self.failing_resources >= WIDESPREAD:
            return Evidence.WIDESPREAD
        if self.failing_checks or self.failing_resources:
            return Evidence.CONFIRMED
        return Evidence.NONE

    @property
    def text(self) -> str:
        """One line: failing checks, accounts, resource counts and a few named resources
        (at most `ACCOUNTS_SHOWN` accounts named: short enough for a terminal)."""
        return self.describe(ACCOUNTS_SHOWN)

    @property
    def full_text(self) -> str:
        """`text` naming every failing account (the exports)."""
        return self.describe(None)

    def describe(self, accounts_shown: int | None) -> str:
        """The line, naming at most `accounts_shown` failing accounts (None: all of them,
        with their names uncut)."""
        if not self.checks:
            return "No automated evidence."
        advisory = (
            f" Not in place (advisory): {', '.join(self.not_in_place)}."
            if self.not_in_place
            else ""
        )
        many = self.accounts_scanned > 0
        where = f" in {plural(self.accounts_scanned, 'account')}" if many else ""
        if not self.failing_checks:
            unknown = f", {self.unknown_checks} could not decide" if self.unknown_checks else ""
            return f"No check fails{where} ({self.checks} run{unknown}).{self._skipped()}{advisory}"
        if many:
            names = ", ".join(
                f"{c.title} ({plural(c.accounts, 'account')})" for c in self.failing_checks
            )
        else:
            names = ", ".join(c.title for c in self.failing_checks)
        parts = [f"Failing: {names}"]
        if many:
            noun = "scanned account" if self.accounts_not_scanned else "account"
            phrase = accounts_phrase(
                self.failing_accounts,
                self.accounts_scanned,
                accounts_shown,
                limit=NAME_LIMIT if accounts_shown is not None else None,
                noun=noun,
            )
            parts.append(f"fails in {phrase}")
        if self.failing_resources:
            parts.append(
                f"{self.failing_resources:,} of {self.examined_resources:,} resources fail"
            )
        if self.examples:
            more = self.failing_resources - len(self.examples)
            shown = ", ".join(self.examples) + (f" and {more:,} more" if more > 0 else "")
            parts.append(f"e.g. {shown}")
        return "; ".join(parts) + "." + self._skipped() + advisory

    def _skipped(self) -> str:
        if not self.accounts_not_scanned:
            return ""
        return f" {plural(self.accounts_not_scanned, 'account')} not scanned."


def summarize_evidence(
    results: Sequence[CheckResult], scan: ScanResult | None = None
) -> EvidenceSummary:
    """Fold a best practice's check results into an `EvidenceSummary` (scan order kept).

    With the `scan` they come from, and if it covers several accounts, the summary also
    counts accounts: scanned, not scanned, and where each failing check fails."""
    failing: dict[str, tuple[str, list[str], int]] = {}
    examples: list[str] = []
    failing_total = 0
    examined = 0
    unknown = 0
    not_in_place: dict[str, str] = {}
    failing_in: dict[str, set[str]] = {}
    for result in results:
        if result.status is Status.ADVISORY:
            not_in_place.setdefault(result.check_id, result.title)
        examined += len(result.resources)
        bad = result.failing
        failing_total += len(bad)
        if result.status is Status.UNKNOWN:
            unknown += 1
        if result.status is Status.FAIL or bad:
            title, regions, count = failing.get(result.check_id, (result.title, [], 0))
            if result.region not in regions:
                regions.append(result.region)
            failing[result.check_id] = (title, regions, count + len(bad))
            if scan is not None:
                failing_in.setdefault(result.check_id, set()).add(scan.account_of(result))
        for resource in bad:
            if len(examples) >= EXAMPLES:
                break
            account = scan.account_of(result) if scan is not None and scan.multi_account else ""
            # Across accounts, an id that does not name its account ('root') gets it.
            examples.append(
                f"{resource.id} ({account})"
                if account and account not in resource.id
                else resource.id
            )
    many = scan if scan is not None and scan.multi_account else None
    scanned = set(many.scanned_accounts()) if many is not None else set()
    failing_ids = set().union(*failing_in.values()) & scanned
    return EvidenceSummary(
        failing_checks=tuple(
            FailingCheck(
                check_id,
                title,
                tuple(regions),
                count,
                len(failing_in.get(check_id, set()) & scanned),
            )
            for check_id, (title, regions, count) in failing.items()
        ),
        failing_resources=failing_total,
        examined_resources=examined,
        examples=tuple(examples),
        unknown_checks=unknown,
        checks=len(results),
        not_in_place=tuple(not_in_place.values()),
        accounts_scanned=len(scanned),
        accounts_not_scanned=(
            sum(1 for a in many.account_statuses() if not a.scanned) if many is not None else 0
        ),
        failing_accounts=(
            tuple(a for a in scan_accounts(many) if a.account_id in failing_ids)
            if many is not None
            else ()
        ),
    )


# --- tracking kept in the review ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanTracking:
    """Owner, due date and status of one plan item, kept in the review (`Review.plan`)."""

    item_id: str
    owner: str = ""
    due: date | None = None
    status: ItemStatus = ItemStatus.OPEN

    @property
    def is_default(self) -> bool:
        return self == PlanTracking(self.item_id)


def default_tracking(review: Review, item_id: str) -> PlanTracking:
    """An item's tracking before anyone set it: open, no due date, and no owner (for a
    parked item, the owner given when it was parked)."""
    for parked in review.parking_lot:
        if parked.id == item_id:
            return PlanTracking(item_id, owner=parked.owner)
    return PlanTracking(item_id)


def tracking_of(review: Review, item_id: str) -> PlanTracking:
    for tracking in review.plan:
        if tracking.item_id == item_id:
            return tracking
    return default_tracking(review, item_id)


def with_tracking(review: Review, tracking: PlanTracking) -> Review:
    """The review with this item's tracking set (its default value removes the entry)."""
    kept = [t for t in review.plan if t.item_id != tracking.item_id]
    if tracking != default_tracking(review, tracking.item_id):
        kept.append(tracking)
    return replace(review, plan=tuple(sorted(kept, key=lambda t: t.item_id)))


# --- the plan -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One thing to do. For assessment items `id` is the best-practice id."""

    id: str
    title: str
    question_id: str
    question_title: str
    area: str
    risk: Risk
    effort: Effort
    answer: AnswerStatus
    evidence: EvidenceSummary
    note: str
    steps: tuple[str, ...]
    links: tuple[str, ...]
    placement: Placement
    tracking: PlanTracking
    question_order: int = 0
    order: int = 0
    origin: Origin = Origin.ASSESSMENT

    @property
    def bucket(self) -> Bucket:
        return self.placement.bucket

    @property
    def score(self) -> int:
        return self.placement.score

    @property
    def why(self) -> str:
        return self.placement.why

    @property
    def unanswered(self) -> bool:
        return self.answer is AnswerStatus.UNANSWERED

    @property
    def sort_key(self) -> tuple[int, int, int, int, int]:
        parked = 1 if self.origin is Origin.PARKING_LOT else 0
        return (self.bucket.rank, -self.score, self.question_order, parked, self.order)


@dataclass(frozen=True, slots=True)
class Plan:
    items: tuple[PlanItem, ...]

    def bucket(self, bucket: Bucket) -> tuple[PlanItem, ...]:
        return tuple(item for item in self.items if item.bucket is bucket)

    def item(self, item_id: str) -> PlanItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def __len__(self) -> int:
        return len(self.items)


def plan_item(
    bp: BestPractice,
    question_title: str,
    area: str,
    answer: Answer,
    status: AnswerStatus,
    evidence: EvidenceSummary,
    tracking: PlanTracking,
) -> PlanItem:
    """The plan item for one best practice (used by `build_plan`; public for tests)."""
    return PlanItem(
        id=bp.id,
        title=bp.title,
        question_id=bp.question_id,
        question_title=question_title,
        area=area,
        risk=bp.risk,
        effort=bp.effort,
        answer=status,
        evidence=evidence,
        note=answer.note,
        steps=bp.steps,
        links=bp.links,
        placement=place(bp.risk, evidence.level, bp.effort, evidence.failing_resources),
        tracking=tracking,
        question_order=question_number(bp.question_id) or 99,
        order=bp.number,
    )


def parking_lot_item(
    item_id: str,
    title: str,
    *,
    risk: Risk,
    effort: Effort,
    note: str = "",
    area: str = "Parking lot",
    question_id: str = "",
    question_order: int = 99,
    order: int = 0,
    tracking: PlanTracking | None = None,
) -> PlanItem:
    """A plan item raised in the room (the workshop's parking lot)."""
    return PlanItem(
        id=item_id,
        title=title,
        question_id=question_id,
        question_title="",
        area=area,
        risk=risk,
        effort=effort,
        answer=AnswerStatus.NOT_MET,
        evidence=EvidenceSummary(),
        note=note,
        steps=(),
        links=(),
        placement=place(risk, Evidence.NONE, effort),
        tracking=tracking or PlanTracking(item_id),
        question_order=question_order,
        order=order,
        origin=Origin.PARKING_LOT,
    )


TITLE_LIMIT = 100
"""Longest title of a parked item's plan item (the whole text is in its note)."""


def _parked_title(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = lines[0] if lines else text.strip()
    return first if len(first) <= TITLE_LIMIT else first[: TITLE_LIMIT - 1].rstrip() + "…"


def parked_plan_items(
    pillar: Pillar, review: Review, assessment: Iterable[PlanItem] = ()
) -> list[PlanItem]:
    """The plan items of the review's parked items (`assessment`: the other plan items,
    whose highest risk per question a parked item takes; Medium when there is none)."""
    highest: dict[str, Risk] = {}
    for item in assessment:
        known = highest.get(item.question_id)
        if known is None or item.risk.rank > known.rank:
            highest[item.question_id] = item.risk
    items: list[PlanItem] = []
    for parked in review.parking_lot:
        items.append(_parked_item(pillar, parked, highest.get(parked.question_id, Risk.MEDIUM)))
    return items


def _parked_item(pillar: Pillar, parked: ParkedItem, risk: Risk) -> PlanItem:
    title = _parked_title(parked.text)
    try:
        question = pillar.question(parked.question_id)
        question_title, area = question.title, question.area
    except KeyError:  # a question the bank no longer has
        question_title, area = "", "Parking lot"
    item = parking_lot_item(
        parked.id,
        title,
        risk=risk,
        effort=Effort.LOW,
        note=parked.text if parked.text.strip() != title else "",
        area=area,
        question_id=parked.question_id,
        question_order=question_number(parked.question_id) or 99,
        order=parked.number,
        tracking=PlanTracking(parked.id, owner=parked.owner),
    )
    return replace(item, question_title=question_title)


def build_plan(pillar: Pillar, review: Review, extra: Iterable[PlanItem] = ()) -> Plan:
    """The review's plan: items placed by the priority function, in plan order (the
    review's parked items included)."""
    answers = review.responses.by_best_practice
    scan: ScanResult | None = review.evidence
    tracked = {t.item_id: t for t in review.plan}
    items: list[PlanItem] = []
    for area in pillar.areas:
        for question in area.questions:
            state = review.question_state(question.id)
            for bp in question.best_practices:
                status = effective_status(bp.id, state, answers)
                if status not in (AnswerStatus.NOT_MET, AnswerStatus.UNANSWERED):
                    continue
                evidence = summarize_evidence(scan.evidence_for(bp.id) if scan else (), scan)
                if status is AnswerStatus.UNANSWERED and evidence.level is Evidence.NONE:
                    continue
                items.append(
                    plan_item(
                        bp,
                        question.title,
                        area.name,
                        review.answer(bp.id),
                        status,
                        evidence,
                        tracked.get(bp.id, PlanTracking(bp.id)),
                    )
                )
    for item in [*parked_plan_items(pillar, review, items), *extra]:
        items.append(replace(item, tracking=tracked.get(item.id, item.tracking)))
    return Plan(tuple(sorted(items, key=lambda item: item.sort_key)))
