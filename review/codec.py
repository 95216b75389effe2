"""Plain-data forms of review values, shared by the store file and the JSON export.

`*_to_dict` functions give JSON-ready dicts; `*_from_dict` functions check every field
of untrusted data and raise `InvalidReviewData` naming the field, never KeyError or a
TypeError. Dicts stay inside this module, the store and jsonio: other layers get values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from checks.result import ScanResult
from questions.fields import REQUIRED
from questions.fields import Fields as BaseFields
from questions.ids import BP_ID, QUESTION_ID
from review.errors import InvalidReviewData
from review.model import (
    THE_ROOM,
    AgendaItem,
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
    Responses,
    Review,
    ScanScope,
    SyncedQuestion,
    WorkloadLink,
    Workshop,
)
from review.plan import ItemStatus, PlanTracking

REVIEW_ID = re.compile(r"^[0-9a-f]{32}$")
"""Review ids are uuid4 hex: 32 lowercase hex digits (file names derive from them)."""

PARKED_ID = re.compile(r"^P[1-9]\d{0,8}$")

MAX_TEXT = 16 * 1024 * 1024
"""Longest single text field accepted from a file (16 MiB): bigger is hostile, not notes."""

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")


class Fields(BaseFields):
    """One object of a review file or export; errors are `InvalidReviewData` naming the field."""

    MAX_TEXT = MAX_TEXT

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, Mapping):
            raise InvalidReviewData(f"{where} must be an object")
        super().__init__(data, where)

    def fail(self, key: str, problem: str) -> InvalidReviewData:
        return InvalidReviewData(f"{self.where}.{key} {problem}")

    def optional_text(self, key: str) -> str | None:
        return None if self.is_absent(key) else self.text(key)

    def integer(self, key: str) -> int:
        value = self.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(key, "must be a whole number")
        return value

    def number(self, key: str) -> float:
        """A finite number that is not negative (minutes, seconds)."""
        value = self.get(key)
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not math.isfinite(value)
            or value < 0
        ):
            raise self.fail(key, "must be a number, 0 or more")
        return float(value)

    def count(self, key: str, default: int | None = None) -> int:
        """A whole number that is not negative."""
        value = self.get(key, REQUIRED if default is None else default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(key, "must be a whole number, 0 or more")
        return value

    def optional_count(self, key: str) -> int | None:
        if self.is_absent(key):
            return None
        return self.count(key)

    def count_pair(self, key: str) -> tuple[int, int]:
        """Two whole numbers, 0 or more ([high, medium])."""
        value = self.get(key)
        if (
            not isinstance(value, list)
            or len(value) != 2
            or any(not isinstance(v, int) or isinstance(v, bool) or v < 0 for v in value)
        ):
            raise self.fail(key, "must be two whole numbers, 0 or more")
        return (value[0], value[1])

    def optional_count_pair(self, key: str) -> tuple[int, int] | None:
        if self.is_absent(key):
            return None
        return self.count_pair(key)

    def optional_pattern(self, key: str, pattern: re.Pattern[str], what: str) -> str | None:
        if self.is_absent(key):
            return None
        return self.pattern(key, pattern, what)

    def optional_enum(self, key: str, kind: type[E]) -> E | None:
        if self.is_absent(key):
            return None
        return self.enum(key, kind)

    def time(self, key: str) -> datetime:
        value = self.text(key)
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise self.fail(key, "must be an ISO 8601 time") from None
        if parsed.tzinfo is None:
            raise self.fail(key, "must include a time zone")
        return parsed

    def optional_time(self, key: str) -> datetime | None:
        if self.is_absent(key):
            return None
        return self.time(key)

    def text_list(self, key: str) -> tuple[str, ...]:
        return tuple(self.list_of_text(key, []))

    def objects(self, key: str, parse: Callable[[object, str], T]) -> tuple[T, ...]:
        value = self.get(key, [])
        if not isinstance(value, list):
            raise self.fail(key, "must be a list")
        return tuple(parse(item, f"{self.where}.{key}[{i}]") for i, item in enumerate(value))


# --- answers and question states ---------------------------------------------------


def _time_text(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    return {
        "bp": answer.bp_id,
        "status": answer.status.value,
        "reason": answer.reason.value if answer.reason else None,
        "note": answer.note,
        "by": answer.by,
        "at": _time_text(answer.at),
        "source": answer.source.value,
    }


_STATUSES = {member.value: member for member in AnswerStatus}
_REASONS = {member.value: member for member in NotApplicableReason}
_SOURCES = {member.value: member for member in AnswerSource}
_ANSWER_KEYS = {"bp", "status", "reason", "note", "by", "at", "source"}
_CHANGE_KEYS = {"bp", "at", "by", "before", "after", "why", "source"}


def _aware_time(value: object) -> datetime | None:
    """A timezone-aware time from ISO text, or None if `value` is anything else."""
    if type(value) is not str:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def answer_from_dict(data: object, where: str) -> Answer:
    # Fast path for the well-formed documents pillar writes (listing 500 reviews parses
    # 30,000 answers); anything unusual goes through the field-by-field checks below.
    if type(data) is dict and data.keys() == _ANSWER_KEYS:
        bp, note, by, at = data["bp"], data["note"], data["by"], data["at"]
        status = _STATUSES.get(data["status"]) if type(data["status"]) is str else None
        reason = data["reason"]
        reason_ok = reason is None or (
            type(reason) is str and reason in _REASONS and status is AnswerStatus.NOT_APPLICABLE
        )
        source = _SOURCES.get(data["source"]) if type(data["source"]) is str else None
        when = None if at is None else _aware_time(at)
        if (
            type(bp) is str
            and BP_ID.fullmatch(bp)
            and status is not None
            and reason_ok
            and source is not None
            and type(note) is str
            and len(note) <= MAX_TEXT
            and type(by) is str
            and len(by) <= MAX_TEXT
            and (at is None or when is not None)
        ):
            return Answer(bp, status, _REASONS[reason] if reason else None, note, by, when, source)
    return _checked_answer_from_dict(data, where)


def _checked_answer_from_dict(data: object, where: str) -> Answer:
    f = Fields(data, where)
    status = f.enum("status", AnswerStatus)
    reason = f.optional_enum("reason", NotApplicableReason)
    if reason is not None and status is not AnswerStatus.NOT_APPLICABLE:
        raise f.fail("reason", "is only allowed with the status not_applicable")
    return Answer(
        bp_id=f.pattern("bp", BP_ID, "a best-practice id like SEC01-BP01"),
        status=status,
        reason=reason,
        note=f.text("note", ""),
        by=f.text("by", ""),
        at=f.optional_time("at"),
        source=f.enum("source", AnswerSource, AnswerSource.PERSON),
    )


def question_state_to_dict(state: QuestionState) -> dict[str, Any]:
    return {
        "question": state.question_id,
        "does_not_apply": state.does_not_apply,
        "reason": state.reason.value if state.reason else None,
        "none_of_these": state.none_of_these,
        "notes": state.notes,
    }


def question_state_from_dict(data: object, where: str) -> QuestionState:
    f = Fields(data, where)
    return QuestionState(
        question_id=f.pattern("question", QUESTION_ID, "a question id like SEC01"),
        does_not_apply=f.boolean("does_not_apply", False),
        reason=f.optional_enum("reason", NotApplicableReason),
        none_of_these=f.boolean("none_of_these", False),
        notes=f.text("notes", ""),
    )


def responses_to_dict(responses: Responses) -> dict[str, Any]:
    return {
        "answers": [answer_to_dict(a) for a in responses.answers],
        "questions": [question_state_to_dict(q) for q in responses.questions],
    }


def responses_from_dict(data: object, where: str) -> Responses:
    f = Fields(data, where)
    return make_responses(
        f.objects("answers", answer_from_dict),
        f.objects("questions", question_state_from_dict),
        where,
    )


def make_responses(
    answers: tuple[Answer, ...], questions: tuple[QuestionState, ...], where: str
) -> Responses:
    """Responses from parsed parts, sorted, with duplicates reported as invalid data."""
    try:
        return Responses(
            tuple(sorted(answers, key=lambda a: a.bp_id)),
            tuple(sorted(questions, key=lambda q: q.question_id)),
        )
    except ValueError as error:
        raise InvalidReviewData(f"{where}: {error}") from None


# --- history, milestones, evidence ----------------------------------------------------


def change_to_dict(change: AnswerChange) -> dict[str, Any]:
    return {
        "bp": change.bp_id,
        "at": change.at.isoformat(),
        "by": change.by,
        "before": change.before.value,
        "after": change.after.value,
        "why": change.why,
        "source": change.source.value,
    }


def change_from_dict(data: object, where: str) -> AnswerChange:
    if type(data) is dict and data.keys() == _CHANGE_KEYS:
        bp, by, why = data["bp"], data["by"], data["why"]
        at = _aware_time(data["at"])
        before = _STATUSES.get(data["before"]) if type(data["before"]) is str else None
        after = _STATUSES.get(data["after"]) if type(data["after"]) is str else None
        source = _SOURCES.get(data["source"]) if type(data["source"]) is str else None
        if (
            type(bp) is str
            and BP_ID.fullmatch(bp)
            and at is not None
            and before is not None
            and after is not None
            and source is not None
            and type(by) is str
            and len(by) <= MAX_TEXT
            and type(why) is str
            and len(why) <= MAX_TEXT
        ):
            return AnswerChange(bp, at, by, before, after, why, source)
    f = Fields(data, where)
    return AnswerChange(
        bp_id=f.pattern("bp", BP_ID, "a best-practice id like SEC01-BP01"),
        at=f.time("at"),
        by=f.text("by", ""),
        before=f.enum("before", AnswerStatus),
        after=f.enum("after", AnswerStatus),
        why=f.text("why", ""),
        source=f.enum("source", AnswerSource, AnswerSource.PERSON),
    )


def milestone_to_dict(milestone: Milestone) -> dict[str, Any]:
    return {
        "name": milestone.name,
        "at": milestone.at.isoformat(),
        "bank_revision": milestone.bank_revision,
        "responses": responses_to_dict(milestone.responses),
    }


def milestone_from_dict(data: object, where: str) -> Milestone:
    f = Fields(data, where)
    return Milestone(
        name=f.text("name"),
        at=f.time("at"),
        bank_revision=f.text("bank_revision", ""),
        responses=responses_from_dict(f.data.get("responses", {}), f"{where}.responses"),
    )


def evidence_to_dict(scan: ScanResult) -> dict[str, Any]:
    return scan.to_dict()


def evidence_from_dict(data: object, where: str) -> ScanResult:
    if not isinstance(data, Mapping):
        raise InvalidReviewData(f"{where} must be an object")
    try:
        return ScanResult.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InvalidReviewData(f"{where} is not valid scan evidence ({error!r})") from None


# --- plan tracking (owner, due date, status of plan items; review.plan) --------------


def tracking_to_dict(tracking: PlanTracking) -> dict[str, Any]:
    return {
        "item": tracking.item_id,
        "owner": tracking.owner,
        "due": tracking.due.isoformat() if tracking.due else None,
        "status": tracking.status.value,
    }


def tracking_from_dict(data: object, where: str) -> PlanTracking:
    f = Fields(data, where)
    due_text = f.optional_text("due")
    try:
        due = date.fromisoformat(due_text) if due_text is not None else None
    except ValueError:
        raise f.fail("due", "must be a date like 2026-12-31") from None
    return PlanTracking(
        item_id=f.text("item"),
        owner=f.text("owner", ""),
        due=due,
        status=f.enum("status", ItemStatus, ItemStatus.OPEN),
    )


# --- participants, workshops, parking lot (review.workshop) ---------------------------


def participant_to_dict(participant: Participant) -> dict[str, Any]:
    return {"name": participant.name, "role": participant.role}


def participant_from_dict(data: object, where: str) -> Participant:
    """A participant; plain text (the form before schema 2) is a name without a role."""
    if isinstance(data, str):
        if len(data) > MAX_TEXT:
            raise InvalidReviewData(f"{where} is longer than {MAX_TEXT:,} characters")
        return Participant(data)
    f = Fields(data, where)
    return Participant(name=f.text("name"), role=f.text("role", ""))


def agenda_item_to_dict(item: AgendaItem) -> dict[str, Any]:
    return {"question": item.question_id, "minutes": item.minutes}


def agenda_item_from_dict(data: object, where: str) -> AgendaItem:
    f = Fields(data, where)
    return AgendaItem(
        question_id=f.pattern("question", QUESTION_ID, "a question id like SEC01"),
        minutes=f.number("minutes"),
    )


def _spent_from_dict(data: object, where: str) -> tuple[str, float]:
    f = Fields(data, where)
    return (f.pattern("question", QUESTION_ID, "a question id like SEC01"), f.number("seconds"))


def workshop_to_dict(workshop: Workshop) -> dict[str, Any]:
    data = {
        "started_at": workshop.started_at.isoformat(),
        "length_minutes": workshop.length_minutes,
        "agenda": [agenda_item_to_dict(i) for i in workshop.agenda],
        "spent": [{"question": q, "seconds": s} for q, s in workshop.spent],
        "current": workshop.current,
        "current_since": _time_text(workshop.current_since),
        "ended_at": _time_text(workshop.ended_at),
        "decided_by": workshop.decided_by,
        "answered_at_start": workshop.answered_at_start,
        "risks_at_start": list(workshop.risks_at_start),
        "answered_at_end": workshop.answered_at_end,
        "risks_at_end": list(workshop.risks_at_end) if workshop.risks_at_end else None,
    }
    # newer optional fields, written only when they say something (older files lack them)
    if workshop.paused_at is not None:
        data["paused_at"] = workshop.paused_at.isoformat()
    if workshop.away_seconds:
        data["away_seconds"] = workshop.away_seconds
    return data


def workshop_from_dict(data: object, where: str) -> Workshop:
    f = Fields(data, where)
    spent = f.objects("spent", _spent_from_dict)
    if len({q for q, _ in spent}) != len(spent):
        raise f.fail("spent", "names a question twice")
    return Workshop(
        started_at=f.time("started_at"),
        length_minutes=f.count("length_minutes"),
        agenda=f.objects("agenda", agenda_item_from_dict),
        spent=spent,
        current=f.optional_pattern("current", QUESTION_ID, "a question id like SEC01"),
        current_since=f.optional_time("current_since"),
        ended_at=f.optional_time("ended_at"),
        decided_by=f.text("decided_by", THE_ROOM),
        answered_at_start=f.count("answered_at_start", 0),
        risks_at_start=f.count_pair("risks_at_start") if "risks_at_start" in f.data else (0, 0),
        answered_at_end=f.optional_count("answered_at_end"),
        risks_at_end=f.optional_count_pair("risks_at_end"),
        paused_at=f.optional_time("paused_at"),
        away_seconds=f.number("away_seconds") if "away_seconds" in f.data else 0.0,
    )


def parked_to_dict(item: ParkedItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "question": item.question_id,
        "text": item.text,
        "owner": item.owner,
        "at": item.at.isoformat(),
        "by": item.by,
    }


def parked_from_dict(data: object, where: str) -> ParkedItem:
    f = Fields(data, where)
    return ParkedItem(
        id=f.pattern("id", PARKED_ID, "a parked item id like P1"),
        question_id=f.pattern("question", QUESTION_ID, "a question id like SEC01"),
        text=f.text("text"),
        owner=f.text("owner", ""),
        at=f.time("at"),
        by=f.text("by", ""),
    )


def sorted_workshops(workshops: tuple[Workshop, ...], where: str) -> tuple[Workshop, ...]:
    """Sessions oldest first; two sessions with the same start are invalid data."""
    starts = [w.started_at for w in workshops]
    if len(set(starts)) != len(starts):
        raise InvalidReviewData(f"{where}: two workshop sessions have the same start")
    return tuple(sorted(workshops, key=lambda w: w.started_at))


def sorted_parking_lot(items: tuple[ParkedItem, ...], where: str) -> tuple[ParkedItem, ...]:
    """Parked items by number (P1 first); two items with the same id are invalid data."""
    ids = [p.id for p in items]
    if len(set(ids)) != len(ids):
        raise InvalidReviewData(f"{where}: two parked items have the same id")
    return tuple(sorted(items, key=lambda p: p.number))


# --- the AWS WA Tool workload a review syncs with (review.watool) ---------------------

WORKLOAD_ARN = re.compile(
    r"^arn:aws[a-z-]*:wellarchitected:[a-z0-9-]+:\d{12}:workload/[0-9a-f]{32}$"
)
FINGERPRINT = re.compile(r"^[0-9a-f]{16,64}$")


def workload_link_to_dict(link: WorkloadLink) -> dict[str, Any]:
    return {
        "arn": link.arn,
        "region": link.region,
        "linked_at": link.linked_at.isoformat(),
        "lens_alias": link.lens_alias,
        "synced": [
            {"question": s.question_id, "fingerprint": s.fingerprint, "at": s.at.isoformat()}
            for s in link.synced
        ],
    }


def _synced_from_dict(data: object, where: str) -> SyncedQuestion:
    f = Fields(data, where)
    return SyncedQuestion(
        question_id=f.pattern("question", QUESTION_ID, "a question id like SEC01"),
        fingerprint=f.pattern("fingerprint", FINGERPRINT, "a hexadecimal fingerprint"),
        at=f.time("at"),
    )


def workload_link_from_dict(data: object, where: str) -> WorkloadLink:
    f = Fields(data, where)
    synced = f.objects("synced", _synced_from_dict)
    if len({s.question_id for s in synced}) != len(synced):
        raise f.fail("synced", "names a question twice")
    return WorkloadLink(
        arn=f.pattern("arn", WORKLOAD_ARN, "the ARN of an AWS WA Tool workload"),
        region=f.pattern("region", re.compile(r"^[a-z0-9-]{1,40}$"), "an AWS region name"),
        linked_at=f.time("linked_at"),
        lens_alias=f.text("lens_alias", "wellarchitected"),
        synced=tuple(sorted(synced, key=lambda s: s.question_id)),
    )


# --- what a scan of the review covers (review.scope) ----------------------------------


def scan_scope_to_dict(scope: ScanScope) -> dict[str, Any]:
    return {
        "organization": scope.organization,
        "ous": list(scope.ous),
        "excluded_accounts": list(scope.excluded),
        "account_ids": list(scope.account_ids),
        "regions": list(scope.regions),
        "role_name": scope.role_name,
        "external_id": scope.external_id,
    }


def scan_scope_from_dict(data: object, where: str) -> ScanScope:
    from review.scope import InvalidScope, scan_scope

    f = Fields(data, where)
    try:
        return scan_scope(
            organization=f.boolean("organization", False),
            ous=f.text_list("ous"),
            excluded=f.text_list("excluded_accounts"),
            account_ids=f.text_list("account_ids"),
            regions=f.text_list("regions"),
            role_name=f.text("role_name", ""),
            external_id=f.text("external_id", ""),
        )
    except InvalidScope as error:
        raise InvalidReviewData(f"{where}: {error}") from None


# --- the review ---------------------------------------------------------------------


def details_to_dict(review: Review) -> dict[str, Any]:
    """The review's own fields (everything except responses, history, milestones, evidence,
    workshops and the parking lot)."""
    return {
        "id": review.id,
        "name": review.name,
        "description": review.description,
        "owner": review.owner,
        "environment": review.environment.value,
        "account_ids": list(review.account_ids),
        "regions": list(review.regions),
        "bank_revision": review.bank_revision,
        "participants": [participant_to_dict(p) for p in review.participants],
        "created_at": review.created_at.isoformat(),
        "updated_at": review.updated_at.isoformat(),
        "last_question": review.last_question,
        "notes": review.notes,
        "plan": [tracking_to_dict(t) for t in review.plan],
        # Only once linked: files and exports of unlinked reviews stay as they were.
        **({"wa_tool": workload_link_to_dict(review.wa_link)} if review.wa_link else {}),
        # Only once set, likewise (older pillars ignore it: no schema change).
        **({"scan_scope": scan_scope_to_dict(review.scan_scope)} if review.scan_scope else {}),
    }


def review_from_parts(
    details: object,
    responses: Responses,
    history: tuple[AnswerChange, ...],
    milestones: tuple[Milestone, ...],
    evidence: ScanResult | None,
    where: str,
    *,
    workshops: tuple[Workshop, ...] = (),
    parking_lot: tuple[ParkedItem, ...] = (),
) -> Review:
    f = Fields(details, where)
    names = [m.name for m in milestones]
    if len(set(names)) != len(names):
        raise InvalidReviewData(f"{where}: two milestones have the same name")
    link_data = f.data.get("wa_tool")
    wa_link = None if link_data is None else workload_link_from_dict(link_data, f"{where}.wa_tool")
    scope_data = f.data.get("scan_scope")
    scope = None if scope_data is None else scan_scope_from_dict(scope_data, f"{where}.scan_scope")
    last_question = f.optional_text("last_question")
    if last_question is not None and not QUESTION_ID.fullmatch(last_question):
        raise f.fail("last_question", "must be a question id like SEC01")
    return Review(
        id=f.pattern("id", REVIEW_ID, "32 lowercase hex digits"),
        name=f.text("name"),
        created_at=f.time("created_at"),
        updated_at=f.time("updated_at"),
        description=f.text("description", ""),
        owner=f.text("owner", ""),
        environment=f.enum("environment", Environment, Environment.PRODUCTION),
        account_ids=f.text_list("account_ids"),
        regions=f.text_list("regions"),
        bank_revision=f.text("bank_revision", ""),
        participants=f.objects("participants", participant_from_dict),
        last_question=last_question,
        notes=f.text("notes", ""),
        responses=responses,
        history=history,
        milestones=milestones,
        evidence=evidence,
        plan=f.objects("plan", tracking_from_dict),
        workshops=sorted_workshops(workshops, where),
        parking_lot=sorted_parking_lot(parking_lot, where),
        wa_link=wa_link,
        scan_scope=scope,
    )


def review_to_dict(review: Review) -> dict[str, Any]:
    """The whole review as one JSON-ready dict (the export's "review" member)."""
    return {
        **details_to_dict(review),
        "responses": responses_to_dict(review.responses),
        "history": [change_to_dict(c) for c in review.history],
        "milestones": [milestone_to_dict(m) for m in review.milestones],
        "evidence": evidence_to_dict(review.evidence) if review.evidence else None,
        "workshops": [workshop_to_dict(w) for w in review.workshops],
        "parking_lot": [parked_to_dict(p) for p in review.parking_lot],
    }


def review_from_dict(data: object, where: str = "review") -> Review:
    f = Fields(data, where)
    evidence_data = f.data.get("evidence")
    return review_from_parts(
        data,
        responses_from_dict(f.data.get("responses", {}), f"{where}.responses"),
        f.objects("history", change_from_dict),
        f.objects("milestones", milestone_from_dict),
        None if evidence_data is None else evidence_from_dict(evidence_data, f"{where}.evidence"),
        where,
        workshops=f.objects("workshops", workshop_from_dict),
        parking_lot=f.objects("parking_lot", parked_from_dict),
    )
