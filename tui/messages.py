"""The app's messages: what workers and the Saver report back to the screens.

Store work never runs on the UI thread. A worker (or the Saver's writer thread) does it and
posts one of these messages to the screen (or app) that asked; that one handles it on the UI
thread and updates its reactives, and the widgets follow. Messages carry values (reviews,
listings, results); the only live object is the session in `ReviewOpened`, which the app
hands straight to a Saver and never calls itself.

They are posted to their handler directly, so none of them bubbles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.message import Message

from checks.result import ScanResult
from review.model import Review
from review.session import ReviewSession
from review.store import ReviewListing


class PillarMessage(Message, bubble=False):
    """Posted straight to the node that handles it: no bubbling to the app."""


# --- opening and listing reviews -----------------------------------------------------------


@dataclass
class ReviewOpened(PillarMessage, bubble=False):
    """A review is open (for changes, or read-only): the session now belongs to the app."""

    session: ReviewSession
    review: Review
    read_only: bool
    start_question: str | None = None
    scan_first: bool = False


@dataclass
class ReviewBusy(PillarMessage, bubble=False):
    """Another pillar holds the review for changes: offer to open it read-only."""

    ref: str
    reason: str
    start_question: str | None = None


@dataclass
class OpenFailed(PillarMessage, bubble=False):
    """The review could not be opened (gone, corrupt, newer schema...): one sentence why."""

    ref: str
    reason: str


@dataclass
class ReviewsListed(PillarMessage, bubble=False):
    """Home's list of reviews, read by a worker."""

    listing: ReviewListing


@dataclass
class ReviewLoaded(PillarMessage, bubble=False):
    """A review read for looking at (summary, export) without opening it for changes."""

    review: Review
    purpose: str


@dataclass
class StoreFailed(PillarMessage, bubble=False):
    """A store operation started from a screen failed: `what` names it, `reason` says why."""

    what: str
    reason: str


@dataclass
class StoreDone(PillarMessage, bubble=False):
    """A store operation started from a screen (create, rename, delete...) worked."""

    what: str
    notice: str = ""
    review_id: str = ""
    scan_first: bool = False


# --- saving the open review ---------------------------------------------------------------


@dataclass
class ReviewSaved(PillarMessage, bubble=False):
    """A change is durable. `review` is the review after it; `result` what the change
    returned (e.g. the applied proposals, the parked item). `then` runs on the UI thread."""

    review: Review
    result: Any
    seq: int
    then: Callable[[Any], None] | None = field(default=None, repr=False)


@dataclass
class SaveFailed(PillarMessage, bubble=False):
    """A change was not saved; the review on screen is the last durable one."""

    reason: str
    seq: int


# --- scans and exports --------------------------------------------------------------------


@dataclass
class ScanProgress(PillarMessage, bubble=False):
    """Checks done so far (and, in a scan of many accounts, accounts done so far and the
    current one: untrusted text). A newer progress message replaces an unprocessed older
    one: each carries the whole state."""

    done: int
    total: int
    current: str
    accounts_done: int = 0
    accounts_total: int = 0  # 0: a one-account scan
    account: str = ""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ScanProgress)


@dataclass
class ScanFinished(PillarMessage, bubble=False):
    """The scan ended (also when cancelled: the results so far are kept)."""

    result: ScanResult


@dataclass
class ScanFailed(PillarMessage, bubble=False):
    """The scan could not run (credentials, endpoint): one sentence why."""

    reason: str


@dataclass
class ExportWritten(PillarMessage, bubble=False):
    path: Path


@dataclass
class ExportFailed(PillarMessage, bubble=False):
    reason: str
