"""The file schema: a schema-2 file written by the pillar before the store split opens,
and whatever a session does, the file holds exactly the session's review."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questions import Pillar, security_pillar
from review.model import AnswerStatus, NotApplicableReason, Participant
from review.plan import ItemStatus, PlanTracking
from review.schema import SCHEMA_VERSION, review_from_tables, review_to_tables
from review.store import ReviewStore
from review.workshop import AgendaItem, spent_on, start_workshop, switch_question

from .conftest import SMALL_BANK, build_pillar

FIXTURE = Path(__file__).parent / "fixtures" / "schema2_review.json"
"""Written by pillar at commit 0da5bb4 (before the split): 63 answers, 65 history entries
over two history tables, a question state, a milestone, a parked item, and a workshop left
running (the app closed without pausing it); its last save was at 09:21."""
FIXTURE_ID = "2f9d84440d7f4537b49f2888a703e126"
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_a_schema_2_file_from_before_the_split_opens(tmp_path: Path) -> None:
    clock = [T0 + timedelta(days=3)]
    store = ReviewStore(tmp_path, security_pillar(), clock=lambda: clock[0])
    store.folder.mkdir(parents=True)
    path = store.folder / f"{FIXTURE_ID}.json"
    shutil.copy(FIXTURE, path)
    old_text = path.read_text()

    review = store.load(FIXTURE_ID)
    assert review.name == "Legacy payments"
    assert len(review.responses.answers) == 63 and len(review.history) == 65
    assert review.question_state("SEC05").none_of_these
    assert [m.name for m in review.milestones] == ["baseline"]
    assert [p.id for p in review.parking_lot] == ["P1"]
    assert [s.name for s in store.list_reviews().reviews] == ["Legacy payments"]
    assert path.read_text() == old_text  # reading writes nothing

    with store.open(FIXTURE_ID) as session:
        workshop = session.review.active_workshop
        assert workshop is not None and workshop.current == "SEC02"
        # left running by the older pillar: stopped at its last save (09:21), not now
        assert workshop.paused_at == T0 + timedelta(minutes=21)
        assert spent_on(workshop, "SEC02", clock[0]) == 6 * 60
        session.set_answer("SEC03-BP01", AnswerStatus.MET, by="Bo")
        after = session.review
    assert store.load(FIXTURE_ID) == after
    data = json.loads(path.read_text())
    assert data["meta"]["1"]["schema"] == SCHEMA_VERSION == 2
    assert data["meta"]["1"]["saved_at"] == clock[0].isoformat()
    assert sorted(data) == sorted(json.loads(old_text))  # the same tables
    assert not list(store.folder.glob("*.bak"))  # no upgrade was needed


def test_tables_round_trip() -> None:
    review = json.loads(FIXTURE.read_text())
    parsed, ids = review_from_tables(review)
    again, _ = review_from_tables(review_to_tables(parsed))
    assert again == parsed
    assert ids["answers"]["SEC01-BP01"] == 1
    assert ids["history.1"] == {str(64 + n): n + 1 for n in range(len(review["history.1"]))}


OPERATIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("answer"),
            st.sampled_from(["SEC01-BP01", "SEC01-BP02", "SEC02-BP01", "SEC04-BP01"]),
            st.sampled_from(list(AnswerStatus)),
        ),
        st.tuples(st.just("none of these"), st.sampled_from(["SEC01", "SEC02"]), st.booleans()),
        st.tuples(st.just("does not apply"), st.sampled_from(["SEC03", "SEC04"]), st.booleans()),
        st.tuples(st.just("milestone"), st.sampled_from(["a", "b", "c"]), st.none()),
        st.tuples(st.just("park"), st.sampled_from(["SEC01", "SEC03"]), st.text(max_size=5)),
        st.tuples(st.just("workshop"), st.sampled_from(["SEC01", "SEC02"]), st.none()),
        st.tuples(st.just("details"), st.text(max_size=5), st.text(max_size=5)),
        st.tuples(st.just("plan"), st.sampled_from(["SEC01-BP01", "P1"]), st.none()),
        st.tuples(st.just("checkpoint"), st.none(), st.none()),
    ),
    max_size=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS)
def test_the_file_always_holds_the_sessions_review(tmp_path: Path, operations: list) -> None:  # type: ignore[type-arg]
    """Whatever a session does (changes, refusals, repeats), reading the file back gives
    exactly the review the session holds: the store writes every change it must."""
    pillar: Pillar = build_pillar(SMALL_BANK)
    clock = [T0]
    home = tmp_path / f"h{len(list(tmp_path.iterdir()))}"
    store = ReviewStore(home, pillar, clock=lambda: clock[0])
    review = store.create("x", participants=[Participant("Ann")])
    with store.open(review.id) as session:
        for kind, a, b in operations:
            clock[0] += timedelta(minutes=1)
            try:
                if kind == "answer":
                    reason = NotApplicableReason.OTHER if b is AnswerStatus.NOT_APPLICABLE else None
                    session.set_answer(a, b, by="Ann", reason=reason)
                elif kind == "none of these":
                    session.set_question_state(a, none_of_these=b)
                elif kind == "does not apply":
                    session.set_question_state(a, does_not_apply=b)
                elif kind == "milestone":
                    session.save_milestone(a)
                elif kind == "park":
                    session.park(a, b, by="Ann")
                elif kind == "workshop":
                    running = session.review.active_workshop
                    if running is None:
                        agenda = (AgendaItem("SEC01", 5.0), AgendaItem("SEC02", 5.0))
                        started = start_workshop(
                            pillar, session.review, now=clock[0], length_minutes=10, agenda=agenda
                        )
                        session.save_workshop(started)
                    else:
                        session.save_workshop(switch_question(running, a, clock[0]))
                elif kind == "details":
                    session.set_details(description=a, owner=b, regions=[a, b])
                elif kind == "plan":
                    session.set_plan_tracking(
                        PlanTracking(a, owner="Sam", status=ItemStatus.IN_PROGRESS)
                    )
                else:
                    session.checkpoint()
            except Exception as error:  # refusals are part of the game
                assert getattr(error, "user_error", False), error
            assert store.load(review.id) == session.review
