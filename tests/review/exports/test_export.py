"""Exports: golden files for each format, and structure that hostile text cannot break."""

from __future__ import annotations

import csv
import io
import os
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from checks.result import CheckResult, Resource, Status
from questions import Pillar
from review.escape import csv_cell, md_cell, md_inline, md_lines
from review.export import CSV_COLUMNS, ExportFormat, csv_export, export, markdown_export
from review.jsonio import review_from_json
from review.model import Answer, AnswerStatus, Participant, Responses, Review
from review.plan import build_plan

GOLDEN = Path(__file__).parent.parent / "golden"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # as in conftest.py
UPDATE = os.environ.get("PILLAR_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_golden_files(bank: Pillar, fixed_review: Review, fmt: ExportFormat) -> None:
    """Run with PILLAR_UPDATE_GOLDEN=1 to rewrite them (then read the diff)."""
    text = export(fmt, bank, fixed_review, now=NOW)
    path = GOLDEN / f"fixed_review.{fmt.value}"
    if UPDATE:
        path.write_bytes(text.encode("utf-8"))
    assert text == path.read_bytes().decode("utf-8")


def test_json_export_round_trips(fixed_review: Review) -> None:
    text = export(ExportFormat.JSON, Pillar("s", "s", "r", "", "https://x", ()), fixed_review)
    assert review_from_json(text) == fixed_review


# --- Markdown structure ----------------------------------------------------------------

MD = MarkdownIt("commonmark").enable("table")


def _tables(tokens: list[Token]) -> list[list[int]]:
    """Cells per row, for each table."""
    tables: list[list[int]] = []
    for token in tokens:
        if token.type == "table_open":
            tables.append([])
        elif token.type == "tr_open":
            tables[-1].append(0)
        elif token.type in ("th_open", "td_open"):
            tables[-1][-1] += 1
    return tables


def _shape(text: str) -> tuple[list[tuple[str, str]], list[list[int]], int, list[str]]:
    tokens = MD.parse(text)
    headings = [
        (tok.tag, tokens[i + 1].content)
        for i, tok in enumerate(tokens)
        if tok.type == "heading_open"
    ]
    fences = [t.info for t in tokens if t.type == "fence"]
    lists = sum(1 for t in tokens if t.type == "bullet_list_open")
    return headings, _tables(tokens), lists, fences


def _raw_columns(text: str) -> list[int]:
    """Unescaped `|` per table line of the raw text (GFM parsers forgive extra cells)."""
    counts = []
    for line in text.splitlines():
        if not line.startswith("|"):
            continue
        pipes, escaped = 0, False
        for char in line:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == "|":
                pipes += 1
        counts.append(pipes)
    return counts


def _inline_children(text: str) -> list[Token]:
    children: list[Token] = []
    for token in MD.parse(text):
        children.extend(token.children or [])
    return children


def test_markdown_has_the_expected_structure(bank: Pillar, fixed_review: Review) -> None:
    headings, tables, _, fences = _shape(markdown_export(bank, fixed_review, now=NOW))
    assert [h for h in headings if h[0] in ("h1", "h2")] == [
        ("h1", "Security Pillar review: Payments API"),
        ("h2", "Risk summary"),
        ("h2", "Improvement plan"),
        ("h2", "Parking lot"),
        ("h2", "Workshop sessions"),
        ("h2", "Changes since the last milestone"),
        ("h2", "Appendix: answers and evidence per question"),
    ]
    assert ("h3", "Do now") in headings and ("h3", "Later") in headings
    assert fences == ["mermaid"]
    for rows in tables:
        assert len(set(rows)) == 1, rows  # every row has the header's column count
    assert ("h3", "Session 1: 2026-11-16 12:30 UTC") in headings
    assert [rows[0] for rows in tables] == [2, 6, 3, 3, 3, 3, 5, 6, 5, 6, 5, 6, 5]


def test_markdown_task_list_marks_done_items(bank: Pillar, fixed_review: Review) -> None:
    text = markdown_export(bank, fixed_review, now=NOW)
    assert "- [x] **SEC08-BP01 Enforce encryption at rest**" in text
    assert (
        "- [ ] **SEC02-BP01 Use strong sign-in mechanisms** — High risk · low effort · "
        "owner: Alex Kim · due 2026-12-15 · in progress" in text
    )


HOSTILE_PIECES = [
    "|",
    "||",
    "\n",
    "\r\n",
    "`",
    "```",
    "<script>alert(1)</script>",
    "<br>",
    "&amp;",
    "[x](javascript:alert(1))",
    "![i](http://e/x.png)",
    "# h",
    "- item",
    "> quote",
    "1. one",
    "\\",
    "\\|",
    "*",
    "_",
    "~~",
    "$x$",
    "---",
    "===",
    "<!--",
    "-->",
    "\x1b[31m",
    "\x07",
    "\u202e",
    "\t",
    "    code",
    "http://example.com",
    "<http://e>",
    "@here",
    "=1+1",
    "+1",
]
HOSTILE = st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=8)), max_size=8).map(
    "".join
)


