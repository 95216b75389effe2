"""Push, pull and status against the local WA Tool endpoint (real botocore serialization)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_watool import FakeWaTool

from questions import Pillar
from review.model import AnswerStatus, NotApplicableReason, Review
from review.store import ReviewStore
from review.watool.client import WaTool, WaToolError
from review.watool.mapping import CUT_MARKER
from review.watool.state import PullAction, PushAction, SyncState
from review.watool.sync import PushOptions, SyncError, pull, pull_new, push, status

OOS = NotApplicableReason.OUT_OF_SCOPE


def answered_review(store: ReviewStore, pillar: Pillar, name: str = "Payments platform") -> Review:
    """Every question answered: SEC01 does not apply, SEC02 none of these, the rest a mix."""
    review = store.create(name, owner="alice", regions=["eu-west-1"], account_ids=["111122223333"])
    with store.open(review.id) as session:
        session.set_question_state("SEC01", does_not_apply=True, reason=OOS, notes="shared account")
        session.set_question_state("SEC02", none_of_these=True)
        for question in pillar.questions[2:]:
            for n, bp in enumerate(question.best_practices):
                if n == 1:
                    session.set_answer(bp.id, AnswerStatus.NOT_APPLICABLE, by="bob", reason=OOS)
                else:
                    status = AnswerStatus.MET if n % 2 == 0 else AnswerStatus.NOT_MET
                    session.set_answer(bp.id, status, by="bob")
        session.set_question_state("SEC03", notes="n" * 3000)
        return session.review


def test_first_push_creates_the_workload_and_sends_every_question(
    store: ReviewStore, pillar: Pillar, fake: tuple[FakeWaTool, str], wa: WaTool
) -> None:
    service, _ = fake
    review = answered_review(store, pillar)
    with store.open(review.id) as session:
        result = push(session, wa, PushOptions(create=True, milestone="first sync"))
    assert result.created and result.workload is not None
    assert len(result.sent) == 11 and result.stored_otherwise == ()
    assert service.writes() == ["CreateWorkload", *["UpdateAnswer"] * 11, "CreateMilestone"]
    assert result.writes == 13
    workload = service.workloads[result.workload.id]
    assert workload.name == "Payments platform" and workload.review_owner == "alice"
    assert workload.account_ids == ["111122223333"] and workload.regions == ["eu-west-1"]
    assert workload.answers["securely-operate"]["IsApplicable"] is False
    assert workload.answers["securely-operate"]["Reason"] == "OUT_OF_SCOPE"
    assert workload.answers["identities"]["SelectedChoices"] == ["sec_identities_no"]
    notes = workload.answers["permissions"]["Notes"]
    assert len(notes) == 2084 and notes.endswith(CUT_MARKER)
    na_choice = str(pillar.question("SEC03").best_practices[1].choice_id)
    assert workload.answers["permissions"]["ChoiceAnswers"] == {
        na_choice: {"Status": "NOT_APPLICABLE", "Reason": "OUT_OF_SCOPE"}
    }
    linked = store.load(review.id).wa_link
    assert linked is not None and linked.arn == result.workload.arn and len(linked.synced) == 11

    # a second push of the unchanged review makes no write call at all
    service.calls.clear()
    wa.calls.clear()
    with store.open(review.id) as session:
        again = push(session, wa, PushOptions())
    assert again.writes == 0 and service.writes() == []
    assert {s.action for s in again.steps} == {PushAction.UNCHANGED}
    assert status(pillar, store.load(review.id), wa).count(SyncState.IN_SYNC) == 11
    # the whole notes stay in pillar
    assert store.load(review.id).question_state("SEC03").notes == "n" * 3000


def test_create_refuses_a_name_that_exists(
    store: ReviewStore, pillar: Pillar, fake: tuple[FakeWaTool, str], wa: WaTool
) -> None:
    service, _ = fake
    existing = service.add_workload("Payments platform")
    review = answered_review(store, pillar)
    with store.open(review.id) as session, pytest.raises(SyncError) as caught:
        push(session, wa, PushOptions(create=True))
    assert str(caught.value) == (
        f"a WA Tool workload named 'Payments platform' already exists ({existing.id}); "
        f"push to it with --workload {existing.id}"
    )
    assert service.writes() == []


def test_partial_questions_are_skipped_unless_included(
    store: ReviewStore, pillar: Pillar, fake: tuple[FakeWaTool, str], wa: WaTool
) -> None:
    service, _ = fake
    review = store.create("Partial one")
    with store.open(review.id) as session:
        session.set_answer("SEC02-BP01", AnswerStatus.MET, by="bob")
        result = push(session, wa, PushOptions(create=True, dry_run=True))
        assert service.writes() == [] and result.workload is None
        assert [s.sync.question_id for s in result.with_action(PushAction.PARTIAL)] == ["SEC02"]
        result = push(session, wa, PushOptions(create=True))
        assert result.with_action(PushAction.PARTIAL) and result.sent == ()
        result = push(session, wa, PushOptions(include_partial=True))
        assert result.sent == ("SEC02",)
        assert [s.partial for s in result.with_action(PushAction.SEND)] == [True]
    assert service.workloads[result.workload.id].answers["identities"]["SelectedChoices"] == [  # type: ignore[union-attr]
        "sec_identities_enforce_mechanisms"
    ]


def test_conflicts_are_left_on_both_sides_until_a_side_is_preferred(
    store: ReviewStore, pillar: Pillar, fake: tuple[FakeWaTool, str], wa: WaTool
) -> None:
    service, _ = fake
    review = answered_review(store, pillar)
    with store.open(review.id) as session:
        workload = push(session, wa, PushOptions(create=True)).workload
        assert workload is not None
        # both sides change SEC04; only the WA Tool changes SEC05; only pillar SEC06
        session.set_answer("SEC04-BP01", AnswerStatus.NOT_MET, by="bob")
        session.set_answer("SEC06-BP01", AnswerStatus.NOT_MET, by="bob")
    fw = service.workloads[workload.id]
    service.set_answer(fw, "detect-investigate-events", Notes="console edit")
    service.set_answer(fw, "network-protection", Notes="console edit")
    report = status(pillar, store.load(review.id), wa)
    states = {q.question_id: q.state for q in report.questions}
    assert states["SEC04"] is SyncState.CONFLICT
    assert states["SEC05"] is SyncState.REMOTE_CHANGES
    assert states["SEC06"] is SyncState.LOCAL_CHANGES
    assert sum(1 for s in states.values() if s is SyncState.IN_SYNC) == 8

    service.calls.clear()
    with store.open(review.id) as session:
        result = push(session, wa, PushOptions())
    assert result.sent == ("SEC06",)  # conflict and remote-only change left alone
    assert [s.sync.question_id for s in result.conflicts] == ["SEC04"]
    assert [s.sync.question_id for s in result.with_action(PushAction.REMOTE_CHANGED)] == ["SEC05"]
    assert fw.answers["detect-investigate-events"]["Notes"] == "console edit"

    with store.open(review.id) as session:
        pulled = pull(session, wa)
    assert pulled.taken == ("SEC05",)
    assert [s.sync.question_id for s in pulled.conflicts] == ["SEC04"]
    after = store.load(review.id)
    assert after.question_state("SEC05").notes == "console edit"
    assert after.answer("SEC04-BP01").status is AnswerStatus.NOT_MET  # pillar's side kept
    assert after.question_state("SEC04").notes == ""

    with store.open(review.id) as session:
        resolved = pull(session, wa, prefer_remote=True)
    assert resolved.taken == ("SEC04",)
    after = store.load(review.id)
    assert after.answer("SEC04-BP01").status is AnswerStatus.MET
    last = after.history[-1]
    assert last.by == "AWS WA Tool" and workload.arn in last.why
    assert status(pillar, after, wa).count(SyncState.IN_SYNC) == 11


def test_prefer_local_pushes_a_conflict(
    store: ReviewStore, pillar: Pillar, fake: tuple[FakeWaTool, str], wa: WaTool
) -> None:
    service, _ = fake
    review = answered_review(store, pillar)
    with store.open(review.id) as session:
        workload = push(session, wa, PushOptions(create=True)).workload
        assert workload is not None
        session.set_question_state("SEC04", notes="pillar edit")
    service.set_answer(service.workloads[workload.id], "detect-investigate-events", Notes="console")
    with store.open(review.id) as session:
        result = push(session, wa, PushOptions(prefer_local=True))
    assert result.sent == ("SEC04",) and result.conflicts == ()
    assert (
        service.workloads[workload.id].answers["detect-investigate-events"]["Notes"]
        == "pillar edit"
    )


def test_a_push_cut_off_half_way_is_completed_by_the_next(
    store: ReviewStore, pillar: Pillar, fake: tuple[FakeWaTool, str], wa: WaTool
) -> None:
    service, _ = fake
    review = answered_review(store, pillar)
    service.throttle["UpdateAnswer"] = 0
    calls = {"n": 0}

    def stop_after_four(operation: str) -> None:
        if operation == "UpdateAnswer":
            calls["n"] += 1
            if calls["n"] == 5:
                raise KeyboardInterrupt

    wa.on_call = stop_after_four
    with store.open(review.id) as session, pytest.raises(KeyboardInterrupt):
        push(session, wa, PushOptions(create=True))
    wa.on_call = None
    report = status(pillar, store.load(review.id), wa)
    assert report.count(SyncState.IN_SYNC) == 4 and report.count(SyncState.LOCAL_CHANGES) == 7
    with store.open(review.id) as session:
        result = push(session, wa, PushOptions())
    assert len(result.sent) == 7
    assert status(pillar, store.load(review.id), wa).count(SyncState.IN_SYNC) == 11


def test_throttling_past_retries_stops_with_the_sent_answers_kept(
    store: ReviewStore, pillar: Pillar, fake: tuple[FakeWaTool, str], wa: WaTool
) -> None:
    service, _ = fake
    review = answered_review(store, pillar)
    with store.open(review.id) as session:
        push(session, wa, PushOptions(create=True))
        session.set_question_state("SEC03", notes="changed")
        session.set_question_state("SEC04", notes="changed")
    service.throttle["UpdateAnswer"] = 1  # retried: fine
    with store.open(review.id) as session:
        assert push(session, wa, PushOptions()).sent == ("SEC03", "SEC04")
    with store.open(review.id) as session:
        session.set_question_state("SEC05", notes="changed")
    service.throttle["UpdateAnswer"] = 10  # past every retry
    with store.open(review.id) as session, pytest.raises(WaToolError, match="kept throttling"):
        push(session, wa, PushOptions())
    assert status(pillar, store.load(review.id), wa).count(SyncState.LOCAL_CHANGES) == 1


def test_a_different_lens_version_is_reported_and_matched_by_id(
    store: ReviewStore, pillar: Pillar, fake: tuple[FakeWaTool, str], wa: WaTool
) -> None:
    service, _ = fake
    service.lens_version, service.lens_status = "2023-10-03", "NOT_CURRENT"
    service.drop_choice("sec_identities_unique")  # SEC02-BP02
    service.add_choice("identities", "sec_identities_future")
    review = store.create("Old lens")
    with store.open(review.id) as session:
        for bp in pillar.question("SEC02").best_practices:
            session.set_answer(bp.id, AnswerStatus.MET, by="bob")
        result = push(session, wa, PushOptions(create=True))
    assert (
        result.lens is not None and not result.lens.current and result.lens.version == "2023-10-03"
    )
    assert result.mismatch.choices_only_in_pillar == ("sec_identities_unique",)
    assert result.mismatch.choices_only_in_workload == ("sec_identities_future",)
    assert result.sent == ("SEC02",)
    assert result.workload is not None
    fw = service.workloads[result.workload.id]
    assert "sec_identities_unique" not in fw.answers["identities"]["SelectedChoices"]
    # a choice only the workload has is kept when pillar pushes again
    service.set_answer(
        fw,
        "identities",
        SelectedChoices=[*fw.answers["identities"]["SelectedChoices"], "sec_identities_future"],
    )
    report = status(pillar, store.load(review.id), wa)
    assert report.count(SyncState.IN_SYNC) == 11  # compared on the ids both sides know


def test_pull_into_a_new_review(
    store: ReviewStore, pillar: Pillar, fake: tuple[FakeWaTool, str], wa: WaTool, tmp_path: Path
) -> None:
    source = answered_review(store, pillar)
    with store.open(source.id) as session:
        workload = push(session, wa, PushOptions(create=True, milestone="baseline")).workload
        assert workload is not None
    other = ReviewStore(tmp_path / "other-home", pillar)
    result = pull_new(other, wa, workload.name, name="Copy", milestones=True)
    copy = other.load(result.review.id)
    assert copy.name == "Copy" and copy.owner == "alice" and copy.regions == ("eu-west-1",)
    assert copy.wa_link is not None and copy.wa_link.arn == workload.arn
    assert copy.question_state("SEC01").does_not_apply
    assert copy.question_state("SEC01").reason is OOS
    assert copy.question_state("SEC02").none_of_these
    assert copy.question_state("SEC03").notes.endswith(CUT_MARKER)
    for question in pillar.questions[2:]:
        for bp in question.best_practices:
            assert (copy.answer(bp.id).status, copy.answer(bp.id).reason) == (
                source.answer(bp.id).status,
                source.answer(bp.id).reason,
            ), bp.id
    assert {c.by for c in copy.history} == {"AWS WA Tool"}
    assert [m.name for m in copy.milestones] == ["baseline"]
    assert copy.milestones[0].responses.answer("SEC03-BP01").status is AnswerStatus.MET
    assert status(pillar, copy, wa).count(SyncState.IN_SYNC) == 11
    with pytest.raises(SyncError, match="already syncs with workload"):
        pull_new(other, wa, workload.id)
    assert all(s.action is PullAction.TAKE for s in result.steps)


def test_a_workload_without_the_lens_gets_it_on_push_only(
    store: ReviewStore, pillar: Pillar, fake: tuple[FakeWaTool, str], wa: WaTool
) -> None:
    service, _ = fake
    bare = service.add_workload("Console made", lenses=("serverless",))
    review = answered_review(store, pillar)
    assert status(pillar, review, None).count(SyncState.NOT_LINKED) == 11
    with store.open(review.id) as session:
        dry = push(session, wa, PushOptions(workload=bare.name, dry_run=True))
        assert service.writes() == [] and session.review.wa_link is None
        assert any("does not use the wellarchitected lens" in n for n in dry.notes)
        result = push(session, wa, PushOptions(workload=bare.id))
    assert result.lens_associated and len(result.sent) == 11
    assert service.writes()[0] == "AssociateLenses"
    assert bare.lenses == ["serverless", "wellarchitected"]


def test_the_offline_label_says_what_changed_here_since_the_last_sync(
    store: ReviewStore, pillar: Pillar, fake: tuple[FakeWaTool, str], wa: WaTool
) -> None:
    from review.watool.state import changed_since_sync, sync_label

    review = answered_review(store, pillar)
    assert changed_since_sync(pillar, review) is None and sync_label(pillar, review) == ""
    with store.open(review.id) as session:
        push(session, wa, PushOptions(create=True))
        assert sync_label(pillar, session.review) == "WA Tool: in step"
        session.set_answer("SEC05-BP01", AnswerStatus.NOT_MET, by="bob")
        session.set_question_state("SEC07", notes="more")
        assert changed_since_sync(pillar, session.review) == ("SEC05", "SEC07")
        assert sync_label(pillar, session.review) == "WA Tool: 2 to push"
