"""Store writes off the UI thread, one at a time and in order.

The app hands the open ReviewSession to a Saver and never calls it again. Screens submit a
change: a function of the session built from values captured on the UI thread (never a
screen attribute read later). One writer thread applies changes in the order given and
posts the outcome as a message: `ReviewSaved` (the review after the change, durable) or
`SaveFailed`, to the review screen (the owner) and to the screen that asked.

Closing never blocks the UI: `close()` queues an end marker and returns. The writer thread
finishes every change queued before it and only then releases the review's lock, so the lock
is never let go while a write runs. `wait_closed()` (async, for quitting) and
`join()` (for workers) wait for that moment without freezing the screen.

The writer is not a daemon thread: if the app ends while changes are queued, Python waits
for them before the process exits. It watches the main thread so it never keeps a process
alive on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.message_pump import MessagePump

from review.session import ReviewSession
from review.text import safe_line
from tui.messages import ReviewSaved, SaveFailed

Change = Callable[[ReviewSession], Any]
_POLL_S = 0.25


@dataclass(frozen=True)
class Job:
    seq: int
    change: Change
    reply_to: MessagePump | None
    then: Callable[[Any], None] | None


class SaverClosed(RuntimeError):
    """A change was submitted after the review was closed."""


class Saver:
    """The single background writer of one open review."""

    def __init__(
        self, session: ReviewSession, owner: MessagePump, *, review_id: str, read_only: bool
    ) -> None:
        self._session = session
        self.owner = owner
        self.review_id = review_id
        self.read_only = read_only
        self.submitted = 0  # changes handed over so far (UI thread only)
        self._closing = False
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._idle = threading.Event()
        self._idle.set()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pillar-saver", daemon=False)
        self._thread.start()

    # --- UI thread --------------------------------------------------------------------------

    def submit(
        self,
        change: Change,
        *,
        reply_to: MessagePump | None = None,
        then: Callable[[Any], None] | None = None,
    ) -> int:
        """Queue a change; returns its sequence number. `then` runs on the UI thread with
        the change's result once it is durable (only if `reply_to` is still there)."""
        if self._closing:
            raise SaverClosed("this review was closed; open it again to change it")
        self.submitted += 1
        self._idle.clear()
        self._jobs.put(Job(self.submitted, change, reply_to, then))
        return self.submitted

    def is_saved(self, seq: int) -> bool:
        """True when `seq` is the last change submitted (nothing newer is still queued)."""
        return seq >= self.submitted

    def close(self) -> None:
        """Finish the queued changes, then release the lock, on the writer thread. Returns
        at once."""
        if not self._closing:
            self._closing = True
            self._jobs.put(None)

    @property
    def closing(self) -> bool:
        return self._closing

    async def wait_closed(self) -> None:
        """Wait (without blocking the event loop) until the lock is released."""
        if not self._closed.is_set():
            await asyncio.to_thread(self._closed.wait)

    # --- any thread -------------------------------------------------------------------------

    def join(self, timeout: float | None = None) -> bool:
        """Block until the review is closed (from workers and tests, never the UI thread)."""
        return self._closed.wait(timeout)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every submitted change is applied (tests)."""
        return self._idle.wait(timeout)

    # --- writer thread ----------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while True:
                try:
                    job = self._jobs.get(timeout=_POLL_S)
                except queue.Empty:
                    if not threading.main_thread().is_alive():
                        return  # the program ended without closing: nothing is queued
                    continue
                if job is None:
                    return
                self._apply(job)
                if self._jobs.empty():
                    self._idle.set()
        finally:
            with contextlib.suppress(Exception):
                self._session.close()
            self._idle.set()
            self._closed.set()

    def _apply(self, job: Job) -> None:
        try:
            result = job.change(self._session)
        except Exception as error:  # reported to the UI, never lost silently
            reason = safe_line(str(error), 300) or type(error).__name__
            self._post(self.owner, SaveFailed(reason, job.seq))
            return
        review = self._session.review
        if job.reply_to is None or job.reply_to is self.owner:
            self._post(self.owner, ReviewSaved(review, result, job.seq, job.then))
            return
        self._post(self.owner, ReviewSaved(review, result, job.seq))
        self._post(job.reply_to, ReviewSaved(review, result, job.seq, job.then))

    @staticmethod
    def _post(target: MessagePump, message: Any) -> None:
        # The app (or that screen) has already gone: there is nothing left to show.
        with contextlib.suppress(Exception):
            target.post_message(message)
