"""pillar answers <-> WA Tool answers: the mapping table, round trips, sync-state rules."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from questions import Question, security_pillar
from review.model import WA_NOTES_LIMIT, Answer, AnswerStatus, NotApplicableReason, QuestionState
from review.watool.mapping import (
    CUT_MARKER,
    LensQuestion,
    answer_from_aws,
    bank_choices,
    fingerprint,
    lens_mismatch,
    local_answer,
    local_update,
    update_request,
    wa_answer,
    wa_notes,
)
from review.watool.state import (
    PullAction,
    PushAction,
    SyncState,
    pull_plan,
    push_plan,
    question_sync,
    sync_state,
)

PILLAR = security_pillar()
SEC02 = PILLAR.question("SEC02")
OOS = NotApplicableReason.OUT_OF_SCOPE


def answers_of(*items: tuple[str, AnswerStatus, NotApplicableReason | None]) -> dict[str, Answer]:
    return {bp: Answer(bp, status, reason) for bp, status, reason in items}


def choice(bp_id: str) -> str:
    return str(PILLAR.best_practice(bp_id).choice_id)


def test_question_not_applicable_goes_with_its_reason() -> None:
    state = QuestionState("SEC02", does_not_apply=True, reason=OOS, notes="n")
    local = local_answer(SEC02, state, {})
    assert local.answer == wa_answer("identities", applicable=False, reason=OOS, notes="n")
    params = update_request(SEC02, local.answer, None).params()
    assert params == {
        "QuestionId": "identities",
        "IsApplicable": False,
        "Reason": "OUT_OF_SCOPE",
        "Notes": "n",
    }


def test_none_of_these_is_only_the_no_choice() -> None:
    local = local_answer(SEC02, QuestionState("SEC02", none_of_these=True), {})
    assert local.answer.selected == {"sec_identities_no"}
    assert not local.partial
    # every best practice answered, none met: the same answer
    every = answers_of(*[(bp.id, AnswerStatus.NOT_MET, None) for bp in SEC02.best_practices])
    assert local_answer(SEC02, QuestionState("SEC02"), every).answer == local.answer


def test_met_best_practices_are_selected_and_na_ones_marked_with_reasons() -> None:
    answers = answers_of(
        ("SEC02-BP01", AnswerStatus.MET, None),
        ("SEC02-BP02", AnswerStatus.NOT_APPLICABLE, OOS),
        *[(f"SEC02-BP0{n}", AnswerStatus.NOT_MET, None) for n in range(3, 7)],
    )
    local = local_answer(SEC02, QuestionState("SEC02"), answers)
    assert local.answer.selected == {choice("SEC02-BP01")}
    assert local.answer.not_applicable == ((choice("SEC02-BP02"), OOS),)
    request = update_request(SEC02, local.answer, None)
    assert request.params()["ChoiceUpdates"] == {
        choice("SEC02-BP02"): {"Status": "NOT_APPLICABLE", "Reason": "OUT_OF_SCOPE"}
    }


def test_a_partial_question_is_marked_and_counts_unanswered_as_not_selected() -> None:
    answers = answers_of(("SEC02-BP01", AnswerStatus.MET, None))
    local = local_answer(SEC02, QuestionState("SEC02"), answers)
    assert local.partial
    assert local.unanswered == tuple(f"SEC02-BP0{n}" for n in range(2, 7))
    assert local.answer.selected == {choice("SEC02-BP01")}
    untouched = local_answer(SEC02, QuestionState("SEC02"), {})
    assert not untouched.partial and not untouched.answer.answered


def test_long_notes_are_cut_with_a_visible_marker() -> None:
    notes = "x" * 5000
    cut = wa_notes(notes)
    assert len(cut) == WA_NOTES_LIMIT and cut.endswith(CUT_MARKER)
    assert wa_notes("short") == "short"
    local = local_answer(SEC02, QuestionState("SEC02", notes=notes), {})
    assert local.answer.notes == cut
    # pulling the cut notes back keeps pillar's whole notes
    update = local_update(SEC02, local.answer, QuestionState("SEC02", notes=notes))
    assert update.state.notes == notes


def test_pull_mapping_table() -> None:
    state = QuestionState("SEC02")
    unanswered = local_update(
        SEC02,
        answer_from_aws({"QuestionId": "identities", "Risk": "UNANSWERED", "SelectedChoices": []}),
        state,
    )
    assert {s for _, s, _ in unanswered.answers} == {AnswerStatus.UNANSWERED}
    na = local_update(
        SEC02,
        answer_from_aws(
            {
                "QuestionId": "identities",
                "IsApplicable": False,
                "Reason": "OTHER",
                "Risk": "NOT_APPLICABLE",
            }
        ),
        state,
    )
    assert (
        na.state.does_not_apply
        and na.state.reason is NotApplicableReason.OTHER
        and na.answers == ()
    )
    none = local_update(
        SEC02,
        answer_from_aws(
            {"QuestionId": "identities", "SelectedChoices": ["sec_identities_no"], "Risk": "HIGH"}
        ),
        state,
    )
    assert none.state.none_of_these
    mixed = local_update(SEC02, answer_from_aws({
        "QuestionId": "identities", "Risk": "MEDIUM", "Notes": "from the console",
        "SelectedChoices": [choice("SEC02-BP01")],
        "ChoiceAnswers": [{"ChoiceId": choice("SEC02-BP02"), "Status": "NOT_APPLICABLE",
                           "Reason": "BUSINESS_PRIORITIES"}],
    }), state)  # fmt: skip
    got = {bp: (s, r) for bp, s, r in mixed.answers}
    assert got["SEC02-BP01"] == (AnswerStatus.MET, None)
    assert got["SEC02-BP02"] == (
        AnswerStatus.NOT_APPLICABLE,
        NotApplicableReason.BUSINESS_PRIORITIES,
    )
    assert got["SEC02-BP03"] == (AnswerStatus.NOT_MET, None)
    assert mixed.state.notes == "from the console" and not mixed.state.none_of_these


def test_foreign_selected_choices_are_kept_on_push() -> None:
    remote = wa_answer("identities", selected=["sec_identities_future", choice("SEC02-BP01")])
    local = wa_answer("identities", selected=[choice("SEC02-BP03")])
    params = update_request(SEC02, local, remote).params()
    assert params["SelectedChoices"] == sorted(["sec_identities_future", choice("SEC02-BP03")])


def test_lens_mismatch_names_every_id_without_partner() -> None:
    lens = {
        q.wa_question_id: LensQuestion(q.wa_question_id, "security", bank_choices(q))
        for q in PILLAR.questions
        if q.id != "SEC11"
    }
    lens["identities"] = LensQuestion(
        "identities",
        "security",
        (bank_choices(SEC02) - {choice("SEC02-BP06")}) | {"sec_identities_new"},
    )
    lens["sec-extra"] = LensQuestion("sec-extra", "security", frozenset({"a"}))
    lens["ops-question"] = LensQuestion("ops-question", "operationalExcellence", frozenset())
    mismatch = lens_mismatch(PILLAR, lens)
    assert mismatch.questions_only_in_pillar == ("application-security",)
    assert mismatch.questions_only_in_workload == ("sec-extra",)
    assert mismatch.choices_only_in_pillar == (choice("SEC02-BP06"),)
    assert mismatch.choices_only_in_workload == ("sec_identities_new",)


# --- properties ------------------------------------------------------------------------

REASONS = st.sampled_from(list(NotApplicableReason))
STATUSES = st.sampled_from(list(AnswerStatus))


@st.composite
def local_question(
    draw: st.DrawFn, question: Question = SEC02
) -> tuple[QuestionState, dict[str, Answer]]:
    answers = {}
    for bp in question.best_practices:
        status = draw(STATUSES)
        reason = draw(REASONS) if status is AnswerStatus.NOT_APPLICABLE else None
        answers[bp.id] = Answer(bp.id, status, reason)
    met = any(a.status is AnswerStatus.MET for a in answers.values())
    applies = draw(st.booleans())
    state = QuestionState(
        question.id,
        does_not_apply=not applies,
        reason=None if applies else draw(REASONS),
        none_of_these=draw(st.booleans()) and not met,
        notes=draw(st.text(max_size=30) | st.just("y" * 3000)),
    )
    return state, answers


@st.composite
def remote_answer(draw: st.DrawFn, question: Question = SEC02) -> object:
    bp_choices = [str(bp.choice_id) for bp in question.best_practices]
    if not draw(st.booleans()):
        return wa_answer(
            question.wa_question_id,
            applicable=False,
            reason=draw(REASONS),
            notes=draw(st.text(max_size=20)),
        )
    marks = draw(
        st.lists(st.tuples(st.sampled_from(bp_choices), REASONS), unique_by=lambda m: m[0])
    )
    kind = draw(st.sampled_from(["none", "some", "unanswered"]))
    free = [c for c in bp_choices if c not in dict(marks)]
    if kind == "none" or not free:
        selected = [str(question.none_choice_id)] if kind == "none" else []
    elif kind == "some":
        selected = draw(st.lists(st.sampled_from(free), min_size=1, unique=True))
    else:
        selected = []
    return wa_answer(
        question.wa_question_id,
        selected=selected,
        not_applicable=marks,
        notes=draw(st.text(max_size=20)),
    )


@settings(max_examples=300, deadline=None)
@given(remote_answer(), local_question())
def test_pulling_any_wa_answer_then_mapping_back_gives_it_again(
    remote: object, local: tuple[QuestionState, dict[str, Answer]]
) -> None:
    """Whatever pillar held before, after taking a WA Tool answer it maps to that answer."""
    from review.watool.mapping import WaAnswer, applied

    assert isinstance(remote, WaAnswer)
    state, answers = local
    update = local_update(SEC02, remote, state)
    again = local_answer(SEC02, update.state, applied(update, answers))
    if remote.applicable and remote.selected:  # an answered remote question is never partial
        assert not again.partial
    assert again.answer == remote


@settings(max_examples=300, deadline=None)
@given(local_question(), local_question())
def test_pushing_then_pulling_back_changes_nothing(
    first: tuple[QuestionState, dict[str, Answer]], other: tuple[QuestionState, dict[str, Answer]]
) -> None:
    """pillar's answer in WA Tool terms survives the trip into any other local state."""
    from review.watool.mapping import applied

    state, answers = first
    sent = local_answer(SEC02, state, answers).answer
    update = local_update(SEC02, sent, other[0])
    assert (
        local_answer(SEC02, update.state, applied(update, other[1])).answer.restricted(
            bank_choices(SEC02)
        )
        == sent
    )


