"""Benchmark the review store: save latency, and `pillar list` with 500 reviews x 63 answers.

Run: uv run python benchmarks/bench_store.py [--reviews 500] [--saves 300]

Reports numbers, never fails. A "save" is one `ReviewSession.set_answer` on a review
with all 63 best practices answered (and a history of one change each): it returns
only once the change is durable (temp file, fsync, rename, folder fsync). CPU time
(`time.process_time`) is what the store itself costs; wall time adds the disk.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from questions import security_pillar
from review.model import (
    Answer,
    AnswerChange,
    AnswerStatus,
    Responses,
    Review,
)
from review.store import ReviewStore


def full_review(index: int, bp_ids: list[str]) -> Review:
    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=index)
    statuses = [AnswerStatus.MET, AnswerStatus.NOT_MET, AnswerStatus.MET]
    answers = tuple(
        Answer(
            bp_id,
            statuses[i % 3],
            note=f"discussed in workshop {index}: see ticket SEC-{i}",
            by="Ann Example",
            at=start,
        )
        for i, bp_id in enumerate(bp_ids)
    )
    history = tuple(
        AnswerChange(a.bp_id, start, a.by, AnswerStatus.UNANSWERED, a.status) for a in answers
    )
    return Review(
        id=uuid.uuid4().hex,
        name=f"Workload {index}",
        created_at=start,
        updated_at=start,
        owner="Platform team",
        account_ids=("123456789012",),
        regions=("eu-west-1", "us-east-1"),
        bank_revision="2024-06-27",
        responses=Responses(answers),
        history=history,
    )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reviews", type=int, default=500)
    parser.add_argument("--saves", type=int, default=300)
    args = parser.parse_args()

    pillar = security_pillar()
    bp_ids = [bp.id for bp in pillar.best_practices()]
    with tempfile.TemporaryDirectory(prefix="pillar-bench-") as folder:
        home = Path(folder)
        store = ReviewStore(home, pillar)
        started = time.perf_counter()
        ids = [store.import_review(full_review(i, bp_ids)).id for i in range(args.reviews)]
        build_s = time.perf_counter() - started
        size = (store.folder / f"{ids[0]}.json").stat().st_size

        # --- save latency -----------------------------------------------------------
        wall: list[float] = []
        cpu: list[float] = []
        with store.open(ids[0]) as session:
            for i in range(args.saves):
                bp = bp_ids[i % len(bp_ids)]
                status = AnswerStatus.MET if (i // len(bp_ids)) % 2 else AnswerStatus.NOT_MET
                w0, c0 = time.perf_counter(), time.process_time()
                session.set_answer(bp, status, by="Bob", note=f"save {i}")
                cpu.append(time.process_time() - c0)
                wall.append(time.perf_counter() - w0)
            history = len(session.review.history)

        # --- the same saves with the disk calls stubbed out: the store's own CPU ----------
        from review import durable

        real = durable.write_durably
        durable.write_durably = lambda path, data: None  # type: ignore[assignment]  # flush's call
        no_disk: list[float] = []
        try:
            with store.open(ids[2]) as session:
                for i in range(args.saves):
                    bp = bp_ids[i % len(bp_ids)]
                    flip = (i // len(bp_ids)) % 2
                    status = AnswerStatus.MET if flip else AnswerStatus.NOT_MET
                    c0 = time.process_time()
                    session.set_answer(bp, status, by="Bob", note=f"save {i}")
                    no_disk.append(time.process_time() - c0)
        finally:
            durable.write_durably = real

        # --- the serialisation alone (what a save costs before the disk) -----------------
        with store.open(ids[1]) as session:
            storage = session._file._storage
            serialise: list[float] = []
            for _ in range(200):
                storage._table_text.clear()  # as if every table changed
                c0 = time.perf_counter()
                storage.serialise()
                serialise.append(time.perf_counter() - c0)

        # --- listing ---------------------------------------------------------------------
        in_process: list[float] = []
        for _ in range(3):
            t0 = time.perf_counter()
            listing = store.list_reviews()
            in_process.append(time.perf_counter() - t0)
        assert len(listing.reviews) == args.reviews and not listing.problems

        pillar_cmd = str(Path(sys.executable).parent / "pillar")
        env = {**os.environ, "PILLAR_HOME": str(home), "COLUMNS": "160"}
        cli: list[float] = []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run([pillar_cmd, "list"], env=env, check=True, capture_output=True)
            cli.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        subprocess.run([pillar_cmd, "--help"], env=env, check=True, capture_output=True)
        startup = time.perf_counter() - t0

        ms = 1000.0
        print(f"reviews: {args.reviews} x {len(bp_ids)} answers ({size:,} bytes per file)")
        print(f"  built in {build_s:.1f} s")
        print(f"save (set_answer, durable), {args.saves} saves, history up to {history}:")
        print(
            f"  wall  median {statistics.median(wall) * ms:.3f} ms, "
            f"p95 {percentile(wall, 0.95) * ms:.3f} ms"
        )
        print(
            f"  CPU   median {statistics.median(cpu) * ms:.3f} ms, "
            f"p95 {percentile(cpu, 0.95) * ms:.3f} ms"
        )
        print(
            f"  CPU without the disk calls (serialise + TinyDB + model): median "
            f"{statistics.median(no_disk) * ms:.3f} ms, p95 {percentile(no_disk, 0.95) * ms:.3f} ms"
        )
        print(
            f"  serialising a whole 63-answer review: median "
            f"{statistics.median(serialise) * ms:.3f} ms"
        )
        print(f"list of {args.reviews} reviews:")
        print(f"  store.list_reviews()  best {min(in_process) * ms:.0f} ms")
        print(
            f"  `pillar list`         best {min(cli) * ms:.0f} ms "
            f"(interpreter start + `pillar --help` alone: {startup * ms:.0f} ms)"
        )


if __name__ == "__main__":
    main()
