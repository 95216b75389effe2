"""Advisory evidence in a review: no "not met" proposal, no plan item of its own, and shown
apart from failures in the plan's "found" line and the Markdown/CSV exports."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from checks.result import CheckResult, Proposal, Resource, ScanResult, Status
from questions import EvidenceRole, Risk
from review.evidence import contradictions, proposals, proposals_to_apply
from review.export import csv_export, markdown_export
from review.model import AnswerStatus
from review.plan import Evidence, build_plan
from review.store import ReviewStore

from .conftest import build_pillar

NOW = datetime(2026, 1, 2, tzinfo=UTC)


def _result(check_id: str, bp: str, status: Status, *resources: Resource) -> CheckResult:
    return CheckResult(check_id, f"title of {check_id}", "s3", (bp,), "eu-west-1", status, "", None,
                       None, resources)  # fmt: skip


ADVISORY = Resource("arn:aws:s3:::logs", Status.ADVISORY, "no lifecycle rule")
FAILING = Resource("arn:aws:s3:::open", Status.FAIL, "public")
PASSING = Resource("arn:aws:s3:::fine", Status.PASS, "ok")


@pytest.fixture
def store(home: Path) -> ReviewStore:
    pillar = build_pillar(
        {"SEC07": ("Data protection", (Risk.HIGH, Risk.HIGH, Risk.MEDIUM))},
        roles={"SEC07-BP02": EvidenceRole.SIGNAL},
    )
    return ReviewStore(home, pillar)


def _scan() -> ScanResult:
    return ScanResult(
        "123456789012",
        ("eu-west-1",),
        NOW,
        1.0,
        (
            # BP01 (verdict): an advisory beside a pass -> no proposal at all
            _result("s3.lifecycle", "SEC07-BP01", Status.ADVISORY, ADVISORY, PASSING),
            _result("s3.default_encryption", "SEC07-BP01", Status.PASS, PASSING),
            # BP02 (signal): advisory only -> no proposal
            _result("s3.classification_tag", "SEC07-BP02", Status.ADVISORY, ADVISORY),
            # BP03: a real failure beside an advisory -> not met
            _result("s3.bucket_public", "SEC07-BP03", Status.FAIL, FAILING),
            _result("backup.plans", "SEC07-BP03", Status.ADVISORY, ADVISORY),
        ),
    )


def test_advisories_propose_nothing_and_contradict_nothing(store: ReviewStore) -> None:
    review = store.create("x")
    with store.open(review.id) as session:
        session.attach_evidence(_scan())
        session.set_answer("SEC07-BP02", AnswerStatus.MET, by="ann")
        assert session.apply_proposals(accepted_by="bob").applied == ("SEC07-BP03",)
        loaded = session.review
    assert proposals(store.pillar, loaded) == (("SEC07-BP03", Proposal.NOT_MET),)
    assert loaded.answer("SEC07-BP01").status is AnswerStatus.UNANSWERED
    assert contradictions(store.pillar, loaded) == ()
    assert proposals_to_apply(store.pillar, loaded) == ()


def test_plan_and_exports_show_advisories_apart(store: ReviewStore) -> None:
    review = store.create("x")
    with store.open(review.id) as session:
        session.attach_evidence(_scan())
        session.set_answer("SEC07-BP01", AnswerStatus.NOT_MET, by="ann")
        review = session.review
    plan = build_plan(store.pillar, review)
    by_id = {item.id: item for item in plan.items}
    # an unanswered best practice with advisories only is not a plan item
    assert "SEC07-BP02" not in by_id
    bp01 = by_id["SEC07-BP01"].evidence
    assert bp01.failing_checks == () and bp01.level is Evidence.NONE
    assert bp01.text == ("No check fails (2 run). Not in place (advisory): title of s3.lifecycle.")
    bp03 = by_id["SEC07-BP03"].evidence.text
    assert bp03.startswith("Failing: title of s3.bucket_public;")
    assert bp03.endswith("Not in place (advisory): title of backup.plans.")

    markdown = markdown_export(store.pillar, review, now=NOW)
    rows = [line for line in markdown.splitlines() if line.startswith("| title of")]
    lifecycle = next(r for r in rows if "s3.lifecycle" in r)
    assert "Advisory (not in place)" in lifecycle and "**FAIL**" not in lifecycle
    assert "1 of 2 not in place" in lifecycle
    assert "not in place: arn:aws:s3:::logs (no lifecycle rule)" in lifecycle
    public = next(r for r in rows if "arn:aws:s3:::open" in r)
    assert "**FAIL**" in public and "not in place" not in public
    assert "Not in place (advisory): title of s3.lifecycle" in csv_export(store.pillar, review)


def test_a_saved_review_reads_an_old_fail_of_a_now_advisory_check_as_advisory(
    store: ReviewStore,
) -> None:
    """A review saved when s3.lifecycle and backup.plans still failed (before they became
    advisory) proposes no "not met" from them once reopened: stored evidence is read
    through the advisory checks of today (checks.result.ADVISORY_CHECKS)."""
    old_fail = Resource("arn:aws:s3:::logs", Status.FAIL, "no lifecycle configuration")
    saved = ScanResult(
        "123456789012",
        ("eu-west-1",),
        NOW,
        1.0,
        (
            _result("s3.lifecycle", "SEC07-BP01", Status.FAIL, old_fail, PASSING),
            _result("s3.default_encryption", "SEC07-BP01", Status.PASS, PASSING),
            _result("backup.plans", "SEC07-BP03", Status.FAIL, old_fail),
            _result("s3.bucket_public", "SEC07-BP02", Status.FAIL, FAILING),
        ),
    )
    review = store.create("saved before the advisory checks")
    with store.open(review.id) as session:
        session.attach_evidence(saved)
    on_disk = json.loads(store.path_of(review.id).read_text(encoding="utf-8"))
    (stored,) = on_disk["evidence"].values()
    statuses = {c["id"]: c["status"] for c in stored["checks"]}
    assert statuses["s3.lifecycle"] == statuses["backup.plans"] == "FAIL"  # as saved then

    with store.open(review.id) as session:
        loaded = session.review
        assert loaded.evidence is not None
        by_id = {r.check_id: r for r in loaded.evidence.results}
        assert by_id["s3.lifecycle"].status is Status.ADVISORY
        assert by_id["s3.lifecycle"].not_in_place[0].id == "arn:aws:s3:::logs"
        assert by_id["backup.plans"].status is Status.ADVISORY
        assert by_id["s3.bucket_public"].status is Status.FAIL  # a real fault stays one
        # only the real fault proposes "not met"; the advisories propose nothing
        assert proposals(store.pillar, loaded) == (("SEC07-BP02", Proposal.NOT_MET),)
        assert session.apply_proposals(accepted_by="bob").applied == ("SEC07-BP02",)
        assert session.review.answer("SEC07-BP01").status is AnswerStatus.UNANSWERED
        assert session.review.answer("SEC07-BP03").status is AnswerStatus.UNANSWERED
