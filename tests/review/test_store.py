"""The review store: durable saves, locks, corrupt files, full disks, hostile text."""

from __future__ import annotations

import errno
import json
import os
import socket
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from checks.result import CheckResult, ScanResult, Status
from questions import EvidenceRole, Pillar, Risk
from review import durable
from review.errors import (
    AmbiguousReview,
    CorruptReview,
    InvalidChange,
    NewerSchema,
    ReadOnlyReview,
    ReviewLocked,
    ReviewNotFound,
    SaveFailed,
)
from review.evidence import contradictions, proposals_to_apply
from review.model import (
    AnswerSource,
    AnswerStatus,
    Environment,
    NotApplicableReason,
    Participant,
)
from review.schema import MIGRATIONS, SCHEMA_VERSION
from review.store import ReviewStore

from .conftest import build_pillar

MET, NOT_MET, NA, UNANSWERED = (
    AnswerStatus.MET,
    AnswerStatus.NOT_MET,
    AnswerStatus.NOT_APPLICABLE,
    AnswerStatus.UNANSWERED,
)


def file_of(store: ReviewStore, review_id: str) -> Path:
    return store.folder / f"{review_id}.json"


# --- basics -----------------------------------------------------------------------------------


def test_create_and_reload(store: ReviewStore) -> None:
    review = store.create(
        "Payments API",
        owner="Ann",
        environment=Environment.PREPRODUCTION,
        description="card payments",
        account_ids=["111111111111", "111111111111", "222222222222"],
        regions=["eu-west-1"],
    )
    assert len(review.id) == 32
    loaded = store.load(review.id)
    assert loaded == review
    assert loaded.account_ids == ("111111111111", "222222222222")
    assert loaded.bank_revision == "test-1"


