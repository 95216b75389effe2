"""Typed, checked reading of untrusted data: one mapping (a TOML table, a JSON object) at a time.

The question bank loader (`questions.loader`) and the review file codec (`review.codec`) both
read their files through a subclass of `Fields`. The base holds what they share: finding a
key (and remembering which were read, to refuse unknown ones), naming the field in errors,
and the value kinds both need (text, a pattern, true/false, a choice from an enum, a list of
text). A subclass says which error a problem becomes (`fail`) and adds its own kinds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

E = TypeVar("E", bound=StrEnum)

REQUIRED: Any = object()
"""The default of `get` meaning: the key must be present."""


class Fields:
    """One mapping of untrusted data, read key by key; `where` names it in errors."""

    MISSING = "is missing"
    """The problem reported for a required key that is absent."""
    MAX_TEXT: int | None = None
    """Longest text accepted in one field (None: no limit)."""
    SHOW_VALUES = False
    """Quote the bad value in errors (files people edit), or not (files that may be hostile)."""

    def __init__(self, data: Mapping[str, Any], where: str = "") -> None:
        self.data: Mapping[str, Any] = data
        self.where = where
        self.used: set[str] = set()

    def name(self, key: str) -> str:
        """The field's full name in errors: `where.key`, or `key` at the top."""
        return f"{self.where}.{key}" if self.where else key

    def fail(self, key: str, problem: str) -> Exception:
        """The error for a problem with field `key` (subclasses return their error type)."""
        return ValueError(f"{self.name(key)}: {problem}")

    def get(self, key: str, default: Any = REQUIRED) -> Any:
        """The raw value of `key`; `default` when absent, an error if there is no default."""
        self.used.add(key)
        if key not in self.data:
            if default is REQUIRED:
                raise self.fail(key, self.MISSING)
            return default
        return self.data[key]

    def is_absent(self, key: str) -> bool:
        """True when `key` is missing or null (optional fields)."""
        self.used.add(key)
        return self.data.get(key) is None

    def text(self, key: str, default: str | None = None) -> str:
        """A string (any string, empty too), at most MAX_TEXT characters."""
        value = self.get(key, REQUIRED if default is None else default)
        if not isinstance(value, str):
            raise self.fail(key, "must be text")
        self._check_length(key, value)
        return value

    def pattern(self, key: str, pattern: re.Pattern[str], what: str) -> str:
        """Text of the form `pattern` (e.g. `questions.ids.BP_ID`); `what` names the form."""
        value = self.text(key)
        if not pattern.fullmatch(value):
            raise self.fail(key, self._bad(value, f"must be {what}"))
        return value

    def boolean(self, key: str, default: bool | None = None) -> bool:
        value = self.get(key, REQUIRED if default is None else default)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value

    def enum(self, key: str, kind: type[E], default: E | None = None) -> E:
        """One of the values of `kind` (a StrEnum)."""
        value = self.get(key, REQUIRED if default is None else default.value)
        try:
            return kind(value)
        except (ValueError, TypeError):
            allowed = ", ".join(member.value for member in kind)
            got = f" (got {value!r})" if self.SHOW_VALUES else ""
            raise self.fail(key, f"must be one of {allowed}{got}") from None

    def list_of_text(self, key: str, default: list[str] | None = None) -> list[str]:
        """A list whose items are all strings (each at most MAX_TEXT characters)."""
        value = self.get(key, REQUIRED if default is None else default)
        if not isinstance(value, list):
            raise self.fail(key, "must be a list")
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise self.fail(f"{key}[{index}]", "must be text")
            self._check_length(f"{key}[{index}]", item)
        return value

    def no_unknown_keys(self) -> None:
        """Refuse a key nothing read (a typo in a hand-edited file)."""
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise self.fail(unknown[0], "is not a known field (a typo?)")

    def _check_length(self, key: str, value: str) -> None:
        if self.MAX_TEXT is not None and len(value) > self.MAX_TEXT:
            raise self.fail(key, f"is longer than {self.MAX_TEXT:,} characters")

    def _bad(self, value: str, problem: str) -> str:
        return f"{value!r} {problem}" if self.SHOW_VALUES else problem
