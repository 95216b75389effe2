"""Workshop sessions: an agenda with time per question, timers, a parking lot, attribution.

All of it is plain values and pure functions of a clock reading (`now`), so a workshop
can be stopped and resumed with its timers where they were, and tests use a fake clock.
The values a review keeps (Participant, AgendaItem, ParkedItem, Workshop) live in
`review.model` (the store and codec need them without the risk rules) and are
re-exported here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from questions import Pillar
from review.model import (
    THE_ROOM,
    AgendaItem,
    AnswerStatus,
    ParkedItem,
    Participant,
    Review,
    Workshop,
)
from review.risk import effective_status, review_risk

__all__ = [
    "MIN_MINUTES",
    "THE_ROOM",
    "WRAP_UP_SHARE",
    "AgendaItem",
    "AreaTime",
    "ParkedItem",
    "Participant",
    "Workshop",
    "WorkshopSummary",
    "elapsed",
    "end_workshop",
    "format_clock",
    "overrun",
    "pause",
    "propose_agenda",
    "recover",
    "resume",
    "spent_on",
    "start_workshop",
    "summarize_workshop",
    "switch_question",
]

WRAP_UP_SHARE = 0.1
"""Share of the session kept free for the end-of-session summary and questions."""

MIN_MINUTES = 2.0
"""No question on the agenda gets less time than this."""


def propose_agenda(
    pillar: Pillar, review: Review, length_minutes: int, question_ids: Iterable[str]
) -> tuple[AgendaItem, ...]:
    """Time per question for a session of `length_minutes` over `question_ids`.

    Weight = number of best practices still open (unanswered or not met) + 1, plus 2 for
    each not-met High-risk or failing-evidence best practice: more to decide, more time.
    10% of the session is kept for wrap-up; every question gets at least MIN_MINUTES, or
    an equal share when the session is too short for that. The plan never exceeds the
    session.
    """
    known = {q.id for q in pillar.questions}
    ids = [q for q in question_ids if q in known]
    if not ids:
        return ()
    answers = review.responses.by_best_practice
    weights: list[float] = []
    for question_id in ids:
        question = pillar.question(question_id)
        state = review.question_state(question_id)
        weight = 1.0
        for bp in question.best_practices:
            status = effective_status(bp.id, state, answers)
            if status in (AnswerStatus.UNANSWERED, AnswerStatus.NOT_MET):
                weight += 1
            failing = review.evidence is not None and any(
                r.failing for r in review.evidence.evidence_for(bp.id)
            )
            if status is AnswerStatus.NOT_MET or failing:
                weight += 2 if bp.risk.value == "High" else 1
        weights.append(weight)
    budget = length_minutes * (1 - WRAP_UP_SHARE)
    floor = min(MIN_MINUTES, budget / len(ids))
    total = sum(weights)
    spare = budget - floor * len(ids)  # shared by weight on top of every question's floor
    return tuple(
        AgendaItem(question_id, math.floor((floor + spare * weight / total) * 10) / 10)
        for question_id, weight in zip(ids, weights, strict=True)
    )


def start_workshop(
    pillar: Pillar,
    review: Review,
    *,
    now: datetime,
    length_minutes: int,
    agenda: tuple[AgendaItem, ...],
) -> Workshop:
    summary = review_risk(pillar, review.responses)
    first = agenda[0].question_id if agenda else None
    return Workshop(
        started_at=now,
        length_minutes=length_minutes,
        agenda=agenda,
        current=first,
        current_since=now if first else None,
        answered_at_start=summary.best_practices_answered,
        risks_at_start=(summary.counts.high, summary.counts.medium),
    )


def _closed(workshop: Workshop, now: datetime) -> dict[str, float]:
    """Seconds per question including the running interval up to `now`."""
    spent = dict(workshop.spent)
    if workshop.current is not None and workshop.current_since is not None:
        running = max(0.0, (now - workshop.current_since).total_seconds())
        spent[workshop.current] = spent.get(workshop.current, 0.0) + running
    return spent


def spent_on(workshop: Workshop, question_id: str, now: datetime) -> float:
    """Seconds spent on a question in this session (its clock included, if running)."""
    return _closed(workshop, now).get(question_id, 0.0)


def elapsed(workshop: Workshop, now: datetime) -> float:
    """Seconds the session has run: from its start to its end (or to `now`, or to when
    its clocks were paused), less the time it spent paused (the app closed or killed)."""
    end = workshop.ended_at or workshop.paused_at or now
    return max(0.0, (end - workshop.started_at).total_seconds() - workshop.away_seconds)


def switch_question(workshop: Workshop, question_id: str, now: datetime) -> Workshop:
    """Stop the current question's clock and start `question_id`'s (clocks paused
    start again)."""
    if not workshop.active or workshop.current == question_id:
        return workshop
    running = resume(workshop, now)
    spent = _closed(running, now)
    return replace(
        running,
        spent=tuple(sorted(spent.items())),
        current=question_id,
        current_since=now,
    )


def pause(workshop: Workshop, now: datetime) -> Workshop:
    """Stop the clocks (the app closing mid-workshop); `resume` starts them again."""
    if not workshop.active or workshop.paused_at is not None:
        return workshop
    return replace(
        workshop,
        spent=tuple(sorted(_closed(workshop, now).items())),
        current_since=None,
        paused_at=max(now, workshop.current_since or now, workshop.started_at),
    )


def resume(workshop: Workshop, now: datetime) -> Workshop:
    """Restart the clocks where they were paused; the pause is left out of the session's
    elapsed time."""
    if not workshop.active:
        return workshop
    away = workshop.away_seconds
    if workshop.paused_at is not None:
        away += max(0.0, (now - workshop.paused_at).total_seconds())
    elif workshop.current_since is not None:
        return workshop  # running
    return replace(
        workshop,
        current_since=now if workshop.current is not None else None,
        paused_at=None,
        away_seconds=away,
    )


def recover(workshop: Workshop, last_saved: datetime) -> Workshop:
    """The session as it was when an app stopped without pausing it (killed, crashed, a
    power cut): clocks stopped at `last_saved`, the last moment they are known to have
    run (the file's last save). Paused and ended sessions are returned as they are.

    A session paused by an older pillar has a current question without a running clock
    and no `paused_at`; it is left as it is (its pause counts in its elapsed time, as it
    did then).
    """
    if not workshop.active or workshop.paused_at is not None:
        return workshop
    if workshop.current is not None and workshop.current_since is None:
        return workshop
    return pause(workshop, max(last_saved, workshop.current_since or workshop.started_at))


def overrun(workshop: Workshop, question_id: str, now: datetime) -> float:
    """Seconds the question is over its planned time (0 when within, or not planned)."""
    planned = workshop.planned_minutes(question_id)
    if planned is None:
        return 0.0
    return max(0.0, spent_on(workshop, question_id, now) - planned * 60)


def end_workshop(workshop: Workshop, now: datetime) -> Workshop:
    """The session ended at `now` (a pause before that is not counted in its time)."""
    closed = pause(resume(workshop, now), now)
    return replace(closed, current=None, ended_at=now, paused_at=None)


@dataclass(frozen=True, slots=True)
class AreaTime:
    area: str
    planned_minutes: float
    spent_minutes: float


@dataclass(frozen=True, slots=True)
class WorkshopSummary:
    """What a session achieved: for the end-of-session screen, the history and exports."""

    started_at: datetime
    minutes: float
    answered_this_session: int
    high_now: int
    medium_now: int
    new_high: int
    new_medium: int
    parked: tuple[ParkedItem, ...]
    areas: tuple[AreaTime, ...]
    decided: int = 0  # best practices whose answer changed during the session


def summarize_workshop(
    pillar: Pillar,
    review: Review,
    workshop: Workshop,
    parked: Iterable[ParkedItem],
    now: datetime,
) -> WorkshopSummary:
    summary = review_risk(pillar, review.responses)
    answered_now = summary.best_practices_answered
    high_now, medium_now = summary.counts.high, summary.counts.medium
    if not workshop.active and workshop.answered_at_end is not None:
        answered_now = workshop.answered_at_end  # a past session: as it was when it ended
    if not workshop.active and workshop.risks_at_end is not None:
        high_now, medium_now = workshop.risks_at_end
    spent = _closed(workshop, workshop.ended_at or now) if workshop.active else dict(workshop.spent)
    areas: list[AreaTime] = []
    for area in pillar.areas:
        ids = {q.id for q in area.questions}
        planned = sum(i.minutes for i in workshop.agenda if i.question_id in ids)
        used = sum(seconds for qid, seconds in spent.items() if qid in ids) / 60
        if planned or used:
            areas.append(AreaTime(area.name, round(planned, 1), round(used, 1)))
    high_start, medium_start = workshop.risks_at_start
    session_parked = tuple(
        p
        for p in parked
        if p.at >= workshop.started_at and (workshop.ended_at is None or p.at <= workshop.ended_at)
    )
    end = workshop.ended_at or now
    decided = len(
        {change.bp_id for change in review.history if workshop.started_at <= change.at <= end}
    )
    return WorkshopSummary(
        decided=decided,
        started_at=workshop.started_at,
        minutes=round(elapsed(workshop, now) / 60, 1),
        answered_this_session=max(0, answered_now - workshop.answered_at_start),
        high_now=high_now,
        medium_now=medium_now,
        new_high=max(0, high_now - high_start),
        new_medium=max(0, medium_now - medium_start),
        parked=session_parked,
        areas=tuple(areas),
    )


def format_clock(seconds: float) -> str:
    """'12:40' (minutes:seconds) or '1:02:05' past an hour."""
    total = int(max(0, seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
