"""The pillar Textual app: screens, bindings, theme and commands. Screens own their work.

The app's own job is the one open review: a worker opens it (`ReviewOpened`, `ReviewBusy`,
`OpenFailed`), the review screen gets it with a Saver, and leaving closes the Saver without
waiting for it (its writer thread finishes the queued changes, then releases the lock).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual import work
from textual.app import App
from textual.binding import Binding

from review.errors import ReviewError, ReviewLocked
from review.model import utc_now
from review.store import ReviewStore
from review.text import safe_line
from tui.commands_palette import PillarCommands
from tui.messages import (
    ExportFailed,
    ExportWritten,
    OpenFailed,
    ReviewBusy,
    ReviewOpened,
)
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
        self._savers_closing: list[Saver] = []  # closed, still finishing their writes
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
        self,
        ref: str,
        start_question: str | None = None,
        *,
        scan_first: bool = False,
        read_only: bool = False,
    ) -> None:
        """Open a review for changes (or read-only if another pillar holds it), in a worker."""
        self._savers_closing = [saver for saver in self._savers_closing if not saver.join(0)]
        self._open(ref, start_question, scan_first, read_only, tuple(self._savers_closing))

    @work(thread=True, group="open-review", exit_on_error=False)
    def _open(
        self,
        ref: str,
        start_question: str | None,
        scan_first: bool,
        read_only: bool,
        closing: tuple[Saver, ...],
    ) -> None:
        for saver in closing:  # a review we just left lets go of its lock first
            saver.join(timeout=30)
        try:
            session = self.store.open(ref, read_only=read_only)
        except ReviewLocked as locked:
            self.post_message(ReviewBusy(ref, str(locked), start_question))
            return
        except (ReviewError, OSError) as error:
            self.post_message(OpenFailed(ref, safe_line(str(error), 300) or type(error).__name__))
            return
        review = session.review
        self.post_message(
            ReviewOpened(session, review, session.read_only, start_question, scan_first)
        )

    def on_review_opened(self, message: ReviewOpened) -> None:
        from tui.screens.review import ReviewScreen

        if self.saver is not None:
            # Opened twice in a hurry: keep the first, let the second go (on the writer).
            extra = Saver(
                message.session, self, review_id=message.review.id, read_only=message.read_only
            )
            extra.close()
            self._savers_closing.append(extra)
            return
        screen = ReviewScreen(
            message.review,
            self.store.pillar,
            read_only=message.read_only,
            start_question=message.start_question,
            scan_first=message.scan_first,
        )
        self.saver = Saver(
            message.session, screen, review_id=message.review.id, read_only=message.read_only
        )
        self.push_screen(screen)

    def on_review_busy(self, message: ReviewBusy) -> None:
        from tui.screens.dialogs import ConfirmDialog

        def read_only(yes: bool | None) -> None:
            if yes:
                self.open_review(message.ref, message.start_question, read_only=True)

        self.push_screen(
            ConfirmDialog(f"{message.reason}\n\nOpen it read-only?", "Open read-only"), read_only
        )

    def on_open_failed(self, message: OpenFailed) -> None:
        from tui.screens.home import HomeScreen

        self.notify(message.reason, title="Cannot open the review", severity="error", timeout=12)
        if isinstance(self.screen, HomeScreen):
            self.screen.reload()  # it may have changed or gone since it was listed

    def close_review(self) -> None:
        """Leave the review screen: the Saver finishes and lets go in the background."""
        self._close_saver()
        self.pop_screen()

    def _close_saver(self) -> None:
        if self.saver is not None:
            self.saver.close()
            self._savers_closing.append(self.saver)
            self.saver = None

    # --- app-wide -------------------------------------------------------------------

    def on_export_written(self, message: ExportWritten) -> None:
        self.notify(f"Exported to {safe_line(str(message.path), 160)}", timeout=8)

    def on_export_failed(self, message: ExportFailed) -> None:
        self.notify(message.reason, title="Export failed", severity="error", timeout=12)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def on_unmount(self) -> None:
        # However the app ends, the writer finishes queued saves and releases the lock.
        self._close_saver()

    async def action_quit(self) -> None:
        from tui.screens.review import ReviewScreen

        for screen in self.screen_stack:
            if isinstance(screen, ReviewScreen):
                screen.before_close()
        self._close_saver()
        if any(not saver.join(0) for saver in self._savers_closing):
            self.notify("Saving the last changes…", timeout=3)
        for saver in self._savers_closing:
            await saver.wait_closed()
        self.exit()
