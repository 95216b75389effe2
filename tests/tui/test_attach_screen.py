"""The "attach scan files" dialog: typed or picked paths, refused files said in one line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.app import App
from textual.widgets import Input, Static

from checks.report import scan_json
from checks.result import CheckResult, ScanResult, Status
from questions import security_pillar
from tui.screens.attach import AttachScanScreen, ScanFileTree


def write_scan(path: Path) -> Path:
    result = CheckResult(
        "iam.console_mfa", "t", "iam", ("SEC02-BP01",), "global", Status.FAIL, "why"
    )
    scan = ScanResult("111111111111", ("eu-west-1",), datetime.now(UTC), 1.0, (result,))
    path.write_text(json.dumps(scan_json(scan, security_pillar())))
    return path


class Host(App[None]):
    def __init__(self, start: Path) -> None:
        super().__init__()
        self.start = start
        self.result: Any = "not yet"

    def on_mount(self) -> None:
        def done(scans: Any) -> None:
            self.result = scans

        self.push_screen(AttachScanScreen(security_pillar(), "[b]Payments[/b]", self.start), done)


async def test_a_typed_path_is_read_and_returned(tmp_path: Path) -> None:
    good = write_scan(tmp_path / "scan.json")
    app = Host(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        field = app.screen.query_one("#attach-path", Input)
        field.value = str(good)
        await pilot.press("enter")
        for _ in range(100):
            if app.result != "not yet":
                break
            await pilot.pause(0.02)
    assert isinstance(app.result, tuple) and len(app.result) == 1
    assert app.result[0].account_id == "111111111111"


async def test_a_bad_file_is_said_and_nothing_is_returned(tmp_path: Path) -> None:
    bad = tmp_path / "notes.json"
    bad.write_text("[1, 2]")
    app = Host(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#attach-path", Input).value = str(bad)
        await pilot.press("enter")
        error = screen.query_one("#attach-error", Static)
        for _ in range(100):
            if "not a pillar scan" in str(error.render()):
                break
            await pilot.pause(0.02)
        assert f"{bad} is not a pillar scan" in str(error.render())
        assert app.result == "not yet"
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None


async def test_files_picked_in_the_tree_join_the_list(tmp_path: Path) -> None:
    write_scan(tmp_path / "a.json")
    (tmp_path / "readme.txt").write_text("not shown")
    app = Host(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        tree = app.screen.query_one(ScanFileTree)
        await pilot.press("ctrl+t")
        for _ in range(100):
            if tree.root.children:
                break
            await pilot.pause(0.02)
        names = [str(node.label) for node in tree.root.children]
        assert names == ["a.json"]  # folders and JSON files only
        tree.post_message(ScanFileTree.FileSelected(tree.root.children[0], tmp_path / "a.json"))
        await pilot.pause()
        assert app.screen.query_one("#attach-path", Input).value == str(tmp_path / "a.json")


# --- from the app: Home and the review screen ----------------------------------------------


async def _attach_through_dialog(pilot: Any, app: Any, path: Path) -> None:
    from .test_journey import wait_for

    await wait_for(pilot, lambda: isinstance(app.screen, AttachScanScreen))
    app.screen.query_one("#attach-path", Input).value = str(path)
    await pilot.press("enter")


async def test_f_in_a_review_attaches_scan_files(store: Any, tmp_path: Path) -> None:
    from review.model import AnswerStatus
    from tui.screens.review import ReviewScreen

    from .conftest import make_app
    from .test_journey import wait_for

    scan_file = write_scan(tmp_path / "scan.json")
    review = store.create("Customer workload")
    app = make_app(store, open_review=review.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("f")
        await _attach_through_dialog(pilot, app, scan_file)
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        screen = app.screen
        await wait_for(pilot, lambda: screen.review.evidence is not None)
        await wait_for(
            pilot,
            lambda: screen.review.answer("SEC02-BP01").status is AnswerStatus.NOT_MET,
        )
    saved = store.load(review.id)
    assert saved.evidence is not None and saved.evidence.account_id == "111111111111"
    assert saved.answer("SEC02-BP01").by == "tester (pillar evidence attach)"


async def test_f_on_home_attaches_to_the_selected_review(store: Any, tmp_path: Path) -> None:
    from tui.screens.home import HomeScreen

    from .conftest import make_app
    from .test_journey import wait_for

    scan_file = write_scan(tmp_path / "scan.json")
    review = store.create("Customer workload")
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, HomeScreen) and app.screen.selected is not None,
        )
        await pilot.press("f")
        await _attach_through_dialog(pilot, app, scan_file)
        await wait_for(pilot, lambda: store.load(review.id).evidence is not None)
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
    assert store.load(review.id).evidence is not None
