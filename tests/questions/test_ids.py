"""The id forms shared by the bank, the review file, the check registry and the front ends."""

from __future__ import annotations

import pytest

from questions import security_pillar
from questions.ids import BP_ID, QUESTION_ID, question_id_from_ref, question_number


def test_every_id_of_the_bank_has_the_shared_form() -> None:
    pillar = security_pillar()
    for question in pillar.questions:
        assert QUESTION_ID.fullmatch(question.id)
        for bp in question.best_practices:
            match = BP_ID.fullmatch(bp.id)
            assert match and match.group(1) == question.id


@pytest.mark.parametrize("bad", ["SEC3", "sec03", "SEC003", "SEC03-BP1", "SEC03 ", ""])
def test_malformed_ids_are_refused(bad: str) -> None:
    assert not QUESTION_ID.fullmatch(bad)
    assert not BP_ID.fullmatch(bad)


def test_question_number() -> None:
    assert question_number("SEC03") == 3
    assert question_number("SEC11") == 11
    assert question_number("SEC03-BP01") is None
    assert question_number("Q3") is None


@pytest.mark.parametrize(
    ("ref", "expected"),
    [("SEC03", "SEC03"), ("sec3", "SEC03"), ("3", "SEC03"), (" 03 ", "SEC03"), ("11", "SEC11")],
)
def test_what_a_person_types_names_a_question(ref: str, expected: str) -> None:
    assert question_id_from_ref(ref) == expected


@pytest.mark.parametrize("ref", ["", "SEC", "x3", "SEC03-BP01", "123", "3a"])
def test_what_names_no_question(ref: str) -> None:
    assert question_id_from_ref(ref) is None
