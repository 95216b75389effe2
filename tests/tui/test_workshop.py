"""A timed workshop driven with a fake clock: agenda, overrun warning, parking, attribution,
presenter view, end-of-session summary, and resume mid-session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from textual.widgets import Input

from review.model import AnswerStatus
from review.plan import build_plan
from review.store import ReviewStore
from tui.screens.dialogs import ConfirmDialog
from tui.screens.review import ReviewScreen
from tui.screens.workshop import (
    DecidedByDialog,
    ParkDialog,
    PresenterScreen,
    WorkshopSetupScreen,
    WorkshopSummaryScreen,
)
from tui.widgets.workshop_bar import WorkshopBar

from .conftest import make_app
from .test_journey import settle, wait_for


class FakeClock:
    def __init__(self) -> None:
        # Starts at the real time: the store stamps answers with the real clock, and the
        # session summary counts answers changed between the session's start and end.
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


def bar_text(screen: ReviewScreen) -> str:
    bar = screen.query_one(WorkshopBar)
    bar.refresh_clock()
    rendered: Any = bar.render()
    return str(rendered)


async def test_timed_workshop_and_resume(store: ReviewStore) -> None:
    review = store.create("Payments platform")
    clock = FakeClock()
    app = make_app(store, open_review=review.id, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        screen = app.screen
        assert isinstance(screen, ReviewScreen)

        # Agenda: 60 minutes, two participants, every question proposed (all open).
        await pilot.press("w")
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, WorkshopSetupScreen) and bool(app.screen.query("#propose"))
            ),
        )
        setup = app.screen
        setup.query_one("#length", Input).value = "60"
        setup.query_one("#people", Input).value = "Sam: security lead, Ana: developer"
        await pilot.click("#propose")
        await pilot.pause()
        planned = sum(item.minutes for item in setup.agenda)
        assert len(setup.agenda) == 11
        assert 50 <= planned <= 60
        sec01 = setup.agenda[0].minutes
        await pilot.press("plus")  # the facilitator gives SEC01 a minute more
        assert setup.agenda[0].minutes == sec01 + 1
        await pilot.click("#start")
        await settle(pilot, app)
        workshop = screen.review.active_workshop
        assert workshop is not None and workshop.current == "SEC01"
        assert [p.name for p in screen.review.participants] == ["Sam", "Ana"]
        assert "SEC01 0:00" in bar_text(screen)

        # Time passes past SEC01's plan: a calm warning with the suggestion to park.
        clock.advance(sec01 + 2)
        text = bar_text(screen)
        assert "over by 1:00" in text or "over by 0:59" in text
        assert "k park" in text

        # Park a follow-up; it lands in the plan.
        await pilot.press("k")
        await wait_for(pilot, lambda: isinstance(app.screen, ParkDialog))
        await pilot.press(*"check SCP coverage", "enter", *"Sam", "enter")
        await settle(pilot, app)
        assert [(p.id, p.question_id, p.owner) for p in screen.review.parking_lot] == [
            ("P1", "SEC01", "Sam")
        ]
        assert "P1" in {item.id for item in build_plan(store.pillar, screen.review).items}

        # Attribution: Ana decides the next answer.
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DecidedByDialog))
        await pilot.press("down", "down", "enter")
        await settle(pilot, app)
        await pilot.press("space")
        await settle(pilot, app)
        assert screen.review.answer("SEC01-BP01").by == "Ana"
        assert screen.review.answer("SEC01-BP01").status is AnswerStatus.MET

        # Presenter view shows the question without chrome, and returns.
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, PresenterScreen))
        await pilot.press("v")
        await wait_for(pilot, lambda: app.screen is screen)

        # Move on: SEC01's clock stops, SEC02's starts.
        await pilot.press("n")
        await settle(pilot, app)
        clock.advance(3)
        assert "SEC02 3:00" in bar_text(screen)
        await pilot.press("ctrl+q")

    # Resume mid-session: same question, clocks where they were (the closed time is not counted).
    saved = store.load(review.id)
    assert saved.active_workshop is not None and saved.active_workshop.current == "SEC02"
    clock.advance(30)  # the app was closed for half an hour
    again = make_app(store, open_review=review.id, clock=clock)
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(again.screen, ReviewScreen))
        screen = again.screen
        assert isinstance(screen, ReviewScreen)
        await settle(pilot, again)
        assert screen.question.id == "SEC02"
        clock.advance(1)
        assert "SEC02 4:00" in bar_text(screen)

        # End of session: summary with answered count, parking lot and time per area.
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(again.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(again.screen, WorkshopSummaryScreen))
        summary = again.screen.summary
        assert summary.answered_this_session == 1
        assert summary.decided == 1
        assert [p.id for p in summary.parked] == ["P1"]
        areas = {a.area: (a.planned_minutes, a.spent_minutes) for a in summary.areas}
        assert areas["Security foundations"] == (round(sec01 + 1, 1), round(sec01 + 2, 1))
        assert areas["Identity and access management"][1] == 4.0
    ended = store.load(review.id)
    assert ended.active_workshop is None
    assert ended.workshops and ended.workshops[-1].ended_at is not None


async def test_a_running_workshop_saves_its_time_while_nobody_types(
    store: ReviewStore, monkeypatch: Any
) -> None:
    """Idle minutes of a workshop are saved too, so a kill loses at most a checkpoint."""
    import asyncio
    import json

    from questions import security_pillar
    from review.model import AgendaItem
    from review.schema import saved_at_of
    from review.workshop import start_workshop

    review = store.create("Payments platform")
    with store.open(review.id) as session:
        agenda = (AgendaItem("SEC01", 5.0), AgendaItem("SEC02", 5.0))
        started = start_workshop(
            security_pillar(),
            session.review,
            now=datetime.now(UTC),
            length_minutes=60,
            agenda=agenda,
        )
        session.save_workshop(started)
    path = store.folder / f"{review.id}.json"

    def saved_at() -> datetime | None:
        return saved_at_of(json.loads(path.read_text()))

    monkeypatch.setattr(ReviewScreen, "CHECKPOINT_S", 0.2)
    app = make_app(store, open_review=review.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await settle(pilot, app)
        first = saved_at()
        assert first is not None
        await asyncio.sleep(0.6)
        await settle(pilot, app)
        later = saved_at()
        assert later is not None and later > first
        # Nothing but the time changed: no answer, no history entry.
        with store.open(review.id, read_only=True) as reader:
            assert not reader.review.history
