"""Typed modal dialogs that return their result with `dismiss()`."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from review.model import NotApplicableReason
from review.text import safe_line
from review.vocabulary import REASON_LABEL


class ConfirmDialog(ModalScreen[bool]):
    """Yes / no. Enter or y confirms, Escape or n cancels."""

    BINDINGS = [
        Binding("escape,n", "answer(False)", "Cancel", id="dialog.cancel"),
        Binding("y", "answer(True)", "Yes", id="dialog.yes"),
    ]

    def __init__(self, question: str, yes: str = "Yes") -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.question), classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, variant="error", id="yes")
                yield Button("Cancel", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class TextDialog(ModalScreen[str | None]):
    """Ask for one line of text; None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(
        self, title: str, *, value: str = "", placeholder: str = "", required: bool = True
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.required = required

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.title_text), classes="dialog-title")
            yield Input(value=self.value, placeholder=self.placeholder, id="text")
            yield Label("", id="dialog-error", classes="dialog-error")
            yield Static(Text("enter save · esc cancel", style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if self.required and not value:
            self.query_one("#dialog-error", Label).update("Please type something, or esc.")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class NotApplicable:
    reason: NotApplicableReason
    note: str


class NotApplicableDialog(ModalScreen[NotApplicable | None]):
    """Pick a WA Tool reason (and an optional note) for 'does not apply'."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.title_text), classes="dialog-title")
            yield Select(
                [(label, reason) for reason, label in REASON_LABEL.items()],
                value=NotApplicableReason.OUT_OF_SCOPE,
                allow_blank=False,
                id="reason",
            )
            yield Input(placeholder="why (optional, kept as a note)", id="note")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Does not apply", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._finish()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._finish()
        else:
            self.dismiss(None)

    def _finish(self) -> None:
        reason = self.query_one("#reason", Select).value
        assert isinstance(reason, NotApplicableReason)
        self.dismiss(NotApplicable(reason, self.query_one("#note", Input).value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)


class JumpDialog(ModalScreen[str | None]):
    """Fuzzy-find a question or best practice by id or words; returns its question id."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, entries: list[tuple[str, str, str]]) -> None:
        """`entries`: (question id, id shown, title)."""
        super().__init__()
        self.entries = entries

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog jump"):
            yield Static(Text("Jump to a question or best practice"), classes="dialog-title")
            yield Input(placeholder="type an id or words, e.g. 'mfa' or 'sec08'", id="query")
            yield OptionList(id="matches")

    def on_mount(self) -> None:
        self._fill("")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        matches = self.query_one("#matches", OptionList)
        if matches.option_count:
            index = matches.highlighted or 0
            option = matches.get_option_at_index(index)
            self.dismiss(option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def _fill(self, query: str) -> None:
        matches = self.query_one("#matches", OptionList)
        matches.clear_options()
        scored = []
        for question_id, shown, title in self.entries:
            score = fuzzy_score(query, f"{shown} {title}")
            if score is not None:
                scored.append((score, question_id, shown, title))
        scored.sort(key=lambda item: (-item[0], item[2]))
        seen: set[str] = set()
        for _, question_id, shown, title in scored[:30]:
            option_id = question_id if question_id not in seen else None
            if option_id is None:
                continue
            seen.add(question_id)
            matches.add_option(Option(Text.assemble((shown, "bold"), "  ", title), id=option_id))
        if matches.option_count:
            matches.highlighted = 0

    def action_cancel(self) -> None:
        self.dismiss(None)


def fuzzy_score(query: str, text: str) -> int | None:
    """A score for `query` in `text` (None: no match): whole words beat scattered letters."""
    query = query.strip().casefold()
    text = safe_line(text).casefold()
    if not query:
        return 0
    if query in text:
        return 100 - text.index(query)
    position = 0
    for char in query.replace(" ", ""):
        found = text.find(char, position)
        if found < 0:
            return None
        position = found + 1
    return 10
