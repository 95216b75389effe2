"""The per-review write lock: one writer per review, and a clear word about who it is.

The lock itself is `filelock.FileLock` (an OS lock on `<id>.lock`: the kernel releases it
when the holder dies, so a killed process never leaves a lock that blocks). Where the OS
lock is unavailable filelock falls back to a soft lock file; a soft lock whose holder
process is gone (same host, dead pid) is treated as stale and removed.

Next to the lock a small sidecar `<id>.holder` says who holds it (pid, host, since when),
so a second process can be told exactly that.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import filelock

from review.errors import ReviewLocked
from review.model import utc_now
from review.text import safe_line


@dataclass(frozen=True, slots=True)
class LockHolder:
    pid: int
    host: str
    since: datetime

    def describe(self) -> str:
        when = self.since.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
        return f"pid {self.pid} on host {safe_line(self.host, 64)}, since {when}"

    @property
    def is_alive(self) -> bool | None:
        """False if the holder is on this host and its process is gone; None if unknown."""
        if self.host != socket.gethostname():
            return None
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


class ReviewLock:
    """The write lock of one review file (`<folder>/<id>.lock` + `<id>.holder`)."""

    def __init__(self, folder: Path, review_id: str, *, soft: bool = False) -> None:
        self.lock_path = folder / f"{review_id}.lock"
        self.holder_path = folder / f"{review_id}.holder"
        kind = filelock.SoftFileLock if soft else filelock.FileLock
        self._lock: filelock.BaseFileLock = kind(
            self.lock_path, timeout=0, mode=0o600, thread_local=False
        )

    @property
    def is_held(self) -> bool:
        return self._lock.is_locked

    def acquire(self, name: Callable[[], str], wait: float = 0.0) -> None:
        """Take the lock, waiting up to `wait` seconds; ReviewLocked names the holder.

        `name` gives the review's name for the message (called only if it is needed).
        """
        try:
            self._lock.acquire(timeout=wait, poll_interval=0.02)
        except filelock.Timeout:
            holder = self.holder()
            if not self._remove_if_stale(holder):
                raise self._locked_error(name, holder) from None
            try:
                self._lock.acquire(timeout=0)
            except filelock.Timeout:
                raise self._locked_error(name, self.holder()) from None
        self._write_holder()

    def release(self) -> None:
        if not self._lock.is_locked:
            return
        with suppress(OSError):
            self.holder_path.unlink()
        self._lock.release()

    def holder(self) -> LockHolder | None:
        """Who holds the lock according to the sidecar, or None if that is unknown."""
        try:
            data = json.loads(self.holder_path.read_text(encoding="utf-8"))
            return LockHolder(
                pid=int(data["pid"]),
                host=str(data["host"]),
                since=datetime.fromisoformat(str(data["since"])),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _write_holder(self) -> None:
        record = {"pid": os.getpid(), "host": socket.gethostname(), "since": utc_now().isoformat()}
        temp = self.holder_path.with_name(self.holder_path.name + f".{os.getpid()}.tmp")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(json.dumps(record))
            os.replace(temp, self.holder_path)
        except OSError:
            # The sidecar is information only; the lock itself is held.
            with suppress(OSError):
                temp.unlink()

    def _remove_if_stale(self, holder: LockHolder | None) -> bool:
        """Remove a soft lock left by a dead process on this host; True if removed."""
        if not isinstance(self._lock, filelock.SoftFileLock):
            return False  # OS locks die with their process: a held one has a live holder
        if holder is None or holder.is_alive is not False:
            return False
        with suppress(OSError):
            self.lock_path.unlink()
        with suppress(OSError):
            self.holder_path.unlink()
        return True

    def _locked_error(self, name: Callable[[], str], holder: LockHolder | None) -> ReviewLocked:
        who = holder.describe() if holder else "a process that did not say who it is"
        return ReviewLocked(
            f"review {name()} is open for changes in another pillar ({who}); "
            "close it there and try again, or open it read-only"
        )
