"""Attaching scan files to a review: validation, merge rules, proposals, all-or-nothing."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.report import scan_json
from checks.result import GLOBAL, Cause, CheckResult, Resource, ScanResult, Status
from questions import Pillar
from review import attach
from review.attach import (
    ScanFileError,
    attach_scans,
    merge_scans,
    parse_scan,
    read_scan_file,
    read_scan_files,
)
from review.model import AnswerStatus
from review.store import ReviewStore

A1, A2 = "111111111111", "222222222222"
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def result(
    check: str,
    status: Status,
    region: str = "eu-west-1",
    bps: tuple[str, ...] = ("SEC01-BP01",),
    cause: Cause | None = None,
    resources: tuple[Resource, ...] = (),
) -> CheckResult:
    return CheckResult(
        check_id=check,
        title=f"{check} title",
        service=check.split(".")[0],
        best_practices=bps,
        region=region,
        status=status,
        reason="why",
        cause=cause,
        resources=resources,
    )


def scan(account: str, when: datetime, *results: CheckResult) -> ScanResult:
    regions = sorted({r.region for r in results if r.region != GLOBAL}) or ["eu-west-1"]
    return ScanResult(account, tuple(regions), when, 1.5, tuple(results))


def as_file(tmp_path: Path, name: str, scanned: ScanResult, pillar: Pillar) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(scan_json(scanned, pillar)), encoding="utf-8")
    return path


def statuses(evidence: ScanResult) -> dict[tuple[str, str], Status]:
    return {(r.check_id, r.region): r.status for r in evidence.results}


# --- reading ----------------------------------------------------------------------------


def test_a_scan_file_reads_back_what_pillar_scan_wrote(tmp_path: Path, pillar: Pillar) -> None:
    failing = Resource("arn:aws:s3:::[bold]x[/]", Status.FAIL, "public \x1b[31m")
    original = scan(
        A1,
        T0,
        result("s3.public", Status.FAIL, resources=(failing,)),
        result("iam.root", Status.UNKNOWN, GLOBAL, cause=Cause.ACCESS_DENIED),
    )
    read = read_scan_file(as_file(tmp_path, "scan.json", original, pillar), pillar)
    assert read == original  # untrusted text is kept as text (screens escape it)


def valid(pillar: Pillar) -> dict[str, Any]:
    return scan_json(
        scan(A1, T0, result("s3.public", Status.PASS, resources=(Resource("b", Status.PASS),))),
        pillar,
    )


def damaged(pillar: Pillar, change: Any) -> bytes:
    document = valid(pillar)
    change(document)
    return json.dumps(document).encode()


def set_in(path: str, value: Any) -> Any:
    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = document
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return change


def drop(key: str) -> Any:
    return lambda document: document.pop(key)


CASES = [
    (lambda p: b"\xff\xfe not text", "not UTF-8 text"),
    (lambda p: b"{ nope", "its JSON does not parse"),
    (lambda p: b"[1, 2]", "is not a pillar scan (make one with `pillar scan"),
    (lambda p: json.dumps({"format": "pillar-review", "version": 2}).encode(), "not a pillar scan"),
    (lambda p: damaged(p, drop("checks")), "is not a pillar scan"),
    (lambda p: damaged(p, set_in("format", "pillar-review")), "format is not 'pillar-scan'"),
    (lambda p: damaged(p, set_in("version", 2)), "made by a newer pillar (scan version 2"),
    (lambda p: damaged(p, set_in("version", "1")), "version is not a positive whole number"),
    (lambda p: damaged(p, set_in("account_id", "12345")), "account_id '12345' is not a valid"),
    (lambda p: damaged(p, set_in("regions", ["eu west"])), "regions[0] is not a region name"),
    (lambda p: damaged(p, set_in("started_at", "2999-01-01T00:00:00+00:00")), "in the future"),
    (lambda p: damaged(p, set_in("started_at", "2026-11-01T09:00:00")), "has no time zone"),
    (lambda p: damaged(p, set_in("started_at", 17)), "started_at is not a time"),
    (lambda p: damaged(p, set_in("duration_s", "fast")), "duration_s is not a number"),
    (lambda p: damaged(p, set_in("cancelled", "no")), "cancelled is not true or false"),
    (lambda p: damaged(p, set_in("checks", {"a": 1})), "checks is not a list"),
    (lambda p: damaged(p, set_in("checks.0", "x")), "checks[0] is not an object"),
    (lambda p: damaged(p, set_in("checks.0.status", "MAYBE")), "checks[0].status is not one of"),
    (lambda p: damaged(p, set_in("checks.0.cause", "gremlins")), "'gremlins' is not a known"),
    (lambda p: damaged(p, set_in("checks.0.title", 3)), "checks[0].title is not text"),
    (lambda p: damaged(p, set_in("checks.0.id", "Not An Id")), "checks[0].id 'Not An Id'"),
    (lambda p: damaged(p, set_in("checks.0.title", "x" * 20_000)), "longer than 10,000"),
    (lambda p: damaged(p, set_in("checks.0.best_practices", ["SEC99-BP01"])), "SEC99-BP01"),
    (lambda p: damaged(p, set_in("checks.0.resources", [5])), "resources[0] is not an object"),
    (
        lambda p: damaged(p, set_in("checks.0.resources.0.status", "meh")),
        "resources[0].status is not one of",
    ),
    (lambda p: damaged(p, set_in("checks.0.scanned_at", "soon")), "not an ISO 8601 time"),
    (lambda p: damaged(p, set_in("checks.0.account_id", "x")), "checks[0].account_id 'x'"),
    (
        lambda p: damaged(p, lambda d: d["checks"].append(dict(d["checks"][0]))),
        "checks[1] repeats s3.public in eu-west-1",
    ),
]


@pytest.mark.parametrize(("make", "sentence"), CASES, ids=[c[1][:40] for c in CASES])
def test_a_file_that_is_not_a_sound_scan_is_refused_in_one_sentence(
    pillar: Pillar, make: Any, sentence: str
) -> None:
    with pytest.raises(ScanFileError, match=re.escape(sentence)) as refused:
        parse_scan(make(pillar), pillar, "scan.json")
    message = str(refused.value)
    assert message.startswith("scan.json ")
    assert message.endswith(".") and "\n" not in message


def test_absurd_sizes_and_counts_are_refused(
    tmp_path: Path, pillar: Pillar, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(attach, "MAX_RESULTS", 1)
    two = scan(A1, T0, result("a.one", Status.PASS), result("a.two", Status.PASS))
    with pytest.raises(ScanFileError, match="has 2 items"):
        parse_scan(json.dumps(scan_json(two, pillar)), pillar)
    monkeypatch.setattr(attach, "MAX_RESULTS", 10)
    monkeypatch.setattr(attach, "MAX_RESOURCES", 3)
    many = tuple(Resource(f"r{i}", Status.PASS) for i in range(4))
    big = scan(A1, T0, result("a.one", Status.PASS, resources=many))
    with pytest.raises(ScanFileError, match="at most 3"):
        parse_scan(json.dumps(scan_json(big, pillar)), pillar)
    monkeypatch.setattr(attach, "MAX_FILE_BYTES", 100)
    path = as_file(tmp_path, "big.json", big, pillar)
    with pytest.raises(ScanFileError, match="larger than any pillar scan"):
        read_scan_file(path, pillar)
    with pytest.raises(ScanFileError, match="is a folder"):
        read_scan_file(tmp_path, pillar)
    with pytest.raises(ScanFileError, match="cannot read"):
        read_scan_file(tmp_path / "missing.json", pillar)


def test_an_older_scan_without_format_or_version_is_read(pillar: Pillar) -> None:
    document = valid(pillar)
    del document["format"], document["version"], document["best_practices"]
    assert parse_scan(json.dumps(document), pillar).account_id == A1


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
PATHS = [
    "account_id",
    "regions",
    "started_at",
    "duration_s",
    "checks",
    "checks.0",
    "checks.0.id",
    "checks.0.region",
    "checks.0.status",
    "checks.0.cause",
    "checks.0.best_practices",
    "checks.0.resources",
    "checks.0.resources.0",
    "checks.0.resources.0.id",
    "checks.0.missing_action",
    "checks.0.scanned_at",
    "accounts",
    "version",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=json_values)
def test_any_damaged_file_is_read_or_refused_in_one_sentence(path: str, value: Any) -> None:
    from tests.review.conftest import SMALL_BANK, build_pillar

    pillar = build_pillar(SMALL_BANK)
    try:
        parse_scan(damaged(pillar, set_in(path, value)), pillar, "scan.json")
    except ScanFileError as refused:
        assert "\n" not in str(refused)


# --- merging ------------------------------------------------------------------------------


def test_files_for_other_accounts_and_regions_merge() -> None:
    eu = scan(A1, T0, result("s3.public", Status.FAIL))
    us = scan(A1, T0, result("s3.public", Status.PASS, "us-east-1"))
    other = scan(A2, T0 + timedelta(days=1), result("s3.public", Status.PASS))
    outcome = merge_scans(None, [eu, us, other])
    assert outcome.added == 3 and outcome.replaced == 0 and outcome.ignored == 0
    assert outcome.accounts == (A1, A2)
    assert outcome.regions == ("eu-west-1", "us-east-1")
    assert len(outcome.evidence.results) == 3
    assert outcome.evidence.regions == ("eu-west-1", "us-east-1")


def test_a_result_replaces_the_reviews_only_when_newer() -> None:
    existing = scan(A1, T0, result("s3.public", Status.FAIL), result("iam.mfa", Status.FAIL))
    newer = scan(A1, T0 + timedelta(hours=1), result("s3.public", Status.PASS))
    older = scan(A1, T0 - timedelta(days=7), result("iam.mfa", Status.PASS))
    outcome = merge_scans(existing, [newer, older])
    assert statuses(outcome.evidence) == {
        ("s3.public", "eu-west-1"): Status.PASS,
        ("iam.mfa", "eu-west-1"): Status.FAIL,
    }
    assert (outcome.added, outcome.replaced, outcome.ignored) == (0, 1, 1)
    # Each result keeps its own time: attaching the older file later changes nothing.
    again = merge_scans(outcome.evidence, [older])
    assert statuses(again.evidence) == statuses(outcome.evidence)
    assert (again.added, again.replaced, again.ignored) == (0, 0, 1)


def test_a_result_that_observed_nothing_never_replaces_one_that_did() -> None:
    existing = scan(A1, T0, result("s3.public", Status.FAIL))
    cancelled = scan(
        A1,
        T0 + timedelta(hours=1),
        result("s3.public", Status.UNKNOWN, cause=Cause.CANCELLED),
        result("iam.mfa", Status.UNKNOWN, cause=Cause.NOT_RECORDED),
    )
    outcome = merge_scans(existing, [cancelled])
    assert statuses(outcome.evidence)[("s3.public", "eu-west-1")] is Status.FAIL
    # ... but a key the review knows nothing about keeps the UNKNOWN (it is the news).
    assert statuses(outcome.evidence)[("iam.mfa", "eu-west-1")] is Status.UNKNOWN
    denied = scan(
        A1, T0 + timedelta(hours=2), result("s3.public", Status.UNKNOWN, cause=Cause.ACCESS_DENIED)
    )
    assert statuses(merge_scans(outcome.evidence, [denied]).evidence)[
        ("s3.public", "eu-west-1")
    ] is (Status.UNKNOWN)


# Hypothesis: any files, any order, one at a time or together: the same evidence.
# Stored evidence keeps each result's account once results carry one (CheckResult.account_id).
ACCOUNTS = [A1, A2] if "account_id" in CheckResult.__dataclass_fields__ else [A1]

results = st.builds(
    result,
    check=st.sampled_from(["s3.public", "iam.mfa", "ec2.imds"]),
    status=st.sampled_from(list(Status)),
    region=st.sampled_from(["eu-west-1", "us-east-1", GLOBAL]),
    cause=st.sampled_from([None, Cause.CANCELLED, Cause.ACCESS_DENIED]),
)
scans = st.builds(
    lambda account, hours, items: scan(
        account,
        T0 + timedelta(hours=hours),
        *{(r.check_id, r.region): r for r in items}.values(),
    ),
    account=st.sampled_from(ACCOUNTS),
    hours=st.integers(0, 5),
    items=st.lists(results, max_size=6),
)


def comparable(evidence: ScanResult) -> list[dict[str, Any]]:
    return [r.to_dict() for r in evidence.results]


@settings(max_examples=200, deadline=None)
@given(files=st.lists(scans, min_size=1, max_size=4), seed=st.randoms())
def test_merging_is_order_free_incremental_and_idempotent(
    files: list[ScanResult], seed: Any
) -> None:
    together = merge_scans(None, files)
    shuffled = list(files)
    seed.shuffle(shuffled)
    assert comparable(merge_scans(None, shuffled).evidence) == comparable(together.evidence)
    one_by_one: ScanResult | None = None
    for file in shuffled:
        one_by_one = merge_scans(one_by_one, [file]).evidence
    assert one_by_one is not None
    assert comparable(one_by_one) == comparable(together.evidence)
    again = merge_scans(together.evidence, files)
    assert comparable(again.evidence) == comparable(together.evidence)
    assert (again.added, again.replaced) == (0, 0)
    total = sum(len(f.results) for f in files)
    assert together.added + together.replaced + together.ignored == total
    # Every kept result is the newest one that observed something (if any did).
    for kept in together.evidence.results:
        key = (kept.check_id, kept.region)
        candidates = [
            (r, f.started_at) for f in files for r in f.results if (r.check_id, r.region) == key
        ]
        observed = [when for r, when in candidates if not attach.observed_nothing(r)]
        if observed and not attach.observed_nothing(kept):
            assert kept.scanned_at in observed


# --- attaching to a review ---------------------------------------------------------------


def test_attaching_proposes_for_unanswered_and_never_overwrites(
    store: ReviewStore, pillar: Pillar, tmp_path: Path
) -> None:
    review = store.create("Payments", account_ids=[A1])
    with store.open(review.id) as session:
        session.set_answer("SEC02-BP01", AnswerStatus.MET, by="ana")
    failing = scan(
        A1,
        T0,
        result("iam.mfa", Status.FAIL, bps=("SEC02-BP01",)),
        result("s3.public", Status.FAIL, bps=("SEC01-BP01",)),
    )
    files = read_scan_files([as_file(tmp_path, "scan.json", failing, pillar)], pillar)
    with store.open(review.id) as session:
        report = attach_scans(session, files, by="facilitator (pillar evidence attach)")
        after = session.review
    assert report.applied == ("SEC01-BP01",)
    assert after.answer("SEC01-BP01").status is AnswerStatus.NOT_MET
    assert after.answer("SEC02-BP01").status is AnswerStatus.MET  # a person's answer stands
    assert [c.bp_id for c in report.contradictions] == ["SEC02-BP01"]
    assert after.evidence is not None and len(after.evidence.results) == 2
    sentence = report.sentence()
    assert sentence.startswith("1 scan file(s) attached: 2 result(s) added")
    assert "1 unanswered best practice(s) answered" in sentence
    assert "1 answer(s) contradicted" in sentence
    assert store.load(review.id).evidence == after.evidence  # durable, times and all


def test_one_bad_file_and_nothing_is_attached(
    store: ReviewStore, pillar: Pillar, tmp_path: Path
) -> None:
    review = store.create("Payments")
    good = as_file(tmp_path, "good.json", scan(A1, T0, result("s3.public", Status.FAIL)), pillar)
    bad = tmp_path / "bad.json"
    bad.write_text('{"account_id": "111111111111", "started_at": 3, "checks": []}')
    files_before = sorted((p.name, p.read_bytes()) for p in store.home.rglob("*") if p.is_file())
    with pytest.raises(ScanFileError, match=r"bad\.json is damaged"):
        read_scan_files([good, bad], pillar)
    files_after = sorted((p.name, p.read_bytes()) for p in store.home.rglob("*") if p.is_file())
    assert files_after == files_before
    with store.open(review.id, read_only=True) as session:
        assert session.review.evidence is None