ANSWERS = st.sampled_from(
    [wa_answer("identities", selected=[c]) for c in ("a", "b", "c")] + [wa_answer("identities")]
)


@given(ANSWERS, ANSWERS, ANSWERS)
def test_sync_state_rules(local: object, remote: object, agreed_answer: object) -> None:
    from review.watool.mapping import WaAnswer

    assert (
        isinstance(local, WaAnswer)
        and isinstance(remote, WaAnswer)
        and isinstance(agreed_answer, WaAnswer)
    )
    agreed = fingerprint(agreed_answer)
    state = sync_state(local, remote, agreed)
    if local == remote:
        assert state is SyncState.IN_SYNC
    elif local == agreed_answer:
        assert state is SyncState.REMOTE_CHANGES
    elif remote == agreed_answer:
        assert state is SyncState.LOCAL_CHANGES
    else:
        assert state is SyncState.CONFLICT
    # never synced: the empty side yields, two different answers conflict
    first = sync_state(local, remote, None)
    if local != remote and not remote.is_empty and not local.is_empty:
        assert first is SyncState.CONFLICT


def test_plans_leave_conflicts_alone_unless_a_side_is_preferred() -> None:
    a, b, c = (wa_answer("identities", selected=[x]) for x in "abc")
    local = local_answer(SEC02, QuestionState("SEC02"), {})
    conflict = question_sync(type(local)("SEC02", a), b, fingerprint(c))
    assert conflict.state is SyncState.CONFLICT
    assert push_plan((conflict,))[0].action is PushAction.CONFLICT
    assert push_plan((conflict,), prefer_local=True)[0].action is PushAction.SEND
    assert pull_plan((conflict,))[0].action is PullAction.CONFLICT
    assert pull_plan((conflict,), prefer_remote=True)[0].action is PullAction.TAKE
    remote_only = question_sync(type(local)("SEC02", a), b, fingerprint(a))
    assert push_plan((remote_only,), prefer_local=True)[0].action is PushAction.REMOTE_CHANGED
    partial = question_sync(type(local)("SEC02", a, ("SEC02-BP02",)), c, fingerprint(c))
    assert push_plan((partial,))[0].action is PushAction.PARTIAL
    step = push_plan((partial,), include_partial=True)[0]
    assert step.action is PushAction.SEND and step.partial
