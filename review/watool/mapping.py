"""A pillar question as an AWS WA Tool answer, and back: by id, never by position.

The WA Tool records one answer per question of the `wellarchitected` lens: whether it
applies (with a reason when not), the selected choices, per-choice "not applicable" marks
with reasons, and notes. pillar records one answer per best practice. The mapping:

| pillar                                   | WA Tool                                          |
| ---------------------------------------- | ------------------------------------------------ |
| question does not apply (reason)         | `IsApplicable=false`, `Reason`                   |
| best practice met                        | its `choice_id` in `SelectedChoices`             |
| best practice not applicable (reason)    | `ChoiceUpdates[choice] = NOT_APPLICABLE, Reason` |
| "none of these", or none met at all      | only the question's `none_choice_id` selected    |
| nothing met or not met yet               | nothing selected (`Risk` `UNANSWERED`)           |
| question notes                           | `Notes` (cut to 2,084 characters with a marker)  |

A best practice left unanswered in an otherwise answered question counts as not
selected; such a question is *partial* and push skips it unless asked (`LocalAnswer`).
Best-practice notes stay in pillar. Everything here is pure: values in, values out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from questions import Pillar, Question
from review.model import (
    WA_NOTES_LIMIT,
    Answer,
    AnswerStatus,
    NotApplicableReason,
    QuestionState,
)
from review.risk import effective_status

LENS_ALIAS = "wellarchitected"
PILLAR_ID = "security"
CUT_MARKER = "\n[… cut by pillar: the full notes are in the pillar review]"

_REASONS = {member.value: member for member in NotApplicableReason}


def wa_notes(notes: str) -> str:
    """Question notes as the WA Tool can hold them: whole, or cut with a visible marker."""
    if len(notes) <= WA_NOTES_LIMIT:
        return notes
    return notes[: WA_NOTES_LIMIT - len(CUT_MARKER)] + CUT_MARKER


def _reason(value: object) -> NotApplicableReason:
    return (
        _REASONS.get(value, NotApplicableReason.NONE)
        if isinstance(value, str)
        else (NotApplicableReason.NONE)
    )


@dataclass(frozen=True, slots=True)
class WaAnswer:
    """One question's answer in WA Tool terms. Build it with `wa_answer()` (canonical)."""

    question_id: str  # the WA Tool's id, e.g. "identities"
    applicable: bool = True
    reason: NotApplicableReason | None = None  # why the question does not apply
    selected: frozenset[str] = frozenset()
    not_applicable: tuple[tuple[str, NotApplicableReason], ...] = ()  # by choice id
    notes: str = ""

    @property
    def answered(self) -> bool:
        """False when the WA Tool shows the question as unanswered (`Risk` UNANSWERED)."""
        return not self.applicable or bool(self.selected)

    @property
    def is_empty(self) -> bool:
        """Nothing at all said: unanswered, no not-applicable marks, no notes."""
        return (
            self.applicable and not self.selected and not self.not_applicable and not (self.notes)
        )

    def restricted(self, choices: frozenset[str]) -> WaAnswer:
        """This answer seen through a set of choice ids (those both sides know)."""
        return wa_answer(
            self.question_id,
            applicable=self.applicable,
            reason=self.reason,
            selected=self.selected & choices,
            not_applicable=[(c, r) for c, r in self.not_applicable if c in choices],
            notes=self.notes,
        )


def wa_answer(
    question_id: str,
    *,
    applicable: bool = True,
    reason: NotApplicableReason | None = None,
    selected: Iterable[str] = (),
    not_applicable: Iterable[tuple[str, NotApplicableReason]] = (),
    notes: str = "",
) -> WaAnswer:
    """A canonical WaAnswer: a question that does not apply has a reason and no choices;
    a choice is either selected or not applicable, never both; marks are sorted."""
    if not applicable:
        return WaAnswer(question_id, False, reason or NotApplicableReason.NONE, notes=notes)
    marks = dict(sorted(not_applicable))
    chosen = frozenset(selected) - set(marks)
    return WaAnswer(question_id, True, None, chosen, tuple(sorted(marks.items())), notes)


