"""AWS timestamps and ages, read one way everywhere.

AWS gives dates as datetimes (botocore parses most), ISO 8601 strings (credential
report, some policies, endpoints that send text), epoch seconds, or words that say
there is no date: "N/A" (never / not applicable), "no_information" (used before IAM
tracked it), "not_supported". `parse` returns one of three things:

- a timezone-aware `datetime`;
- `None`: there is no date (absent, "N/A"): the caller decides what that means;
- `Unreadable`: something was given that is not a date. A check that needs the date
  must not PASS on it: `registry.undecided(id, unreadable.reason)` makes it UNKNOWN.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from checks.clock import scan_now

NO_DATE = frozenset({"", "n/a", "none", "null", "-"})
"""Texts meaning there is no date (the credential report's "N/A": never / no such key)."""

NO_INFORMATION = frozenset({"no_information", "not_supported"})
"""Texts meaning a date exists but AWS does not know or report it."""


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A date that was given but cannot be read; `reason` is one sentence for people."""

    raw: str

    @property
    def reason(self) -> str:
        word = self.raw.strip().lower()
        if word == "no_information":
            return "AWS has no information on this date (it predates IAM's tracking)"
        if word == "not_supported":
            return "AWS does not report this date for this resource"
        shown = self.raw if len(self.raw) <= 40 else self.raw[:37] + "..."
        return f"the date {shown!r} cannot be read"


When = datetime | Unreadable | None


def parse(value: Any) -> When:
    """A datetime (UTC-aware), None for "no date", or Unreadable (see the module doc)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, bool):
        return Unreadable(str(value))
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return Unreadable(str(value))
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in NO_DATE:
            return None
        if text.lower() in NO_INFORMATION:
            return Unreadable(text)
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return Unreadable(text)
        return when if when.tzinfo else when.replace(tzinfo=UTC)
    return Unreadable(repr(value))


def age_days(value: Any, now: datetime | None = None) -> int | Unreadable | None:
    """Whole days from a date to now (the scan's time, `checks.clock.scan_now`); negative
    in the future; None / Unreadable as `parse`."""
    when = parse(value)
    if when is None or isinstance(when, Unreadable):
        return when
    return ((now or scan_now()) - when).days


def days_left(value: Any, now: datetime | None = None) -> int | Unreadable | None:
    """Whole days from now until a date (negative once past); None / Unreadable as `parse`."""
    when = parse(value)
    if when is None or isinstance(when, Unreadable):
        return when
    return (when - (now or scan_now())).days
