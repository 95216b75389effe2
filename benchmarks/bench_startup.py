"""Start-up numbers: `pillar --help`, `pillar --version` and loading the question bank.

Run: uv run python benchmarks/bench_startup.py   (reports medians; never fails on time)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def median_seconds(command: list[str], runs: int = 15) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def bank_load_ms(runs: int = 50) -> float:
    from questions import load_pillar

    load_pillar()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        load_pillar()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


if __name__ == "__main__":
    entry = [sys.executable, "-c", "from cli.main import main; main()"]
    print(f"pillar --help     median {median_seconds([*entry, '--help']) * 1000:7.1f} ms")
    print(f"pillar --version  median {median_seconds([*entry, '--version']) * 1000:7.1f} ms")
    print(f"load whole bank   median {bank_load_ms():7.2f} ms")
