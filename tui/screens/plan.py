"""Plan: the prioritized improvement plan by bucket; owner, due date and status editable."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from questions import Pillar
from review.model import Review
from review.plan import Bucket, ItemStatus, Plan, PlanItem, PlanTracking, build_plan
from review.text import safe_line, safe_text
from tui.messages import ReviewSaved
from tui.widgets.badges import risk_badge

if TYPE_CHECKING:
    from tui.app import PillarApp

NEXT_STATUS = {
    ItemStatus.OPEN: ItemStatus.IN_PROGRESS,
    ItemStatus.IN_PROGRESS: ItemStatus.DONE,
    ItemStatus.DONE: ItemStatus.OPEN,
}


def item_details(item: PlanItem) -> Group:
    """Everything about one plan item: why it is here, what was found, the steps."""
    parts: list[RenderableType] = [
        Text.assemble((f"{item.id} ", "bold"), item.title, "  ", risk_badge(item.risk)),
        Text(f"{item.bucket.value}: {item.why}", style="italic"),
        Text(f"{item.question_id} · {item.area} · effort {item.effort.value}", style="dim"),
    ]
    if item.unanswered:
        parts.append(Text("Unanswered: failing evidence put it here.", style="yellow"))
    parts.append(Text.assemble(("Found: ", "bold"), safe_line(item.evidence.text, 300)))
    if item.note:
        parts.append(Text.assemble(("Notes: ", "bold"), safe_text(item.note)))
    if item.steps:
        parts.append(Text("Steps:", style="bold"))
        parts.extend(Text(f"  {n}. {step}") for n, step in enumerate(item.steps, start=1))
    parts.extend(Text(f"  {link}", style="underline") for link in item.links)
    return Group(*parts)


class PlanScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "back", id="plan.back"),
        Binding("o", "owner", "owner…", id="plan.owner", tooltip="Set who owns the item"),
        Binding("d", "due", "due…", id="plan.due", tooltip="Set a due date (YYYY-MM-DD)"),
        Binding(
            "t",
            "status",
            "status",
            id="plan.status",
            tooltip="Cycle the item's status: open, in progress, done",
        ),
        Binding("e", "export", "export Markdown", id="plan.export"),
    ]

    review: var[Review] = var(cast(Review, None), init=False)
    """The review as last saved; the plan is built from it."""

    def __init__(self, review: Review, pillar: Pillar, *, editable: bool = False) -> None:
        super().__init__()
        self.pillar = pillar
        self.editable = editable
        self.set_reactive(PlanScreen.review, review)
        self.plan: Plan = build_plan(pillar, review)

    @property
    def pillar_app(self) -> PillarApp:
        from tui.app import PillarApp

        assert isinstance(self.app, PillarApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Static(Text(""), classes="screen-title", id="plan-title")
        table: DataTable[Text] = DataTable(id="plan-items", cursor_type="row")
        yield table
        with VerticalScroll(id="plan-view"):
            yield Static(id="plan-item")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#plan-items", DataTable)
        for label, width in (
            ("BUCKET", 8),
            ("RISK", 6),
            ("ITEM", None),
            ("EFFORT", 6),
            ("OWNER", 12),
            ("DUE", 10),
            ("STATUS", 11),
        ):
            table.add_column(label, width=width)
        self.show()

    def watch_review(self) -> None:
        self.show()

    def on_review_saved(self, message: ReviewSaved) -> None:
        self.review = message.review

    def show(self) -> None:
        self.plan = build_plan(self.pillar, self.review)
        self.query_one("#plan-title", Static).update(
            Text(
                f"Improvement plan · {safe_line(self.review.name, 50)} · {len(self.plan)} items"
                + ("" if self.editable else " · read-only here (open the review to edit)")
            )
        )
        table = self.query_one("#plan-items", DataTable)
        row = table.cursor_row
        table.clear()
        for item in self.plan.items:
            tracking = item.tracking
            status = "unanswered" if item.unanswered else tracking.status.label
            table.add_row(
                Text(
                    {Bucket.NOW: "Do now", Bucket.NEXT: "Next", Bucket.LATER: "Later"}[item.bucket]
                ),
                risk_badge(item.risk),
                Text.assemble((f"{item.id} ", "bold"), safe_line(item.title, 60)),
                Text(item.effort.value),
                Text(safe_line(tracking.owner, 12)),
                Text(tracking.due.isoformat() if tracking.due else ""),
                Text(status),
                key=item.id,
            )
        if not len(self.plan):
            self.query_one("#plan-item", Static).update(
                Text(
                    "Nothing to improve yet: no best practice is answered 'not met' and no "
                    "unanswered one has failing evidence."
                )
            )
        elif table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))
            self._show_item()

    @property
    def current(self) -> PlanItem | None:
        table = self.query_one("#plan-items", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.plan.item(str(key)) if key is not None else None

    @on(DataTable.RowHighlighted, "#plan-items")
    def _show_item(self) -> None:
        item = self.current
        if item is not None:
            self.query_one("#plan-item", Static).update(item_details(item))

    def _track(self, change: Any) -> None:
        item = self.current
        if item is None:
            return
        if not self.editable:
            self.notify("Open the review to change its plan (this view is read-only).")
            return
        tracking: PlanTracking = change(item.tracking)
        saver = self.pillar_app.saver
        if saver is None or saver.closing:
            self.notify("The review is closed: open it again to change its plan.")
            return
        # A failure is reported by the review screen (the header says NOT SAVED).
        saver.submit(lambda s: s.set_plan_tracking(tracking), reply_to=self)

    def action_owner(self) -> None:
        from tui.screens.dialogs import TextDialog

        item = self.current
        if item is None:
            return

        def set_owner(owner: str | None) -> None:
            if owner is not None:
                self._track(lambda t: replace(t, owner=owner))

        self.app.push_screen(
            TextDialog(f"Who owns {item.id}?", value=item.tracking.owner, required=False),
            set_owner,
        )

    def action_due(self) -> None:
        from tui.screens.dialogs import TextDialog

        item = self.current
        if item is None:
            return

        def set_due(text: str | None) -> None:
            if text is None:
                return
            try:
                due = date.fromisoformat(text) if text else None
            except ValueError:
                self.notify(f"Not a date: {safe_line(text, 20)} (use YYYY-MM-DD)", severity="error")
                return
            self._track(lambda t: replace(t, due=due))

        current = item.tracking.due.isoformat() if item.tracking.due else ""
        self.app.push_screen(
            TextDialog(
                f"Due date for {item.id} (YYYY-MM-DD, empty for none)",
                value=current,
                required=False,
            ),
            set_due,
        )

    def action_status(self) -> None:
        self._track(lambda t: replace(t, status=NEXT_STATUS[t.status]))

    def action_export(self) -> None:
        from tui.screens.export import export_review

        export_review(self, self.pillar, self.review)