def test_files_and_folder_are_private(store: ReviewStore) -> None:
    review = store.create("x")
    assert stat.S_IMODE(store.folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(file_of(store, review.id).stat().st_mode) == 0o600
    with store.open(review.id) as session:
        session.set_answer("SEC01-BP01", MET, by="ann")
    assert stat.S_IMODE(file_of(store, review.id).stat().st_mode) == 0o600
    leftovers = [p.name for p in store.folder.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_file_is_a_tinydb_database_with_schema(store: ReviewStore) -> None:
    from tinydb import TinyDB

    review = store.create("x")
    with store.open(review.id) as session:
        session.set_answer("SEC01-BP01", MET, by="ann", note="ok")
    db = TinyDB(file_of(store, review.id), access_mode="r")
    try:
        meta = db.table("meta").get(doc_id=1)
        assert meta is not None and meta["schema"] == SCHEMA_VERSION
        assert meta["kind"] == "pillar-review"
        assert datetime.fromisoformat(meta["saved_at"]).tzinfo is not None  # the last save
        assert db.table("answers").all()[0]["bp"] == "SEC01-BP01"
        assert db.table("review").get(doc_id=1)["name"] == "x"  # type: ignore[index]
    finally:
        db.close()


def test_answers_history_and_persistence(store: ReviewStore) -> None:
    review = store.create("x")
    with store.open(review.id) as session:
        session.set_answer("SEC01-BP01", NOT_MET, by="ann", note="no MFA")
        session.set_answer("sec01-bp01", MET, by="bob", why="MFA enforced since May")
        session.set_answer("SEC01-BP02", NA, by="bob", reason=NotApplicableReason.OUT_OF_SCOPE)
        session.set_answer("SEC01-BP03", NA, by="bob")
        after = session.review
    loaded = store.load(review.id)
    assert loaded == after
    answer = loaded.answer("SEC01-BP01")
    assert (answer.status, answer.note, answer.by) == (MET, "no MFA", "bob")  # note kept
    assert answer.at is not None and answer.source is AnswerSource.PERSON
    assert loaded.answer("SEC01-BP02").reason is NotApplicableReason.OUT_OF_SCOPE
    assert loaded.answer("SEC01-BP03").reason is NotApplicableReason.NONE
    assert [(c.bp_id, c.before, c.after, c.by) for c in loaded.history] == [
        ("SEC01-BP01", UNANSWERED, NOT_MET, "ann"),
        ("SEC01-BP01", NOT_MET, MET, "bob"),
        ("SEC01-BP02", UNANSWERED, NA, "bob"),
        ("SEC01-BP03", UNANSWERED, NA, "bob"),
    ]
    assert loaded.history[1].why == "MFA enforced since May"
    assert loaded.updated_at >= review.updated_at


def test_note_only_change_has_no_history_entry(store: ReviewStore) -> None:
    review = store.create("x")
    with store.open(review.id) as session:
        session.set_answer("SEC01-BP01", MET, by="ann")
        session.set_answer("SEC01-BP01", MET, by="ann", note="checked again")
        assert len(session.review.history) == 1
        assert session.review.answer("SEC01-BP01").note == "checked again"


def test_invalid_changes_are_refused(store: ReviewStore) -> None:
    review = store.create("x")
    with store.open(review.id) as session:
        with pytest.raises(InvalidChange, match="not a best practice"):
            session.set_answer("SEC99-BP01", MET, by="a")
        with pytest.raises(InvalidChange, match="only goes with not applicable"):
            session.set_answer("SEC01-BP01", MET, by="a", reason=NotApplicableReason.OTHER)
        with pytest.raises(InvalidChange, match="not a question"):
            session.visit("SEC42")
        with pytest.raises(InvalidChange):
            session.save_milestone("now")
        with pytest.raises(InvalidChange):
            session.set_details(name="  ")
    with pytest.raises(InvalidChange):
        store.create("   ")


def test_question_state_notes_details_visit(store: ReviewStore) -> None:
    review = store.create("x")
    with store.open(review.id) as session:
        session.set_question_state(
            "SEC02", does_not_apply=True, reason=NotApplicableReason.BUSINESS_PRIORITIES
        )
        session.set_question_state("SEC03", none_of_these=True, notes="nothing in place")
        session.set_answer("SEC03-BP01", MET, by="ann")  # clears none-of-these
        session.set_notes("workload notes")
        session.set_details(
            owner="Bob",
            regions=["us-east-1"],
            participants=[Participant("Ann"), Participant("Bob")],
        )
        session.visit("SEC03")
    loaded = store.load(review.id)
    assert loaded.question_state("SEC02").does_not_apply
    assert loaded.question_state("SEC02").reason is NotApplicableReason.BUSINESS_PRIORITIES
    assert not loaded.question_state("SEC03").none_of_these
    assert loaded.question_state("SEC03").notes == "nothing in place"
    assert loaded.notes == "workload notes"
    assert loaded.owner == "Bob"
    assert loaded.regions == ("us-east-1",)
    assert loaded.participants == (Participant("Ann"), Participant("Bob"))
    assert loaded.last_question == "SEC03"


def test_milestones_are_frozen_copies(store: ReviewStore) -> None:
    review = store.create("x")
    with store.open(review.id) as session:
        session.set_answer("SEC01-BP01", NOT_MET, by="ann")
        session.save_milestone("workshop 1")
        session.set_answer("SEC01-BP01", MET, by="ann")
        with pytest.raises(InvalidChange, match="already has a milestone"):
            session.save_milestone("workshop 1")
    loaded = store.load(review.id)
    assert loaded.milestone("workshop 1").responses.answer("SEC01-BP01").status is NOT_MET
    assert loaded.answer("SEC01-BP01").status is MET


# --- finding reviews ----------------------------------------------------------------------------


def test_resolve_by_id_prefix_and_name(store: ReviewStore) -> None:
    a = store.create("Payments")
    b = store.create("Payments")
    c = store.create("Search")
    assert store.resolve(a.id) == a.id
    assert store.resolve(c.id[:8]) == c.id
    assert store.resolve("Search") == c.id
    assert store.resolve("search") == c.id  # case-insensitive fallback
    with pytest.raises(AmbiguousReview) as caught:
        store.resolve("Payments")
    assert a.id in str(caught.value) and b.id in str(caught.value)
    with pytest.raises(ReviewNotFound, match="pillar list"):
        store.resolve("nope")
    with pytest.raises(ReviewNotFound):
        store.path_of("../../etc/passwd")


def test_list_sorted_by_update_with_progress(store: ReviewStore) -> None:
    first = store.create("first")
    second = store.create("second")
    with store.open(first.id) as session:
        session.set_answer("SEC01-BP01", NOT_MET, by="ann")
    listing = store.list_reviews()
    assert [s.id for s in listing.reviews] == [first.id, second.id]
    top = listing.reviews[0]
    assert (top.counts.high, top.counts.answered, top.counts.total) == (1, 1, 4)
    assert listing.problems == ()


def test_delete(store: ReviewStore) -> None:
    review = store.create("x")
    other = store.create("y")
    store.delete(review.id)
    assert store.review_ids() == [other.id]
    with pytest.raises(ReviewNotFound):
        store.resolve(review.id)


# --- hostile text ---------------------------------------------------------------------------------

HOSTILE = [
    "[bold red]boom[/] [link=file:///etc/passwd]x[/link]",
    "\x1b[31mred\x1b[0m \x1b]0;title\x07 \x9b2J",
    "../../../etc/passwd",
    "a/b\\c:d*?<>|",
    "\u202eevil\u202c",
    "\udcff lone surrogate",
    "x" * (1024 * 1024),
    "",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_is_stored_exactly_and_never_names_files(
    store: ReviewStore, text: str
) -> None:
    review = store.create(text or "empty notes", owner=text, description=text)
    with store.open(review.id) as session:
        session.set_answer("SEC01-BP01", MET, by=text, note=text)
        session.set_notes(text)
        session.set_question_state("SEC01", notes=text)
    loaded = store.load(review.id)
    assert loaded.owner == text and loaded.notes == text
    assert loaded.answer("SEC01-BP01").note == text
    assert loaded.question_state("SEC01").notes == text
    names = {p.name for p in store.folder.iterdir()}
    assert names <= {f"{review.id}.json", f"{review.id}.lock"}
    assert list(store.home.parent.rglob("passwd")) == []


# --- locks ---------------------------------------------------------------------------------------


def test_second_writer_is_told_who_holds_the_review(store: ReviewStore) -> None:
    review = store.create("Payments API")
    with store.open(review.id) as first:
        with pytest.raises(ReviewLocked) as caught:
            store.open(review.id)
        message = str(caught.value)
        assert f"pid {os.getpid()}" in message
        assert socket.gethostname() in message
        assert "'Payments API'" in message and "since" in message
        assert caught.value.exit_code == 4
        # read-only is fine, and sees what the writer saved
        first.set_answer("SEC01-BP01", MET, by="ann")
        with store.open(review.id, read_only=True) as reader:
            assert reader.review.answer("SEC01-BP01").status is MET
            with pytest.raises(ReadOnlyReview):
                reader.set_answer("SEC01-BP02", MET, by="bob")
        with pytest.raises(ReviewLocked):
            store.delete(review.id)
    with store.open(review.id) as again:  # released on close
        assert again.review.answer("SEC01-BP01").status is MET
    assert not (store.folder / f"{review.id}.holder").exists()


def test_closed_session_refuses_changes(store: ReviewStore) -> None:
    review = store.create("x")
    session = store.open(review.id)
    session.close()
    with pytest.raises(ReadOnlyReview, match="closed"):
        session.set_answer("SEC01-BP01", MET, by="a")


def test_stale_soft_lock_from_dead_process_is_removed(home: Path, pillar: Pillar) -> None:
    store = ReviewStore(home, pillar, soft_locks=True)
    review = store.create("x")
    pid = os.fork()
    if pid == 0:  # a child that dies without releasing its lock
        try:
            session = store.open(review.id)
            os.kill(os.getpid(), 9)
            print(session)  # never reached: keeps the session alive until the kill
        finally:
            os._exit(1)
    os.waitpid(pid, 0)
    holder = json.loads((store.folder / f"{review.id}.holder").read_text())
    assert holder["pid"] == pid
    assert (store.folder / f"{review.id}.lock").exists()
    with store.open(review.id) as session:  # stale: taken over
        session.set_answer("SEC01-BP01", MET, by="ann")


def test_live_soft_lock_blocks(home: Path, pillar: Pillar) -> None:
    store = ReviewStore(home, pillar, soft_locks=True)
    review = store.create("x")
    with store.open(review.id), pytest.raises(ReviewLocked, match=f"pid {os.getpid()}"):
        store.open(review.id)


# --- corrupt files, schema -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{",
        b"\x00\x01garbage",
        b"[]",
        b'{"meta": {}}',
        b'{"meta":{"1":{"schema":1}}}',
        b'{"meta":{"1":{"schema":1}},"review":{"1":{"id":"nope"}}}',
        b"NaN",
    ],
)
def test_corrupt_file_is_moved_aside_and_others_still_work(
    store: ReviewStore, content: bytes
) -> None:
    good = store.create("good")
    bad = store.create("bad")
    file_of(store, bad.id).write_bytes(content)
    listing = store.list_reviews()
    assert [s.id for s in listing.reviews] == [good.id]
    assert len(listing.problems) == 1
    message = listing.problems[0].message
    assert "moved aside" in message and bad.id in message
    aside = [p for p in store.folder.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1 and aside[0].read_bytes() == content
    assert aside[0].name.startswith(f"{bad.id}.json.corrupt-")
    assert store.list_reviews().problems == ()  # reported once, then out of the way
    with store.open(good.id) as session:
        session.set_answer("SEC01-BP01", MET, by="ann")


def test_opening_corrupt_file_raises_clear_error(store: ReviewStore) -> None:
    bad = store.create("bad")
    file_of(store, bad.id).write_text("{not json")
    with pytest.raises(CorruptReview, match="moved aside"):
        store.open(bad.id)
    assert not file_of(store, bad.id).exists()


def test_newer_schema_is_refused_but_not_moved(store: ReviewStore) -> None:
    review = store.create("future")
    path = file_of(store, review.id)
    data = json.loads(path.read_text())
    data["meta"]["1"]["schema"] = SCHEMA_VERSION + 1
    path.write_text(json.dumps(data))
    with pytest.raises(NewerSchema, match="newer pillar"):
        store.open(review.id)
    assert path.exists()
    assert "newer pillar" in store.list_reviews().problems[0].message


def test_migration_hook_upgrades_old_files(
    store: ReviewStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    review = store.create("old")
    path = file_of(store, review.id)
    data = json.loads(path.read_text())
    data["meta"]["1"]["schema"] = 0
    data["review"]["1"]["title"] = data["review"]["1"].pop("name")  # the "old" layout
    path.write_text(json.dumps(data))

    def upgrade(tables: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        tables["review"]["1"]["name"] = tables["review"]["1"].pop("title")
        return tables

    monkeypatch.setitem(MIGRATIONS, 0, upgrade)
    assert store.load(review.id).name == "old"  # read-only: upgraded in memory
    assert json.loads(path.read_text())["meta"]["1"]["schema"] == 0
    with store.open(review.id) as session:  # writable: upgraded on disk, backup kept
        assert session.review.name == "old"
    assert json.loads(path.read_text())["meta"]["1"]["schema"] == SCHEMA_VERSION
    assert (store.folder / f"{review.id}.json.schema-0.bak").exists()


# --- full disk, read-only folder, I/O errors ---------------------------------------------------


def _failing(err: int) -> Any:
    def fail(*args: object, **kwargs: object) -> Any:
        raise OSError(err, os.strerror(err))

    return fail


@pytest.mark.parametrize(
    ("call", "err", "words"),
    [
        ("_write", errno.ENOSPC, "disk is full"),
        ("_fsync", errno.ENOSPC, "disk is full"),
        ("_fsync", errno.EIO, "Input/output error"),
        ("_open", errno.EACCES, "read-only"),
        ("_open", errno.EROFS, "read-only"),
        ("_replace", errno.EACCES, "read-only"),
    ],
)
def test_failed_save_is_loud_and_changes_nothing(
    store: ReviewStore, monkeypatch: pytest.MonkeyPatch, call: str, err: int, words: str
) -> None:
    review = store.create("x")
    path = file_of(store, review.id)
    with store.open(review.id) as session:
        session.set_answer("SEC01-BP01", MET, by="ann", note="first")
        before_bytes = path.read_bytes()
        before_review = session.review
        monkeypatch.setattr(durable, call, _failing(err))
        with pytest.raises(SaveFailed, match=words) as caught:
            session.set_answer("SEC01-BP02", NOT_MET, by="ann", note="second")
        assert "nothing was changed" in str(caught.value)
        with pytest.raises(SaveFailed):
            session.save_milestone("m")
        assert path.read_bytes() == before_bytes
        assert session.review == before_review
        assert [p for p in store.folder.iterdir() if p.name.endswith(".tmp")] == []
        monkeypatch.undo()
        # space is back: the next save works and holds exactly what was acknowledged
        session.set_answer("SEC01-BP03", MET, by="ann")
    loaded = store.load(review.id)
    assert loaded.answer("SEC01-BP02").status is UNANSWERED
    assert loaded.answer("SEC01-BP03").status is MET
    assert loaded.milestones == ()
    assert [c.bp_id for c in loaded.history] == ["SEC01-BP01", "SEC01-BP03"]


def test_partial_write_then_enospc_leaves_old_file(
    store: ReviewStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    review = store.create("x")
    path = file_of(store, review.id)
    before = path.read_bytes()
    calls = {"n": 0}
    real_write = os.write

    def write_some(fd: int, data: Any) -> int:
        calls["n"] += 1
        if calls["n"] > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, bytes(data[:10]))

    monkeypatch.setattr(durable, "_write", write_some)
    with store.open(review.id) as session, pytest.raises(SaveFailed, match="disk is full"):
        session.set_answer("SEC01-BP01", MET, by="ann")
    assert path.read_bytes() == before


def test_create_in_unwritable_home_fails_clearly(
    store: ReviewStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(durable, "_open", _failing(errno.EACCES))
    with pytest.raises(SaveFailed, match="read-only or not yours"):
        store.create("x")
    assert store.review_ids() == []


def test_home_that_cannot_be_created(tmp_path: Path, pillar: Pillar) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = ReviewStore(blocker / "home", pillar)
    with pytest.raises(SaveFailed, match="cannot create the reviews folder"):
        store.create("x")


# --- evidence and proposals ----------------------------------------------------------------------


def scan(*results: tuple[str, Status]) -> ScanResult:
    return ScanResult(
        account_id="123456789012",
        regions=("eu-west-1",),
        started_at=datetime(2026, 1, 1, tzinfo=UTC),
        duration_s=1.5,
        results=tuple(
            CheckResult(
                check_id=f"check.{bp}.{i}",
                title="t",
                service="iam",
                best_practices=(bp,),
                region="eu-west-1",
                status=status,
            )
            for i, (bp, status) in enumerate(results)
        ),
    )


@pytest.fixture
def evidence_store(home: Path) -> ReviewStore:
    pillar = build_pillar(
        {
            "SEC01": ("Security foundations", (Risk.HIGH, Risk.MEDIUM, Risk.LOW)),
            "SEC02": ("Identity and access management", (Risk.HIGH, Risk.HIGH)),
        },
        roles={"SEC01-BP03": EvidenceRole.MANUAL},
    )
    return ReviewStore(home, pillar)


def test_proposals_fill_only_unanswered_and_contradictions_are_flagged(
    evidence_store: ReviewStore,
) -> None:
    store = evidence_store
    review = store.create("x")
    found = scan(
        ("SEC01-BP01", Status.PASS),  # person said not met -> contradiction
        ("SEC01-BP02", Status.FAIL),  # unanswered -> proposal applied (not met)
        ("SEC01-BP03", Status.FAIL),  # manual -> no proposal
        ("SEC02-BP01", Status.PASS),  # unanswered -> met
        ("SEC02-BP02", Status.FAIL),  # person said met -> contradiction
    )
    with store.open(review.id) as session:
        session.set_answer("SEC01-BP01", NOT_MET, by="ann")
        session.set_answer("SEC02-BP02", MET, by="ann")
        session.attach_evidence(found)
        assert session.review.answer("SEC02-BP01").status is UNANSWERED  # untouched
        applied = session.apply_proposals(accepted_by="Bob")
    assert applied.applied == ("SEC01-BP02", "SEC02-BP01")
    loaded = store.load(review.id)
    assert loaded.evidence == found
    assert loaded.answer("SEC01-BP01").status is NOT_MET  # never overwritten
    assert loaded.answer("SEC02-BP02").status is MET
    assert loaded.answer("SEC01-BP02").status is NOT_MET
    assert loaded.answer("SEC02-BP01").source_label == "evidence (accepted by Bob)"
    assert loaded.answer("SEC01-BP03").status is UNANSWERED
    assert loaded.history[-1].why == "accepted evidence proposal"
    flagged = contradictions(store.pillar, loaded)
    assert [(c.bp_id, c.answer.status, c.proposal) for c in flagged] == [
        ("SEC01-BP01", NOT_MET, MET),
        ("SEC02-BP02", MET, NOT_MET),
    ]
    assert proposals_to_apply(store.pillar, loaded) == ()
    with store.open(review.id) as session:
        assert session.apply_proposals(accepted_by="Bob").applied == ()


def test_proposals_respect_question_state_and_only(evidence_store: ReviewStore) -> None:
    store = evidence_store
    review = store.create("x")
    with store.open(review.id) as session:
        session.attach_evidence(scan(("SEC01-BP01", Status.PASS), ("SEC02-BP01", Status.PASS)))
        session.set_question_state("SEC02", does_not_apply=True)
        assert session.apply_proposals(accepted_by="a", only=["sec02-bp01"]).applied == ()
        assert session.apply_proposals(accepted_by="a").applied == ("SEC01-BP01",)
        with pytest.raises(InvalidChange):
            session.apply_proposals(accepted_by=" ")
