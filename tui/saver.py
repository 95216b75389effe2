"""Store writes off the UI thread, one at a time and in order.

Screens hand a change (a function of the open ReviewSession) to `Saver.submit`; a single
worker thread applies changes in the order they were given and reports each result (or
error) back on the UI thread. A keypress never waits for the disk, and two quick changes
can never land out of order.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.app import App

from review.session import ReviewSession


@dataclass(frozen=True)
class Job:
    change: Callable[[ReviewSession], Any]
    done: Callable[[Any], None] | None
    failed: Callable[[BaseException], None] | None


class Saver:
    """A single background writer for one open review."""

    def __init__(self, app: App[Any], session: ReviewSession) -> None:
        self.app = app
        self.session = session
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._idle = threading.Event()
        self._idle.set()
        self._thread = threading.Thread(target=self._run, name="pillar-saver", daemon=True)
        self._thread.start()

    def submit(
        self,
        change: Callable[[ReviewSession], Any],
        done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._idle.clear()
        self._jobs.put(Job(change, done, failed))

    @property
    def pending(self) -> int:
        return self._jobs.qsize() + (0 if self._idle.is_set() else 1)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every submitted change is applied (used on close and in tests)."""
        return self._idle.wait(timeout)

    def close(self) -> None:
        """Finish the queued changes, stop the thread and release the review's lock."""
        self._jobs.put(None)
        self._thread.join(timeout=30)
        self.session.close()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                self._idle.set()
                return
            try:
                result = job.change(self.session)
            except BaseException as error:  # reported to the UI, never lost silently
                if job.failed is not None:
                    self._call(job.failed, error)
            else:
                if job.done is not None:
                    self._call(job.done, result)
            finally:
                if self._jobs.empty():
                    self._idle.set()

    def _call(self, callback: Callable[[Any], None], value: Any) -> None:
        # RuntimeError: the app has already stopped, so there is nothing left to show.
        with contextlib.suppress(RuntimeError):
            self.app.call_from_thread(callback, value)
