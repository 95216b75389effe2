"""Workshop mode: set up a timed agenda, pick who decides, park follow-ups, present, wrap up."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Input,
    Label,
    OptionList,
    SelectionList,
    Static,
)
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from checks.result import summarize
from questions import Pillar
from review.model import AnswerStatus, Review
from review.risk import effective_status
from review.text import safe_line
from review.workshop import (
    THE_ROOM,
    AgendaItem,
    Participant,
    WorkshopSummary,
    propose_agenda,
)
from tui.widgets.badges import answer_mark, risk_badge


def parse_participants(text: str) -> tuple[Participant, ...]:
    """'Sam: security lead, Ana:dev, Bo' -> participants with optional roles."""
    people: list[Participant] = []
    for part in re.split(r"[,;\n]+", text):
        name, _, role = part.partition(":")
        if name.strip():
            people.append(Participant(name.strip(), role.strip()))
    return tuple(people)


@dataclass(frozen=True)
class WorkshopSetup:
    length_minutes: int
    agenda: tuple[AgendaItem, ...]
    participants: tuple[Participant, ...]


class WorkshopSetupScreen(ModalScreen[WorkshopSetup | None]):
    """Step 1: length, participants, questions. Step 2: adjust the proposed times."""

    BINDINGS = [
        Binding("escape", "cancel", "cancel", id="workshop.cancel"),
        Binding("plus,equals_sign", "adjust(1)", "+1 min", id="workshop.more", show=False),
        Binding("minus", "adjust(-1)", "-1 min", id="workshop.less", show=False),
    ]

    def __init__(self, pillar: Pillar, review: Review) -> None:
        super().__init__()
        self.pillar = pillar
        self.review = review
        self.agenda: list[AgendaItem] = []
        self.length = 120
        self.people: tuple[Participant, ...] = ()

    def compose(self) -> ComposeResult:
        answers = self.review.responses.by_best_practice
        open_ids = {
            q.id
            for q in self.pillar.questions
            if not self.review.question_state(q.id).does_not_apply
            and any(
                effective_status(bp.id, self.review.question_state(q.id), answers)
                is AnswerStatus.UNANSWERED
                for bp in q.best_practices
            )
        }
        with Vertical(classes="dialog", id="workshop-setup"):
            yield Static(Text("Start a workshop"), classes="dialog-title")
            with Vertical(id="workshop-step1"):
                yield Label("Length in minutes")
                yield Input("120", id="length", restrict=r"[0-9]*", max_length=4)
                yield Label("Participants (Name: role, separated by commas)")
                yield Input(
                    ", ".join(
                        p.label.replace(" (", ": ").rstrip(")") for p in self.review.participants
                    ),
                    placeholder="Sam: security lead, Ana: developer",
                    id="people",
                )
                yield Label("Questions on the agenda (space toggles)")
                yield SelectionList[str](
                    *[
                        Selection(f"{q.id}  {q.title}", q.id, q.id in open_ids or not open_ids)
                        for q in self.pillar.questions
                    ],
                    id="agenda-questions",
                )
                with Horizontal(classes="dialog-buttons"):
                    yield Button("Propose times", variant="primary", id="propose")
                    yield Button("Cancel", id="cancel")
            with Vertical(id="workshop-step2"):
                yield Static(id="agenda-total")
                yield DataTable(id="agenda", cursor_type="row")
                yield Static(
                    Text(
                        "+ / − adjust the selected question by a minute · enter starts",
                        style="dim",
                    )
                )
                with Horizontal(classes="dialog-buttons"):
                    yield Button("Start workshop", variant="primary", id="start")
                    yield Button("Back", id="back")
            yield Label("", id="setup-error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one("#workshop-step2").display = False
        table = self.query_one("#agenda", DataTable)
        table.add_column("MIN", key="min", width=5)
        table.add_column("QUESTION", key="q")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        match event.button.id:
            case "propose":
                self._propose()
            case "start":
                self.dismiss(WorkshopSetup(self.length, tuple(self.agenda), self.people))
            case "back":
                self.query_one("#workshop-step2").display = False
                self.query_one("#workshop-step1").display = True
            case _:
                self.dismiss(None)

    def on_input_submitted(self) -> None:
        self._propose()

    def on_data_table_row_selected(self) -> None:
        # Enter on the agenda starts the workshop.
        self.dismiss(WorkshopSetup(self.length, tuple(self.agenda), self.people))

    def _propose(self) -> None:
        error = self.query_one("#setup-error", Label)
        length_text = self.query_one("#length", Input).value
        if not length_text.isdigit() or not 5 <= int(length_text) <= 600:
            error.update("Length: a number of minutes between 5 and 600.")
            return
        chosen = self.query_one("#agenda-questions", SelectionList).selected
        if not chosen:
            error.update("Pick at least one question.")
            return
        error.update("")
        self.length = int(length_text)
        self.people = parse_participants(self.query_one("#people", Input).value)
        ordered = [q.id for q in self.pillar.questions if q.id in chosen]
        self.agenda = list(propose_agenda(self.pillar, self.review, self.length, ordered))
        self.query_one("#workshop-step1").display = False
        self.query_one("#workshop-step2").display = True
        self._show_agenda()
        self.query_one("#agenda", DataTable).focus()

    def _show_agenda(self) -> None:
        table = self.query_one("#agenda", DataTable)
        row = table.cursor_row
        table.clear()
        for item in self.agenda:
            title = self.pillar.question(item.question_id).title
            short = title if len(title) <= 48 else title[:47] + "…"
            table.add_row(f"{item.minutes:g}", f"{item.question_id}  {short}", key=item.question_id)
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))
        planned = round(sum(i.minutes for i in self.agenda), 1)
        over = planned > self.length
        self.query_one("#agenda-total", Static).update(
            Text(
                f"{planned:g} of {self.length} minutes planned"
                + (
                    " — more than the session: take time from another question"
                    if over
                    else " (the rest is for wrap-up)"
                ),
                style="bold yellow" if over else "",
            )
        )

    def action_adjust(self, delta: int) -> None:
        table = self.query_one("#agenda", DataTable)
        if not self.query_one("#workshop-step2").display or not table.row_count:
            return
        index = table.cursor_row
        item = self.agenda[index]
        self.agenda[index] = replace(item, minutes=max(1.0, item.minutes + delta))
        self._show_agenda()

    def action_cancel(self) -> None:
        self.dismiss(None)


class DecidedByDialog(ModalScreen[str | None]):
    """Pick who decides the next answers: a participant, or the room."""

    BINDINGS = [Binding("escape", "cancel", "cancel", id="decided.cancel")]

    def __init__(self, participants: tuple[Participant, ...], current: str) -> None:
        super().__init__()
        self.participants = participants
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text("Who decides? (answers record this name)"), classes="dialog-title")
            options = [Option(THE_ROOM, id=THE_ROOM)] + [
                Option(Text(safe_line(p.label, 60)), id=p.name) for p in self.participants
            ]
            yield OptionList(*options, id="people")

    def on_mount(self) -> None:
        people = self.query_one("#people", OptionList)
        names = [THE_ROOM, *[p.name for p in self.participants]]
        people.highlighted = names.index(self.current) if self.current in names else 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class Parked:
    text: str
    owner: str


class ParkDialog(ModalScreen[Parked | None]):
    """Capture a follow-up for the current question (it goes into the plan)."""

    BINDINGS = [Binding("escape", "cancel", "cancel", id="park.cancel")]

    def __init__(self, question_id: str) -> None:
        super().__init__()
        self.question_id = question_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                Text(f"Park a follow-up for {self.question_id} (it joins the plan)"),
                classes="dialog-title",
            )
            yield Input(placeholder="what needs following up", id="park-text")
            yield Input(placeholder="owner (optional)", id="park-owner")
            yield Label("", id="park-error", classes="dialog-error")
            yield Static(Text("enter save · esc cancel", style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = self.query_one("#park-text", Input).value.strip()
        if not text:
            self.query_one("#park-error", Label).update("Say what to follow up, or esc.")
            self.query_one("#park-text", Input).focus()
            return
        if event.input.id == "park-text":
            self.query_one("#park-owner", Input).focus()
            return
        self.dismiss(Parked(text, self.query_one("#park-owner", Input).value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)


def presenter_renderable(pillar: Pillar, review: Review, question_id: str) -> Group:
    """The question for screen sharing: big spacing, states in words, evidence in one line."""
    question = pillar.question(question_id)
    state = review.question_state(question_id)
    answers = review.responses.by_best_practice
    parts: list[RenderableType] = [
        Text(f"{question.id}", style="bold reverse"),
        Text(""),
        Text(question.title, style="bold"),
        Text(""),
    ]
    table = Table(box=None, show_header=False, padding=(0, 2, 1, 0), expand=True)
    table.add_column(width=7, no_wrap=True)
    table.add_column(width=6, no_wrap=True)
    table.add_column(ratio=3)
    table.add_column(ratio=2)
    for bp in question.best_practices:
        status = effective_status(bp.id, state, answers)
        evidence = (
            Text(summarize(review.evidence.evidence_for(bp.id)), style="dim")
            if review.evidence
            else Text("")
        )
        table.add_row(
            answer_mark(status), risk_badge(bp.risk), Text(bp.title, style="bold"), evidence
        )
    parts.append(table)
    open_count = sum(
        effective_status(bp.id, state, answers) is AnswerStatus.UNANSWERED
        for bp in question.best_practices
    )
    parts.append(Text(f"{open_count} still to decide", style="italic"))
    return Group(*parts)


class PresenterScreen(Screen[None]):
    """No chrome: the current question for the shared screen. v or esc returns."""

    BINDINGS = [Binding("escape,v", "app.pop_screen", "back", id="presenter.back")]

    def __init__(self, pillar: Pillar, review: Review, question_id: str) -> None:
        super().__init__()
        self.pillar = pillar
        self.review = review
        self.question_id = question_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="presenter"):
            yield Static(presenter_renderable(self.pillar, self.review, self.question_id))


def summary_renderable(summary: WorkshopSummary, pillar: Pillar) -> Group:
    parts: list[RenderableType] = [
        Text(
            f"Session of {summary.minutes:g} min · {summary.decided} best practices decided "
            f"({summary.answered_this_session} newly answered) · questions at HIGH "
            f"{summary.high_now} "
            f"(+{summary.new_high}) · MEDIUM {summary.medium_now} (+{summary.new_medium})",
            style="bold",
        ),
        Text(""),
    ]
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("AREA")
    table.add_column("PLANNED", justify="right")
    table.add_column("USED", justify="right")
    for area in summary.areas:
        over = area.spent_minutes > area.planned_minutes
        table.add_row(
            area.area,
            f"{area.planned_minutes:g} min",
            Text(f"{area.spent_minutes:g} min", style="yellow" if over else ""),
        )
    parts.append(table)
    parts.append(Text(""))
    parts.append(Text(f"Parking lot ({len(summary.parked)})", style="bold"))
    for item in summary.parked:
        owner = f" — {safe_line(item.owner, 30)}" if item.owner else ""
        parts.append(Text(f"  {item.id} {item.question_id}: {safe_line(item.text, 100)}{owner}"))
    if not summary.parked:
        parts.append(Text("  nothing parked", style="dim"))
    return Group(*parts)


class WorkshopSummaryScreen(Screen[None]):
    BINDINGS = [Binding("escape,enter", "app.pop_screen", "back", id="wsummary.back")]

    def __init__(self, summary: WorkshopSummary, pillar: Pillar) -> None:
        super().__init__()
        self.summary = summary
        self.pillar = pillar

    def compose(self) -> ComposeResult:
        yield Static(Text("End of the workshop session"), classes="screen-title")
        yield Static(summary_renderable(self.summary, self.pillar), id="workshop-summary")
        yield Footer()
