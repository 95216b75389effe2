"""Push, pull or compare one review with its AWS WA Tool workload (issue 10).

A modal over Home or the review screen. The person picks the workload the first time (an
id, ARN or name, or nothing to create one named like the review), the region if the
profile names none, whether to send partial questions and whether their side wins
conflicts; then Push (p), Pull (l) or Status (s). The work runs off the UI thread:

- over the review screen, through the open review's Saver (the change runs on its writer
  thread, in order with the person's other changes, and the review screen gets the new
  review as usual);
- over Home, in a worker that opens the review for the time of the sync.

Progress shows what is being done; the result lists every question, and conflicts with
both sides. WA Tool names and notes are untrusted: shown as Text, made safe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

from questions import Pillar
from review.errors import ReviewError
from review.model import Review
from review.text import safe_line
from review.watool.mapping import answer_summary
from review.watool.state import PullAction, PushAction, QuestionSync, SyncState, sync_label

if TYPE_CHECKING:
    from review.session import ReviewSession
    from review.store import ReviewStore
    from review.watool.client import WaTool
    from review.watool.sync import PullResult, PushResult, Report
    from tui.saver import Saver
    from tui.scanning import ScanSource


@dataclass
class SyncProgress(Message, bubble=False):
    what: str
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SyncProgress)


@dataclass
class SyncDone(Message, bubble=False):
    """A push, pull or status ended: `outcome` is its result, or the error's sentence."""

    action: str
    outcome: Any
    review: Review | None = None


@dataclass(frozen=True)
class SyncRequest:
    """What the person asked for, captured on the UI thread."""

    action: str  # push, pull, status
    workload: str
    region: str
    include_partial: bool
    prefer: bool
    person: str


