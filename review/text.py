"""Untrusted text made safe to show: no terminal escape sequences, no invisible controls.

Review names, notes, owners and imported files are free text typed (or pasted) by people,
or read from files we did not write. Before any of it reaches a terminal it passes through
`safe_text`, and the UI wraps it in `rich.text.Text(...)` (never a markup string), so
neither ANSI/OSC escape sequences nor Rich markup can change what the screen shows.
"""

from __future__ import annotations

import re

# C0 controls except \t and \n, DEL, C1 controls, and the Unicode bidi overrides/isolates
# that can make text display in a different order than it is stored ("trojan source").
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def safe_text(text: str) -> str:
    """`text` without control characters (except newline and tab) and lone surrogates.

    Lone surrogates (from undecodable bytes on a command line) become U+FFFD so printing
    never fails; everything else printable is kept exactly.
    """
    cleaned = _UNSAFE.sub("", text)
    return _SURROGATE.sub("\ufffd", cleaned)


def safe_line(text: str, limit: int | None = None) -> str:
    """`safe_text` on one line (newlines and tabs become spaces), cut to `limit` characters."""
    line = safe_text(text).replace("\r", " ").replace("\n", " ").replace("\t", " ")
    if limit is not None and len(line) > limit:
        return line[: max(limit - 1, 0)] + "…"
    return line


def quoted(text: str, limit: int = 60) -> str:
    """A name for an error message: one safe line in quotes, cut to `limit` characters."""
    return f"'{safe_line(text, limit)}'"
