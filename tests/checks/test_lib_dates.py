"""checks.lib.dates: one reader for AWS dates; unreadable is a value, not a pass."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.lib.dates import Unreadable, age_days, days_left, parse

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@settings(deadline=None)
@given(moments)
def test_every_shape_of_the_same_moment_reads_the_same(when):
    naive = when.replace(tzinfo=None)
    shapes = [when, naive, when.isoformat(), naive.isoformat() + "Z", when.timestamp()]
    assert {parse(s) for s in shapes} == {when}


@settings(deadline=None)
@given(moments, moments)
def test_age_and_days_left_are_opposite(when, now):
    age, left = age_days(when, now), days_left(when, now)
    assert isinstance(age, int) and isinstance(left, int)
    assert age == (now - when).days and left == (when - now).days


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=5000))
def test_age_counts_whole_days(days):
    assert age_days(NOW - timedelta(days=days, hours=1), NOW) == days


@pytest.mark.parametrize("value", [None, "", "N/A", "n/a", "  "])
def test_no_date(value):
    assert parse(value) is None
    assert age_days(value, NOW) is None


@pytest.mark.parametrize(
    "value", ["no_information", "not_supported", "yesterday", "2026-13-40", [], True]
)
def test_unreadable_dates_are_values_with_a_reason(value):
    result = age_days(value, NOW)
    assert isinstance(result, Unreadable)
    assert result.reason and "\n" not in result.reason


@settings(deadline=None)
@given(st.text(max_size=30))
def test_any_text_gives_a_date_none_or_unreadable_never_an_error(text):
    result = parse(text)
    assert result is None or isinstance(result, datetime | Unreadable)
    if isinstance(result, datetime):
        assert result.tzinfo is not None
