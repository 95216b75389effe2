"""The workshop bar: the current question's clock against its plan, the session's clock,
who decides, how much is parked, and a calm warning when a question runs over."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.reactive import var
from textual.widgets import Static

from review.model import Workshop
from review.text import safe_line
from review.workshop import elapsed, format_clock, overrun, spent_on


class WorkshopBar(Static):
    """Hidden unless a workshop runs. The review screen binds `workshop`, `question_id`
    and `parked`; the bar ticks every second on its own to move the clocks."""

    DEFAULT_CSS = """
    WorkshopBar {
        height: 1;
        padding: 0 1;
        background: $boost;
    }
    """

    workshop: var[Workshop | None] = var(None)
    question_id: var[str] = var("")
    parked: var[int] = var(0)

    def __init__(self, clock: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock
        self._warned: set[str] = set()

    def on_mount(self) -> None:
        self.set_interval(1.0, self.refresh_clock)
        self.refresh_clock()

    def watch_workshop(self) -> None:
        self.refresh_clock()

    def watch_question_id(self) -> None:
        self.refresh_clock()

    def watch_parked(self) -> None:
        self.refresh_clock()

    def refresh_clock(self) -> None:
        """Show the clocks as of now (called every second and when the inputs change)."""
        workshop = self.workshop
        self.display = workshop is not None
        if workshop is None or not self.question_id:
            return
        self.update(self.line(workshop, self.question_id, self.parked, self.clock()))
        over = overrun(workshop, self.question_id, self.clock())
        if over > 0 and self.question_id not in self._warned:
            self._warned.add(self.question_id)
            self.notify(
                f"{self.question_id} has used its planned time. Park what is left (k) and "
                "move on (n)?",
                title="Time check",
                timeout=8,
            )

    @staticmethod
    def line(workshop: Workshop, question_id: str, parked: int, now: datetime) -> Text:
        planned = workshop.planned_minutes(question_id)
        spent = spent_on(workshop, question_id, now)
        text = Text.assemble(
            ("⏱ ", "bold"),
            f"{question_id} {format_clock(spent)}",
            f" / {format_clock(planned * 60)}" if planned else " (not on the agenda)",
            f" · session {format_clock(elapsed(workshop, now))}"
            f" / {format_clock(workshop.length_minutes * 60)}",
            " · decides: ",
            (safe_line(workshop.decided_by, 24), "bold"),
            f" · parked {parked}",
        )
        over = overrun(workshop, question_id, now)
        if over > 0:
            text.append(f"  ⚠ over by {format_clock(over)} · k park · n next", style="bold yellow")
        return text
