"""The message flow of the app: a review opened by a worker, a scan reporting progress and
its end, the evidence saved by the Saver; failures as messages, never exceptions."""

from __future__ import annotations

from textual.message import Message

from review.store import ReviewStore
from tui.messages import (
    OpenFailed,
    ReviewOpened,
    ReviewSaved,
    ScanFinished,
    ScanProgress,
)
from tui.screens.home import HomeScreen
from tui.screens.review import ReviewScreen
from tui.screens.scan import ScanScreen

from .conftest import make_app
from .test_journey import settle, wait_for


async def test_open_scan_and_save_are_messages(store: ReviewStore) -> None:
    review = store.create("Fresh workload", regions=["eu-west-1"])
    app = make_app(store, open_review=review.id, scan_first=True)
    seen: list[Message] = []
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ScanScreen))
        scan = app.screen
        assert isinstance(scan, ScanScreen)
        await wait_for(pilot, lambda: scan.result is not None)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await wait_for(pilot, lambda: screen.review.evidence is not None)
        await settle(pilot, app)
        assert screen.save_state == "saved ✓"
    # Home lists the reviews in its own worker at the same time: that message may come first.
    kinds = [
        type(m)
        for m in seen
        if type(m).__module__ == "tui.messages" and type(m).__name__ != "ReviewsListed"
    ]
    assert kinds[0] is ReviewOpened
    assert ScanProgress in kinds
    assert kinds.index(ScanProgress) < kinds.index(ScanFinished)
    saved = [m for m in seen if isinstance(m, ReviewSaved) and m.review.evidence is not None]
    assert saved, "the evidence came back as a ReviewSaved message"
    assert store.load(review.id).evidence is not None


async def test_a_missing_review_is_a_message_and_a_notification(store: ReviewStore) -> None:
    app = make_app(store, open_review="no-such-review")
    seen: list[Message] = []
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        await wait_for(pilot, lambda: any(isinstance(m, OpenFailed) for m in seen))
        await wait_for(pilot, lambda: bool(app._notifications))
        assert isinstance(app.screen, HomeScreen)
        assert list(app._notifications)[-1].title == "Cannot open the review"