def fingerprint(answer: WaAnswer) -> str:
    """A short, stable identity of an answer (what a sync remembers both sides agreed)."""
    data = [
        answer.question_id,
        answer.applicable,
        answer.reason.value if answer.reason else None,
        sorted(answer.selected),
        [[c, r.value] for c, r in answer.not_applicable],
        answer.notes,
    ]
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:32]


def bank_choices(question: Question) -> frozenset[str]:
    """Every WA Tool choice id the bank knows for a question ("none of these" included)."""
    ids = {bp.choice_id for bp in question.best_practices if bp.choice_id}
    if question.none_choice_id:
        ids.add(question.none_choice_id)
    return frozenset(ids)


# --- pillar -> WA Tool ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LocalAnswer:
    """A question's pillar answers in WA Tool terms, and what the mapping could not carry."""

    question_id: str  # SECnn
    answer: WaAnswer
    unanswered: tuple[str, ...] = ()  # best practices still unanswered in a decided question

    @property
    def partial(self) -> bool:
        """Some best practices are decided and some are not: push skips it unless asked."""
        return bool(self.unanswered)


def local_answer(
    question: Question, state: QuestionState, answers: Mapping[str, Answer]
) -> LocalAnswer:
    """The WA Tool answer pillar's answers to `question` amount to (see the module doc)."""
    notes = wa_notes(state.notes)
    if state.does_not_apply:
        answer = wa_answer(
            question.wa_question_id, applicable=False, reason=state.reason, notes=notes
        )
        return LocalAnswer(question.id, answer)
    met: list[str] = []
    marks: list[tuple[str, NotApplicableReason]] = []
    unanswered: list[str] = []
    decided = state.none_of_these
    for bp in question.best_practices:
        status = effective_status(bp.id, state, answers)
        if status is AnswerStatus.UNANSWERED:
            unanswered.append(bp.id)
            continue
        if status is AnswerStatus.NOT_APPLICABLE:
            if bp.choice_id:
                own = answers.get(bp.id)
                marks.append((bp.choice_id, (own.reason if own else None) or _reason(None)))
            continue
        decided = True
        if status is AnswerStatus.MET and bp.choice_id:
            met.append(bp.choice_id)
    if not decided:
        selected: list[str] = []
        unanswered = []  # nothing decided: the question is unanswered, not partial
    elif met:
        selected = met
    else:
        selected = [question.none_choice_id] if question.none_choice_id else []
    answer = wa_answer(
        question.wa_question_id, selected=selected, not_applicable=marks, notes=notes
    )
    return LocalAnswer(question.id, answer, tuple(unanswered))


# --- WA Tool -> pillar ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LocalUpdate:
    """What pillar's answers to a question become when they take a WA Tool answer."""

    question_id: str
    state: QuestionState
    answers: tuple[tuple[str, AnswerStatus, NotApplicableReason | None], ...] = ()


def local_update(
    question: Question,
    remote: WaAnswer,
    state: QuestionState,
    lens_choices: frozenset[str] | None = None,
) -> LocalUpdate:
    """pillar's answers for `question` taken from the WA Tool answer `remote`.

    UNANSWERED -> unanswered; not applicable -> the question does not apply (best
    practices kept as they are); the "none of these" choice -> none of these; a selected
    choice -> met; a choice marked not applicable -> not applicable with its reason;
    otherwise not met. Best practices whose choice the workload's lens does not have
    (`lens_choices`) are left alone. Notes: the WA Tool's, unless they are pillar's own
    notes as cut for the WA Tool (then pillar's whole notes stay).
    """
    notes = state.notes if wa_notes(state.notes) == remote.notes else remote.notes
    if not remote.applicable:
        new_state = replace(state, does_not_apply=True, reason=remote.reason, notes=notes)
        return LocalUpdate(question.id, new_state)
    marks = dict(remote.not_applicable)
    bp_choices = {bp.choice_id for bp in question.best_practices if bp.choice_id}
    none = (
        question.none_choice_id is not None
        and question.none_choice_id in remote.selected
        and not (remote.selected & bp_choices)
    )
    changes: list[tuple[str, AnswerStatus, NotApplicableReason | None]] = []
    for bp in question.best_practices:
        choice = bp.choice_id
        if choice is None or (lens_choices is not None and choice not in lens_choices):
            continue
        if choice in marks:
            changes.append((bp.id, AnswerStatus.NOT_APPLICABLE, marks[choice]))
        elif choice in remote.selected:
            changes.append((bp.id, AnswerStatus.MET, None))
        elif not remote.selected:
            changes.append((bp.id, AnswerStatus.UNANSWERED, None))
        else:
            changes.append((bp.id, AnswerStatus.NOT_MET, None))
    new_state = QuestionState(question.id, none_of_these=none, notes=notes)
    return LocalUpdate(question.id, new_state, tuple(changes))


