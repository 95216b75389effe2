"""Store work stays off the UI thread, and the Saver keeps the lock until its writes end.

The autouse fixture in conftest checks every pilot test; these tests show that the recorder
sees what it should (a call on the UI thread is caught) and that the journeys really do
their store work, on other threads."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from textual.widgets import DataTable

from review.errors import ReviewLocked
from review.model import AnswerStatus
from review.session import ReviewSession
from review.store import ReviewStore
from tui.saver import Saver
from tui.screens.home import HomeScreen
from tui.screens.review import ReviewScreen

from .conftest import RECORDED, make_app, store_calls
from .test_journey import settle, wait_for


async def test_the_recorder_catches_a_store_call_on_the_ui_thread(store: ReviewStore) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        app.call_later(app.store.list_reviews)
        await pilot.pause()
    calls = store_calls(app)
    assert [call.name for call in calls.on_ui_thread] == ["store.list_reviews()"]
    RECORDED.clear()  # caught on purpose: not a failure of this test


async def test_opening_answering_and_leaving_run_off_the_ui_thread(store: ReviewStore) -> None:
    review = store.create("Payments platform")
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(
            pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen.listing is not None
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("space")
        await settle(pilot, app)
        await pilot.press("escape")
        await wait_for(
            pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen.listing is not None
        )
        await pilot.press("ctrl+q")
    names = {call.name for call in store_calls(app).calls}
    assert {"store.list_reviews()", "store.open()", "session.set_answer()"} <= names
    assert all(not call.on_ui_thread for call in store_calls(app).calls)
    assert store.load(review.id).answer("SEC01-BP01").status is AnswerStatus.MET


class SlowSession:
    """A session whose writes take a while, to catch a lock released mid-write."""

    def __init__(self, session: ReviewSession) -> None:
        self.session = session
        self.writing = threading.Event()
        self.closed_while_writing = False
        self.review = session.review

    def set_answer(self, *args: Any, **kwargs: Any) -> Any:
        self.writing.set()
        time.sleep(0.3)
        result = self.session.set_answer(*args, **kwargs)
        self.review = self.session.review
        self.writing.clear()
        return result

    def close(self) -> None:
        self.closed_while_writing = self.writing.is_set()
        self.session.close()


class Inbox:
    """Stands in for the review screen: collects what the Saver posts."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    def post_message(self, message: Any) -> bool:
        self.messages.append(message)
        return True


def test_saver_close_returns_at_once_and_keeps_the_lock_until_the_write_ends(
    tmp_path: Path,
) -> None:
    from questions import security_pillar

    store = ReviewStore(tmp_path / "home", security_pillar())
    review = store.create("Slow disk")
    slow = SlowSession(store.open(review.id))
    inbox = Inbox()
    saver = Saver(slow, inbox, review_id=review.id, read_only=False)  # type: ignore[arg-type]
    saver.submit(lambda s: s.set_answer("SEC01-BP01", AnswerStatus.MET, by="tester"))
    assert slow.writing.wait(2)
    started = time.monotonic()
    saver.close()
    assert time.monotonic() - started < 0.05  # the UI never waits for the disk
    try:
        store.open(review.id).close()
        raise AssertionError("the lock was free while a write was running")
    except ReviewLocked:
        pass
    assert saver.join(5)
    assert not slow.closed_while_writing
    assert store.load(review.id).answer("SEC01-BP01").status is AnswerStatus.MET
    store.open(review.id).close()  # released once the write was done
    saved = [m for m in inbox.messages if type(m).__name__ == "ReviewSaved"]
    assert len(saved) == 1 and saved[0].seq == 1


async def test_a_review_changed_after_listing_is_a_notification(store: ReviewStore) -> None:
    review = store.create("Soon broken")
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(
            pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen.listing is not None
        )
        store.path_of(review.id).write_text("{ not json", encoding="utf-8")
        for key in ("s", "e", "enter"):
            await pilot.press(key)
            await wait_for(pilot, lambda: bool(app._notifications))
            assert isinstance(app.screen, HomeScreen)
            notes = list(app._notifications)
            assert notes[-1].severity == "error"
            app.clear_notifications()
            await wait_for(
                pilot,
                lambda: (
                    isinstance(app.screen, HomeScreen)
                    and app.screen.query_one("#reviews", DataTable).row_count == 0
                ),
            )
            # Broken files are moved aside: listed again, the review is gone from the list.
            store.create("Soon broken")
            app.screen.reload()  # type: ignore[attr-defined]
            await wait_for(
                pilot,
                lambda: (
                    isinstance(app.screen, HomeScreen)
                    and app.screen.query_one("#reviews", DataTable).row_count == 1
                ),
            )
            listing = app.screen.listing  # type: ignore[attr-defined]
            store.path_of(listing.reviews[0].id).write_text("{ not json", encoding="utf-8")
