"""The plan: which items, in which bucket and order, and the priority function's laws."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.result import CheckResult, Resource, ScanResult, Status
from questions import Area, Effort, Pillar, Risk
from review.model import Answer, AnswerStatus, ParkedItem, QuestionState, Responses, Review
from review.plan import (
    WIDESPREAD,
    Bucket,
    Evidence,
    ItemStatus,
    Origin,
    PlanTracking,
    bucket_of,
    build_plan,
    parking_lot_item,
    place,
    priority_score,
    tracking_of,
    with_tracking,
)

RISKS = st.sampled_from(list(Risk))
EFFORTS = st.sampled_from(list(Effort))
EVIDENCE = st.sampled_from(list(Evidence))


def test_fixed_review_plan_items_buckets_and_order(bank: Pillar, fixed_review: Review) -> None:
    plan = build_plan(bank, fixed_review)
    assert [(i.id, i.bucket) for i in plan.items] == [
        ("SEC02-BP01", Bucket.NOW),  # High risk, 12 failing resources
        ("P1", Bucket.NOW),  # parked on SEC02: its highest open risk (High), low effort
        ("SEC08-BP01", Bucket.NOW),  # quick win: Medium risk, low effort
        ("P2", Bucket.NOW),  # parked on SEC08: Medium, low effort, after SEC08-BP01
        ("SEC02-BP02", Bucket.NEXT),  # Medium risk
        ("SEC03-BP02", Bucket.NEXT),  # unanswered, but a check fails
        ("SEC08-BP02", Bucket.LATER),  # Low risk, nothing failing
    ]
    shared = plan.item("SEC03-BP02")
    assert shared.unanswered and shared.evidence.level is Evidence.CONFIRMED
    mfa = plan.item("SEC02-BP01")
    assert mfa.evidence.level is Evidence.WIDESPREAD
    assert mfa.evidence.failing_resources == 12
    assert len(mfa.evidence.examples) == 3
    assert mfa.tracking.owner == "Alex Kim" and mfa.tracking.status is ItemStatus.IN_PROGRESS
    assert mfa.why.startswith("High risk") and mfa.why.endswith(".")
    # met, not applicable, a question that does not apply: no items
    assert not {"SEC03-BP01", "SEC08-BP03", "SEC09-BP01"} & {i.id for i in plan.items}


def test_unanswered_without_failing_evidence_is_not_in_the_plan(bank: Pillar) -> None:
    review = Review("0" * 32, "x", datetime.now(UTC), datetime.now(UTC))
    assert len(build_plan(bank, review)) == 0


def test_none_of_these_puts_every_practice_of_the_question_on_the_plan(bank: Pillar) -> None:
    review = Review(
        "0" * 32,
        "x",
        datetime.now(UTC),
        datetime.now(UTC),
        responses=Responses((), (QuestionState("SEC02", none_of_these=True),)),
    )
    assert [i.id for i in build_plan(bank, review).items] == ["SEC02-BP01", "SEC02-BP02"]


def test_tracking_is_kept_in_the_review(fixed_review: Review) -> None:
    tracking = PlanTracking("SEC02-BP02", "Sam", date(2027, 1, 31), ItemStatus.OPEN)
    review = with_tracking(fixed_review, tracking)
    assert tracking_of(review, "SEC02-BP02") == tracking
    cleared = with_tracking(review, PlanTracking("SEC02-BP02"))
    assert cleared.plan == fixed_review.plan


def test_parking_lot_items_are_placed_by_the_same_function(
    bank: Pillar, fixed_review: Review
) -> None:
    extra = parking_lot_item(
        "X1", "Rotate the shared deploy key", risk=Risk.HIGH, effort=Effort.LOW
    )
    plan = build_plan(bank, fixed_review, extra=[extra])
    item = plan.item("X1")
    assert item.origin is Origin.PARKING_LOT and item.bucket is Bucket.NOW


def test_parked_items_are_plan_items(bank: Pillar, fixed_review: Review) -> None:
    plan = build_plan(bank, fixed_review)
    first, second = plan.item("P1"), plan.item("P2")
    assert first.origin is second.origin is Origin.PARKING_LOT
    assert (first.risk, first.effort) == (Risk.HIGH, Effort.LOW)  # SEC02 has a High item
    assert second.risk is Risk.MEDIUM  # SEC08's items: Medium and Low
    assert first.question_id == "SEC02" and first.area == "Identity and access management"
    assert first.title == "Find out who still uses the root user's access keys."
    assert first.note == ""  # the title is the whole text
    assert second.title == "Ask the data team which buckets hold card data."
    assert second.note == fixed_review.parked("P2").text  # more than one line: all of it
    # the owner given when parking, until the plan's tracking says otherwise
    assert first.tracking == PlanTracking("P1", "Sam Lee")
    assert second.tracking == PlanTracking("P2", "Alex Kim", date(2026, 12, 20))
    done = with_tracking(fixed_review, PlanTracking("P1", "Sam Lee", None, ItemStatus.DONE))
    assert build_plan(bank, done).item("P1").tracking.status is ItemStatus.DONE


def _parked(question_id: str, text: str = "Follow up", number: int = 1) -> ParkedItem:
    return ParkedItem(f"P{number}", question_id, text, "", datetime(2026, 1, 1, tzinfo=UTC), "x")


@pytest.mark.parametrize(
    ("question_id", "risk"),
    [
        ("SEC02", Risk.HIGH),  # SEC02-BP01 (High) is on the plan
        ("SEC03", Risk.LOW),  # only SEC03-BP02 (Low, failing evidence) is on the plan
        ("SEC09", Risk.MEDIUM),  # nothing of SEC09 is on the plan
    ],
)
def test_parked_item_takes_the_questions_highest_open_risk_or_medium(
    bank: Pillar, fixed_review: Review, question_id: str, risk: Risk
) -> None:
    review = replace(fixed_review, parking_lot=(_parked(question_id),))
    assert build_plan(bank, review).item("P1").risk is risk


def test_long_parked_text_is_cut_in_the_title_and_kept_in_the_note(
    bank: Pillar, fixed_review: Review
) -> None:
    text = "word " * 100
    review = replace(fixed_review, parking_lot=(_parked("SEC02", text),))
    item = build_plan(bank, review).item("P1")
    assert len(item.title) <= 100 and item.title.endswith("…")
    assert item.note == text


def test_bucket_slugs() -> None:
    assert Bucket.from_slug("now") is Bucket.NOW
    assert Bucket.from_slug("Do now") is Bucket.NOW
    with pytest.raises(ValueError):
        Bucket.from_slug("soon")


# --- the priority function's laws ------------------------------------------------------


def _not_down(before: tuple[Risk, Evidence, Effort], after: tuple[Risk, Evidence, Effort]) -> None:
    a, b = place(*before), place(*after)
    assert b.bucket.rank <= a.bucket.rank
    assert b.score >= a.score


@given(RISKS, RISKS, EVIDENCE, EFFORTS)
def test_raising_risk_never_moves_an_item_down(
    r1: Risk, r2: Risk, evidence: Evidence, effort: Effort
) -> None:
    low, high = sorted((r1, r2), key=lambda r: r.rank)
    _not_down((low, evidence, effort), (high, evidence, effort))


@given(RISKS, EVIDENCE, EFFORTS, EFFORTS)
def test_lowering_effort_never_moves_an_item_down(
    risk: Risk, evidence: Evidence, e1: Effort, e2: Effort
) -> None:
    easy, hard = sorted((e1, e2), key=lambda e: e.rank)
    _not_down((risk, evidence, hard), (risk, evidence, easy))


@given(RISKS, EVIDENCE, EVIDENCE, EFFORTS)
def test_more_failing_evidence_never_moves_an_item_down(
    risk: Risk, v1: Evidence, v2: Evidence, effort: Effort
) -> None:
    less, more = sorted((v1, v2), key=lambda v: v.rank)
    _not_down((risk, less, effort), (risk, more, effort))


@given(RISKS, EVIDENCE, EFFORTS)
def test_buckets_follow_the_documented_rule(risk: Risk, evidence: Evidence, effort: Effort) -> None:
    bucket = bucket_of(risk, evidence, effort)
    quick = effort is Effort.LOW and (risk is not Risk.LOW or evidence is not Evidence.NONE)
    if risk is Risk.HIGH or quick:
        assert bucket is Bucket.NOW
    elif risk is Risk.MEDIUM or evidence is not Evidence.NONE:
        assert bucket is Bucket.NEXT
    else:
        assert bucket is Bucket.LATER
    assert priority_score(risk, evidence, effort) == 4 * risk.rank + 2 * evidence.rank + (
        3 - effort.rank
    )


# --- the same laws, end to end: an item's position in a whole plan --------------------

BP_IDS = [f"SEC0{q}-BP0{n}" for q in (1, 2, 3) for n in (1, 2, 3)]


def _bank(specs: dict[str, tuple[Risk, Effort]], base: Pillar) -> Pillar:
    template = base.questions[0].best_practices[0]
    questions = []
    for q in (1, 2, 3):
        qid = f"SEC0{q}"
        bps = tuple(
            replace(
                template,
                id=f"{qid}-BP0{n}",
                question_id=qid,
                risk=specs[f"{qid}-BP0{n}"][0],
                effort=specs[f"{qid}-BP0{n}"][1],
            )
            for n in (1, 2, 3)
        )
        questions.append(replace(base.questions[0], id=qid, best_practices=bps))
    return Pillar("security", "t", "t", "", "https://x", (Area("A", tuple(questions)),))


def _review(answers: dict[str, AnswerStatus], failing: dict[str, int]) -> Review:
    t = datetime(2026, 1, 1, tzinfo=UTC)
    results = tuple(
        CheckResult(
            f"check.{bp}",
            f"check {bp}",
            "svc",
            (bp,),
            "eu-west-1",
            Status.FAIL,
            resources=tuple(Resource(f"r{i}", Status.FAIL) for i in range(count)),
        )
        for bp, count in failing.items()
        if count >= 0
    )
    return Review(
        "0" * 32,
        "x",
        t,
        t,
        responses=Responses(tuple(Answer(bp, s) for bp, s in sorted(answers.items()))),
        evidence=ScanResult("1", ("eu-west-1",), t, 0.0, results),
    )


SPEC = st.fixed_dictionaries({bp: st.tuples(RISKS, EFFORTS) for bp in BP_IDS})
ANSWERS = st.fixed_dictionaries(
    {
        bp: st.sampled_from([AnswerStatus.NOT_MET, AnswerStatus.UNANSWERED, AnswerStatus.MET])
        for bp in BP_IDS
    }
)
# -1: no check at all; 0: a failing check without resources; n: n failing resources
FAILING = st.fixed_dictionaries(
    {bp: st.sampled_from([-1, 0, 1, 3, WIDESPREAD, 40]) for bp in BP_IDS}
)


def _check_moves_up(before: Review, after: Review, b1: Pillar, b2: Pillar, bp_id: str) -> None:
    p1, p2 = build_plan(b1, before), build_plan(b2, after)
    ids1, ids2 = [i.id for i in p1.items], [i.id for i in p2.items]
    if bp_id not in ids1:
        return
    assert bp_id in ids2
    assert ids2.index(bp_id) <= ids1.index(bp_id)
    assert p2.item(bp_id).bucket.rank <= p1.item(bp_id).bucket.rank


@settings(max_examples=150, deadline=None)
@given(SPEC, ANSWERS, FAILING, st.sampled_from(BP_IDS), st.data())
def test_in_a_whole_plan_no_change_for_the_worse_moves_an_item_down(
    bank: Pillar,
    spec: dict[str, tuple[Risk, Effort]],
    answers: dict[str, AnswerStatus],
    failing: dict[str, int],
    bp_id: str,
    data: st.DataObject,
) -> None:
    review = _review(answers, failing)
    b1 = _bank(spec, bank)
    risk, effort = spec[bp_id]
    higher_risk = data.draw(st.sampled_from([r for r in Risk if r.rank >= risk.rank]))
    lower_effort = data.draw(st.sampled_from([e for e in Effort if e.rank <= effort.rank]))
    more = data.draw(
        st.sampled_from([n for n in (-1, 0, 1, 3, WIDESPREAD, 40) if n >= failing[bp_id]])
    )
    _check_moves_up(review, review, b1, _bank({**spec, bp_id: (higher_risk, effort)}, bank), bp_id)
    _check_moves_up(review, review, b1, _bank({**spec, bp_id: (risk, lower_effort)}, bank), bp_id)
    _check_moves_up(review, _review(answers, {**failing, bp_id: more}), b1, b1, bp_id)


@given(st.lists(st.tuples(RISKS, EVIDENCE, EFFORTS), min_size=1, max_size=30))
def test_ties_break_by_question_then_best_practice_order(
    inputs: list[tuple[Risk, Evidence, Effort]],
) -> None:
    items = [
        replace(
            parking_lot_item(f"I{n}", "t", risk=r, effort=e),
            placement=place(r, v, e),
            origin=Origin.ASSESSMENT,
            question_order=n // 3,
            order=n % 3,
        )
        for n, (r, v, e) in enumerate(inputs)
    ]
    ordered = sorted(items, key=lambda i: i.sort_key)
    for a, b in itertools.pairwise(ordered):
        if (a.bucket, a.score) == (b.bucket, b.score):
            assert (a.question_order, a.order) < (b.question_order, b.order)


def test_tracking_a_parked_item_keeps_or_clears_its_owner(fixed_review: Review) -> None:
    assert tracking_of(fixed_review, "P1") == PlanTracking("P1", "Sam Lee")
    done = with_tracking(
        fixed_review, replace(tracking_of(fixed_review, "P1"), status=ItemStatus.DONE)
    )
    assert tracking_of(done, "P1") == PlanTracking("P1", "Sam Lee", None, ItemStatus.DONE)
    cleared = with_tracking(fixed_review, PlanTracking("P1", ""))
    assert tracking_of(cleared, "P1").owner == ""  # an explicit "no owner" is kept
    back = with_tracking(cleared, PlanTracking("P1", "Sam Lee"))
    assert back.plan == fixed_review.plan  # the default again: no entry
