"""Export from the app: ask where, write the Markdown plan in a worker, say where it went.

The review is a value already on screen (or read by a worker): nothing here reads the store
on the UI thread. The worker reports `ExportWritten` or `ExportFailed` to the app."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from textual.app import App
from textual.screen import Screen

from questions import Pillar
from review.model import Review
from tui.messages import ExportFailed, ExportWritten


def default_path(review: Review) -> Path:
    slug = re.sub(r"[^a-z0-9]+", "-", review.name.lower()).strip("-")[:40] or "review"
    return Path.cwd() / f"{slug}-security-review.md"


def export_review(screen: Screen[Any], pillar: Pillar, review: Review) -> None:
    """Ask for a file name, then write the review's Markdown export there."""
    from tui.screens.dialogs import TextDialog

    app = screen.app

    def write(path_text: str | None) -> None:
        if not path_text:
            return
        path = Path(path_text).expanduser()
        app.run_worker(
            lambda: _write(app, pillar, review, path),
            thread=True,
            exit_on_error=False,
            group="export",
        )

    app.push_screen(
        TextDialog("Export the review as Markdown to", value=str(default_path(review))), write
    )


def _write(app: App[Any], pillar: Pillar, review: Review, path: Path) -> None:
    from review.export import ExportFormat, export
    from review.text import safe_line

    try:
        text = export(ExportFormat.MARKDOWN, pillar, review)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        reason = f"{error.strerror or error} ({safe_line(str(path), 120)})"
        app.post_message(ExportFailed(reason))
        return
    app.post_message(ExportWritten(path))
