"""JSON export / import: lossless round trip, and clear errors for bad files."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.result import Cause, CheckResult, Resource, ScanResult, Status
from review.errors import InvalidReviewData
from review.jsonio import FORMAT, review_from_json, review_to_json
from review.model import (
    AgendaItem,
    Answer,
    AnswerChange,
    AnswerSource,
    AnswerStatus,
    Environment,
    Milestone,
    NotApplicableReason,
    ParkedItem,
    Participant,
    QuestionState,
    Responses,
    Review,
    Workshop,
)
from review.store import ReviewStore

TEXT = st.text(max_size=40)
HEX = "0123456789abcdef"
BP_IDS = [f"SEC{q:02d}-BP{b:02d}" for q in range(1, 12) for b in range(1, 4)]
QUESTION_IDS = [f"SEC{q:02d}" for q in range(1, 12)]

times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)).flatmap(
    lambda naive: st.sampled_from(
        [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))]
    ).map(lambda tz: naive.replace(tzinfo=tz))
)


@st.composite
def answers(draw: st.DrawFn, bp_id: str) -> Answer:
    status = draw(st.sampled_from(list(AnswerStatus)))
    reason = None
    if status is AnswerStatus.NOT_APPLICABLE:
        reason = draw(st.sampled_from(list(NotApplicableReason)))
    return Answer(
        bp_id=bp_id,
        status=status,
        reason=reason,
        note=draw(TEXT),
        by=draw(TEXT),
        at=draw(st.none() | times),
        source=draw(st.sampled_from(list(AnswerSource))),
    )


@st.composite
def responses(draw: st.DrawFn) -> Responses:
    bp_ids = draw(st.lists(st.sampled_from(BP_IDS), unique=True, max_size=6))
    question_ids = draw(st.lists(st.sampled_from(QUESTION_IDS), unique=True, max_size=3))
    states = []
    for qid in sorted(question_ids):
        dna = draw(st.booleans())
        states.append(
            QuestionState(
                qid,
                does_not_apply=dna,
                reason=draw(st.sampled_from(list(NotApplicableReason))) if dna else None,
                none_of_these=draw(st.booleans()),
                notes=draw(TEXT),
            )
        )
    return Responses(
        tuple(draw(answers(bp)) for bp in sorted(bp_ids)),
        tuple(states),
    )


@st.composite
def scans(draw: st.DrawFn) -> ScanResult:
    results = []
    for i in range(draw(st.integers(0, 3))):
        status = draw(st.sampled_from(list(Status)))
        results.append(
            CheckResult(
                check_id=f"c{i}",
                title=draw(TEXT),
                service="iam",
                best_practices=tuple(draw(st.lists(st.sampled_from(BP_IDS), max_size=2))),
                region=draw(st.sampled_from(["global", "eu-west-1"])),
                status=status,
                reason=draw(TEXT),
                cause=draw(st.none() | st.sampled_from(list(Cause))),
                missing_action=draw(st.none() | st.just("iam:GetAccountSummary")),
                resources=tuple(
                    Resource(draw(TEXT), draw(st.sampled_from([Status.PASS, Status.FAIL])))
                    for _ in range(draw(st.integers(0, 2)))
                ),
            )
        )
    return ScanResult(
        account_id="123456789012",
        regions=("eu-west-1",),
        started_at=draw(times),
        duration_s=draw(st.integers(0, 100_000)) / 1000,
        results=tuple(results),
        cancelled=draw(st.booleans()),
    )


NUMBERS = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
COUNTS = st.integers(0, 500)
participants = st.builds(Participant, TEXT, TEXT)


@st.composite
def workshops(draw: st.DrawFn) -> tuple[Workshop, ...]:
    starts = sorted(draw(st.lists(times, unique=True, max_size=3)))
    sessions = []
    for index, start in enumerate(starts):
        ended = index < len(starts) - 1 or draw(st.booleans())
        agenda_ids = draw(st.lists(st.sampled_from(QUESTION_IDS), unique=True, max_size=4))
        spent_ids = draw(st.lists(st.sampled_from(QUESTION_IDS), unique=True, max_size=3))
        sessions.append(
            Workshop(
                started_at=start,
                length_minutes=draw(st.integers(0, 600)),
                agenda=tuple(AgendaItem(q, draw(NUMBERS)) for q in agenda_ids),
                spent=tuple((q, draw(NUMBERS)) for q in sorted(spent_ids)),
                current=draw(st.none() | st.sampled_from(QUESTION_IDS)),
                current_since=draw(st.none() | times),
                ended_at=draw(times) if ended else None,
                decided_by=draw(TEXT),
                answered_at_start=draw(COUNTS),
                risks_at_start=(draw(COUNTS), draw(COUNTS)),
                answered_at_end=draw(st.none() | COUNTS),
                risks_at_end=draw(st.none() | st.tuples(COUNTS, COUNTS)),
            )
        )
    return tuple(sessions)


@st.composite
def parking_lots(draw: st.DrawFn) -> tuple[ParkedItem, ...]:
    numbers = sorted(draw(st.lists(st.integers(1, 10_000), unique=True, max_size=3)))
    return tuple(
        ParkedItem(
            id=f"P{n}",
            question_id=draw(st.sampled_from(QUESTION_IDS)),
            text=draw(TEXT),
            owner=draw(TEXT),
            at=draw(times),
            by=draw(TEXT),
        )
        for n in numbers
    )


@st.composite
def reviews(draw: st.DrawFn) -> Review:
    milestone_names = draw(st.lists(TEXT, unique=True, max_size=2))
    return Review(
        id=draw(st.text(HEX, min_size=32, max_size=32)),
        name=draw(TEXT),
        created_at=draw(times),
        updated_at=draw(times),
        description=draw(TEXT),
        owner=draw(TEXT),
        environment=draw(st.sampled_from(list(Environment))),
        account_ids=tuple(draw(st.lists(TEXT, max_size=2))),
        regions=tuple(draw(st.lists(TEXT, max_size=2))),
        bank_revision=draw(TEXT),
        participants=tuple(draw(st.lists(participants, max_size=2))),
        last_question=draw(st.none() | st.sampled_from(QUESTION_IDS)),
        notes=draw(TEXT),
        responses=draw(responses()),
        history=tuple(
            AnswerChange(
                bp_id=draw(st.sampled_from(BP_IDS)),
                at=draw(times),
                by=draw(TEXT),
                before=draw(st.sampled_from(list(AnswerStatus))),
                after=draw(st.sampled_from(list(AnswerStatus))),
                why=draw(TEXT),
                source=draw(st.sampled_from(list(AnswerSource))),
            )
            for _ in range(draw(st.integers(0, 3)))
        ),
        milestones=tuple(
            Milestone(name, draw(times), draw(TEXT), draw(responses())) for name in milestone_names
        ),
        evidence=draw(st.none() | scans()),
        workshops=draw(workshops()),
        parking_lot=draw(parking_lots()),
    )


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(reviews())
def test_export_import_export_is_identical(review: Review) -> None:
    text = review_to_json(review)
    back = review_from_json(text)
    assert review_to_json(back) == text
    assert back == review


def test_round_trip_of_hostile_text() -> None:
    hostile = "[bold]x[/] \x1b[31m\x00\u202e \udcff" + "y" * 100_000
    now = datetime(2026, 1, 1, tzinfo=UTC)
    review = Review(
        id="a" * 32,
        name=hostile,
        created_at=now,
        updated_at=now,
        notes=hostile,
        responses=Responses((Answer("SEC01-BP01", AnswerStatus.MET, note=hostile),)),
    )
    text = review_to_json(review)
    assert text.isascii()
    assert review_from_json(text) == review
    assert review_from_json(text.encode()) == review


def _valid() -> dict[str, Any]:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return json.loads(review_to_json(Review(id="b" * 32, name="n", created_at=now, updated_at=now)))


def _with(path: str, value: object) -> bytes:
    data = _valid()
    target = data
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value
    return json.dumps(data).encode()


BAD_FILES = {
    "empty": b"",
    "not json": b"hello",
    "binary": b"\xff\xfe\x00garbage",
    "list": b"[]",
    "no format": b'{"version": 1, "review": {}}',
    "other format": b'{"format": "something", "version": 1}',
    "future version": _with("version", 99),
    "version text": _with("version", "1"),
    "review missing": json.dumps({"format": FORMAT, "version": 1}).encode(),
    "bad id": _with("review.id", "../../etc/passwd"),
    "id not text": _with("review.id", 12),
    "name not text": _with("review.name", {"a": 1}),
    "bad environment": _with("review.environment", "PROD"),
    "naive time": _with("review.created_at", "2026-01-01T00:00:00"),
    "bad time": _with("review.created_at", "yesterday"),
    "bad answer status": _with(
        "review.responses", {"answers": [{"bp": "SEC01-BP01", "status": "maybe"}]}
    ),
    "bad bp id": _with("review.responses", {"answers": [{"bp": "../x", "status": "met"}]}),
    "duplicate answers": _with(
        "review.responses",
        {"answers": [{"bp": "SEC01-BP01", "status": "met"}, {"bp": "SEC01-BP01", "status": "met"}]},
    ),
    "reason without n/a": _with(
        "review.responses",
        {"answers": [{"bp": "SEC01-BP01", "status": "met", "reason": "OTHER"}]},
    ),
    "history not a list": _with("review.history", {"x": 1}),
    "evidence garbage": _with("review.evidence", {"account_id": 1}),
    "duplicate milestones": _with(
        "review.milestones",
        [
            {"name": "m", "at": "2026-01-01T00:00:00+00:00"},
            {"name": "m", "at": "2026-01-01T00:00:00+00:00"},
        ],
    ),
    "participant not text": _with("review.participants", [{"name": 1}]),
    "bad parked id": _with(
        "review.parking_lot",
        [{"id": "X1", "question": "SEC01", "text": "t", "at": "2026-01-01T00:00:00+00:00"}],
    ),
    "duplicate parked ids": _with(
        "review.parking_lot",
        [
            {"id": "P1", "question": "SEC01", "text": "t", "at": "2026-01-01T00:00:00+00:00"},
            {"id": "P1", "question": "SEC02", "text": "u", "at": "2026-01-01T00:00:00+00:00"},
        ],
    ),
    "negative minutes": _with(
        "review.workshops",
        [
            {
                "started_at": "2026-01-01T00:00:00+00:00",
                "length_minutes": 60,
                "agenda": [{"question": "SEC01", "minutes": -5}],
            }
        ],
    ),
    "two sessions, one start": _with(
        "review.workshops",
        [
            {"started_at": "2026-01-01T00:00:00+00:00", "length_minutes": 60},
            {"started_at": "2026-01-01T01:00:00+01:00", "length_minutes": 30},
        ],
    ),
    "NaN": b'{"format": "pillar-review", "version": NaN}',
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "deep nesting in review": _with("review.notes", "N").replace(b'"N"', b"[" * 200 + b"]" * 200),
}


@pytest.mark.parametrize("content", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_files_give_clear_error_and_change_nothing(store: ReviewStore, content: bytes) -> None:
    existing = store.create("keep me")
    before = sorted(p.name for p in store.folder.iterdir())
    with pytest.raises(InvalidReviewData) as caught:
        store.import_review(review_from_json(content))
    message = str(caught.value)
    assert message and "\n" not in message and len(message) < 400
    assert sorted(p.name for p in store.folder.iterdir()) == before
    assert store.load(existing.id).name == "keep me"


def test_import_keeps_id_unless_taken(store: ReviewStore, tmp_path: Path) -> None:
    review = store.create("original")
    text = review_to_json(store.load(review.id))
    copy = store.import_review(review_from_json(text))
    assert copy.id != review.id and copy.name == "original"
    other = ReviewStore(tmp_path / "elsewhere", store.pillar)
    moved = other.import_review(review_from_json(text))
    assert moved.id == review.id
    assert other.load(review.id) == store.load(review.id)


def test_version_1_exports_with_plain_participant_names_import() -> None:
    data = _valid()
    data["version"] = 1
    data["review"]["participants"] = ["Ann", "Bob"]
    for key in ("workshops", "parking_lot"):
        del data["review"][key]
    review = review_from_json(json.dumps(data))
    assert review.participants == (Participant("Ann"), Participant("Bob"))
    assert review.workshops == () and review.parking_lot == ()
