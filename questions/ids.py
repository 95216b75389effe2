"""The forms of the ids every layer reads and writes: questions (SEC03), best practices
(SEC03-BP01), and what a person may type to name a question ("sec3", "3").

The bank loader, the review file codec, the check registry and the front ends all check ids
with these patterns, so an id one of them accepts, the others accept too.
"""

from __future__ import annotations

import re

QUESTION_ID = re.compile(r"^SEC(\d{2})$")
"""A question id: SEC and two digits (group 1: the number)."""

BP_ID = re.compile(r"^(SEC\d{2})-BP(\d{2})$")
"""A best-practice id: its question id, -BP and two digits (groups: question id, number)."""

QUESTION_REF = re.compile(r"^(?:SEC)?0*(\d{1,2})$", re.IGNORECASE)
"""What a person may type for a question: SEC03, sec3, 03 or 3 (group 1: the number)."""


def question_number(question_id: str) -> int | None:
    """3 for "SEC03"; None when `question_id` is not a question id."""
    match = QUESTION_ID.match(question_id)
    return int(match.group(1)) if match else None


def question_id_from_ref(ref: str) -> str | None:
    """The question id a person means by `ref` ("sec3" -> "SEC03"), or None.

    Only the form is checked: whether the bank has that question is the caller's business.
    """
    match = QUESTION_REF.match(ref.strip())
    return f"SEC{int(match.group(1)):02d}" if match else None
