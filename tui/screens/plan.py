"""Plan: the prioritized improvement plan, by bucket, with why each item is where it is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from questions import Pillar
from review.model import Review
from review.plan import Bucket, Plan, build_plan
from review.text import safe_line
from tui.widgets.badges import risk_badge

if TYPE_CHECKING:
    pass


def plan_renderable(plan: Plan) -> Group:
    parts: list[RenderableType] = []
    if not len(plan):
        return Group(
            Text(
                "Nothing to improve yet: no best practice is answered 'not met' "
                "and no unanswered one has failing evidence."
            )
        )
    for bucket in Bucket:
        items = plan.bucket(bucket)
        if not items:
            continue
        parts.append(Text(f"{bucket.value} ({len(items)})", style="bold underline"))
        for item in items:
            status = "unanswered, evidence fails" if item.unanswered else item.tracking.status.label
            parts.append(
                Text.assemble(
                    "  ",
                    risk_badge(item.risk),
                    " ",
                    (item.id, "bold"),
                    f"  {safe_line(item.title, 80)}",
                    (f"  · effort {item.effort.value} · {status}", "dim"),
                )
            )
            parts.append(Text(f"      {safe_line(item.why, 160)}", style="italic dim"))
            if item.evidence.failing_resources:
                parts.append(Text(f"      found: {safe_line(item.evidence.text, 160)}"))
        parts.append(Text(""))
    return Group(*parts)


class PlanScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "back", id="plan.back"),
        Binding("e", "export", "export Markdown", id="plan.export"),
    ]

    def __init__(self, review: Review, pillar: Pillar) -> None:
        super().__init__()
        self.review = review
        self.pillar = pillar

    def compose(self) -> ComposeResult:
        plan = build_plan(self.pillar, self.review)
        yield Static(
            Text(f"Improvement plan · {safe_line(self.review.name, 50)} · {len(plan)} items"),
            classes="screen-title",
        )
        with VerticalScroll(id="plan-view"):
            yield Static(plan_renderable(plan))
        yield Footer()

    def action_export(self) -> None:
        from tui.app import PillarApp
        from tui.screens.export import export_review

        app = self.app
        assert isinstance(app, PillarApp)
        export_review(app, self.review.id, self.review)
