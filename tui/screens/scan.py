"""Scan: run every check in a worker with live progress; cancel keeps what was found."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, ProgressBar, Static

from checks.result import CAUSE_LABEL, ScanResult, Status
from review.model import ScanScope
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


def accounts_summary(scan: ScanResult) -> Text:
    """A scan of many accounts: how many were scanned, and each one that was not, with
    its cause (names and causes are untrusted text)."""
    statuses = scan.account_statuses()
    scanned = sum(1 for a in statuses if a.scanned)
    text = Text(f"{scanned} of {len(statuses)} accounts scanned")
    for status in statuses:
        if status.scanned and not status.cause:
            continue
        text.append("\n  ")
        text.append(safe_line(status.label, 60), style="bold")
        if status.scanned:
            text.append(f": {safe_line(status.cause, 160)}", style="dim")
        else:
            text.append(": NOT SCANNED", style="bold red")
            text.append(f" ({safe_line(status.cause, 200)})")
    return text


class ScanScreen(Screen[ScanResult | None]):
    """Dismisses with the ScanResult (also when cancelled), or None to go on without.

    It scans `scope` (the review's: `review.scope.scope_of`). A scope of many accounts
    asks first (enter starts, esc goes back): the title says what will be scanned. The
    checks run in a worker; their progress arrives as `ScanProgress` messages (at most
    every PROGRESS_EVERY_S, a newer one replacing an unread older one; with many accounts
    also accounts done / total and the current one), the end as `ScanFinished` or
    `ScanFailed`. Cancelling keeps what finished; an account that cannot be scanned is
    listed with its cause and the others go on."""

    PROGRESS_EVERY_S = 0.05

    BINDINGS = [
        Binding("escape", "cancel", "cancel / back", id="scan.cancel"),
        Binding("enter", "done", "continue", id="scan.done"),
        Binding("f", "fix_profile", "fix profile", id="scan.fix", show=False),
        Binding("s", "change_scope", "change scope", id="scan.scope"),
    ]

    def __init__(
        self,
        source: ScanSource,
        scope: ScanScope,
        *,
        auto_continue: bool = False,
        edit_scope: Callable[[Callable[[ScanScope], None]], None] | None = None,
    ) -> None:
        super().__init__()
        self.auto_continue = auto_continue
        self.source = source
        self.scope = scope
        # Before a scan of many accounts starts: opens the review's scope form, saves the
        # choice and calls back with the scope scans now cover.
        self.edit_scope = edit_scope
        self.many = scope.multi_account and not source.demo
        self.started = not self.many or auto_continue  # many accounts: enter starts it
        self.cancel_event = threading.Event()
        self.result: ScanResult | None = None
        self.failed = False

    def compose(self) -> ComposeResult:
        what = safe_line(self.source.describe(self.scope), 300)
        yield Static(Text(f"Scanning {what}"), classes="screen-title")
        with Vertical(id="scan-box"):
            yield Static(Text(self._preparing() if self.started else ""), id="scan-status")
            accounts = Static(Text(""), id="scan-accounts")
            accounts.display = self.many
            yield accounts
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
        if self.started:
            self._run(self.source, self.scope, self.cancel_event)
            return
        self.query_one("#scan-progress", ProgressBar).display = False  # nothing runs yet
        self._ask()

    def _ask(self) -> None:
        """Before a scan of many accounts: what it will cover, and the keys."""
        what = safe_line(self.source.describe(self.scope), 300)
        self.query_one(".screen-title", Static).update(Text(f"Scanning {what}"))
        self.query_one("#scan-status", Static).update(
            Text(
                f"Scan {what}?\n"
                + (
                    "Pillar assumes the role in each account but yours (read-only calls only)."
                    if self.many
                    else "Read-only calls only."
                ),
            )
        )
        change = " · s: change the scope" if self.edit_scope is not None else ""
        self.query_one("#scan-hint", Static).update(
            Text(f"enter: start the scan{change} · esc: back to the review", style="bold")
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "change_scope":
            return self.edit_scope is not None and not self.started
        return True

    def action_change_scope(self) -> None:
        if self.edit_scope is None or self.started:
            return

        def changed(scope: ScanScope) -> None:
            if self.started:
                return
            self.scope = scope
            self.many = scope.multi_account and not self.source.demo
            self.query_one("#scan-accounts", Static).display = self.many
            self._ask()

        self.edit_scope(changed)

    def _start(self) -> None:
        self.started = True
        self.query_one("#scan-progress", ProgressBar).display = True
        self.query_one("#scan-status", Static).update(Text(self._preparing()))
        self.query_one("#scan-hint", Static).update(
            Text("Checks only read: nothing in the accounts is changed.", style="dim")
        )
        self._run(self.source, self.scope, self.cancel_event)

    @work(thread=True, exclusive=True, group="scan", exit_on_error=False)
    def _run(self, source: ScanSource, scope: ScanScope, cancel: threading.Event) -> None:
        post = self.post_message  # thread-safe; nothing else of the screen is touched here
        every = self.PROGRESS_EVERY_S
        last = [0.0]
        # The latest state, so that every message carries all of it (a newer one replaces
        # an older one): checks (done, total, where) and accounts (done, total, current).
        checks: list[object] = [0, 0, ""]
        accounts: list[object] = [0, 0, ""]

        def send() -> None:
            post(ScanProgress(*checks, *accounts))  # type: ignore[arg-type]

        def progress(done: int, total: int, check_id: str, region: str) -> None:
            # Called from check threads: at most one message every PROGRESS_EVERY_S.
            checks[:] = [done, total, f"{region} · {check_id}"]
            now = time.monotonic()
            if done < total and now - last[0] < every:
                return
            last[0] = now
            send()

        def on_account(done: int, total: int, current: str) -> None:
            accounts[:] = [done, total, current]
            send()  # an account starting or ending is worth a message of its own

        try:
            result = source.run(progress, cancel, scope, on_account)
        except Exception as error:  # credentials, endpoint: a choice, not a traceback
            post(ScanFailed(safe_line(str(error), 400) or type(error).__name__))
            return
        post(ScanFinished(result))

    def on_scan_progress(self, message: ScanProgress) -> None:
        if self.result is not None or self.failed:
            return
        if message.accounts_total and self.many:
            line = Text(f"accounts {message.accounts_done} / {message.accounts_total}")
            if message.account:
                line.append("   now ")
                line.append(safe_line(message.account, 160), style="bold")
            self.query_one("#scan-accounts", Static).update(line)
        if not message.total:
            return
        self.query_one("#scan-progress", ProgressBar).update(
            total=message.total, progress=message.done
        )
        self.query_one("#scan-status", Static).update(
            Text(f"{message.done} / {message.total}   {safe_line(message.current, 120)}")
        )

    def on_scan_finished(self, message: ScanFinished) -> None:
        result = message.result
        self.result = result
        bar = self.query_one("#scan-progress", ProgressBar)
        bar.update(total=max(len(result.results), 1), progress=len(result.results))
        what = "Cancelled" if result.cancelled else "Done"
        accounts = result.account_statuses()
        where = (
            f"{len(accounts)} accounts" if result.multi_account else f"account {result.account_id}"
        )
        self.query_one("#scan-status", Static).update(
            Text(
                f"{what}: {len(result.results)} check results in {result.duration_s:.1f} s "
                f"for {where} · regions {', '.join(result.regions)}"
            )
        )
        if self.many:
            self.query_one("#scan-accounts", Static).update(accounts_summary(result))
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
        if not self.started:
            self.dismiss(None)
            return
        if self.result is None and not self.failed:
            self.cancel_event.set()
            self.query_one("#scan-status", Static).update(
                Text("Cancelling… results so far are kept.")
            )
            return
        self.dismiss(self.result)

    def action_done(self) -> None:
        if not self.started:
            self._start()
            return
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
            self._run(self.source, self.scope, self.cancel_event)

        self.app.push_screen(
            TextDialog("AWS profile to use (from ~/.aws/config)", value=self.source.profile or ""),
            retry,
        )
