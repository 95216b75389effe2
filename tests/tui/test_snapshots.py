"""SVG snapshots of every screen at 80x24 and 120x40 (pytest-textual-snapshot).

Update after an intended change with: uv run pytest tests/tui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from review.model import AnswerStatus
from review.store import ReviewStore
from tui.app import PillarApp
from tui.screens.home import HomeScreen
from tui.screens.review import ReviewScreen
from tui.screens.scan import ScanScreen

from .conftest import fixed_scan, make_app

SIZES = [(80, 24), (120, 40)]


def seeded(store: ReviewStore) -> str:
    """A review with evidence, a few answers, a note and a question that does not apply."""
    review = store.create("Payments platform", owner="Sam", regions=["eu-west-1"])
    with store.open(review.id) as session:
        session.attach_evidence(fixed_scan())
        session.apply_proposals(accepted_by="tester")
        session.set_answer("SEC01-BP02", AnswerStatus.MET, by="tester")
        session.set_answer("SEC01-BP03", AnswerStatus.NOT_MET, by="tester", note="no list yet")
        session.set_question_state("SEC05", does_not_apply=True)
        session.set_question_state("SEC01", notes="Identity Center rollout by Q2 (owner: Sam)")
    return review.id


async def until(pilot: Any, condition: Callable[[], bool]) -> None:
    for _ in range(400):
        if condition():
            break
        await pilot.pause(0.05)
    else:
        raise AssertionError("the screen never settled")
    # Let resize handlers and deferred refreshes run before the screenshot.
    await pilot.pause(0.2)
    await pilot.pause()


def review_settled(app: PillarApp) -> Callable[[], bool]:
    """The review screen is shown and every save it started has been acknowledged."""

    def settled() -> bool:
        screen = app.screen
        return (
            isinstance(screen, ReviewScreen)
            and screen.save_state in ("saved ✓", "read-only")
            and (app.saver is None or app.saver.wait_idle(0))
        )

    return settled


def home_loaded(app: PillarApp) -> Callable[[], bool]:
    return lambda: isinstance(app.screen, HomeScreen) and app.screen.listing is not None


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home_empty(snap_compare: Any, store: ReviewStore, size: tuple[int, int]) -> None:
    app = make_app(store)

    async def before(pilot: Any) -> None:
        await until(pilot, home_loaded(app))

    assert snap_compare(app, terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home_with_reviews(snap_compare: Any, store: ReviewStore, size: tuple[int, int]) -> None:
    seeded(store)
    store.create("Data lake")
    app = make_app(store)

    async def before(pilot: Any) -> None:
        await until(pilot, home_loaded(app))

    assert snap_compare(app, terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_new_review_form(snap_compare: Any, store: ReviewStore, size: tuple[int, int]) -> None:
    app = make_app(store)

    async def before(pilot: Any) -> None:
        await until(pilot, home_loaded(app))
        await pilot.press("n")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_review_screen(snap_compare: Any, store: ReviewStore, size: tuple[int, int]) -> None:
    app = make_app(store, open_review=seeded(store), start_question="SEC02")

    async def before(pilot: Any) -> None:
        await until(pilot, review_settled(app))

    assert snap_compare(app, terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_scan_finished(snap_compare: Any, store: ReviewStore, size: tuple[int, int]) -> None:
    review = store.create("Fresh workload", regions=["eu-west-1"])
    app = make_app(store, open_review=review.id, scan_first=True)

    async def before(pilot: Any) -> None:
        await until(
            pilot, lambda: isinstance(app.screen, ScanScreen) and app.screen.result is not None
        )

    assert snap_compare(app, terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("key", ["s", "l", "question_mark"], ids=["summary", "plan", "help"])
def test_review_side_screens(
    snap_compare: Any, store: ReviewStore, size: tuple[int, int], key: str
) -> None:
    app = make_app(store, open_review=seeded(store))

    async def before(pilot: Any) -> None:
        await until(pilot, review_settled(app))
        await pilot.press(key)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=before)
