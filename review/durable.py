"""Durable file writes, and the TinyDB storage built on them.

TinyDB's default JSONStorage truncates and rewrites its file in place: a kill at the
wrong moment leaves half a file. `DurableStorage` instead serialises once, writes a temp
file in the same folder, fsyncs it, `os.replace`s it over the old file and fsyncs the
folder. A reader (or a crash) therefore always sees either the old or the new file.

Writes can be grouped with `storage.batch()`: several TinyDB table operations become one
durable write, and if that write fails the in-memory state rolls back to the last durable
one, so memory never claims what the disk does not hold.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

FILE_MODE = 0o600
FOLDER_MODE = 0o700
TEMP_SUFFIX = ".tmp"

# The system calls used for writing, looked up through this module so tests can make
# them fail (ENOSPC, EACCES, EIO) without touching the rest of the process.
_open = os.open
_write = os.write
_fsync = os.fsync
_replace = os.replace


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a review file")


def load_json(text: str | bytes) -> Any:
    """json.loads that refuses NaN/Infinity (not JSON; they would not survive export)."""
    return json.loads(text, parse_constant=_reject_constant)


def dump_json(data: Any) -> str:
    """Compact, ASCII-only JSON (lone surrogates from odd input survive as escapes)."""
    return json.dumps(data, separators=(",", ":"), allow_nan=False)


def fsync_folder(folder: Path) -> None:
    """Make a rename inside `folder` durable (no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover - Windows
        return
    try:
        _fsync(fd)
    finally:
        os.close(fd)


def write_durably(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically and durably (mode 0600).

    On any error the old file is untouched, the temp file is removed, and the OSError
    propagates.
    """
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    fd = _open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), FILE_MODE)
    try:
        try:
            view = memoryview(data)
            while view:
                written = _write(fd, view)
                view = view[written:]
            _fsync(fd)
        finally:
            os.close(fd)
        _replace(temp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise
    fsync_folder(path.parent)


def remove_stale_temp_files(path: Path) -> None:
    """Remove temp files a killed writer of `path` left behind (call while holding its lock)."""
    for temp in path.parent.glob(f".{path.name}.*{TEMP_SUFFIX}"):
        with suppress(OSError):
            temp.unlink()


class DurableStorage(Storage):
    """A TinyDB storage holding the database in memory and writing it durably.

    The storage reads its file once (or starts from `initial`); afterwards the in-memory
    copy is the truth, which is right because only the holder of the review's write lock
    ever writes. Each table is serialised separately and reused while TinyDB hands back
    the same (unchanged) table object, so a save costs the changed tables only.
    """

    def __init__(
        self,
        path: Path,
        *,
        read_only: bool = False,
        initial: dict[str, dict[str, Any]] | None = None,
        initial_is_durable: bool = True,
    ) -> None:
        super().__init__()
        self.path = path
        self.read_only = read_only
        self._data: dict[str, dict[str, Any]] | None = initial
        self._durable_text: str | None = None
        self._table_text: dict[str, tuple[object, str]] = {}
        self._depth = 0
        self._dirty = False
        if initial is not None and initial_is_durable:
            self._durable_text = dump_json(initial)
        if initial is None:
            text = path.read_text(encoding="utf-8")
            self._data = load_json(text)
            self._durable_text = text
            if not isinstance(self._data, dict):
                raise ValueError("the file does not hold a JSON object")

    # --- Storage interface ----------------------------------------------------------

    def read(self) -> dict[str, dict[str, Any]] | None:
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self.read_only:
            raise PermissionError("this review is open read-only")
        self._data = data
        self._dirty = True
        if self._depth == 0:
            self.flush()

    def close(self) -> None:
        pass

    # --- batches and durability -------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group table operations into one durable write; roll back if anything fails."""
        self._depth += 1
        try:
            yield
        except BaseException:
            if self._depth == 1:
                self.rollback()
            raise
        finally:
            self._depth -= 1
        if self._depth == 0 and self._dirty:
            self.flush()

    def serialise(self) -> str:
        data = self._data or {}
        parts: list[str] = []
        for name, table in data.items():
            cached = self._table_text.get(name)
            # `is` on the table object itself (kept alive by the cache, so its id cannot
            # be reused): TinyDB builds a new dict for every table it changes.
            if cached is not None and cached[0] is table:
                table_text = cached[1]
            else:
                table_text = dump_json(table)
                self._table_text[name] = (table, table_text)
            parts.append(f"{dump_json(name)}:{table_text}")
        return "{" + ",".join(parts) + "}"

    def flush(self) -> None:
        """Write the in-memory state durably; on failure restore the last durable state."""
        try:
            text = self.serialise()
            write_durably(self.path, text.encode("ascii"))
        except BaseException:
            self.rollback()
            raise
        self._durable_text = text
        self._dirty = False

    def rollback(self) -> None:
        """Forget changes that were not written durably."""
        self._table_text.clear()
        self._dirty = False
        self._data = None if self._durable_text is None else load_json(self._durable_text)

    @property
    def durable(self) -> bool:
        return not self._dirty
