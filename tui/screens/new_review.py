"""New review: a form for the workload's facts, and whether to scan now."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from review.model import Environment

ACCOUNT_ID = re.compile(r"^\d{12}$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


@dataclass(frozen=True)
class NewReview:
    name: str
    owner: str
    environment: Environment
    account_ids: tuple[str, ...]
    regions: tuple[str, ...]
    profile: str
    scan_now: bool


def split_list(text: str) -> tuple[str, ...]:
    return tuple(part for part in re.split(r"[\s,]+", text.strip()) if part)


class NewReviewScreen(ModalScreen[NewReview | None]):
    BINDINGS = [Binding("escape", "cancel", "cancel", id="new.cancel")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="new-review"):
            yield Static(Text("New review"), classes="dialog-title")
            yield Label("Workload name")
            yield Input(placeholder="e.g. Payments platform", id="name")
            yield Label("Owner")
            yield Input(placeholder="who answers for this workload", id="owner")
            yield Label("Environment")
            yield Select(
                [
                    ("Production", Environment.PRODUCTION),
                    ("Pre-production", Environment.PREPRODUCTION),
                ],
                value=Environment.PRODUCTION,
                allow_blank=False,
                id="environment",
            )
            yield Label("AWS account ids (12 digits, comma separated)")
            yield Input(placeholder="123456789012", id="accounts")
            yield Label("Regions (empty: every enabled region)")
            yield Input(placeholder="eu-west-1, us-east-1", id="regions")
            yield Label("AWS profile for the scan (empty: default credentials)")
            yield Input(placeholder="e.g. security-audit", id="profile")
            yield Checkbox("Scan the account now (read-only)", value=True, id="scan")
            yield Label("", id="form-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Create", variant="primary", id="create")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "create":
            self._create()
        else:
            self.dismiss(None)

    def on_input_submitted(self) -> None:
        self._create()

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def _create(self) -> None:
        error = self.query_one("#form-error", Label)
        name = self._value("name")
        if not name:
            error.update("Give the workload a name.")
            self.query_one("#name", Input).focus()
            return
        accounts = split_list(self._value("accounts"))
        bad = [a for a in accounts if not ACCOUNT_ID.match(a)]
        if bad:
            error.update(f"Not a 12-digit account id: {bad[0][:20]}")
            return
        regions = split_list(self._value("regions"))
        bad = [r for r in regions if not REGION.match(r)]
        if bad:
            error.update(f"Not a region name: {bad[0][:20]} (like eu-west-1)")
            return
        environment = self.query_one("#environment", Select).value
        assert isinstance(environment, Environment)
        self.dismiss(
            NewReview(
                name=name,
                owner=self._value("owner"),
                environment=environment,
                account_ids=accounts,
                regions=regions,
                profile=self._value("profile"),
                scan_now=self.query_one("#scan", Checkbox).value,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
