"""What every `pillar` command shares: the global options, the store, who answers, the console.

The group callback in `cli.main` puts one `CliContext` on the click context; a command
gets it with `cli_context(ctx)`. Only click and the standard library are imported at module
level: the store, the question bank and rich load the first time a command asks for them,
so `pillar --help` stays light.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from review.store import ReviewStore

LOCK_WAIT_S = 2.0
"""How long a command waits for another short command to finish with a review."""


@dataclass
class CliContext:
    """The global options (`--home`, `--debug`) and what commands build from them."""

    home: Path | None = None
    debug: bool = False
    _stores: dict[Path, ReviewStore] = field(default_factory=dict, init=False, repr=False)

    def store(self, home: Path | None = None) -> ReviewStore:
        """The review store in `home` (default: `--home`, else $PILLAR_HOME, else the user
        data folder), opened once per command."""
        from questions import security_pillar
        from review.locations import resolve_home
        from review.store import ReviewStore

        folder = resolve_home(home if home is not None else self.home)
        if folder not in self._stores:
            self._stores[folder] = ReviewStore(folder, security_pillar())
        return self._stores[folder]

    def person(self, given: str | None = None) -> str:
        """Who answers: `given` (a command's `--by`), else the person at this terminal."""
        from review.vocabulary import person_at_terminal

        return given if given is not None else person_at_terminal()

    def console(self, *, stderr: bool = False, file: Any = None) -> Any:
        """A rich console that never reads markup (untrusted text stays text)."""
        return make_console(stderr=stderr, file=file)


def cli_context(ctx: click.Context) -> CliContext:
    """The command's shared context (a default one when a command runs outside the group)."""
    found = ctx.find_object(CliContext)
    return found if found is not None else CliContext()


def make_console(*, stderr: bool = False, file: Any = None) -> Any:
    """A rich console on stdout (or stderr, or `file`) with no markup, emoji or highlighting.

    Piped output is read by people too (and by grep): it is not squeezed into 80 columns.
    """
    from rich.console import Console

    stream = file or (sys.stderr if stderr else sys.stdout)
    width = None if stream.isatty() or os.environ.get("COLUMNS") else 120
    return Console(
        file=stream, highlight=False, emoji=False, soft_wrap=False, width=width, markup=False
    )


def untrusted(value: str, style: str = "", limit: int | None = None) -> Any:
    """Untrusted text (names, notes, AWS messages) as a rich Text, never markup.

    With a `limit` it is one line cut to that many characters; without, newlines are kept.
    """
    from rich.text import Text

    from review.text import safe_line, safe_text

    if limit is not None:
        return Text(safe_line(value, limit), style=style)
    return Text(safe_text(value), style=style)


def warn(message: str) -> None:
    """`pillar: warning: ...` on stderr (the message made safe to print)."""
    from review.text import safe_text

    click.echo(f"pillar: warning: {safe_text(message)}", err=True)
