"""The guided review: questions on the left, the current question with its best practices,
evidence and notes on the right.

The screen's state is its reactive vars: the review (as last saved) and the parts of it that
others watch (responses, evidence), the question on screen, the selected best practice, the
save state. Watchers hand them to the widgets (vars, not reactives: a change repaints only
the widgets that changed, never the whole screen). A key press
captures what it needs and submits a change to the Saver; the change is shown once the
store says it is durable (`ReviewSaved`, handled here), or the header says NOT SAVED."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Label, OptionList, Select, Static, TextArea

from checks.result import Proposal, ScanResult
from questions import Pillar, Question
from review.model import AnswerStatus, Responses, Review, ScanScope, notes_warning
from review.risk import effective_status, review_risk
from review.session import AppliedProposals
from review.vocabulary import ANSWER_LABEL
from review.workshop import (
    end_workshop,
    pause,
    resume,
    start_workshop,
    summarize_workshop,
    switch_question,
)
from tui.messages import ReviewSaved, SaveFailed
from tui.saver import Change
from tui.screens.dialogs import NotApplicable, NotApplicableDialog, TextDialog
from tui.widgets.review_view import (
    BestPracticeTable,
    CardView,
    EvidencePanel,
    QuestionCard,
    QuestionList,
    ReviewHeader,
    account_choices,
    best_practice_rows,
    evidence_title,
    evidence_view,
    header_view,
)
from tui.widgets.workshop_bar import WorkshopBar

if TYPE_CHECKING:
    from tui.app import PillarApp

NOTES_DEBOUNCE_S = 0.6


class ReviewScreen(Screen[None]):
    """Walk one review, question by question."""

    BINDINGS = [
        Binding(
            "space",
            "toggle_answer",
            "met/not met",
            id="review.toggle",
            tooltip="Toggle the selected best practice between met and not met",
        ),
        Binding(
            "a",
            "accept",
            "accept proposals",
            id="review.accept",
            tooltip="Accept the evidence's proposals for this question's unanswered best practices",
        ),
        Binding(
            "o",
            "override",
            "override…",
            id="review.override",
            tooltip="Answer against the evidence's proposal, with a reason",
        ),
        Binding(
            "x",
            "not_applicable",
            "n/a…",
            id="review.not_applicable",
            tooltip="Mark the selected best practice as not applicable, with a reason",
        ),
        Binding(
            "u",
            "clear",
            "unanswer",
            id="review.clear",
            show=False,
            tooltip="Set the selected best practice back to unanswered",
        ),
        Binding(
            "X", "question_not_applicable", "question n/a…", id="review.question_na", show=False
        ),
        Binding("z", "none_of_these", "none of these", id="review.none_of_these", show=False),
        Binding("n,right", "next", "next", id="review.next", tooltip="Next question"),
        Binding("p,left", "previous", "prev", id="review.previous", tooltip="Previous question"),
        Binding(
            "slash",
            "jump",
            "jump",
            id="review.jump",
            tooltip="Jump to any question or best practice",
        ),
        Binding(
            "c",
            "next_account",
            "account",
            id="review.account",
            tooltip="Multi-account evidence: show one account's evidence (the next account; "
            "after the last, all accounts again)",
        ),
        Binding(
            "C",
            "all_accounts",
            "all accounts",
            id="review.all_accounts",
            show=False,
            tooltip="Multi-account evidence: show every account's evidence again",
        ),
        Binding(
            "e",
            "edit_notes",
            "notes",
            id="review.notes",
            tooltip="Write notes for this question (saved as you type)",
        ),
        Binding(
            "r",
            "refresh_evidence",
            "rescan",
            id="review.scan",
            show=False,
            tooltip="Run the checks again and refresh the evidence",
        ),
        Binding(
            "S",
            "edit_scope",
            "scan scope…",
            id="review.scope",
            show=False,
            tooltip="Choose the accounts (one, the organization's, or a list), regions and "
            "role that scans of this review cover",
        ),
        Binding("s", "summary", "summary", id="review.summary", show=False),
        Binding("l", "plan", "plan", id="review.plan", show=False),
        Binding(
            "i",
            "toggle_intro",
            "why/ask",
            id="review.intro",
            show=False,
            tooltip="Show or hide why the question matters and what to ask the room",
        ),
        Binding(
            "b",
            "toggle_sidebar",
            "questions",
            id="review.sidebar",
            show=False,
            tooltip="Show or hide the list of questions",
        ),
        Binding(
            "w",
            "workshop",
            "workshop",
            id="review.workshop",
            tooltip="Start a timed workshop on this review, or end the running one",
        ),
        Binding(
            "k",
            "park",
            "park…",
            id="review.park",
            tooltip="Park a follow-up for this question (it joins the plan)",
        ),
        Binding(
            "d",
            "decided_by",
            "who decides…",
            id="review.decided_by",
            show=False,
            tooltip="Pick the participant the next answers are attributed to",
        ),
        Binding(
            "v",
            "presenter",
            "presenter",
            id="review.presenter",
            show=False,
            tooltip="Presenter view: the question in large, readable form for screen sharing",
        ),
        Binding(
            "y",
            "wa_sync",
            "WA Tool",
            id="review.wa_sync",
            show=False,
            tooltip="Push or pull this review with the AWS Well-Architected Tool",
        ),
        Binding(
            "f",
            "attach_scans",
            "Attach scan files",
            id="review.attach",
            show=False,
            tooltip="Add scan files (pillar scan --format json -o FILE) to this review's evidence",
        ),
        Binding("escape", "leave", "home", id="review.home"),
    ]

    review: var[Review] = var(cast(Review, None), init=False)
    """The review as last saved (or as opened): every widget follows it."""
    question: var[Question] = var(cast(Question, None), init=False)
    """The question on screen."""
    selected_bp: var[str | None] = var(None, init=False)
    """The best practice under the table's cursor (its evidence is shown)."""
    save_state: var[str] = var("saved ✓", init=False)
    compact: var[bool] = var(False, init=False)
    """The question's intro folded away (short terminals, or i)."""
    responses: var[Responses] = var(cast(Responses, None), init=False)
    """The review's answers and question states (follows `review`)."""
    evidence: var[ScanResult | None] = var(None, init=False)
    """The review's evidence (follows `review`)."""
    account_filter: var[str | None] = var(None, init=False)
    """Multi-account evidence: the one account whose evidence is shown (None: all)."""

    def __init__(
        self,
        review: Review,
        pillar: Pillar,
        *,
        read_only: bool = False,
        start_question: str | None = None,
        scan_first: bool = False,
    ) -> None:
        super().__init__()
        self.pillar = pillar
        self.read_only = read_only
        self.scan_first = scan_first
        first = pillar.questions[0].id
        wanted = start_question or review.last_question or first
        self.set_reactive(ReviewScreen.review, review)
        self.set_reactive(ReviewScreen.responses, review.responses)
        self.set_reactive(ReviewScreen.evidence, review.evidence)
        self._summary = review_risk(pillar, review.responses)
        self.set_reactive(ReviewScreen.question, self._question_or(wanted, first))
        self.set_reactive(ReviewScreen.save_state, "read-only" if read_only else "saved ✓")
        self._intro_folded: bool | None = None  # None: decided by the terminal size
        self._notes_timer: Timer | None = None
        self._notes_dirty = False

    @property
    def pillar_app(self) -> PillarApp:
        from tui.app import PillarApp

        assert isinstance(self.app, PillarApp)
        return self.app

    def _question_or(self, question_id: str, fallback: str) -> Question:
        try:
            return self.pillar.question(question_id)
        except KeyError:
            return self.pillar.question(fallback)

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ReviewHeader(id="review-header")
        yield WorkshopBar(self.pillar_app.clock, id="workshop-bar")
        if self.read_only:
            yield Static(
                Text(
                    "Read-only: another pillar has this review open for changes. "
                    "You can look, not change.",
                ),
                id="read-only-banner",
            )
        with Horizontal(id="review-body"):
            yield QuestionList(id="sidebar")
            with VerticalScroll(id="question-pane"):
                yield QuestionCard(id="question-card")
                yield BestPracticeTable(id="best-practices")
                yield Select[str](
                    (),
                    prompt="All accounts",
                    compact=True,
                    id="account-filter",
                    tooltip="Show the evidence of one account, or of all (keys c and C)",
                )
                yield EvidencePanel(id="evidence")
                with Vertical(id="notes-box"):
                    yield Label("Notes for this question (saved as you type)", id="notes-label")
                    yield TextArea(id="notes", soft_wrap=True, show_line_numbers=False)
        yield Footer()

    NARROW = 100  # below this width the question list hides (b shows it)
    # While a workshop runs, the time is saved this often even when nobody changes
    # anything, so a killed pillar loses at most this much of the workshop's clocks.
    CHECKPOINT_S = 30.0
    SHORT = 32  # below this height the question's intro folds (i shows it)

    def on_mount(self) -> None:
        self.query_one(QuestionList).display = self.app.size.width >= self.NARROW
        self.query_one("#notes", TextArea).read_only = self.read_only
        self.set_reactive(ReviewScreen.compact, self.app.size.height < self.SHORT)
        # First paint: the watchers' work for the state the screen starts in.
        self.query_one(ReviewHeader).save_state = self.save_state
        self._show_accounts(self.evidence)
        self.watch_responses(self.responses)
        self.watch_review(self.review)
        self.watch_question(self.question)
        self.query_one("#best-practices", BestPracticeTable).focus()
        if self.read_only:
            return
        self.set_interval(self.CHECKPOINT_S, self._checkpoint_workshop)
        workshop = self.review.active_workshop
        if workshop is not None:
            # Resume mid-workshop: same question, clocks running again from where they were.
            if workshop.current is not None:
                self.question = self._question_or(workshop.current, self.question.id)
            resumed = resume(workshop, self.pillar_app.clock())
            self._submit(lambda s: s.save_workshop(resumed))
        question_id = self.question.id
        self._submit(lambda s: s.visit(question_id))
        if self.scan_first and self.review.evidence is None:
            # The demo goes straight on to its first question once scanned.
            self._scan(auto=self.pillar_app.scan_source.demo)

    def on_resize(self) -> None:
        self.query_one(QuestionList).display = self.app.size.width >= self.NARROW
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Fit the layout to the terminal: the table's title column, the folded intro."""
        table = self.query_one(BestPracticeTable)
        table.title_width = table.available_title_width()
        folded = self._intro_folded
        self.compact = folded if folded is not None else self.app.size.height < self.SHORT

    def action_toggle_intro(self) -> None:
        self._intro_folded = not self.compact
        self.compact = self._intro_folded

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(QuestionList)
        sidebar.display = not sidebar.display
        self.call_after_refresh(self._fit)

    # --- showing: watchers ----------------------------------------------------------------

    def watch_review(self, review: Review) -> None:
        # The parts others watch: a save that changed neither (e.g. the question visited)
        # redraws nothing but the header, and only if its line changed.
        self.responses = review.responses
        self.evidence = review.evidence
        self.query_one(ReviewHeader).view = header_view(self.pillar, review, self._summary)
        bar = self.query_one(WorkshopBar)
        bar.workshop = review.active_workshop
        bar.parked = len(review.parking_lot)

    def watch_responses(self, responses: Responses) -> None:
        self._summary = review_risk(self.pillar, responses)
        self.query_one(QuestionList).show(self.pillar, self.review, self._summary)
        self._show_question()

    def watch_evidence(self, evidence: ScanResult | None) -> None:
        self._show_accounts(evidence)
        self._show_question()

    def _show_accounts(self, evidence: ScanResult | None) -> None:
        """The account filter follows the evidence: shown only for multi-account evidence,
        its choices the evidence's accounts (a filter on an account that is gone is reset)."""
        choices = account_choices(evidence)
        picker = self.query_one("#account-filter", Select)
        with picker.prevent(Select.Changed):  # set here, not picked by a person
            picker.set_options(choices)
            if self.account_filter not in {account for _, account in choices}:
                self.set_reactive(ReviewScreen.account_filter, None)
            if self.account_filter is not None:
                picker.value = self.account_filter
        picker.display = bool(choices)
        self.refresh_bindings()

    def watch_account_filter(self, account: str | None) -> None:
        picker = self.query_one("#account-filter", Select)
        wanted = Select.NULL if account is None else account
        if picker.value != wanted:
            with picker.prevent(Select.Changed):
                picker.value = wanted
        self._show_evidence()

    @on(Select.Changed, "#account-filter")
    def _account_picked(self, event: Select.Changed) -> None:
        if event.value != event.select.value:
            return  # a stale change: the filter moved on since
        self.account_filter = None if event.value == Select.NULL else str(event.value)

    def watch_question(self, question: Question) -> None:
        self.query_one(QuestionList).current = question.id
        self.query_one(BestPracticeTable).move_cursor(row=0)
        self._show_question()
        self._load_notes()
        self.query_one("#question-pane", VerticalScroll).scroll_home(animate=False)

    def watch_selected_bp(self) -> None:
        self._show_evidence()

    def watch_save_state(self, state: str) -> None:
        self.query_one(ReviewHeader).save_state = state

    def watch_compact(self) -> None:
        self._show_card()

    def _show_question(self) -> None:
        """Hand the question (as the review has it) to the widgets; each redraws only if
        its input changed."""
        review, question = self.review, self.question
        self._show_card()
        table = self.query_one(BestPracticeTable)
        table.lines = best_practice_rows(self.pillar, question, review)
        self.query_one(WorkshopBar).question_id = question.id
        self.selected_bp = table.current_bp
        self._show_evidence()

    def _show_evidence(self) -> None:
        bp_id = self.selected_bp
        panel = self.query_one(EvidencePanel)
        panel.border_title = evidence_title(self.evidence, self.account_filter)
        if bp_id is not None:
            panel.view = evidence_view(
                self.pillar.best_practice(bp_id), self.review, self.account_filter
            )

    def _show_card(self) -> None:
        question = self.question
        self.query_one(QuestionCard).view = CardView(
            question, self.review.question_state(question.id), self.compact
        )

    def _load_notes(self) -> None:
        notes = self.query_one("#notes", TextArea)
        text = self.review.question_state(self.question.id).notes
        if notes.text != text:
            notes.load_text(text)
        self._show_notes_label(text)

    def _show_notes_label(self, text: str) -> None:
        warning = notes_warning(text)
        label = self.query_one("#notes-label", Label)
        label.update(
            Text(f"⚠ {warning}", style="yellow")
            if warning
            else Text("Notes for this question (saved as you type) · e to edit, esc to leave")
        )

    @on(DataTable.RowHighlighted, "#best-practices")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        table = self.query_one(BestPracticeTable)
        self.selected_bp = table.current_bp
        if table.has_focus and event.cursor_row > 0:
            # Moving through best practices: bring the table and its evidence into view.
            self.query_one("#question-pane", VerticalScroll).scroll_to_widget(
                table, top=True, animate=False
            )

    @on(OptionList.OptionSelected, "#sidebar")
    def _question_picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.go_to(event.option.id)
            self.query_one(BestPracticeTable).focus()

    # --- saving -------------------------------------------------------------------------

    def _submit(self, change: Change, then: Callable[[Any], None] | None = None) -> bool:
        """Hand a change to the Saver. `change` must only use values captured by the caller
        (it runs on the writer thread); `then` runs here once the change is durable."""
        saver = self.pillar_app.saver
        if self.read_only or saver is None or saver.closing:
            self.notify(
                "This review is open read-only; close the other pillar to edit it.",
                severity="warning",
            )
            return False
        saver.submit(change, reply_to=self, then=then)
        self.save_state = "saving…"
        return True

    def _checkpoint_workshop(self) -> None:
        """Save the time of a running workshop (nothing else changes); quiet, no notice."""
        saver = self.pillar_app.saver
        if self.review.active_workshop is None or saver is None or saver.closing:
            return
        saver.submit(lambda s: s.checkpoint(), reply_to=self)

    def on_review_saved(self, message: ReviewSaved) -> None:
        saver = self.pillar_app.saver
        if self._notes_dirty:
            self.save_state = "typing…"
        elif saver is None or saver.is_saved(message.seq):
            self.save_state = "saved ✓"
        self.review = message.review
        if message.then is not None:
            message.then(message.result)

    def on_save_failed(self, message: SaveFailed) -> None:
        self.save_state = "NOT SAVED ✗"
        self.notify(
            f"Not saved: {message.reason}", title="Save failed", severity="error", timeout=15
        )

    def _person(self) -> str:
        workshop = self.review.active_workshop
        return workshop.decided_by if workshop is not None else self.pillar_app.person

    def _proposal(self, bp_id: str) -> Proposal | None:
        evidence = self.review.evidence
        return evidence.proposal(self.pillar, bp_id) if evidence else None

    def _answer(self, bp_id: str, status: AnswerStatus, why: str = "", **extra: Any) -> None:
        person = self._person()
        self._submit(lambda s: s.set_answer(bp_id, status, by=person, why=why, **extra))

    def _set_with_reason_if_overriding(self, bp_id: str, status: AnswerStatus) -> None:
        proposal = self._proposal(bp_id)
        contradicts = (proposal is Proposal.MET and status is AnswerStatus.NOT_MET) or (
            proposal is Proposal.NOT_MET and status is AnswerStatus.MET
        )
        if not contradicts:
            self._answer(bp_id, status)
            return
        label = ANSWER_LABEL[status]

        def with_reason(reason: str | None) -> None:
            if reason:
                self._answer(bp_id, status, why=f"override: {reason}")

        self.app.push_screen(
            TextDialog(
                f"The evidence proposes the opposite. Why is {bp_id} {label}?",
                placeholder="e.g. the failing buckets are public websites by design",
            ),
            with_reason,
        )

    # --- actions ------------------------------------------------------------------------

    def _current_status(self, bp_id: str) -> AnswerStatus:
        state = self.review.question_state(self.question.id)
        return effective_status(bp_id, state, self.review.responses.by_best_practice)

    def action_toggle_answer(self) -> None:
        bp_id = self.query_one(BestPracticeTable).current_bp
        if bp_id is None:
            return
        current = self._current_status(bp_id)
        new = AnswerStatus.NOT_MET if current is AnswerStatus.MET else AnswerStatus.MET
        self._set_with_reason_if_overriding(bp_id, new)

    def action_override(self) -> None:
        bp_id = self.query_one(BestPracticeTable).current_bp
        if bp_id is None:
            return
        proposal = self._proposal(bp_id)
        if proposal is None:
            self.notify("There is no proposal to override here; use space to answer.")
            return
        opposite = AnswerStatus.NOT_MET if proposal is Proposal.MET else AnswerStatus.MET
        self._set_with_reason_if_overriding(bp_id, opposite)

    def action_accept(self) -> None:
        if self.review.evidence is None:
            self.notify("No evidence yet: press r to scan the account first.")
            return
        question_id = self.question.id
        ids = [bp.id for bp in self.question.best_practices]
        person = self._person()

        def report(result: Any) -> None:
            if isinstance(result, AppliedProposals):
                count = len(result.applied)
                self.notify(
                    f"Accepted {count} proposal{'s' if count != 1 else ''} for {question_id}."
                    if count
                    else "Nothing to accept: answered best practices are never overwritten."
                )

        self._submit(lambda s: s.apply_proposals(accepted_by=person, only=ids), report)

    def action_clear(self) -> None:
        bp_id = self.query_one(BestPracticeTable).current_bp
        if bp_id is not None:
            self._answer(bp_id, AnswerStatus.UNANSWERED)

    def action_not_applicable(self) -> None:
        bp_id = self.query_one(BestPracticeTable).current_bp
        if bp_id is None:
            return

        def apply(result: NotApplicable | None) -> None:
            if result is None:
                return
            extra: dict[str, Any] = {"reason": result.reason}
            if result.note:
                extra["note"] = result.note
            self._answer(bp_id, AnswerStatus.NOT_APPLICABLE, **extra)

        self.app.push_screen(NotApplicableDialog(f"Why does {bp_id} not apply?"), apply)

    def action_question_not_applicable(self) -> None:
        question_id = self.question.id
        state = self.review.question_state(question_id)
        if state.does_not_apply:
            self._submit(lambda s: s.set_question_state(question_id, does_not_apply=False))
            return

        def apply(result: NotApplicable | None) -> None:
            if result is None:
                return
            reason = result.reason
            self._submit(
                lambda s: s.set_question_state(question_id, does_not_apply=True, reason=reason)
            )

        self.app.push_screen(
            NotApplicableDialog(f"Why does the whole question {question_id} not apply?"), apply
        )

    def action_none_of_these(self) -> None:
        question_id = self.question.id
        value = not self.review.question_state(question_id).none_of_these
        self._submit(lambda s: s.set_question_state(question_id, none_of_these=value))

    def go_to(self, question_id: str) -> None:
        self._flush_notes()
        self.question = self._question_or(question_id, self.question.id)
        if self.read_only:
            return
        visited = self.question.id
        self._submit(lambda s: s.visit(visited))
        workshop = self.review.active_workshop
        if workshop is not None:
            moved = switch_question(workshop, visited, self.pillar_app.clock())
            self._submit(lambda s: s.save_workshop(moved))

    def _step(self, offset: int) -> None:
        ids = [q.id for q in self.pillar.questions]
        index = ids.index(self.question.id) + offset
        if 0 <= index < len(ids):
            self.go_to(ids[index])
        else:
            self.notify("That was the last question." if offset > 0 else "This is the first.")

    def action_next(self) -> None:
        self._step(1)

    def action_previous(self) -> None:
        self._step(-1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next_account", "all_accounts"):
            # Only multi-account evidence has accounts to pick: hidden otherwise.
            return self.evidence is not None and self.evidence.multi_account
        return True

    def action_next_account(self) -> None:
        """Show the next account's evidence alone; after the last, all accounts again."""
        accounts = [account for _, account in account_choices(self.evidence)]
        if not accounts:
            return
        current = self.account_filter
        position = accounts.index(current) + 1 if current in accounts else 0
        self.account_filter = accounts[position] if position < len(accounts) else None

    def action_all_accounts(self) -> None:
        self.account_filter = None

    def action_jump(self) -> None:
        from tui.screens.dialogs import JumpDialog

        entries: list[tuple[str, str, str]] = []
        for question in self.pillar.questions:
            entries.append((question.id, question.id, question.title))
            entries.extend((question.id, bp.id, bp.title) for bp in question.best_practices)

        def jump(question_id: str | None) -> None:
            if question_id:
                self.go_to(question_id)
                self.query_one(BestPracticeTable).focus()

        self.app.push_screen(JumpDialog(entries), jump)

    def action_edit_notes(self) -> None:
        self.query_one("#notes", TextArea).focus()

    @on(TextArea.Changed, "#notes")
    def _notes_changed(self, event: TextArea.Changed) -> None:
        text = event.text_area.text
        if text == self.review.question_state(self.question.id).notes:
            return
        self._notes_dirty = True
        self._show_notes_label(text)
        self.save_state = "typing…"
        if self._notes_timer is not None:
            self._notes_timer.stop()
        self._notes_timer = self.set_timer(NOTES_DEBOUNCE_S, self._flush_notes)

    def _flush_notes(self) -> None:
        if not self._notes_dirty:
            return
        self._notes_dirty = False
        if self._notes_timer is not None:
            self._notes_timer.stop()
            self._notes_timer = None
        question_id = self.question.id
        text = self.query_one("#notes", TextArea).text
        self._submit(lambda s: s.set_question_state(question_id, notes=text))

    def on_key(self, event: Any) -> None:
        notes = self.query_one("#notes", TextArea)
        if event.key == "escape" and notes.has_focus:
            self._flush_notes()
            self.query_one(BestPracticeTable).focus()
            event.stop()
            event.prevent_default()

    # --- scan, summary, plan ------------------------------------------------------------

    def action_refresh_evidence(self) -> None:
        self._flush_notes()
        self._scan(auto=False)

    def _scan(self, *, auto: bool) -> None:
        """Run the checks (scan screen); the evidence is stored with the review."""
        from review.scope import scope_of
        from tui.screens.scan import ScanScreen

        if self.read_only:
            self.notify("This review is open read-only: its evidence cannot be refreshed.")
            return

        def finished(scan: ScanResult | None) -> None:
            if scan is not None:
                self._submit(lambda s: s.attach_evidence(scan))

        source = self.pillar_app.scan_source
        scope = scope_of(self.review)  # the review's scope (its regions if none was saved)
        self.app.push_screen(
            ScanScreen(source, scope, auto_continue=auto, edit_scope=self._edit_scope),
            finished,
        )

    def action_edit_scope(self) -> None:
        if self.pillar_app.scan_source.demo:
            self.notify(
                "The demo scans its simulated account (a recording): a scan scope applies "
                "to reviews of real AWS accounts."
            )
            return
        self._flush_notes()
        self._edit_scope(lambda scope: None)

    def _edit_scope(self, then: Callable[[ScanScope], None]) -> None:
        """Open the scope form; a saved choice is stored with the review, and `then` gets
        the scope scans now cover (the review's regions again once the scope is forgotten)."""
        from review.scope import describe_scope, regions_phrase, scope_of
        from tui.screens.scope import ScopeEdit, ScopeScreen

        if self.read_only:
            self.notify("This review is open read-only: its scan scope cannot be changed.")
            return
        review = self.review

        def chosen(edit: ScopeEdit | None) -> None:
            if edit is None:
                return
            saved = edit.scope

            def done(updated: Review) -> None:
                covered = scope_of(updated)
                self.notify(
                    f"Scans of this review cover {describe_scope(covered)}."
                    if saved is not None
                    else "Scope forgotten: scans cover the account of the credentials used, "
                    f"{regions_phrase(covered)}."
                )
                then(covered)

            self._submit(lambda s: s.set_scan_scope(saved), then=done)

        self.app.push_screen(
            ScopeScreen(scope_of(review), saved=review.scan_scope is not None, title=review.name),
            chosen,
        )

    def action_attach_scans(self) -> None:
        """Pick scan files; merged into the evidence, proposals for unanswered practices."""
        from review.attach import ATTACH_AUTHOR, AttachReport, attach_scans
        from review.text import safe_line
        from tui.screens.attach import AttachScanScreen

        if self.read_only:
            self.notify("This review is open read-only: no evidence can be attached.")
            return
        self._flush_notes()
        by = f"{self._person()} ({ATTACH_AUTHOR})"

        def attach(scans: tuple[ScanResult, ...] | None) -> None:
            if not scans:
                return

            def said(report: AttachReport) -> None:
                self.notify(safe_line(report.sentence(), 400), timeout=12)

            self._submit(lambda s: attach_scans(s, scans, by), then=said)

        self.app.push_screen(AttachScanScreen(self.pillar, self.review.name), attach)

    def action_wa_sync(self) -> None:
        from tui.screens.wa_sync import WaSyncScreen

        self._flush_notes()  # notes typed so far are sent too
        app = self.pillar_app
        self.app.push_screen(
            WaSyncScreen(
                self.review,
                self.pillar,
                app.store,
                app.scan_source,
                person=self._person(),
                saver=app.saver,
            )
        )

    def action_summary(self) -> None:
        from tui.screens.summary import SummaryScreen

        self.app.push_screen(SummaryScreen(self.review, self.pillar))

    def action_plan(self) -> None:
        from tui.screens.plan import PlanScreen

        self._flush_notes()
        self.app.push_screen(PlanScreen(self.review, self.pillar, editable=not self.read_only))

    def action_leave(self) -> None:
        self.before_close()
        self.pillar_app.close_review()

    def before_close(self) -> None:
        """Save what is pending and stop the workshop clocks (they resume on reopening)."""
        self._flush_notes()
        workshop = self.review.active_workshop
        if workshop is not None and not self.read_only:
            paused = pause(workshop, self.pillar_app.clock())
            self._submit(lambda s: s.save_workshop(paused))

    # --- workshop -----------------------------------------------------------------------

    def action_workshop(self) -> None:
        from tui.screens.dialogs import ConfirmDialog
        from tui.screens.workshop import WorkshopSetup, WorkshopSetupScreen

        workshop = self.review.active_workshop
        if workshop is None:

            def start(setup: WorkshopSetup | None) -> None:
                if setup is None or not setup.agenda:
                    return
                started = start_workshop(
                    self.pillar,
                    self.review,
                    now=self.pillar_app.clock(),
                    length_minutes=setup.length_minutes,
                    agenda=setup.agenda,
                )
                people = setup.participants
                if people:
                    self._submit(lambda s: s.set_participants(people))
                self._submit(lambda s: s.save_workshop(started), lambda _: self._started())

            self.app.push_screen(WorkshopSetupScreen(self.pillar, self.review), start)
            return

        def end(yes: bool | None) -> None:
            if yes:
                self._end_workshop()

        self.app.push_screen(
            ConfirmDialog("End the workshop session and show its summary?", "End session"), end
        )

    def _started(self) -> None:
        workshop = self.review.active_workshop
        if workshop is not None and workshop.current is not None:
            self.go_to(workshop.current)
        self.notify("Workshop started: the clock runs for the current question.")

    def _end_workshop(self) -> None:
        from tui.screens.workshop import WorkshopSummaryScreen

        workshop = self.review.active_workshop
        if workshop is None:
            return
        now = self.pillar_app.clock()
        ended = end_workshop(workshop, now)

        def show(review: Review) -> None:
            summary = summarize_workshop(self.pillar, review, ended, review.parking_lot, now)
            self.app.push_screen(WorkshopSummaryScreen(summary, self.pillar))

        self._submit(lambda s: s.save_workshop(ended), show)

    def action_park(self) -> None:
        from tui.screens.workshop import ParkDialog, Parked

        question_id = self.question.id
        person = self._person()

        def park(item: Parked | None) -> None:
            if item is None:
                return
            text, owner = item.text, item.owner

            def parked(result: Any) -> None:
                self.notify(f"Parked as {result.id}; it is in the plan.")

            self._submit(lambda s: s.park(question_id, text, owner=owner, by=person), parked)

        self.app.push_screen(ParkDialog(question_id), park)

    def action_decided_by(self) -> None:
        from tui.screens.workshop import DecidedByDialog

        workshop = self.review.active_workshop
        if workshop is None:
            self.notify("Answers are by you; start a workshop (w) to attribute them.")
            return

        def pick(name: str | None) -> None:
            current = self.review.active_workshop
            if name and current is not None:
                chosen = replace(current, decided_by=name)
                self._submit(lambda s: s.save_workshop(chosen))

        self.app.push_screen(DecidedByDialog(self.review.participants, workshop.decided_by), pick)

    def action_presenter(self) -> None:
        from tui.screens.workshop import PresenterScreen

        self.app.push_screen(PresenterScreen(self.pillar, self.review, self.question.id))
