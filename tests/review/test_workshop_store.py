"""Workshops in the store: participants, sessions (with their clocks) and the parking lot."""

from __future__ import annotations

import errno
import json
import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from questions import Pillar
from review import durable
from review.errors import InvalidChange, SaveFailed
from review.model import AnswerStatus, ParkedItem, Participant, Review
from review.schema import SCHEMA_VERSION
from review.store import ReviewStore
from review.workshop import (
    AgendaItem,
    Workshop,
    elapsed,
    end_workshop,
    pause,
    resume,
    spent_on,
    start_workshop,
    summarize_workshop,
    switch_question,
)

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
AGENDA = (AgendaItem("SEC01", 20.0), AgendaItem("SEC02", 30.0))


def file_of(store: ReviewStore, review_id: str) -> Path:
    return store.folder / f"{review_id}.json"


def _start(pillar: Pillar, review: Review, now: datetime = T0) -> Workshop:
    return start_workshop(pillar, review, now=now, length_minutes=60, agenda=AGENDA)


# --- participants ---------------------------------------------------------------------------


def test_participants_with_roles_round_trip(store: ReviewStore) -> None:
    review = store.create("x", participants=[Participant(" Ann ", " Security lead ")])
    assert review.participants == (Participant("Ann", "Security lead"),)
    with store.open(review.id) as session:
        saved = session.set_participants(
            [Participant("Bo", "Developer"), Participant("  "), Participant("Bo", "other")]
        )
    assert saved.participants == (Participant("Bo", "Developer"),)  # first mention wins
    assert store.load(review.id).participants == (Participant("Bo", "Developer"),)


def test_setting_the_same_participants_writes_nothing(store: ReviewStore) -> None:
    review = store.create("x", participants=[Participant("Ann")])
    path = file_of(store, review.id)
    with store.open(review.id) as session:
        before = path.read_bytes()
        assert session.set_participants([Participant("Ann")]) is session.review
        assert path.read_bytes() == before


# --- workshop sessions ----------------------------------------------------------------------


def test_save_workshop_upserts_by_start_and_keeps_sessions_oldest_first(
    store: ReviewStore, pillar: Pillar
) -> None:
    review = store.create("x")
    with store.open(review.id) as session:
        first = _start(pillar, session.review)
        assert session.save_workshop(first).active_workshop == first
        moved = switch_question(first, "SEC02", T0 + timedelta(minutes=12))
        saved = session.save_workshop(moved)
        assert saved.workshops == (moved,)  # replaced, not added
        ended = end_workshop(moved, T0 + timedelta(minutes=50))
        saved = session.save_workshop(ended)
        assert saved.active_workshop is None and len(saved.workshops) == 1
        second = _start(pillar, saved, T0 + timedelta(days=1))
        saved = session.save_workshop(second)
    loaded = store.load(review.id)
    assert loaded == saved
    assert [w.started_at for w in loaded.workshops] == [T0, T0 + timedelta(days=1)]
    assert loaded.active_workshop == second
    assert loaded.workshops[0].spent == (("SEC01", 720.0), ("SEC02", 2280.0))


def test_only_one_session_runs_at_a_time(store: ReviewStore, pillar: Pillar) -> None:
    review = store.create("x")
    with store.open(review.id) as session:
        session.save_workshop(_start(pillar, session.review))
        with pytest.raises(InvalidChange, match="already running"):
            session.save_workshop(_start(pillar, session.review, T0 + timedelta(hours=1)))
        assert len(session.review.workshops) == 1


