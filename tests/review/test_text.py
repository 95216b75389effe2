"""Untrusted text made safe to show, and small model rules."""

from __future__ import annotations

import pytest

from review.model import (
    WA_NOTES_LIMIT,
    Answer,
    AnswerStatus,
    NotApplicableReason,
    Responses,
    notes_warning,
)
from review.text import quoted, safe_line, safe_text


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("plain [bold]markup[/] stays text", "plain [bold]markup[/] stays text"),
        ("\x1b[31mred\x1b[0m", "[31mred[0m"),
        ("title\x1b]0;pwned\x07!", "title]0;pwned!"),
        ("c1\x9b2Jclear", "c12Jclear"),
        ("keep\nnew\tlines", "keep\nnew\tlines"),
        ("cr\rback\x08space\x7f", "crbackspace"),
        ("\u202eevil\u202c \u2066iso\u2069", "evil iso"),
        ("lone \udcff surrogate", "lone \ufffd surrogate"),
        ("émoji ✓ 漢字", "émoji ✓ 漢字"),
    ],
)
def test_safe_text(raw: str, safe: str) -> None:
    assert safe_text(raw) == safe


def test_safe_line_and_quoted() -> None:
    assert safe_line("a\nb\tc") == "a b c"
    assert safe_line("x" * 10, 5) == "xxxx…"
    assert quoted("\x1b[2Jname") == "'[2Jname'"


def test_notes_warning_above_wa_tool_limit() -> None:
    assert notes_warning("x" * WA_NOTES_LIMIT) is None
    warning = notes_warning("x" * (WA_NOTES_LIMIT + 1))
    assert warning is not None and "2,084" in warning


def test_answer_reason_only_with_not_applicable() -> None:
    with pytest.raises(ValueError):
        Answer("SEC01-BP01", AnswerStatus.MET, reason=NotApplicableReason.OTHER)


def test_responses_lookup_defaults_and_duplicates() -> None:
    responses = Responses()
    assert responses.answer("SEC01-BP01") == Answer("SEC01-BP01")
    assert responses.question_state("SEC01").is_default
    with pytest.raises(ValueError):
        Responses((Answer("SEC01-BP01"), Answer("SEC01-BP01")))
    updated = responses.with_answer(Answer("SEC01-BP02", AnswerStatus.MET)).with_answer(
        Answer("SEC01-BP01", AnswerStatus.NOT_MET)
    )
    assert [a.bp_id for a in updated.answers] == ["SEC01-BP01", "SEC01-BP02"]
