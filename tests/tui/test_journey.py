"""Whole journeys through the app, driven like a person would with the keyboard."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, TextArea

from review.model import AnswerSource, AnswerStatus, NotApplicableReason
from review.store import ReviewStore
from tui.app import PillarApp
from tui.screens.dialogs import ConfirmDialog, NotApplicableDialog, TextDialog
from tui.screens.home import HomeScreen
from tui.screens.new_review import NewReviewScreen
from tui.screens.plan import PlanScreen
from tui.screens.review import ReviewScreen
from tui.screens.scan import ScanScreen

from .conftest import make_app


async def wait_for(pilot: object, condition: object, tries: int = 400) -> None:
    # Up to 20 s: the machine running the tests may be busy; a met condition returns at once.
    for _ in range(tries):
        if condition():  # type: ignore[operator]
            return
        await pilot.pause(0.05)  # type: ignore[attr-defined]
    raise AssertionError("condition never became true")


async def settle(pilot: object, app: PillarApp) -> None:
    """Every change submitted so far is on disk and the review screen has shown it."""
    await pilot.pause()  # type: ignore[attr-defined]
    if app.saver is not None:
        assert app.saver.wait_idle(20)
    # The writer has posted its last ReviewSaved; wait until the screen has handled it.
    await wait_for(
        pilot,
        lambda: all(
            screen.save_state != "saving…"
            for screen in app.screen_stack
            if isinstance(screen, ReviewScreen)
        ),
    )
    await pilot.pause()  # type: ignore[attr-defined]


async def test_create_scan_answer_quit_and_resume(store: ReviewStore, tmp_path: Path) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, NewReviewScreen))
        app.screen.query_one("#name", Input).value = "Payments platform"
        app.screen.query_one("#regions", Input).value = "eu-west-1"
        app.screen.query_one("#name", Input).focus()
        await pilot.press("enter")

        # The scan runs first (scan now is ticked by default), then enter stores it.
        await wait_for(pilot, lambda: isinstance(app.screen, ScanScreen))
        scan_screen = app.screen
        assert isinstance(scan_screen, ScanScreen)
        await wait_for(pilot, lambda: scan_screen.result is not None)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await wait_for(pilot, lambda: screen.review.evidence is not None)
        assert screen.question.id == "SEC01"

        # SEC02: accept the proposals; BP01 has failing evidence -> not met, from evidence.
        await pilot.press("n")
        assert screen.question.id == "SEC02"
        await pilot.press("a")
        await settle(pilot, app)
        bp01 = screen.review.answer("SEC02-BP01")
        assert bp01.status is AnswerStatus.NOT_MET
        assert bp01.source is AnswerSource.EVIDENCE
        assert screen.review.answer("SEC02-BP04").status is AnswerStatus.MET

        # Override BP01 (cursor on the first row): space asks why, the reason is kept.
        await pilot.press("space")
        await wait_for(pilot, lambda: isinstance(app.screen, TextDialog))
        await pilot.press(*"only break-glass users lack MFA", "enter")
        await settle(pilot, app)
        assert screen.review.answer("SEC02-BP01").status is AnswerStatus.MET
        assert screen.review.history[-1].why == "override: only break-glass users lack MFA"

        # SEC03 does not apply, with a WA Tool reason.
        await pilot.press("n", "X")
        await wait_for(pilot, lambda: isinstance(app.screen, NotApplicableDialog))
        await pilot.click("#ok")
        await settle(pilot, app)
        state = screen.review.question_state("SEC03")
        assert state.does_not_apply and state.reason is NotApplicableReason.OUT_OF_SCOPE

        # A note on SEC04, saved as typed (flushed when leaving the editor).
        await pilot.press("n", "e")
        assert app.focused is screen.query_one("#notes", TextArea)
        await pilot.press(*"owner: Sam, by Q2")
        await pilot.press("escape")
        await settle(pilot, app)
        assert screen.review.question_state("SEC04").notes == "owner: Sam, by Q2"
        await pilot.press("ctrl+q")

    # Everything is on disk; reopening lands on the same question with everything there.
    review_id = store.list_reviews().reviews[0].id
    saved = store.load(review_id)
    assert saved.last_question == "SEC04"
    assert saved.answer("SEC02-BP01").status is AnswerStatus.MET
    assert saved.question_state("SEC03").does_not_apply
    assert saved.evidence is not None

    again = make_app(store, open_review=review_id)
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(again.screen, ReviewScreen))
        screen = again.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.question.id == "SEC04"
        assert screen.query_one("#notes", TextArea).text == "owner: Sam, by Q2"

        # Export from the app (plan screen, e): Markdown lands where asked.
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(again.screen, PlanScreen))
        plan_screen = again.screen
        assert isinstance(plan_screen, PlanScreen)
        first = plan_screen.current
        assert first is not None
        # Owner and status of a plan item are kept in the review.
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(again.screen, TextDialog))
        await pilot.press(*"Sam", "enter")
        await pilot.press("t")
        await settle(pilot, again)
        tracked = store.load(review_id)
        assert [(t.item_id, t.owner, t.status.value) for t in tracked.plan] == [
            (first.id, "Sam", "in_progress")
        ]
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(again.screen, TextDialog))
        target = tmp_path / "plan.md"
        again.screen.query_one("#text", Input).value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, target.exists)
        text = target.read_text(encoding="utf-8")
        assert "Payments platform" in text
        assert "SEC02" in text


async def test_second_copy_opens_read_only(store: ReviewStore) -> None:
    review = store.create("Shared review")
    holder = store.open(review.id)
    try:
        app = make_app(store, open_review=review.id)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            await pilot.press("y")
            await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            assert screen.read_only
            assert screen.query("#read-only-banner")
            await pilot.press("space")
            await pilot.pause()
            assert store.load(review.id).answer("SEC01-BP01").status is AnswerStatus.UNANSWERED
    finally:
        holder.close()


async def test_hostile_names_are_shown_as_text(store: ReviewStore) -> None:
    review = store.create("[bold red]x[/] \x1b]52;c;aGk=\x07 review")
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(
            pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen.listing is not None
        )
        await pilot.pause()
        from textual.widgets import DataTable

        table = app.screen.query_one("#reviews", DataTable)
        cell = table.get_cell_at((0, 0))
        assert cell.plain == "[bold red]x[/] ]52;c;aGk= review"
        assert "\x1b" not in cell.plain
    assert review.id
