"""Attach scan files to a review: pick `pillar scan -o` files, validated before anything
changes. Dismisses with the scans read (all of them sound), or None when cancelled."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DirectoryTree, Input, Static

from checks.result import ScanResult
from questions import Pillar
from review.attach import ScanFileError, read_scan_files
from review.text import safe_line


class ScanFileTree(DirectoryTree):
    """Folders and JSON files only (a scan is `pillar scan --format json -o FILE`)."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p
            for p in paths
            if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() == ".json")
        ]


class AttachScanScreen(ModalScreen[tuple[ScanResult, ...] | None]):
    """Pick one or more scan files: type paths (comma-separated) or choose in the tree."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="attach.cancel"),
        Binding("ctrl+t", "focus_tree", "files", id="attach.tree", tooltip="Browse the folders"),
    ]

    def __init__(self, pillar: Pillar, review_name: str, start: Path | None = None) -> None:
        super().__init__()
        self.pillar = pillar
        self.review_name = review_name
        self.start = start or Path.cwd()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog attach"):
            yield Static(
                Text(f"Attach scan files to {safe_line(self.review_name, 60)}"),
                classes="dialog-title",
            )
            yield Static(
                Text(
                    "Files made by `pillar scan --format json -o FILE` (e.g. in the account's "
                    "CloudShell). Unanswered best practices get the evidence's proposals; "
                    "answers are never overwritten.",
                    style="dim",
                )
            )
            yield Input(placeholder="scan.json (several: separate with commas)", id="attach-path")
            yield ScanFileTree(self.start, id="attach-tree")
            yield Static(Text(""), id="attach-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Attach", variant="primary", id="attach-ok")
                yield Button("Cancel", id="attach-cancel")

    def on_mount(self) -> None:
        self.query_one("#attach-path", Input).focus()

    def _paths(self) -> list[Path]:
        text = self.query_one("#attach-path", Input).value
        return [Path(part.strip()).expanduser() for part in text.split(",") if part.strip()]

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        """A file chosen in the tree joins the list (once)."""
        paths = self._paths()
        if event.path not in paths:
            paths.append(event.path)
        field = self.query_one("#attach-path", Input)
        field.value = ", ".join(str(p) for p in paths)
        self._say("")

    @on(Input.Submitted, "#attach-path")
    @on(Button.Pressed, "#attach-ok")
    def _submit_files(self) -> None:
        paths = self._paths()
        if not paths:
            self._say("Type a path or pick a file in the tree (ctrl+t).")
            return
        self._say("Reading…")
        self._read(paths)

    @on(Button.Pressed, "#attach-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_focus_tree(self) -> None:
        self.query_one("#attach-tree", ScanFileTree).focus()

    @work(thread=True, exclusive=True, group="attach-read", exit_on_error=False)
    def _read(self, paths: list[Path]) -> None:
        """Read and validate every file off the UI thread (a big scan takes a moment)."""
        try:
            scans = read_scan_files(paths, self.pillar)
        except ScanFileError as refused:
            self.app.call_from_thread(self._say, str(refused))
            return
        self.app.call_from_thread(self.dismiss, scans)

    def _say(self, message: str) -> None:
        self.query_one("#attach-error", Static).update(Text(safe_line(message, 400)))