class FakeClock:
    """A clock the test moves by hand (the store takes its times from it)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def test_active_workshop_resumes_with_its_clocks(home: Path, pillar: Pillar) -> None:
    clock = FakeClock(T0)
    store = ReviewStore(home, pillar, clock=clock)
    review = store.create("x")
    with store.open(review.id) as session:
        running = switch_question(
            _start(pillar, session.review), "SEC02", clock.advance(minutes=10)
        )
        session.save_workshop(running)
        session.save_workshop(pause(running, clock.advance(minutes=5)))  # closed cleanly
    # reopened an hour later: the clocks go on where they were, the hour is not counted
    later = clock.advance(hours=1)
    with store.open(review.id) as session:
        paused = session.review.active_workshop
        assert paused is not None and paused.current == "SEC02"
        assert paused.current_since is None and paused.paused_at == T0 + timedelta(minutes=15)
        resumed = resume(paused, later)
        session.save_workshop(resumed)
    workshop = store.load(review.id).active_workshop
    assert workshop == resumed
    two_later = later + timedelta(minutes=2)
    assert spent_on(workshop, "SEC02", two_later) == 300 + 120
    assert spent_on(workshop, "SEC01", two_later) == 600
    assert elapsed(workshop, two_later) == (15 + 2) * 60


def test_a_killed_pillar_resumes_the_clocks_from_its_last_save(home: Path, pillar: Pillar) -> None:
    """The kill: saves while the workshop runs, then the session is dropped without
    pausing or closing (as SIGKILL would), and the review is reopened much later."""
    clock = FakeClock(T0)
    store = ReviewStore(home, pillar, clock=clock)
    review = store.create("x")
    session = store.open(review.id)
    session.save_workshop(_start(pillar, session.review))  # SEC01's clock runs from T0
    clock.advance(minutes=7)
    session.set_answer("SEC01-BP01", AnswerStatus.MET, by="Ann")  # the last save: T0 + 7 min
    clock.advance(minutes=3)  # ... and pillar dies 3 minutes later, unsaved
    session._file._lock._lock.release()  # type: ignore[union-attr]  # the kernel drops the lock
    del session

    reopened_at = clock.advance(hours=20)
    with store.open(review.id) as again:
        workshop = again.review.active_workshop
        assert workshop is not None
        assert workshop.current == "SEC01" and workshop.current_since is None
        assert workshop.paused_at == T0 + timedelta(minutes=7)
        assert spent_on(workshop, "SEC01", reopened_at) == 7 * 60  # not 20 hours
        assert elapsed(workshop, reopened_at) == 7 * 60
        # the app resumes the clocks where they stopped; the dead time is not counted
        resumed = again.save_workshop(resume(workshop, reopened_at)).active_workshop
        assert resumed is not None
        assert spent_on(resumed, "SEC01", reopened_at + timedelta(minutes=1)) == 8 * 60
        assert elapsed(resumed, reopened_at + timedelta(minutes=1)) == 8 * 60
    assert store.load(review.id).active_workshop == resumed


def test_checkpoint_keeps_the_clocks_exact_without_other_changes(
    home: Path, pillar: Pillar
) -> None:
    clock = FakeClock(T0)
    store = ReviewStore(home, pillar, clock=clock)
    review = store.create("x")
    session = store.open(review.id)
    session.save_workshop(_start(pillar, session.review))
    clock.advance(minutes=25)
    before = session.review
    assert session.checkpoint() == before  # nothing about the review changed...
    clock.advance(seconds=40)
    session._file._lock._lock.release()  # type: ignore[union-attr]  # killed
    del session
    with store.open(review.id) as again:
        workshop = again.review.active_workshop
        assert workshop is not None and workshop.paused_at == T0 + timedelta(minutes=25)
        assert spent_on(workshop, "SEC01", clock.advance(hours=1)) == 25 * 60  # ...but the time


def test_a_workshop_from_an_older_pillar_recovers_from_its_updated_at(
    home: Path, pillar: Pillar
) -> None:
    """A schema-2 file written before `saved_at` existed: killed mid-workshop, it resumes
    from the review's last change (`updated_at`), the best mark it has."""
    clock = FakeClock(T0)
    store = ReviewStore(home, pillar, clock=clock)
    review = store.create("x")
    with store.open(review.id) as session:
        session.save_workshop(_start(pillar, session.review))
        clock.advance(minutes=12)
        session.set_answer("SEC01-BP01", AnswerStatus.MET, by="Ann")
    path = file_of(store, review.id)
    data = json.loads(path.read_text())
    data["meta"] = {"1": {"schema": 2, "kind": "pillar-review"}}  # as the older pillar wrote it
    path.write_text(json.dumps(data))
    clock.advance(days=2)
    with store.open(review.id) as session:
        workshop = session.review.active_workshop
        assert workshop is not None and workshop.paused_at == T0 + timedelta(minutes=12)
    paused_by_older = dict(data)
    paused_by_older["workshops"] = {
        "1": {**data["workshops"]["1"], "current_since": None}  # an older pillar's pause
    }
    path.write_text(json.dumps(paused_by_older))
    with store.open(review.id) as session:
        workshop = session.review.active_workshop
        assert workshop is not None and workshop.paused_at is None  # left as it was
        assert workshop.current == "SEC01" and workshop.current_since is None


