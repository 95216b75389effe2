"""Keep Python's cyclic garbage collector off botocore's models while a scan runs.

Where a scan's CPU went (benchmarks/profile_scan.py, bench_accounts.py): a third to a half
of it was the garbage collector's full (oldest-generation) collections. botocore's parsed
service models, endpoint rule sets and every client's event tables are several hundred
thousand long-lived objects; building clients and parsing responses allocates fast, so
CPython runs a full collection every ~25% growth of the old generation, and each one
walks every one of those objects again (0.1-0.2 s each, several per scan) to find no
garbage among them.

`gc.freeze()` (standard library, made for this: "ignore them in all the future
collections") moves every object tracked at that moment to a permanent generation that
collections skip; `gc.unfreeze()` puts them back in the oldest generation, where the next
full collection sees them again. So during a scan:

- `scan_heap()` (the scan's whole duration) freezes what exists when it starts (imported
  modules, models loaded by an earlier scan) and unfreezes when the last concurrent scan
  ends: nothing is lost, cyclic garbage frozen meanwhile is collected after the scan.
- `settle()`, once per scan after its first clients are built, freezes again: the models
  that build just loaded (shared process-wide by every account's session) leave the
  collector's work. Later allocations (other accounts' clients, responses, results) are
  collected as usual, so a many-account scan's memory still follows the accounts open.

Reference counting is untouched: frozen objects that lose their last reference are freed
at once as always; only reference cycles among them wait for the unfreeze.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_scans = 0  # scans running now (the TUI may run one while another ends)
_settled = False  # settle() froze once for the scans running now


@contextmanager
def scan_heap() -> Iterator[None]:
    """Run a scan with the objects that exist now out of the collector's way."""
    global _scans, _settled
    with _lock:
        _scans += 1
        gc.freeze()
    try:
        yield
    finally:
        with _lock:
            _scans -= 1
            if _scans == 0:
                _settled = False
                gc.unfreeze()


def settle() -> None:
    """Clients were just built (models loaded): freeze them too, once per scan_heap."""
    global _settled
    with _lock:
        if _scans and not _settled:
            _settled = True
            gc.freeze()


def frozen() -> int:
    """Objects kept out of collections now (for tests and benchmarks)."""
    return gc.get_freeze_count()
