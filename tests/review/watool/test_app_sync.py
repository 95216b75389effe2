"""The app's WA Tool dialog: push and pull with progress and a result, over Home (a worker)
and over the open review (through its Saver), against the local WA Tool endpoint."""

from __future__ import annotations

import time

from fake_watool import FakeWaTool
from textual.widgets import Static

from review.model import AnswerStatus
from review.store import ReviewStore
from tui.app import PillarApp
from tui.scanning import ScanSource
from tui.screens.wa_sync import WaSyncScreen


def answered(store: ReviewStore) -> str:
    review = store.create("Payments [b]platform[/b]", owner="alice", regions=["eu-west-1"])
    with store.open(review.id) as session:
        for question in store.pillar.questions:
            for n, bp in enumerate(question.best_practices):
                status = AnswerStatus.MET if n % 2 == 0 else AnswerStatus.NOT_MET
                session.set_answer(bp.id, status, by="bob")
    return review.id


async def wait_for(pilot: object, condition: object, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)  # type: ignore[attr-defined]


def result_text(screen: WaSyncScreen) -> str:
    return str(screen.query_one("#wa-result-text", Static).render())


async def test_push_from_home_then_pull_in_the_open_review(
    tmp_path: object, fake: tuple[FakeWaTool, str], pillar: object
) -> None:
    service, url = fake
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    store = ReviewStore(tmp_path / "home", pillar)  # type: ignore[arg-type]
    review_id = answered(store)
    source = ScanSource(endpoint_url=url)
    app = PillarApp(store, person="alice", scan_source=source)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = WaSyncScreen(store.load(review_id), store.pillar, store, source, person="alice")
        app.push_screen(screen)
        await pilot.pause()
        screen.query_one("#wa-region").value = "eu-west-1"  # type: ignore[attr-defined]
        await pilot.press("p")
        await wait_for(pilot, lambda: not screen.running and result_text(screen))
        text = result_text(screen)
        assert "11 answer(s) sent, 12 write call(s)" in text, text
        assert "[b]platform[/b]" in text  # the name as text, never markup
        assert store.load(review_id).wa_link is not None
        assert "in step" in str(screen.query_one("#wa-link", Static).render())
        await pilot.press("escape")
        await pilot.pause()

        # someone changes SEC03 in the console; the review is open: pull goes via the Saver
        workload = next(iter(service.workloads.values()))
        service.set_answer(workload, "permissions", Notes="from the console")
        app.open_review(review_id)
        await wait_for(pilot, lambda: app.saver is not None)
        review = store.load(review_id)
        screen = WaSyncScreen(review, store.pillar, store, source, person="alice", saver=app.saver)
        app.push_screen(screen)
        await pilot.pause()
        await pilot.press("l")
        await wait_for(pilot, lambda: not screen.running and result_text(screen))
        text = result_text(screen)
        assert "SEC03  taken" in text and "1 question(s) taken" in text, text
        assert app.saver is not None and app.saver.wait_idle(5)
        await pilot.press("escape")
        await pilot.pause()
    assert store.load(review_id).question_state("SEC03").notes == "from the console"


async def test_errors_show_as_one_sentence(
    tmp_path: object, fake: tuple[FakeWaTool, str], pillar: object
) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    service, url = fake
    store = ReviewStore(tmp_path / "home", pillar)  # type: ignore[arg-type]
    review_id = answered(store)
    source = ScanSource(endpoint_url=url)
    app = PillarApp(store, person="alice", scan_source=source)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = WaSyncScreen(store.load(review_id), store.pillar, store, source, person="alice")
        app.push_screen(screen)
        await pilot.pause()
        screen.query_one("#wa-region").value = "eu-west-1"  # type: ignore[attr-defined]
        screen.query_one("#wa-workload").value = "No such workload"  # type: ignore[attr-defined]
        await pilot.press("p")
        await wait_for(pilot, lambda: not screen.running and result_text(screen))
        assert result_text(screen).startswith("no WA Tool workload named 'No such workload'")
    assert service.writes() == []


async def test_keys_on_home_and_in_the_review_and_the_header(
    tmp_path: object, fake: tuple[FakeWaTool, str], pillar: object
) -> None:
    from pathlib import Path

    from tui.screens.home import HomeScreen
    from tui.screens.review import ReviewScreen
    from tui.widgets.review_view import ReviewHeader

    assert isinstance(tmp_path, Path)
    _, url = fake
    store = ReviewStore(tmp_path / "home", pillar)  # type: ignore[arg-type]
    answered(store)
    app = PillarApp(store, person="alice", scan_source=ScanSource(endpoint_url=url))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen.listing)
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, WaSyncScreen))
        screen = app.screen
        assert isinstance(screen, WaSyncScreen)
        screen.query_one("#wa-region").value = "eu-west-1"  # type: ignore[attr-defined]
        await pilot.click("#push")
        await wait_for(pilot, lambda: not screen.running and result_text(screen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review_screen = app.screen
        header = review_screen.query_one(ReviewHeader)
        await wait_for(pilot, lambda: "WA Tool: in step" in str(header.render()))
        await pilot.press("space")  # the selected best practice toggles: a change to push
        await wait_for(pilot, lambda: "WA Tool: 1 to push" in str(header.render()))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, WaSyncScreen))
        sync = app.screen
        assert isinstance(sync, WaSyncScreen) and sync.saver is app.saver
        await pilot.press("p")
        await wait_for(pilot, lambda: not sync.running and result_text(sync))
        assert "1 answer(s) sent, 1 write call(s)" in result_text(sync)
        await pilot.press("escape")
        await wait_for(pilot, lambda: "WA Tool: in step" in str(header.render()))
