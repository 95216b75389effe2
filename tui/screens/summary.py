"""Summary: risk by area at a glance, as horizontal bars (high / medium / none / open)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from questions import Pillar
from review.model import Review
from review.risk import QuestionRisk, review_risk
from review.text import safe_line
from tui.widgets.review_view import age

BAR_WIDTH = 24
SEGMENTS = (
    (QuestionRisk.HIGH, "█", "bold red", "high"),
    (QuestionRisk.MEDIUM, "▓", "bold yellow", "medium"),
    (QuestionRisk.NONE, "▒", "green", "none"),
    (QuestionRisk.UNANSWERED, "░", "dim", "unanswered"),
    (QuestionRisk.NOT_APPLICABLE, "·", "dim", "n/a"),
)


def summary_renderable(review: Review, pillar: Pillar) -> Group:
    summary = review_risk(pillar, review.responses)
    risks = dict(summary.questions)
    table = Table(box=None, expand=False, pad_edge=False, show_header=True, header_style="bold")
    table.add_column("AREA", no_wrap=True)
    table.add_column("QUESTIONS BY RISK", no_wrap=True)
    table.add_column("RISK", no_wrap=True)
    for area in pillar.areas:
        counts = {risk: 0 for risk, *_ in SEGMENTS}
        for question in area.questions:
            counts[risks[question.id]] += 1
        total = len(area.questions)
        bar = Text()
        for risk, char, style, _ in SEGMENTS:
            width = round(BAR_WIDTH * counts[risk] / total) if total else 0
            bar.append(char * width, style=style)
        label = Text()
        if counts[QuestionRisk.HIGH]:
            label.append(f"HIGH ×{counts[QuestionRisk.HIGH]} ", style="bold red")
        if counts[QuestionRisk.MEDIUM]:
            label.append(f"MEDIUM ×{counts[QuestionRisk.MEDIUM]} ", style="bold yellow")
        if counts[QuestionRisk.UNANSWERED]:
            label.append(f"open ×{counts[QuestionRisk.UNANSWERED]}", style="dim")
        if not label:
            label.append("no risk found", style="green")
        table.add_row(area.name, bar, label)
    legend = Text("  ").join(
        Text.assemble((char * 2, style), f" {name}") for _, char, style, name in SEGMENTS
    )
    evidence = review.evidence
    head = Text.assemble(
        (safe_line(review.name, 60), "bold"),
        f" — risk by area · answered {summary.best_practices_answered} / "
        f"{summary.best_practices_total} best practices · questions HIGH {summary.counts.high}"
        f" · MEDIUM {summary.counts.medium}"
        f" · evidence {age(evidence.started_at if evidence else None)}",
    )
    return Group(head, Text(""), table, Text(""), legend)


class SummaryScreen(Screen[None]):
    BINDINGS = [Binding("escape,q", "app.pop_screen", "back", id="summary.back")]

    def __init__(self, review: Review, pillar: Pillar) -> None:
        super().__init__()
        self.review = review
        self.pillar = pillar

    def compose(self) -> ComposeResult:
        yield Static(Text("Summary"), classes="screen-title")
        yield Static(summary_renderable(self.review, self.pillar), id="summary-chart")
        yield Footer()
