"""The pillar Textual app: screens, bindings, theme and commands. Screens own their work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from textual.app import App
from textual.binding import Binding

from review.model import Review, utc_now
from review.session import ReviewSession
from review.store import ReviewStore
from tui.commands_palette import PillarCommands
from tui.saver import Saver
from tui.scanning import ScanSource


class PillarApp(App[None]):
    """Home -> review -> (scan, summary, plan). One review is open for changes at a time."""

    CSS_PATH = "app.tcss"
    TITLE = "pillar — Security Pillar reviews"
    COMMANDS = App.COMMANDS | {PillarCommands}
    BINDINGS = [
        Binding("question_mark", "help", "help", id="app.help", tooltip="Show every key"),
        Binding("ctrl+q", "quit", "quit", id="app.quit", tooltip="Quit (everything is saved)"),
    ]

    def __init__(
        self,
        store: ReviewStore,
        *,
        person: str,
        scan_source: ScanSource,
        open_review: str | None = None,
        start_question: str | None = None,
        scan_first: bool = False,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.clock: Callable[[], datetime] = clock or utc_now
        self.store = store
        self.person = person
        self.scan_source = scan_source
        self.saver: Saver | None = None
        self._open_at_start = open_review
        self._start_question = start_question
        self._scan_first = scan_first

    def on_mount(self) -> None:
        from tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        if self._open_at_start is not None:
            self.open_review(self._open_at_start, self._start_question, scan_first=self._scan_first)

    # --- the open review ------------------------------------------------------------

    def open_review(
        self, ref: str, start_question: str | None = None, *, scan_first: bool = False
    ) -> None:
        """Open a review for changes (or read-only if another pillar holds it)."""
        from review.errors import ReviewError, ReviewLocked
        from tui.screens.dialogs import ConfirmDialog
        from tui.screens.review import ReviewScreen

        def show(session: ReviewSession) -> None:
            if not session.read_only:
                self.saver = Saver(self, session)
            screen = ReviewScreen(session, start_question)
            self.push_screen(screen)
            if scan_first and session.review.evidence is None and not session.read_only:
                # The demo goes straight on to its first question once scanned.
                self.start_scan(session, after=screen._scanned, auto=self.scan_source.demo)

        try:
            session = self.store.open(ref)
        except ReviewLocked as locked:

            def read_only(yes: bool | None) -> None:
                if yes:
                    show(self.store.open(ref, read_only=True))

            self.push_screen(
                ConfirmDialog(f"{locked}\n\nOpen it read-only?", "Open read-only"), read_only
            )
            return
        except ReviewError as error:
            self.notify(str(error), title="Cannot open the review", severity="error", timeout=12)
            return
        show(session)

    def close_review(self) -> None:
        """Leave the review screen: finish pending saves, release the lock, go home."""
        if self.saver is not None:
            self.saver.close()
            self.saver = None
        self.pop_screen()
        from tui.screens.home import HomeScreen

        if isinstance(self.screen, HomeScreen):
            self.screen.reload()

    def submit(
        self,
        change: Callable[[ReviewSession], Any],
        done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        if self.saver is None:
            if failed is not None:
                failed(RuntimeError("no review is open for changes"))
            return
        self.saver.submit(change, done, failed)

    # --- scans, summary, plan -------------------------------------------------------

    def start_scan(
        self,
        session: ReviewSession,
        after: Callable[[Review | None], None] | None = None,
        *,
        auto: bool = False,
    ) -> None:
        """Run the checks (scan screen); store the evidence with the open review."""
        from checks.result import ScanResult
        from tui.screens.scan import ScanScreen

        def finished(scan: ScanResult | None) -> None:
            if scan is None:
                if after is not None:
                    after(None)
                return

            def stored(review: Review) -> None:
                if after is not None:
                    after(review)

            def failed(error: BaseException) -> None:
                self.notify(f"Evidence not saved: {error}", severity="error", timeout=15)

            self.submit(lambda s: s.attach_evidence(scan), stored, failed)

        self.push_screen(ScanScreen(self.scan_source, session.review, auto_continue=auto), finished)

    def show_plan(self, review: Review) -> None:
        from tui.screens.plan import PlanScreen

        self.push_screen(PlanScreen(review, self.store.pillar, editable=self.saver is not None))

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def on_unmount(self) -> None:
        # However the app ends, finish queued saves and release the review's lock.
        if self.saver is not None:
            self.saver.close()
            self.saver = None

    async def action_quit(self) -> None:
        from tui.screens.review import ReviewScreen

        for screen in self.screen_stack:
            if isinstance(screen, ReviewScreen):
                screen.before_close()
        if self.saver is not None:
            self.saver.close()
            self.saver = None
        self.exit()
