"""The time checks judge ages against: now, or when a replayed recording was made.

A check that asks "is this key older than 90 days?" compares with `scan_now()`. A live
scan gets the real time; a replay (`pillar scan --replay`, the demo) runs as of its
recording (`Aws.as_of`), so the same recording gives the same results next year, and a
reproducible case stays reproducible. The runner sets it around each check (a context
variable: each check thread sees its own scan's time).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_AS_OF: ContextVar[datetime | None] = ContextVar("pillar_scan_as_of", default=None)


def scan_now() -> datetime:
    """The scan's time (timezone-aware): the replayed recording's, else now."""
    return _AS_OF.get() or datetime.now(UTC)


@contextmanager
def as_of(moment: datetime | None) -> Iterator[None]:
    """Run a block as of `moment` (None: the real time)."""
    token = _AS_OF.set(moment)
    try:
        yield
    finally:
        _AS_OF.reset(token)
