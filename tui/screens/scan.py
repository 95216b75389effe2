"""Scan: run every check in a worker with live progress; cancel keeps what was found."""

from __future__ import annotations

import threading
import time
from collections import Counter

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, ProgressBar, Static

from checks.result import CAUSE_LABEL, ScanResult, Status
from review.text import safe_line
from tui.messages import ScanFailed, ScanFinished, ScanProgress
from tui.scanning import ScanSource


def scan_counts(scan: ScanResult) -> Text:
    statuses = Counter(r.status for r in scan.results)
    causes = Counter(
        CAUSE_LABEL[r.cause] for r in scan.results if r.status is Status.UNKNOWN and r.cause
    )
    unknown = statuses[Status.UNKNOWN]
    why = ", ".join(f"{label}: {count}" for label, count in causes.most_common())
    return Text.assemble(
        ("PASS ", "bold green"),
        f"{statuses[Status.PASS]}   ",
        ("FAIL ", "bold red"),
        f"{statuses[Status.FAIL]}   ",
        *(
            (("ADVISORY ", "bold cyan"), f"{statuses[Status.ADVISORY]}   ")
            if statuses[Status.ADVISORY]
            else ()
        ),
        ("UNKNOWN ", "bold yellow"),
        f"{unknown}{f' ({why})' if why else ''}   ",
        ("N/A ", "dim"),
        f"{statuses[Status.NOT_APPLICABLE]}",
    )


class ScanScreen(Screen[ScanResult | None]):
    """Dismisses with the ScanResult (also when cancelled), or None to go on without.

    The checks run in a worker; their progress arrives as `ScanProgress` messages (at most
    every PROGRESS_EVERY_S, a newer one replacing an unread older one), the end as
    `ScanFinished` or `ScanFailed`."""

    PROGRESS_EVERY_S = 0.05

    BINDINGS = [
        Binding("escape", "cancel", "cancel / back", id="scan.cancel"),
        Binding("enter", "done", "continue", id="scan.done"),
        Binding("f", "fix_profile", "fix profile", id="scan.fix", show=False),
    ]

    def __init__(
        self, source: ScanSource, regions: tuple[str, ...], *, auto_continue: bool = False
    ) -> None:
        super().__init__()
        self.auto_continue = auto_continue
        self.source = source
        self.regions = regions
        self.cancel_event = threading.Event()
        self.result: ScanResult | None = None
        self.failed = False

    def compose(self) -> ComposeResult:
        regions = ", ".join(self.regions) or "all enabled regions"
        yield Static(Text(f"Scanning {self.source.label} · {regions}"), classes="screen-title")
        with Vertical(id="scan-box"):
            yield Static(Text(self._preparing()), id="scan-status")
            yield ProgressBar(id="scan-progress", show_eta=False)
            yield Static(Text(""), id="scan-summary")
            yield Static(
                Text("Checks only read: nothing in the account is changed.", style="dim"),
                id="scan-hint",
            )
        yield Footer()

    def _preparing(self) -> str:
        if self.source.demo:
            return "Replaying the simulated account (its recording, shipped with pillar)…"
        return "Connecting to AWS and preparing clients…"

    def on_mount(self) -> None:
        self._run(self.source, self.regions, self.cancel_event)

    @work(thread=True, exclusive=True, group="scan", exit_on_error=False)
    def _run(self, source: ScanSource, regions: tuple[str, ...], cancel: threading.Event) -> None:
        post = self.post_message  # thread-safe; nothing else of the screen is touched here
        every = self.PROGRESS_EVERY_S
        last = [0.0]

        def progress(done: int, total: int, check_id: str, region: str) -> None:
            # Called from check threads: at most one message every PROGRESS_EVERY_S.
            now = time.monotonic()
            if done < total and now - last[0] < every:
                return
            last[0] = now
            post(ScanProgress(done, total, f"{region} · {check_id}"))

        try:
            result = source.run(progress, cancel, regions=regions)
        except Exception as error:  # credentials, endpoint: a choice, not a traceback
            post(ScanFailed(safe_line(str(error), 400) or type(error).__name__))
            return
        post(ScanFinished(result))

    def on_scan_progress(self, message: ScanProgress) -> None:
        if self.result is not None or self.failed or not message.total:
            return
        self.query_one("#scan-progress", ProgressBar).update(
            total=message.total, progress=message.done
        )
        self.query_one("#scan-status", Static).update(
            Text(f"{message.done} / {message.total}   {message.current}")
        )

    def on_scan_finished(self, message: ScanFinished) -> None:
        result = message.result
        self.result = result
        bar = self.query_one("#scan-progress", ProgressBar)
        bar.update(total=max(len(result.results), 1), progress=len(result.results))
        what = "Cancelled" if result.cancelled else "Done"
        self.query_one("#scan-status", Static).update(
            Text(
                f"{what}: {len(result.results)} check results in {result.duration_s:.1f} s "
                f"for account {result.account_id} · regions {', '.join(result.regions)}"
            )
        )
        self.query_one("#scan-summary", Static).update(scan_counts(result))
        self.query_one("#scan-hint", Static).update(
            Text("enter: store this evidence with the review and continue", style="bold")
        )
        if self.auto_continue and not result.cancelled:
            self.dismiss(result)

    def on_scan_failed(self, message: ScanFailed) -> None:
        self.failed = True
        self.query_one("#scan-status", Static).update(
            Text(f"The scan could not start: {message.reason}", style="bold red")
        )
        self.query_one("#scan-hint", Static).update(
            Text(
                "esc / enter: continue the review manually (answers need no evidence)\n"
                "f: use another AWS profile and try again",
            )
        )

    def action_cancel(self) -> None:
        if self.result is None and not self.failed:
            self.cancel_event.set()
            self.query_one("#scan-status", Static).update(
                Text("Cancelling… results so far are kept.")
            )
            return
        self.dismiss(self.result)

    def action_done(self) -> None:
        if self.result is not None or self.failed:
            self.dismiss(self.result)

    def action_fix_profile(self) -> None:
        if not self.failed:
            return
        from tui.screens.dialogs import TextDialog

        def retry(profile: str | None) -> None:
            if not profile:
                return
            self.source.profile = profile
            self.failed = False
            self.cancel_event.clear()
            self.query_one("#scan-status", Static).update(Text(self._preparing()))
            self.query_one("#scan-hint", Static).update(Text(""))
            self._run(self.source, self.regions, self.cancel_event)

        self.app.push_screen(
            TextDialog("AWS profile to use (from ~/.aws/config)", value=self.source.profile or ""),
            retry,
        )