def test_read_only_sessions_do_not_stop_a_running_clock(home: Path, pillar: Pillar) -> None:
    clock = FakeClock(T0)
    store = ReviewStore(home, pillar, clock=clock)
    review = store.create("x")
    with store.open(review.id) as writer:
        writer.save_workshop(_start(pillar, writer.review))
        clock.advance(minutes=30)
        with store.open(review.id, read_only=True) as reader:
            workshop = reader.review.active_workshop
            assert workshop is not None and workshop.current_since == T0  # still running


def test_an_ended_session_keeps_its_numbers(store: ReviewStore, pillar: Pillar) -> None:
    review = store.create("x")
    with store.open(review.id) as session:
        started = _start(pillar, session.review)
        session.set_answer("SEC01-BP01", AnswerStatus.NOT_MET, by="Ann")  # High risk
        session.set_answer("SEC02-BP01", AnswerStatus.MET, by="Ann")
        ended = end_workshop(started, T0 + timedelta(minutes=40))
        saved = session.save_workshop(ended)
        stored = saved.workshops[0]
        assert (stored.answered_at_end, stored.risks_at_end) == (2, (1, 0))
        # later answers (another session, or none) do not change this session's summary
        session.set_answer("SEC03-BP01", AnswerStatus.NOT_MET, by="Ann")  # Medium risk
        after = session.review
    summary = summarize_workshop(pillar, after, after.workshops[0], (), T0 + timedelta(days=3))
    assert summary.answered_this_session == 2
    assert (summary.new_high, summary.new_medium) == (1, 0)
    assert summary.minutes == 40


def test_workshop_that_could_not_be_read_back_is_refused(
    store: ReviewStore, pillar: Pillar
) -> None:
    review = store.create("x")
    path = file_of(store, review.id)
    with store.open(review.id) as session:
        before = path.read_bytes()
        good = _start(pillar, session.review)
        bad = [
            replace(good, started_at=datetime(2026, 1, 1)),  # no time zone
            replace(good, agenda=(AgendaItem("../etc", 5.0),)),
            replace(good, agenda=(AgendaItem("SEC01", float("nan")),)),
            replace(good, spent=(("SEC01", -1.0),)),
        ]
        for workshop in bad:
            with pytest.raises(InvalidChange, match="cannot be saved"):
                session.save_workshop(workshop)
        assert path.read_bytes() == before
        assert session.review.workshops == ()


# --- parking lot ----------------------------------------------------------------------------


def test_park_gives_ids_in_order_that_survive_reopening(store: ReviewStore) -> None:
    review = store.create("x")
    with store.open(review.id) as session:
        first = session.park("sec02", "Who owns the root keys?", owner="Sam", by="Ann")
        second = session.park("SEC03", "Check the SCPs", by="the room")
    assert (first.id, first.question_id, first.owner, first.by) == ("P1", "SEC02", "Sam", "Ann")
    assert second.id == "P2"
    with store.open(review.id) as session:
        third = session.park("SEC01", "Third", by="Ann")
        assert session.review.parking_lot == (first, second, third)
    assert third.id == "P3"
    loaded = store.load(review.id)
    assert loaded.parking_lot == (first, second, third)
    assert loaded.parked("P2") == second


def test_park_needs_text_and_a_known_question(store: ReviewStore) -> None:
    review = store.create("x")
    with store.open(review.id) as session:
        with pytest.raises(InvalidChange, match="needs text"):
            session.park("SEC01", "  \n", by="Ann")
        with pytest.raises(InvalidChange, match="not a question"):
            session.park("SEC99", "text", by="Ann")
        assert session.park("SEC01", "text", by="Ann").id == "P1"  # refusals used no id


