"""Scan scope: which accounts, regions and role the review's scans cover (issue 11).

The same choices as `pillar scope REVIEW`: the credentials' own account, the whole
organization (optionally only some OUs, without some accounts), or named accounts; the
regions; the role assumed in the other accounts and its external id. Values are checked
by `review.scope.scan_scope`, so the app and the CLI accept exactly the same scopes.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from review.model import ScanScope
from review.scope import DEFAULT_ROLE_NAME, InvalidScope, describe_scope, scan_scope
from review.text import safe_line
from tui.screens.new_review import split_list

ORGANIZATION_ONLY = ("ous", "excluded")
ACCOUNTS_ONLY = ("accounts",)
MANY_ONLY = ("role", "external")


@dataclass(frozen=True)
class ScopeEdit:
    """What the form decided: a scope to save, or None to forget the saved one."""

    scope: ScanScope | None


def _mode(scope: ScanScope) -> str:
    if scope.organization:
        return "organization"
    return "accounts" if scope.account_ids else "caller"


class ScopeScreen(ModalScreen[ScopeEdit | None]):
    """Edit a review's scan scope. Dismisses with a ScopeEdit, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "cancel", id="scope.cancel"),
        Binding("ctrl+s", "save", "save", id="scope.save"),
    ]

    def __init__(self, scope: ScanScope, *, saved: bool, title: str = "") -> None:
        super().__init__()
        self.scope = scope
        self.saved = saved  # the review has a scope of its own (else: its regions)
        self.title_text = title

    def compose(self) -> ComposeResult:
        scope = self.scope
        mode = _mode(scope)
        with VerticalScroll(classes="dialog scope", id="scope-form"):
            title = Text("Scan scope")
            if self.title_text:
                title.append(f" · {safe_line(self.title_text, 60)}")
            yield Static(title, classes="dialog-title")
            yield Static(
                Text(
                    "What `r` (rescan) and `pillar scan --review` cover. The AWS profile "
                    "and endpoint stay with the machine that scans.",
                    style="dim",
                )
            )
            yield Label("Accounts")
            with RadioSet(id="mode", compact=True):
                yield RadioButton(
                    "Only the account of the credentials used",
                    value=mode == "caller",
                    id="caller",
                )
                yield RadioButton(
                    "The organization's active accounts (from the management account "
                    "or a delegated administrator)",
                    value=mode == "organization",
                    id="organization",
                )
                yield RadioButton("These accounts", value=mode == "accounts", id="accounts-mode")
            yield Label("Only under these OUs or roots (r-... / ou-...; empty: all)")
            yield Input(
                " ".join(scope.ous), placeholder="e.g. ou-ab12-cdefgh34", id="ous", compact=True
            )
            yield Label("Leave out these accounts")
            yield Input(
                " ".join(scope.excluded),
                placeholder="e.g. 111122223333",
                id="excluded",
                compact=True,
            )
            yield Label("Account ids (12 digits, comma or space separated)")
            yield Input(
                " ".join(scope.account_ids),
                placeholder="e.g. 111122223333, 444455556666",
                id="accounts",
                compact=True,
            )
            yield Label("Regions (empty: every enabled region)")
            yield Input(
                ", ".join(scope.regions),
                placeholder="eu-west-1, us-east-1",
                id="regions",
                compact=True,
            )
            yield Label(f"Role assumed in the other accounts (empty: {DEFAULT_ROLE_NAME})")
            yield Input(scope.role_name, placeholder=DEFAULT_ROLE_NAME, id="role", compact=True)
            yield Label("External id, if that role requires one")
            # Masked: an external id is shown in JSON, never on a (shared) screen.
            yield Input(scope.external_id, id="external", compact=True, password=True)
            yield Static("", id="scope-preview")
            yield Label("", id="form-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                if self.saved:
                    yield Button("Forget the scope", id="forget")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self._enable(_mode(self.scope))
        self._preview()
        self.query_one("#scope-form").can_focus = False  # tab goes field to field
        mode = self.query_one("#mode", RadioSet)
        for _ in range(max(mode.pressed_index, 0)):  # the highlight starts on the choice made
            mode.action_next_button()
        mode.focus()

    # --- which fields apply -------------------------------------------------------------

    def _chosen(self) -> str:
        pressed = self.query_one("#mode", RadioSet).pressed_button
        if pressed is None or pressed.id == "caller":
            return "caller"
        return "organization" if pressed.id == "organization" else "accounts"

    def _enable(self, mode: str) -> None:
        """Fields that do not apply to the chosen accounts are dimmed, not disabled: the
        tab order stays the same whatever is chosen (a key typed right after a choice
        must not land in a field that was skipped a moment before)."""
        unused = {
            **{w: mode != "organization" for w in ORGANIZATION_ONLY},
            **{w: mode != "accounts" for w in ACCOUNTS_ONLY},
            **{w: mode == "caller" for w in MANY_ONLY},
        }
        for widget_id, off in unused.items():
            self.query_one(f"#{widget_id}", Input).set_class(off, "-unused")

    def _choose(self, button_id: str) -> None:
        button = self.query_one(f"#{button_id}", RadioButton)
        if not button.value:
            button.value = True  # the RadioSet turns the others off and says Changed

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self._enable(self._chosen())
        self._preview()

    def on_input_changed(self, event: Input.Changed) -> None:
        # Typing OUs or excluded accounts means the organization; account ids, a list.
        typed = event.input.has_focus and event.value.strip()
        if typed and event.input.id in ORGANIZATION_ONLY and self._chosen() != "organization":
            self._choose("organization")
        elif typed and event.input.id in ACCOUNTS_ONLY and self._chosen() != "accounts":
            self._choose("accounts-mode")
        self._preview()

    # --- the scope the form says ----------------------------------------------------------

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def _scope(self) -> ScanScope:
        """The scope of the fields that apply to the chosen mode (InvalidScope if wrong)."""
        mode = self._chosen()
        many = mode != "caller"
        return scan_scope(
            organization=mode == "organization",
            ous=split_list(self._value("ous")) if mode == "organization" else (),
            excluded=split_list(self._value("excluded")) if mode == "organization" else (),
            account_ids=split_list(self._value("accounts")) if mode == "accounts" else (),
            regions=split_list(self._value("regions")),
            role_name=self._value("role") if many else None,
            external_id=self._value("external") if many else None,
        )

    def _preview(self) -> None:
        preview = self.query_one("#scope-preview", Static)
        error = self.query_one("#form-error", Label)
        try:
            scope = self._scope()
        except InvalidScope as problem:
            preview.update("")
            error.update(Text(safe_line(str(problem), 200)))
            return
        error.update("")
        if scope.account_ids == () and self._chosen() == "accounts":
            error.update("Name at least one account id.")
        preview.update(Text.assemble(("Scans will cover ", "dim"), describe_scope(scope)))

    def on_input_submitted(self) -> None:
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "forget":
            self.dismiss(ScopeEdit(None))
        else:
            self.dismiss(None)

    def action_save(self) -> None:
        error = self.query_one("#form-error", Label)
        try:
            scope = self._scope()
        except InvalidScope as problem:
            error.update(Text(safe_line(str(problem), 200)))
            return
        if self._chosen() == "accounts" and not scope.account_ids:
            error.update("Name at least one account id.")
            self.query_one("#accounts", Input).focus()
            return
        self.dismiss(ScopeEdit(scope))

    def action_cancel(self) -> None:
        self.dismiss(None)
