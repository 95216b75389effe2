"""Export numbers: a review with all 63 answers and evidence for 5,000 resources.

Run: uv run python benchmarks/bench_export.py   (reports medians; never fails on time)
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

from checks.result import CheckResult, Resource, ScanResult, Status
from questions import Pillar, security_pillar
from review.export import csv_export, json_export, markdown_export
from review.model import (
    Answer,
    AnswerStatus,
    Milestone,
    NotApplicableReason,
    Participant,
    Responses,
    Review,
)
from review.plan import build_plan

RESOURCES = 5_000
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def big_review(pillar: Pillar, resources: int = RESOURCES) -> Review:
    """63 answers (every status), one check per best practice in two regions, `resources`
    resources spread over them with a third failing, and one milestone."""
    bps = list(pillar.best_practices())
    statuses = [AnswerStatus.NOT_MET, AnswerStatus.MET, AnswerStatus.NOT_MET]
    answers = []
    for n, bp in enumerate(bps):
        if n % 10 == 9:
            answers.append(
                Answer(
                    bp.id,
                    AnswerStatus.NOT_APPLICABLE,
                    NotApplicableReason.OUT_OF_SCOPE,
                    note="Not in this workload.",
                    by="bench",
                    at=NOW,
                )
            )
        else:
            answers.append(
                Answer(
                    bp.id, statuses[n % 3], note=f"Note {n} | with `markup` <b>", by="bench", at=NOW
                )
            )
    regions = ("eu-west-1", "us-east-1")
    per_result = resources // (len(bps) * len(regions))
    extra = resources - per_result * len(bps) * len(regions)
    results = []
    made = 0
    for n, bp in enumerate(bps):
        for region in regions:
            count = per_result + (1 if extra > 0 else 0)
            extra -= 1
            items = tuple(
                Resource(
                    f"arn:aws:s3:::bucket-{made + i:05d}",
                    Status.FAIL if (made + i) % 3 == 0 else Status.PASS,
                    "detail",
                )
                for i in range(count)
            )
            made += count
            status = Status.FAIL if any(r.status is Status.FAIL for r in items) else Status.PASS
            results.append(
                CheckResult(
                    f"svc.check_{n:02d}",
                    f"Check {n}",
                    "svc",
                    (bp.id,),
                    region,
                    status,
                    resources=items,
                )
            )
    assert made == resources
    scan = ScanResult("111122223333", regions, NOW, 30.0, tuple(results))
    responses = Responses(tuple(answers))
    return Review(
        id="0" * 32,
        name="Benchmark",
        created_at=NOW,
        updated_at=NOW,
        owner="bench",
        account_ids=("111122223333",),
        regions=regions,
        participants=(Participant("a"), Participant("b", "role")),
        responses=responses,
        evidence=scan,
        milestones=(Milestone("start", NOW, pillar.revision, Responses(tuple(answers[:20]))),),
    )


def median_ms(action: Callable[[], object], runs: int = 15) -> float:
    action()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


if __name__ == "__main__":
    pillar = security_pillar()
    review = big_review(pillar)
    assert review.evidence is not None
    print(
        f"review: {len(review.responses.answers)} answers, "
        f"{sum(len(r.resources) for r in review.evidence.results):,} resources, "
        f"{len(build_plan(pillar, review))} plan items"
    )
    print(f"build plan        median {median_ms(lambda: build_plan(pillar, review)):7.1f} ms")
    md_ms = median_ms(lambda: markdown_export(pillar, review, now=NOW))
    print(
        f"Markdown export   median {md_ms:7.1f} ms "
        f"({len(markdown_export(pillar, review, now=NOW)):,} characters)"
    )
    print(f"CSV export        median {median_ms(lambda: csv_export(pillar, review)):7.1f} ms")
    print(f"JSON export       median {median_ms(lambda: json_export(review, now=NOW)):7.1f} ms")
