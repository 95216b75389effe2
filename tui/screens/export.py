"""Export from the app: ask where, write the Markdown plan in a worker, say where it went."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from review.model import Review

if TYPE_CHECKING:
    from tui.app import PillarApp


def default_path(review: Review) -> Path:
    slug = re.sub(r"[^a-z0-9]+", "-", review.name.lower()).strip("-")[:40] or "review"
    return Path.cwd() / f"{slug}-security-review.md"


def export_review(app: PillarApp, review_id: str, review: Review | None = None) -> None:
    """Ask for a file name, then write the review's Markdown export there."""
    from tui.screens.dialogs import TextDialog

    current = review or app.store.load(review_id)

    def write(path_text: str | None) -> None:
        if not path_text:
            return
        path = Path(path_text).expanduser()
        app.run_worker(
            lambda: _write(app, current, path), thread=True, exit_on_error=False, group="export"
        )

    app.push_screen(
        TextDialog("Export the review as Markdown to", value=str(default_path(current))), write
    )


def _write(app: PillarApp, review: Review, path: Path) -> None:
    from review.export import ExportFormat, export
    from review.text import safe_line

    try:
        text = export(ExportFormat.MARKDOWN, app.store.pillar, review)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        app.call_from_thread(
            app.notify,
            f"Export failed: {error.strerror or error} ({safe_line(str(path), 120)})",
            severity="error",
            timeout=12,
        )
        return
    app.call_from_thread(app.notify, f"Exported to {safe_line(str(path), 160)}", timeout=8)
