"""Workshop clocks (pure): pauses, resumes and kills never count time nobody worked.

A model keeps the time the session really ran; every sequence of question switches,
clean pauses, resumes and kills (recovered from the last save) must agree with it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from review.model import AgendaItem, Workshop
from review.workshop import (
    elapsed,
    end_workshop,
    pause,
    recover,
    resume,
    spent_on,
    switch_question,
)

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
QUESTIONS = ("SEC01", "SEC02", "SEC03")


def started() -> Workshop:
    return Workshop(
        started_at=T0,
        length_minutes=60,
        agenda=tuple(AgendaItem(q, 10.0) for q in QUESTIONS),
        current="SEC01",
        current_since=T0,
    )


def total_spent(workshop: Workshop, now: datetime) -> float:
    return sum(spent_on(workshop, q, now) for q in QUESTIONS)


OPERATION = st.one_of(
    st.tuples(st.just("switch"), st.sampled_from(QUESTIONS)),
    st.tuples(st.sampled_from(["pause", "resume", "kill"]), st.none()),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=3600), OPERATION), max_size=25))
def test_clocks_count_only_the_time_the_session_ran(
    steps: list[tuple[int, tuple[str, str | None]]],
) -> None:
    workshop = started()
    now = last_saved = T0
    ran = 0.0  # the model: seconds the session really ran
    running = True
    for seconds, (operation, question) in steps:
        now += timedelta(seconds=seconds)
        if operation == "kill":
            # pillar dies `seconds` after its last save and is reopened later
            workshop = recover(workshop, last_saved)
            running = False
            now += timedelta(hours=5)
        else:
            if running:
                ran += seconds
            if operation == "switch":
                assert question is not None
                if workshop.current != question:  # another question: its clock starts
                    running = True
                workshop = switch_question(workshop, question, now)
            elif operation == "pause":
                workshop = pause(workshop, now)
                running = False
            else:
                workshop = resume(workshop, now)
                running = True
            last_saved = now
        assert elapsed(workshop, now) == pytest.approx(ran)
        assert total_spent(workshop, now) == pytest.approx(ran)
        assert (workshop.paused_at is None) == running
    ended = end_workshop(workshop, now + timedelta(minutes=1))
    final = ran + (60 if running else 0)
    assert elapsed(ended, now + timedelta(days=1)) == pytest.approx(final)
    assert total_spent(ended, now + timedelta(days=1)) == pytest.approx(final)


def test_recover_leaves_paused_and_ended_sessions_alone() -> None:
    paused = pause(started(), T0 + timedelta(minutes=5))
    assert recover(paused, T0 + timedelta(hours=1)) == paused
    ended = end_workshop(started(), T0 + timedelta(minutes=5))
    assert recover(ended, T0 + timedelta(hours=1)) == ended


def test_recover_never_stops_a_clock_before_it_started() -> None:
    moved = switch_question(started(), "SEC02", T0 + timedelta(minutes=10))
    stopped = recover(moved, T0 + timedelta(minutes=2))  # a save older than the switch
    assert stopped.paused_at == T0 + timedelta(minutes=10)
    assert spent_on(stopped, "SEC02", T0 + timedelta(hours=3)) == 0
    assert spent_on(stopped, "SEC01", T0 + timedelta(hours=3)) == 600