def _hostile_review(review: Review, note: str, name: str, resource: str) -> Review:
    answers = tuple(replace(a, note=note + a.note) for a in review.responses.answers)
    answers += (Answer("SEC09-BP01", AnswerStatus.UNANSWERED, note=note),)
    scan = review.evidence
    assert scan is not None
    hostile_check = CheckResult(
        "x.hostile",
        name or "x",
        "svc",
        ("SEC02-BP01", "SEC03-BP02"),
        resource or "r",
        Status.FAIL,
        reason=note,
        resources=(Resource(resource, Status.FAIL, note), Resource(name, Status.FAIL, "")),
    )
    return replace(
        review,
        name=name or "x",
        owner=note,
        description=note,
        notes=note,
        participants=(Participant(name, note), Participant(note)),
        parking_lot=tuple(
            replace(p, text=note + p.text, owner=note, by=name) for p in review.parking_lot
        ),
        responses=Responses(answers, review.responses.questions),
        evidence=replace(scan, results=(*scan.results, hostile_check)),
        plan=tuple(replace(t, owner=note) for t in review.plan),
        milestones=tuple(replace(m, name=name or "m") for m in review.milestones),
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(note=HOSTILE, name=HOSTILE, resource=HOSTILE)
def test_hostile_text_cannot_break_the_markdown(
    bank: Pillar, fixed_review: Review, note: str, name: str, resource: str
) -> None:
    baseline = _hostile_review(fixed_review, "plain note", "Plain name", "plain-resource")
    hostile = _hostile_review(fixed_review, note, name, resource)
    expected = _shape(markdown_export(bank, baseline, now=NOW))
    text = markdown_export(bank, hostile, now=NOW)
    headings, tables, lists, fences = _shape(text)
    assert _raw_columns(text) == _raw_columns(markdown_export(bank, baseline, now=NOW))
    assert [h[0] for h in headings] == [h[0] for h in expected[0]]
    assert tables == expected[1]
    assert lists == expected[2]
    assert fences == expected[3]
    for child in _inline_children(text):
        assert child.type not in ("image", "code_inline")
        if child.type == "html_inline":
            assert child.content == "<br>"
        if child.type == "link_open":
            assert str(child.attrs["href"]).startswith("https://docs.aws.amazon.com/")
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(note=HOSTILE, name=HOSTILE, resource=HOSTILE)
def test_hostile_text_cannot_break_the_csv(
    bank: Pillar, fixed_review: Review, note: str, name: str, resource: str
) -> None:
    review = _hostile_review(fixed_review, note, name, resource)
    plan = build_plan(bank, review)
    rows = list(csv.reader(io.StringIO(csv_export(bank, review, plan=plan), newline="")))
    assert rows[0] == list(CSV_COLUMNS)
    assert len(rows) == len(plan) + 1
    for row in rows[1:]:
        assert len(row) == len(CSV_COLUMNS)
        for cell in row:
            assert not cell.lstrip().startswith(("=", "+", "-", "@"))
            assert "\x1b" not in cell
    owners = {row[CSV_COLUMNS.index("Owner")] for row in rows[1:]}
    assert owners <= {"", csv_cell(note)}


# --- the escape functions --------------------------------------------------------------


def test_md_cell_escapes_table_breakers() -> None:
    assert md_cell("a | b") == "a \\| b"
    assert md_cell("one\ntwo") == "one<br>two"
    assert md_cell("<b>&") == "&lt;b&gt;&amp;"
    assert md_cell("[x](http://e)") == "\\[x\\](http://e)"
    assert md_cell("`code`") == "\\`code\\`"
    assert md_cell("") == " "


def test_md_inline_escapes_line_start_markers() -> None:
    assert md_inline("# title") == "\\# title"
    assert md_inline("- item") == "\\- item"
    assert md_inline("> quote") == "&gt; quote"
    assert md_inline("12. twelve") == "12\\. twelve"
    assert md_inline("a\nb") == "a b"


def test_md_lines_keeps_lines_inside_the_list_item() -> None:
    assert md_lines("a\n\n- b", "    ") == "a\\\n    \\- b"


def test_csv_cell_neutralises_formulas() -> None:
    for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", " =1"):
        assert csv_cell(value).startswith("'")
    assert csv_cell("plain") == "plain"
    assert csv_cell("a\x1b[31mb") == "a[31mb"


# --- parking lot and workshop sessions ---------------------------------------------------


def test_markdown_has_parking_lot_and_workshop_sessions(bank: Pillar, fixed_review: Review) -> None:
    text = markdown_export(bank, fixed_review, now=NOW)
    assert (
        "- [ ] **P1** Find out who still uses the root user's access keys. — SEC02 How do you "
        "manage authentication for people and machines? · owner: Sam Lee · parked by Dana "
        "Ortiz, 2026-11-16 13:20 UTC" in text
    )
    assert "owner: Alex Kim · parked by the room" in text  # the plan's owner wins
    assert (
        "Planned 120 min, used 125 min (ended 2026-11-16 14:35 UTC). Answered this session: "
        "6 best practices; answers changed: 0. New questions at risk: 1 High, 1 Medium" in text
    )
    assert "| Data protection | 38 min | 45.5 min |" in text
    assert "(still running)" in text
    plain = replace(fixed_review, parking_lot=(), workshops=())
    headings = _shape(markdown_export(bank, plain, now=NOW))[0]
    assert ("h2", "Parking lot") not in headings and ("h2", "Workshop sessions") not in headings


def test_hostile_parked_text_is_escaped(bank: Pillar, fixed_review: Review) -> None:
    hostile = "| x |\n# h\n<script>alert(1)</script>\n[l](javascript:1)\x1b[31m\u202e"
    first = replace(fixed_review.parked("P1"), text=hostile, owner="=cmd()", by="<b>x</b>")
    review = replace(fixed_review, parking_lot=(first, fixed_review.parked("P2")))
    text = markdown_export(bank, review, now=NOW)
    baseline = _shape(markdown_export(bank, fixed_review, now=NOW))
    assert _shape(text)[:3] == baseline[:3]  # no heading, table or list added or lost
    assert "**P1** \\| x \\|\\\n  \\# h\\\n  &lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "parked by &lt;b&gt;x&lt;/b&gt;" in text
    assert "\x1b" not in text and "\u202e" not in text and "<script>" not in text
    rows = list(csv.reader(io.StringIO(csv_export(bank, review), newline="")))
    parked = next(row for row in rows if row[CSV_COLUMNS.index("Best practice")] == "P1")
    assert parked[CSV_COLUMNS.index("Owner")] == "'=cmd()"
    assert parked[0] == "[P1] | x |" and "\x1b" not in "".join(parked)