class WaSyncScreen(ModalScreen[Review | None]):
    """Sync one review with the AWS WA Tool; dismissed with the review after it (or None)."""

    BINDINGS = [
        Binding("escape", "close", "close", id="wa.close"),
        Binding("p", "run('push')", "push", id="wa.push", tooltip="Send pillar's answers"),
        Binding("l", "run('pull')", "pull", id="wa.pull", tooltip="Take the WA Tool's answers"),
        Binding("s", "run('status')", "status", id="wa.status", tooltip="Compare both sides"),
    ]

    DEFAULT_CSS = """
    WaSyncScreen { align: center middle; }
    WaSyncScreen > #wa-box {
        width: 100; max-width: 95%; height: auto; max-height: 90%;
        border: round $primary; padding: 0 1; background: $surface;
    }
    WaSyncScreen #wa-form { height: auto; }
    WaSyncScreen #wa-form Input { width: 1fr; }
    WaSyncScreen #wa-buttons { height: auto; padding-top: 1; }
    WaSyncScreen #wa-buttons Button { margin-right: 1; }
    WaSyncScreen #wa-progress { color: $text-muted; height: auto; }
    WaSyncScreen #wa-result { height: auto; max-height: 24; }
    """

    def __init__(
        self,
        review: Review,
        pillar: Pillar,
        store: ReviewStore,
        source: ScanSource,
        *,
        person: str,
        saver: Saver | None = None,
    ) -> None:
        super().__init__()
        self.review = review
        self.pillar = pillar
        self.store = store
        self.source = source
        self.person = person
        self.saver = saver if saver is not None and saver.review_id == review.id else None
        self.running = False
        self.changed: Review | None = None

    def compose(self) -> ComposeResult:
        link = self.review.wa_link
        with Vertical(id="wa-box"):
            yield Static(
                Text.assemble(
                    ("AWS WA Tool · ", "bold"), (safe_line(self.review.name, 60), "bold")
                ),
                id="wa-title",
            )
            yield Static(self._link_text(), id="wa-link")
            with Vertical(id="wa-form"):
                if link is None:
                    yield Input(
                        placeholder=(
                            "workload id, ARN or name (leave empty to create one named like "
                            "the review)"
                        ),
                        id="wa-workload",
                    )
                yield Input(
                    value=link.region if link is not None else "",
                    placeholder="region (empty: the AWS profile's), e.g. eu-west-1",
                    id="wa-region",
                )
                yield Checkbox(
                    "send partial questions (unanswered best practices as not selected)",
                    id="wa-partial",
                )
                yield Checkbox(
                    "on a conflict, this side wins (push: pillar's answer, pull: the WA Tool's)",
                    id="wa-prefer",
                )
            with Horizontal(id="wa-buttons"):
                yield Button("Push (p)", id="push", variant="primary")
                yield Button("Pull (l)", id="pull")
                yield Button("Status (s)", id="status")
                yield Button("Close (esc)", id="close")
            yield Static("", id="wa-progress")
            with VerticalScroll(id="wa-result"):
                yield Static("", id="wa-result-text")

    def on_mount(self) -> None:
        # Keys p, l and s act from the buttons (an input takes the letters typed in it).
        self.query_one("#push", Button).focus()

    def _link_text(self) -> Text:
        link = self.review.wa_link
        if link is None:
            return Text(
                "Not linked to a WA Tool workload yet: the first push links it (or creates one).",
                style="dim",
            )
        label = sync_label(self.pillar, self.review)
        return Text.assemble(
            "Linked to ",
            (safe_line(link.arn, 100), "bold"),
            f" · {label}" if label else "",
        )

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "close":
            self.action_close()
        elif event.button.id in ("push", "pull", "status"):
            self.action_run(event.button.id)

    def action_close(self) -> None:
        if self.running:
            self.notify("Wait for the WA Tool to answer (the sync finishes what it started).")
            return
        self.dismiss(self.changed)

    def action_run(self, action: str) -> None:
        if self.running:
            return
        if action == "pull" and self.review.wa_link is None and not self._workload():
            self._show_error(
                "This review is not linked yet: push it first, or make a new review from a "
                "workload with `pillar wa pull --workload ID`."
            )
            return
        request = SyncRequest(
            action=action,
            workload=self._workload(),
            region=self.query_one("#wa-region", Input).value.strip(),
            include_partial=self.query_one("#wa-partial", Checkbox).value,
            prefer=self.query_one("#wa-prefer", Checkbox).value,
            person=self.person,
        )
        self.running = True
        self.query_one("#wa-progress", Static).update(Text("connecting to the AWS WA Tool…"))
        self.query_one("#wa-result-text", Static).update("")
        if action != "status" and self.saver is not None and not self.saver.read_only:
            change = self._change(request)
            self.saver.submit(change, reply_to=self, then=self._saved)
        else:
            self._run_in_worker(request)

    def _workload(self) -> str:
        found = self.query("#wa-workload")
        return found.first(Input).value.strip() if found else ""

    # --- the work (off the UI thread) ----------------------------------------------------

    def _progress(self, what: str, done: int, total: int) -> None:
        self.post_message(SyncProgress(what, done, total))

    def _client(self, request: SyncRequest) -> WaTool:
        from review.watool.client import WaOptions, WaTool, region_of, session_region

        options = WaOptions(profile=self.source.profile, endpoint_url=self.source.endpoint_url)
        link = self.review.wa_link
        region = (
            request.region
            or (link.region if link is not None else None)
            or region_of(request.workload)
            or session_region(options)
        )
        if not region:
            from review.watool.sync import SyncError

            raise SyncError("the WA Tool is regional: give a region (e.g. eu-west-1)")
        return WaTool.connect(options, region)

    def _sync(self, session: ReviewSession, request: SyncRequest) -> Any:
        from review.watool.sync import PushOptions, pull, push

        wa = self._client(request)
        if request.action == "push":
            has_link = session.review.wa_link is not None
            options = PushOptions(
                create=not has_link and not request.workload,
                workload=request.workload or None,
                include_partial=request.include_partial,
                prefer_local=request.prefer,
                owner=request.person,
            )
            return push(session, wa, options, self._progress)
        return pull(session, wa, prefer_remote=request.prefer, progress=self._progress)

    def _change(self, request: SyncRequest) -> Callable[[ReviewSession], Any]:
        """The sync as a change of the open review (runs on the Saver's writer thread);
        errors come back as their sentence instead of a failed save."""

        def change(session: ReviewSession) -> Any:
            try:
                return self._sync(session, request)
            except Exception as error:
                return _sentence(error)

        return change

    def _saved(self, outcome: Any) -> None:
        self.post_message(SyncDone("saver", outcome))

    @work(thread=True, exclusive=True, group="wa-sync", exit_on_error=False)
    def _run_in_worker(self, request: SyncRequest) -> None:
        from review.watool.sync import status

        outcome: Any
        review: Review | None = None
        try:
            if request.action == "status":
                current = self.store.load(self.review.id)
                wa = self._client(request) if current.wa_link is not None else None
                outcome = status(self.pillar, current, wa)
                review = current
            else:
                with self.store.open(self.review.id) as session:
                    outcome = self._sync(session, request)
                    review = session.review
        except Exception as error:
            outcome = _sentence(error)
        self.post_message(SyncDone(request.action, outcome, review))

    # --- results (UI thread) -------------------------------------------------------------

    def on_sync_progress(self, message: SyncProgress) -> None:
        count = f" ({message.done}/{message.total})" if message.total else ""
        self.query_one("#wa-progress", Static).update(Text(f"{message.what}{count}…"))

    def on_sync_done(self, message: SyncDone) -> None:
        from review.watool.sync import PullResult, PushResult, Report

        self.running = False
        outcome = message.outcome
        if message.review is not None:  # from the worker (the Saver's reply set it already)
            self.review = message.review
        if isinstance(outcome, PullResult):
            self.review = outcome.review
        if isinstance(outcome, PushResult | PullResult):
            self.changed = self.review
        self.query_one("#wa-link", Static).update(self._link_text())
        self.query_one("#wa-progress", Static).update("")
        if isinstance(outcome, str):
            self._show_error(outcome)
        elif isinstance(outcome, PushResult):
            self._show(push_lines(self.pillar, outcome))
        elif isinstance(outcome, PullResult):
            self._show(pull_lines(self.pillar, outcome))
        elif isinstance(outcome, Report):
            self._show(status_lines(self.pillar, outcome))
        if self._form_is_stale():
            self.query("#wa-workload").remove()

    def _form_is_stale(self) -> bool:
        return self.review.wa_link is not None and bool(self.query("#wa-workload"))

    def on_review_saved(self, message: Any) -> None:
        """The Saver's reply (the review screen gets its own copy)."""
        self.review = message.review
        if message.then is not None:
            message.then(message.result)

    def _show(self, lines: list[Text]) -> None:
        self.query_one("#wa-result-text", Static).update(Text("\n").join(lines))

    def _show_error(self, sentence: str) -> None:
        self.query_one("#wa-progress", Static).update("")
        self.query_one("#wa-result-text", Static).update(Text(sentence, style="bold red"))