HOSTILE = [
    "[bold red]x[/]",
    "\x1b[31mred\x1b[0m\x07",
    "| a | b |\n# heading\n- item",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://e")',
    "\u202e\udcff\x00",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_parked_text_is_stored_exactly(store: ReviewStore, text: str) -> None:
    review = store.create("x")
    with store.open(review.id) as session:
        item = session.park("SEC01", text + "!", owner=text, by=text)
        session.set_participants([Participant(text + "?", text)])
    loaded = store.load(review.id)
    assert loaded.parking_lot == (item,)
    assert (item.text, item.owner, item.by) == (text + "!", text, text)
    assert loaded.participants == (Participant(text + "?", text),)
    assert {p.name for p in store.folder.iterdir()} <= {f"{review.id}.json", f"{review.id}.lock"}


def test_a_failed_park_changes_nothing(store: ReviewStore, monkeypatch: pytest.MonkeyPatch) -> None:
    review = store.create("x")
    path = file_of(store, review.id)

    def full(*args: object, **kwargs: object) -> Any:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with store.open(review.id) as session:
        session.park("SEC01", "kept", by="Ann")
        before = path.read_bytes()
        monkeypatch.setattr(durable, "_fsync", full)
        with pytest.raises(SaveFailed, match="disk is full"):
            session.park("SEC01", "lost", by="Ann")
        assert path.read_bytes() == before
        assert [p.text for p in session.review.parking_lot] == ["kept"]
        monkeypatch.undo()
        assert session.park("SEC01", "next", by="Ann").id == "P2"
    assert [(p.id, p.text) for p in store.load(review.id).parking_lot] == [
        ("P1", "kept"),
        ("P2", "next"),
    ]


def test_parked_items_and_sessions_have_their_own_tables(
    store: ReviewStore, pillar: Pillar
) -> None:
    review = store.create("x")
    with store.open(review.id) as session:
        session.park("SEC01", "one", by="Ann")
        session.save_workshop(_start(pillar, session.review))
        session.save_workshop(switch_question(session.review.workshops[0], "SEC02", T0))
    data = json.loads(file_of(store, review.id).read_text())
    assert [d["id"] for d in data["parking_lot"].values()] == ["P1"]
    assert len(data["workshops"]) == 1  # the same session's document, rewritten
    assert "workshops" not in data["review"]["1"] and "parking_lot" not in data["review"]["1"]


# --- an old file ----------------------------------------------------------------------------


def test_schema_1_file_with_plain_participant_names_is_upgraded(store: ReviewStore) -> None:
    review = store.create("old", participants=[Participant("Ann", "lead")])
    path = file_of(store, review.id)
    data = json.loads(path.read_text())
    data["meta"]["1"]["schema"] = 1
    data["review"]["1"]["participants"] = ["Ann", "Bob"]
    del data["workshops"], data["parking_lot"]
    old_text = json.dumps(data)
    path.write_text(old_text)
    loaded = store.load(review.id)  # read-only: upgraded in memory only
    assert loaded.participants == (Participant("Ann"), Participant("Bob"))
    assert loaded.workshops == () and loaded.parking_lot == ()
    assert path.read_text() == old_text
    assert [s.name for s in store.list_reviews().reviews] == ["old"]
    with store.open(review.id) as session:
        assert session.park("SEC01", "after the upgrade", by="Ann").id == "P1"
    upgraded = json.loads(path.read_text())
    assert upgraded["meta"]["1"]["schema"] == SCHEMA_VERSION == 2
    assert upgraded["review"]["1"]["participants"] == [
        {"name": "Ann", "role": ""},
        {"name": "Bob", "role": ""},
    ]
    assert (store.folder / f"{review.id}.json.schema-1.bak").read_text() == old_text


def test_parked_item_model_numbers() -> None:
    item = ParkedItem("P12", "SEC01", "t", "", T0, "")
    assert item.number == 12
    assert replace(item, id="odd").number == 0
