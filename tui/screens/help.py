"""Help: what pillar is for and every key, generated from the screens' bindings."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

INTRO = (
    "pillar walks a team through the AWS Well-Architected Security Pillar. Evidence from "
    "read-only checks proposes answers; people decide. Every change is saved at once.\n"
    "Answers are shown as text: ✓ met · ✗ no (not met) · – n/a · ? unanswered."
)


def bindings_table(title: str, bindings: list[Binding]) -> Table:
    table = Table(title=title, title_justify="left", box=None, show_header=False, pad_edge=False)
    table.add_column("key", style="bold", no_wrap=True, width=16)
    table.add_column("action")
    for binding in bindings:
        keys = " / ".join(
            k.replace("question_mark", "?").replace("slash", "/") for k in binding.key.split(",")
        )
        table.add_row(keys, binding.tooltip or binding.description)
    return table


class HelpScreen(Screen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "app.pop_screen", "back", id="help.back")]

    def compose(self) -> ComposeResult:
        from tui.app import PillarApp
        from tui.screens.home import HomeScreen
        from tui.screens.review import ReviewScreen

        parts: list[RenderableType] = [
            Text(INTRO),
            Text(""),
            bindings_table(
                "The review", [b for b in ReviewScreen.BINDINGS if isinstance(b, Binding)]
            ),
            Text(""),
            bindings_table("Home", [b for b in HomeScreen.BINDINGS if isinstance(b, Binding)]),
            Text(""),
            bindings_table(
                "Everywhere",
                [
                    *[b for b in PillarApp.BINDINGS if isinstance(b, Binding)],
                    Binding("ctrl+p", "command_palette", "every command, searchable"),
                ],
            ),
        ]
        yield Static(Text("Help"), classes="screen-title")
        with VerticalScroll(id="help-text"):
            yield Static(Group(*parts))
        yield Footer()