def applied(update: LocalUpdate, answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """`answers` with an update's statuses in (for computing what a pull leads to)."""
    result = dict(answers)
    for bp_id, status, reason in update.answers:
        old = result.get(bp_id, Answer(bp_id))
        result[bp_id] = replace(old, status=status, reason=reason)
    return result


# --- the AWS side ----------------------------------------------------------------------


def answer_from_aws(data: Mapping[str, Any]) -> WaAnswer:
    """A WaAnswer from an AWS `Answer` (GetAnswer, UpdateAnswer) or `AnswerSummary`."""
    applicable = data.get("IsApplicable", True) is not False
    unanswered = data.get("Risk") == "UNANSWERED"
    marks = data.get("ChoiceAnswers", data.get("ChoiceAnswerSummaries", [])) or []
    not_applicable = [
        (str(m["ChoiceId"]), _reason(m.get("Reason")))
        for m in marks
        if isinstance(m, Mapping) and m.get("Status") == "NOT_APPLICABLE" and m.get("ChoiceId")
    ]
    selected = (
        [] if unanswered and applicable else [str(c) for c in data.get("SelectedChoices", [])]
    )
    return wa_answer(
        str(data.get("QuestionId", "")),
        applicable=applicable,
        reason=_reason(data.get("Reason")) if not applicable else None,
        selected=selected,
        not_applicable=not_applicable,
        notes=str(data.get("Notes", "") or ""),
    )


@dataclass(frozen=True, slots=True)
class UpdateAnswerRequest:
    """The UpdateAnswer call that makes the WA Tool hold `answer`."""

    question_id: str
    applicable: bool
    reason: NotApplicableReason | None
    selected: tuple[str, ...]
    choice_updates: tuple[tuple[str, str, NotApplicableReason | None], ...]  # id, status, why
    notes: str

    def params(self) -> dict[str, Any]:
        """The request's parameters (besides WorkloadId and LensAlias)."""
        params: dict[str, Any] = {
            "QuestionId": self.question_id,
            "IsApplicable": self.applicable,
            "Notes": self.notes,
        }
        if not self.applicable:
            params["Reason"] = (self.reason or NotApplicableReason.NONE).value
            return params
        params["SelectedChoices"] = list(self.selected)
        if self.choice_updates:
            params["ChoiceUpdates"] = {
                choice: {"Status": status, **({"Reason": why.value} if why else {})}
                for choice, status, why in self.choice_updates
            }
        return params


def update_request(
    question: Question, local: WaAnswer, remote: WaAnswer | None
) -> UpdateAnswerRequest:
    """The UpdateAnswer request that pushes `local` over `remote` (the WA Tool's answer
    now, every choice included). Choices pillar's bank does not know that are selected
    remotely stay selected, unless pillar selects "none of these"; marks pillar does not
    set are cleared only on choices it knows."""
    if not local.applicable:
        return UpdateAnswerRequest(local.question_id, False, local.reason, (), (), local.notes)
    known = bank_choices(question)
    foreign = frozenset() if remote is None else remote.selected - known
    none_only = local.selected == {question.none_choice_id}
    selected = local.selected if none_only else local.selected | foreign
    updates: dict[str, tuple[str, NotApplicableReason | None]] = {}
    for choice, why in local.not_applicable:
        updates[choice] = ("NOT_APPLICABLE", why)
    for choice, _ in () if remote is None else remote.not_applicable:
        if choice in known and choice not in updates:
            updates[choice] = ("SELECTED" if choice in selected else "UNSELECTED", None)
    return UpdateAnswerRequest(
        local.question_id,
        True,
        None,
        tuple(sorted(selected)),
        tuple((c, s, w) for c, (s, w) in sorted(updates.items())),
        local.notes,
    )


# --- lens versions ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LensMismatch:
    """Ids on one side with no partner on the other (a different lens version)."""

    questions_only_in_pillar: tuple[str, ...] = ()  # WA question ids the workload lacks
    questions_only_in_workload: tuple[str, ...] = ()
    choices_only_in_pillar: tuple[str, ...] = ()  # choice ids
    choices_only_in_workload: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return bool(
            self.questions_only_in_pillar
            or self.questions_only_in_workload
            or self.choices_only_in_pillar
            or self.choices_only_in_workload
        )

    def lines(self) -> list[str]:
        """One line per kind of mismatch, for people."""
        out = []
        if self.questions_only_in_pillar:
            out.append(
                "questions the workload's lens does not have: "
                + ", ".join(self.questions_only_in_pillar)
            )
        if self.questions_only_in_workload:
            out.append(
                "questions pillar's bank does not have: "
                + ", ".join(self.questions_only_in_workload)
            )
        if self.choices_only_in_pillar:
            out.append(
                "choices the workload's lens does not have: "
                + ", ".join(self.choices_only_in_pillar)
            )
        if self.choices_only_in_workload:
            out.append(
                "choices pillar's bank does not have: " + ", ".join(self.choices_only_in_workload)
            )
        return out


@dataclass(frozen=True, slots=True)
class LensQuestion:
    """A question of the workload's lens, with every choice it offers."""

    question_id: str
    pillar_id: str
    choices: frozenset[str] = field(default_factory=frozenset)


def lens_mismatch(pillar: Pillar, lens: Mapping[str, LensQuestion]) -> LensMismatch:
    """Every question and choice id on either side without a partner on the other."""
    bank = {q.wa_question_id: q for q in pillar.questions}
    only_pillar_q = sorted(q for q in bank if q not in lens)
    only_workload_q = sorted(
        q for q, lq in lens.items() if q not in bank and lq.pillar_id == PILLAR_ID
    )
    only_pillar_c: list[str] = []
    only_workload_c: list[str] = []
    for wa_id, question in bank.items():
        remote = lens.get(wa_id)
        if remote is None:
            continue
        ours = bank_choices(question)
        only_pillar_c.extend(sorted(ours - remote.choices))
        only_workload_c.extend(sorted(remote.choices - ours))
    return LensMismatch(
        tuple(only_pillar_q), tuple(only_workload_q), tuple(only_pillar_c), tuple(only_workload_c)
    )


def answer_summary(question: Question, answer: WaAnswer | None, *, notes: int = 60) -> str:
    """One line saying what an answer holds, in pillar's words (best-practice ids).

    Choice ids pillar's bank does not know are named as they are. Notes (untrusted)
    are made safe and cut to `notes` characters; callers still escape for their medium.
    """
    from review.text import safe_line

    if answer is None:
        return "not in the workload's lens"
    if not answer.applicable:
        text = f"does not apply ({(answer.reason or NotApplicableReason.NONE).value})"
    elif not answer.selected:
        text = "unanswered"
    elif answer.selected == {question.none_choice_id}:
        text = "none of these"
    else:
        met = sorted(_bp_name(question, c) for c in answer.selected)
        text = "met: " + ", ".join(met)
    if answer.applicable and answer.not_applicable:
        marks = ", ".join(f"{_bp_name(question, c)} ({r.value})" for c, r in answer.not_applicable)
        text += f"; n/a: {marks}"
    if answer.notes:
        text += f"; notes: '{safe_line(answer.notes, notes)}'"
    return text


def _bp_name(question: Question, choice_id: str) -> str:
    bp = question.best_practice_of_choice(choice_id)
    return bp.id if bp is not None else choice_id
