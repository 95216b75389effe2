"""The review remembers its WA Tool workload and what both sides agreed (store + codec)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from review import codec
from review.errors import InvalidChange, InvalidReviewData
from review.model import (
    AnswerStatus,
    NotApplicableReason,
    QuestionState,
    SyncedQuestion,
    WorkloadLink,
)
from review.store import ReviewStore

ARN = "arn:aws:wellarchitected:eu-west-1:123456789012:workload/" + "a" * 32
T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def link(*synced: SyncedQuestion) -> WorkloadLink:
    return WorkloadLink(ARN, "eu-west-1", T0, synced=synced)


def test_unlinked_review_file_and_export_have_no_wa_tool_member(store: ReviewStore) -> None:
    review = store.create("Payments")
    assert review.wa_link is None
    assert "wa_tool" not in codec.details_to_dict(review)
    raw = json.loads(store.path_of(review.id).read_text())
    assert "wa_tool" not in raw["review"]["1"]  # old pillars read the same file as before


def test_link_and_agreements_survive_reopening(store: ReviewStore) -> None:
    review = store.create("Payments")
    with store.open(review.id) as session:
        session.link_workload(link())
        session.record_sync([SyncedQuestion("SEC02", "ab" * 8, T0)])
        session.record_sync([SyncedQuestion("SEC01", "cd" * 8, T0)])
        session.record_sync([SyncedQuestion("SEC02", "ef" * 8, T0)])
    loaded = store.load(review.id)
    assert loaded.wa_link is not None
    assert loaded.wa_link.workload_id == "a" * 32
    assert [(s.question_id, s.fingerprint) for s in loaded.wa_link.synced] == [
        ("SEC01", "cd" * 8),
        ("SEC02", "ef" * 8),
    ]
    assert loaded.wa_link.agreed("SEC03") is None
    with store.open(review.id) as session:
        session.link_workload(None)
    assert store.load(review.id).wa_link is None


def test_record_sync_needs_a_link(store: ReviewStore) -> None:
    review = store.create("Payments")
    with store.open(review.id) as session, pytest.raises(InvalidChange, match="not linked"):
        session.record_sync([SyncedQuestion("SEC02", "ab" * 8, T0)])


def test_bad_link_data_is_reported_by_field() -> None:
    data = codec.details_to_dict(
        codec.review_from_parts(
            {
                "id": "b" * 32,
                "name": "x",
                "created_at": T0.isoformat(),
                "updated_at": T0.isoformat(),
            },
            codec.make_responses((), (), "answers"),
            (),
            (),
            None,
            "review",
        )
    )
    data["wa_tool"] = {**codec.workload_link_to_dict(link()), "arn": "arn:aws:s3:::bucket"}
    with pytest.raises(InvalidReviewData, match=r"review\.wa_tool\.arn must be the ARN"):
        codec.review_from_dict(data)


def test_pulled_answers_are_history_by_the_wa_tool(store: ReviewStore) -> None:
    review = store.create("Payments")
    with store.open(review.id) as session:
        session.set_answer("SEC02-BP01", AnswerStatus.MET, by="alice", note="keep me")
        session.link_workload(link())
        by, why = "AWS WA Tool", f"pulled from the AWS WA Tool workload {ARN}"
        new = session.apply_remote(
            [
                ("SEC02-BP01", AnswerStatus.MET, None),  # unchanged: alice's answer stays
                ("SEC02-BP02", AnswerStatus.NOT_APPLICABLE, NotApplicableReason.OUT_OF_SCOPE),
                ("SEC02-BP03", AnswerStatus.NOT_MET, None),
            ],
            [QuestionState("SEC02", notes="from the tool")],
            [SyncedQuestion("SEC02", "12" * 8, T0)],
            by=by,
            why=why,
        )
    assert new.answer("SEC02-BP01").by == "alice"
    assert new.answer("SEC02-BP01").note == "keep me"
    assert new.answer("SEC02-BP02").reason is NotApplicableReason.OUT_OF_SCOPE
    assert new.question_state("SEC02").notes == "from the tool"
    pulled = [c for c in new.history if c.by == by]
    assert [(c.bp_id, c.after, c.why) for c in pulled] == [
        ("SEC02-BP02", AnswerStatus.NOT_APPLICABLE, why),
        ("SEC02-BP03", AnswerStatus.NOT_MET, why),
    ]
    assert store.load(review.id) == new
