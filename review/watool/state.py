"""Per-question sync state and the plans of changes for push and pull. Pure.

The review keeps, per question, the fingerprint of the answer both sides held at the
last sync (`SyncedQuestion`). Comparing each side's answer now with it:

| pillar vs agreed | WA Tool vs agreed | state            | push          | pull          |
| ---------------- | ----------------- | ---------------- | ------------- | ------------- |
| (the two sides hold the same answer) | `in_sync`        | nothing       | nothing       |
| same             | changed           | `remote_changes` | left: pull    | taken         |
| changed          | same              | `local_changes`  | sent          | left: push    |
| changed          | changed           | `conflict`       | left (exit 5) | left (exit 5) |

Never synced (no agreement yet): the side that holds nothing yields to the other; when
both hold different answers it is a conflict. `--prefer local` (push) or `--prefer
remote` (pull) settles conflicts in that side's favour. A partial question (some best
practices unanswered) is skipped by push unless partial questions are included.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from questions import Pillar
from review.model import Review
from review.watool.mapping import LocalAnswer, WaAnswer, fingerprint, local_answer


class SyncState(StrEnum):
    IN_SYNC = "in_sync"
    LOCAL_CHANGES = "local_changes"
    REMOTE_CHANGES = "remote_changes"
    CONFLICT = "conflict"
    NOT_LINKED = "not_linked"


def sync_state(local: WaAnswer, remote: WaAnswer, agreed: str | None) -> SyncState:
    """The state of one question (see the module doc)."""
    if local == remote:
        return SyncState.IN_SYNC
    if agreed is None:
        if remote.is_empty:
            return SyncState.LOCAL_CHANGES
        if local.is_empty:
            return SyncState.REMOTE_CHANGES
        return SyncState.CONFLICT
    local_changed = fingerprint(local) != agreed
    remote_changed = fingerprint(remote) != agreed
    if local_changed and remote_changed:
        return SyncState.CONFLICT
    return SyncState.LOCAL_CHANGES if local_changed else SyncState.REMOTE_CHANGES


@dataclass(frozen=True, slots=True)
class QuestionSync:
    """One question on both sides: pillar's answer, the WA Tool's, and their state.

    `remote` is None when the workload's lens has no such question. Both answers are
    seen through the choice ids both sides know.
    """

    question_id: str  # SECnn
    local: LocalAnswer
    remote: WaAnswer | None
    agreed: str | None
    state: SyncState

    @property
    def wa_question_id(self) -> str:
        return self.local.answer.question_id


def question_sync(local: LocalAnswer, remote: WaAnswer | None, agreed: str | None) -> QuestionSync:
    if remote is None:
        return QuestionSync(local.question_id, local, None, agreed, SyncState.NOT_LINKED)
    return QuestionSync(
        local.question_id, local, remote, agreed, sync_state(local.answer, remote, agreed)
    )


class PushAction(StrEnum):
    SEND = "send"  # UpdateAnswer
    UNCHANGED = "unchanged"  # both sides already agree
    PARTIAL = "partial"  # skipped: best practices unanswered (--include-partial sends it)
    REMOTE_CHANGED = "remote_changed"  # skipped: changed in the WA Tool only; pull first
    CONFLICT = "conflict"  # skipped: changed on both sides (--prefer local sends it)
    MISSING = "missing"  # the workload's lens has no such question


class PullAction(StrEnum):
    TAKE = "take"  # pillar takes the WA Tool's answer
    UNCHANGED = "unchanged"
    LOCAL_CHANGED = "local_changed"  # left: changed in pillar only; push it
    CONFLICT = "conflict"  # left: changed on both sides (--prefer remote takes it)
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class PushStep:
    sync: QuestionSync
    action: PushAction
    partial: bool = False  # sent although partial (unanswered counts as not selected)


@dataclass(frozen=True, slots=True)
class PullStep:
    sync: QuestionSync
    action: PullAction


def push_plan(
    questions: tuple[QuestionSync, ...],
    *,
    include_partial: bool = False,
    prefer_local: bool = False,
) -> tuple[PushStep, ...]:
    """What push does with each question (see the module doc)."""
    steps = []
    for q in questions:
        if q.state is SyncState.NOT_LINKED:
            steps.append(PushStep(q, PushAction.MISSING))
        elif q.state is SyncState.IN_SYNC:
            steps.append(PushStep(q, PushAction.UNCHANGED))
        elif q.state is SyncState.REMOTE_CHANGES:
            steps.append(PushStep(q, PushAction.REMOTE_CHANGED))
        elif q.state is SyncState.CONFLICT and not prefer_local:
            steps.append(PushStep(q, PushAction.CONFLICT))
        elif q.local.partial and not include_partial:
            steps.append(PushStep(q, PushAction.PARTIAL))
        else:
            steps.append(PushStep(q, PushAction.SEND, partial=q.local.partial))
    return tuple(steps)


def pull_plan(
    questions: tuple[QuestionSync, ...], *, prefer_remote: bool = False
) -> tuple[PullStep, ...]:
    """What pull does with each question (see the module doc)."""
    steps = []
    for q in questions:
        if q.state is SyncState.NOT_LINKED:
            steps.append(PullStep(q, PullAction.MISSING))
        elif q.state is SyncState.IN_SYNC:
            steps.append(PullStep(q, PullAction.UNCHANGED))
        elif q.state is SyncState.LOCAL_CHANGES:
            steps.append(PullStep(q, PullAction.LOCAL_CHANGED))
        elif q.state is SyncState.CONFLICT and not prefer_remote:
            steps.append(PullStep(q, PullAction.CONFLICT))
        else:
            steps.append(PullStep(q, PullAction.TAKE))
    return tuple(steps)


def changed_since_sync(pillar: Pillar, review: Review) -> tuple[str, ...] | None:
    """Questions whose pillar answer is not what was agreed at the last sync (None when
    the review is not linked). Offline: it says nothing of changes made in the WA Tool,
    and it sees answers through the bank's choices (a workload on another lens version may
    show a question here that push then finds unchanged)."""
    link = review.wa_link
    if link is None:
        return None
    answers = review.responses.by_best_practice
    changed = []
    for question in pillar.questions:
        local = local_answer(question, review.question_state(question.id), answers).answer
        agreed = link.agreed(question.id)
        if (agreed is None and not local.is_empty) or (
            agreed is not None and fingerprint(local) != agreed.fingerprint
        ):
            changed.append(question.id)
    return tuple(changed)


def sync_label(pillar: Pillar, review: Review) -> str:
    """A few words for a header: '' when not linked, else what changed here since."""
    changed = changed_since_sync(pillar, review)
    if changed is None:
        return ""
    if not changed:
        return "WA Tool: in step"
    return f"WA Tool: {len(changed)} to push"
