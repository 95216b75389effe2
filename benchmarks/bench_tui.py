"""App responsiveness: time to first paint of Home and of the review screen, and the
latency from a key press to the updated screen when moving between questions, with the
demo's one-account evidence and with a 40-account scan (the demo's results in every
account: every account fails somewhere, so no account's group folds).

Run: uv run python benchmarks/bench_tui.py   (headless; reports medians, never fails)
Targets (issue 5): first paint <= 1 s, key -> update <= 50 ms.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from checks.result import AccountStatus, ScanResult
from questions import security_pillar
from review.model import AnswerStatus
from review.store import ReviewStore
from tui.app import PillarApp
from tui.scanning import ScanSource
from tui.screens.home import HomeScreen
from tui.screens.review import ReviewScreen

ACCOUNTS = 40


def many_accounts(scan: ScanResult, count: int = ACCOUNTS) -> ScanResult:
    """`scan`'s results copied into `count` accounts of an organization."""
    ids = [f"{100000000000 + n * 7919:012d}" for n in range(count)]
    return replace(
        scan,
        results=tuple(replace(r, account_id=a) for a in ids for r in scan.results),
        accounts=tuple(AccountStatus(a, f"workload-{n:02d}") for n, a in enumerate(ids)),
    )


def seeded_store(folder: Path, reviews: int = 30, accounts: int = 1) -> tuple[ReviewStore, str]:
    from checks.demo import run_demo_scan

    store = ReviewStore(folder, security_pillar())
    scan = run_demo_scan()
    if accounts > 1:
        scan = many_accounts(scan, accounts)
    first = ""
    for n in range(reviews):
        review = store.create(f"Workload {n}", regions=["eu-west-1", "us-east-1"])
        first = first or review.id
        with store.open(review.id) as session:
            session.attach_evidence(scan)
            for i, bp in enumerate(store.pillar.best_practices()):
                if i % 3:
                    session.set_answer(
                        bp.id, AnswerStatus.MET if i % 2 else AnswerStatus.NOT_MET, by="bench"
                    )
    return store, first


async def until(pilot: object, condition: object, limit: float = 30.0) -> None:
    deadline = time.perf_counter() + limit
    while not condition():  # type: ignore[operator]
        if time.perf_counter() > deadline:
            raise TimeoutError("the screen never appeared")
        await pilot.pause(0.005)  # type: ignore[attr-defined]


async def first_paint_home(store: ReviewStore) -> float:
    started = time.perf_counter()
    app = PillarApp(store, person="bench", scan_source=ScanSource(demo=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(
            pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen.listing is not None
        )
        await pilot.pause()
        return time.perf_counter() - started


async def review_paint_and_keys(
    store: ReviewStore, review_id: str
) -> tuple[float, list[float], list[float]]:
    started = time.perf_counter()
    app = PillarApp(store, person="bench", scan_source=ScanSource(demo=True), open_review=review_id)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.pause()
        paint = time.perf_counter() - started
        latencies: list[float] = []
        screen = app.screen
        for n in range(40):
            before = screen.question.id
            key = "n" if (n // 10) % 2 == 0 else "p"
            t0 = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()  # the screen has processed the key and refreshed
            latencies.append(time.perf_counter() - t0)
            assert screen.question.id != before or before in ("SEC01", "SEC11")
        baseline: list[float] = []
        for _ in range(20):
            t0 = time.perf_counter()
            await pilot.press("f12")  # bound to nothing: the pilot's own round trip
            await pilot.pause()
            baseline.append(time.perf_counter() - t0)
        return paint, latencies, baseline


def keys_on(store: ReviewStore, review_id: str) -> tuple[list[float], list[float], list[float]]:
    paints: list[float] = []
    keys: list[float] = []
    idle: list[float] = []
    for _ in range(3):
        paint, latencies, baseline = asyncio.run(review_paint_and_keys(store, review_id))
        paints.append(paint)
        keys.extend(latencies)
        idle.extend(baseline)
    return paints, keys, idle


def report(what: str, paints: list[float], keys: list[float]) -> None:
    print(f"first paint, review screen{what:<12}median {statistics.median(paints) * 1000:7.1f} ms")
    print(
        f"key -> updated screen (n/p){what}, {len(keys)} presses  median "
        f"{statistics.median(keys) * 1000:6.1f} ms   "
        f"p95 {sorted(keys)[int(len(keys) * 0.95)] * 1000:6.1f} ms"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        store, review_id = seeded_store(Path(folder))
        homes = [asyncio.run(first_paint_home(store)) for _ in range(3)]
        paints, keys, idle = keys_on(store, review_id)
    with tempfile.TemporaryDirectory() as folder:
        store, review_id = seeded_store(Path(folder), reviews=1, accounts=ACCOUNTS)
        many_paints, many_keys, _ = keys_on(store, review_id)
    print(f"first paint, Home (30 reviews)      median {statistics.median(homes) * 1000:7.1f} ms")
    report("", paints, keys)
    report(f", {ACCOUNTS} accounts", many_paints, many_keys)
    print(
        f"same round trip for an unbound key (pilot overhead)  median "
        f"{statistics.median(idle) * 1000:6.1f} ms"
    )


if __name__ == "__main__":
    main()
