"""Untrusted text made safe for each export format: one function per format.

Everything first loses terminal control characters (`review.text.safe_text`). Then:

- `md_inline`: one line of Markdown text. HTML specials become entities (`&lt;` ...),
  Markdown punctuation that could start markup is backslash-escaped (`` ` * _ [ ] | ~ # $ ``
  and the backslash itself), a line-start marker (`-`, `+`, `=`, `1.`, `1)`) is escaped,
  newlines become spaces.
- `md_lines`: several lines of text for a paragraph or list item: each line escaped like
  `md_inline`, joined by hard line breaks (a backslash at the end of the line) and indented
  to stay inside the enclosing list item; blank lines are dropped so no paragraph ends.
- `md_cell`: one Markdown table cell: `md_inline`, with newlines as `<br>`, so `|`,
  newlines, backticks, HTML or `[text](url)` can never add a column or inject markup.
- `csv_cell`: one CSV value (the csv module does the quoting); a value that starts with
  `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'` so spreadsheets never
  run it as a formula.
- `mermaid_label`: a label inside a mermaid chart: only letters, digits, spaces and
  `, . & / -` are kept.
"""

from __future__ import annotations

import re

from review.text import safe_text

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_PUNCTUATION = set("\\`*_[]|~#$!")
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_MERMAID_UNSAFE = re.compile(r"[^\w .,&/-]")


def _escape_line(line: str) -> str:
    line = line.strip()
    out: list[str] = []
    for char in line:
        if char in _ENTITIES:
            out.append(_ENTITIES[char])
        elif char in _PUNCTUATION:
            out.append("\\" + char)
        else:
            out.append(char)
    text = "".join(out)
    match = _LINE_START.match(text)
    if match:
        marker = match.group(2)
        text = text[: match.start(2)] + marker[:-1] + "\\" + marker[-1] + text[match.end(2) :]
    return text


def _lines(text: str) -> list[str]:
    return safe_text(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")


def md_inline(text: str) -> str:
    """`text` as one line of inert Markdown (see the module docstring)."""
    return _escape_line(" ".join(line.strip() for line in _lines(text)))


def md_lines(text: str, indent: str = "") -> str:
    """`text` as inert Markdown lines joined by hard breaks, continuation lines indented."""
    lines = [_escape_line(line) for line in _lines(text)]
    return ("\\\n" + indent).join(line for line in lines if line)


def md_cell(text: str) -> str:
    """`text` as the content of one Markdown table cell (never adds a column or row)."""
    lines = [_escape_line(line) for line in _lines(text)]
    return "<br>".join(lines).strip() or " "


def csv_cell(text: str) -> str:
    """`text` as one CSV value that no spreadsheet runs as a formula."""
    cleaned = safe_text(text)
    if cleaned.startswith(_FORMULA) or cleaned.lstrip().startswith(_FORMULA[:4]):
        return "'" + cleaned
    return cleaned


def mermaid_label(text: str) -> str:
    """`text` reduced to characters that are safe inside a quoted mermaid label."""
    return _MERMAID_UNSAFE.sub("", safe_text(text)).strip() or "-"
