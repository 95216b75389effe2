"""The one field reader under the bank loader and the review codec."""

from __future__ import annotations

import re
from enum import StrEnum

import pytest

from questions.fields import Fields
from questions.ids import BP_ID


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


class Strict(Fields):
    MISSING = "is required"
    MAX_TEXT = 5
    SHOW_VALUES = True


def test_a_missing_key_names_the_field() -> None:
    with pytest.raises(ValueError, match=r"^table\.title: is missing$"):
        Fields({}, "table").text("title")
    with pytest.raises(ValueError, match=r"^title: is required$"):
        Strict({}).text("title")


def test_defaults_and_absent_keys() -> None:
    fields = Fields({"note": None})
    assert fields.text("title", "untitled") == "untitled"
    assert fields.boolean("flag", False) is False
    assert fields.enum("colour", Colour, Colour.BLUE) is Colour.BLUE
    assert fields.is_absent("note") and fields.is_absent("other")
    assert fields.list_of_text("tags", []) == []


def test_kinds_are_checked() -> None:
    fields = Fields({"title": 3, "flag": "yes", "colour": "green", "tags": ["a", 1]})
    for read, problem in (
        (lambda: fields.text("title"), "must be text"),
        (lambda: fields.boolean("flag"), "must be true or false"),
        (lambda: fields.enum("colour", Colour), "must be one of red, blue$"),
        (lambda: fields.list_of_text("tags"), r"tags\[1\]: must be text"),
    ):
        with pytest.raises(ValueError, match=problem):
            read()


def test_values_are_quoted_only_where_asked() -> None:
    with pytest.raises(ValueError, match=r"must be one of red, blue \(got 'green'\)"):
        Strict({"colour": "green"}).enum("colour", Colour)
    with pytest.raises(ValueError, match=r"^id: 'x' must be a best-practice id$"):
        Strict({"id": "x"}).pattern("id", BP_ID, "a best-practice id")
    with pytest.raises(ValueError, match=r"^id: must be a best-practice id$"):
        Fields({"id": "x"}).pattern("id", BP_ID, "a best-practice id")


def test_text_longer_than_the_limit_is_refused() -> None:
    assert Strict({"t": "12345"}).text("t") == "12345"
    with pytest.raises(ValueError, match="longer than 5 characters"):
        Strict({"t": "123456"}).text("t")
    with pytest.raises(ValueError, match="longer than 5 characters"):
        Strict({"t": ["123456"]}).list_of_text("t")


def test_unknown_keys_are_refused_once_the_others_are_read() -> None:
    fields = Fields({"title": "x", "titel": "y"})
    fields.text("title")
    with pytest.raises(ValueError, match=re.escape("titel: is not a known field (a typo?)")):
        fields.no_unknown_keys()