def _sentence(error: BaseException) -> str:
    if getattr(error, "user_error", False) or isinstance(error, ReviewError | OSError):
        return safe_line(str(error), 400)
    return f"Unexpected error ({type(error).__name__}: {safe_line(str(error), 200)})"


# --- result lines (pure: values in, Text out) ------------------------------------------------


def _both(pillar: Pillar, sync: QuestionSync) -> list[Text]:
    question = pillar.question(sync.question_id)
    return [
        Text(f"      pillar:  {answer_summary(question, sync.local.answer)}"),
        Text(f"      WA Tool: {answer_summary(question, sync.remote)}"),
    ]


def _lens(result: PushResult | PullResult | Report) -> list[Text]:
    lines = []
    lens = result.lens
    if lens is not None:
        state = "current" if lens.current else f"{lens.status}: not the current version"
        lines.append(Text(f"lens {lens.alias} {lens.version} ({state})", style="dim"))
    lines.extend(
        Text(f"ids without a partner: {line}", style="yellow") for line in result.mismatch.lines()
    )
    return lines


def push_lines(pillar: Pillar, result: PushResult) -> list[Text]:
    lines = [Text(f"Workload '{safe_line(result.workload_name, 60)}'", style="bold")]
    if result.created:
        lines.append(Text("created the workload (lens wellarchitected)"))
    lines.extend(Text(f"note: {safe_line(n, 200)}", style="dim") for n in result.notes)
    lines.extend(_lens(result))
    for step in result.steps:
        qid = step.sync.question_id
        if step.action is PushAction.SEND:
            extra = " (partial: unanswered sent as not selected)" if step.partial else ""
            what = answer_summary(pillar.question(qid), step.sync.local.answer, notes=40)
            lines.append(Text.assemble(f"{qid}  ", ("sent", "green"), f"  {what}{extra}"))
        elif step.action is PushAction.PARTIAL:
            lines.append(
                Text.assemble(
                    f"{qid}  ",
                    ("skipped", "yellow"),
                    f"  partial: {', '.join(step.sync.local.unanswered)} unanswered",
                )
            )
        elif step.action is PushAction.REMOTE_CHANGED:
            lines.append(
                Text.assemble(
                    f"{qid}  ", ("skipped", "yellow"), "  changed in the WA Tool: pull it"
                )
            )
        elif step.action is PushAction.CONFLICT:
            lines.append(
                Text.assemble(f"{qid}  ", ("CONFLICT", "bold red"), "  changed on both sides")
            )
            lines.extend(_both(pillar, step.sync))
        elif step.action is PushAction.MISSING:
            lines.append(Text(f"{qid}  not in the workload's lens", style="yellow"))
    summary = f"{len(result.sent)} answer(s) sent, {result.writes} write call(s)"
    if result.conflicts:
        summary += (
            f"; {len(result.conflicts)} conflict(s) left alone on both sides: tick 'this side "
            "wins' and push (pillar's) or pull (the WA Tool's)"
        )
    lines.append(Text(summary, style="bold"))
    return lines


def pull_lines(pillar: Pillar, result: PullResult) -> list[Text]:
    lines = [Text(f"Workload '{safe_line(result.workload.name, 60)}'", style="bold")]
    lines.extend(_lens(result))
    for step in result.steps:
        qid = step.sync.question_id
        if step.action is PullAction.TAKE:
            lines.append(Text.assemble(f"{qid}  ", ("taken", "green")))
        elif step.action is PullAction.LOCAL_CHANGED:
            lines.append(
                Text.assemble(f"{qid}  ", ("kept", "yellow"), "  changed in pillar: push it")
            )
        elif step.action is PullAction.CONFLICT:
            lines.append(
                Text.assemble(f"{qid}  ", ("CONFLICT", "bold red"), "  changed on both sides")
            )
            lines.extend(_both(pillar, step.sync))
        elif step.action is PullAction.MISSING:
            lines.append(Text(f"{qid}  not in the workload's lens", style="yellow"))
    summary = f"{len(result.taken)} question(s) taken, {result.changed_answers} answer(s) changed"
    if result.conflicts:
        summary += f"; {len(result.conflicts)} conflict(s) left alone on both sides"
    lines.append(Text(summary, style="bold"))
    return lines


def status_lines(pillar: Pillar, report: Report) -> list[Text]:
    if report.workload is None:
        return [Text("Not linked to a WA Tool workload: push to link it.")]
    lines = [Text(f"Workload '{safe_line(report.workload.name, 60)}'", style="bold")]
    lines.extend(_lens(report))
    styles = {SyncState.IN_SYNC: "green", SyncState.CONFLICT: "bold red"}
    for q in report.questions:
        lines.append(
            Text.assemble(f"{q.question_id}  ", (q.state.value, styles.get(q.state, "yellow")))
        )
        if q.state is SyncState.CONFLICT:
            lines.extend(_both(pillar, q))
    counts = ", ".join(f"{report.count(s)} {s.value}" for s in SyncState if report.count(s))
    lines.append(Text(counts, style="bold"))
    return lines
