"""Push, pull and status: the plans of `review.watool.state` carried out.

The WA Tool is reached only through `WaTool` (allow-listed client); the review changes
only through its `ReviewSession` (durable writes). Each answer sent is recorded as agreed
right after the WA Tool accepted it, so a push cut off half way (Ctrl-C, throttling past
retries, a lost network) leaves a state that the next status explains and the next push
completes. Pulled answers are recorded in the history as by the WA Tool, with the
workload's ARN.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from questions import Pillar, Question
from review.model import (
    Answer,
    AnswerChange,
    AnswerStatus,
    Milestone,
    NotApplicableReason,
    QuestionState,
    Responses,
    Review,
    SyncedQuestion,
    WorkloadLink,
    utc_now,
)
from review.session import ReviewSession
from review.store import ReviewStore, iter_reviews
from review.text import safe_line
from review.watool.client import (
    LensReview,
    NewWorkload,
    RemoteAnswers,
    WaTool,
    WaToolError,
    Workload,
)
from review.watool.mapping import (
    LENS_ALIAS,
    PILLAR_ID,
    LensMismatch,
    LensQuestion,
    LocalAnswer,
    bank_choices,
    fingerprint,
    lens_mismatch,
    local_answer,
    local_update,
    update_request,
    wa_answer,
)
from review.watool.state import (
    PullAction,
    PullStep,
    PushAction,
    PushStep,
    QuestionSync,
    SyncState,
    pull_plan,
    push_plan,
    question_sync,
)

WA_TOOL = "AWS WA Tool"
"""Who pulled answers are by, in the history."""

Progress = Callable[[str, int, int], None]
"""progress(what, done, total): what is happening; total 0 when unknown."""


def _no_progress(what: str, done: int, total: int) -> None:
    """Progress is optional."""


class SyncError(Exception):
    """A sync cannot go on; the message is one sentence saying what to do."""

    user_error = True
    exit_code = 1


# --- comparing both sides ------------------------------------------------------------------


def known_choices(question: Question, lens: LensQuestion) -> frozenset[str]:
    """The choice ids both pillar's bank and the workload's lens have for a question."""
    return bank_choices(question) & lens.choices


def compare(
    pillar: Pillar, review: Review, remote: RemoteAnswers | None
) -> tuple[QuestionSync, ...]:
    """Every question of the bank on both sides, with its sync state."""
    answers = review.responses.by_best_practice
    link = review.wa_link
    result = []
    for question in pillar.questions:
        local = local_answer(question, review.question_state(question.id), answers)
        lens = None if remote is None else remote.questions.get(question.wa_question_id)
        remote_answer = None if remote is None else remote.answers.get(question.wa_question_id)
        if lens is None or remote_answer is None:
            result.append(question_sync(local, None, None))
            continue
        known = known_choices(question, lens)
        seen_local = LocalAnswer(
            local.question_id, local.answer.restricted(known), local.unanswered
        )
        agreed = link.agreed(question.id) if link is not None else None
        result.append(
            question_sync(
                seen_local,
                remote_answer.restricted(known),
                agreed.fingerprint if agreed is not None else None,
            )
        )
    return tuple(result)


def _bank_lens(pillar: Pillar) -> RemoteAnswers:
    """An empty workload whose lens is exactly the bank (what `--create` will make)."""
    remote = RemoteAnswers()
    for question in pillar.questions:
        wa_id = question.wa_question_id
        remote.questions[wa_id] = LensQuestion(wa_id, PILLAR_ID, bank_choices(question))
        remote.answers[wa_id] = wa_answer(wa_id)
    return remote


@dataclass(frozen=True, slots=True)
class Report:
    """Both sides of a linked review: per-question states and the lens they share."""

    review: Review
    workload: Workload | None
    lens: LensReview | None
    mismatch: LensMismatch
    questions: tuple[QuestionSync, ...]

    @property
    def conflicts(self) -> tuple[QuestionSync, ...]:
        return tuple(q for q in self.questions if q.state is SyncState.CONFLICT)

    def count(self, state: SyncState) -> int:
        return sum(1 for q in self.questions if q.state is state)


def status(pillar: Pillar, review: Review, wa: WaTool | None) -> Report:
    """Per question: in sync, local changes, remote changes, conflict, or not linked.

    Reads only. `wa` may be None for a review that is not linked (nothing to read)."""
    link = review.wa_link
    if link is None or wa is None:
        return Report(review, None, None, LensMismatch(), compare(pillar, review, None))
    workload = wa.workload(link.workload_id)
    if link.lens_alias not in workload.lenses:
        return Report(review, workload, None, LensMismatch(), compare(pillar, review, None))
    lens = wa.lens_review(workload.id, link.lens_alias)
    remote = wa.answers(workload.id, link.lens_alias, wanted=_wanted(pillar))
    return Report(
        review,
        workload,
        lens,
        lens_mismatch(pillar, remote.questions),
        compare(pillar, review, remote),
    )


def _wanted(pillar: Pillar) -> frozenset[str]:
    return frozenset(q.wa_question_id for q in pillar.questions)


# --- push ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PushOptions:
    create: bool = False
    workload: str | None = None  # id, ARN or name
    milestone: str | None = None
    dry_run: bool = False
    include_partial: bool = False
    prefer_local: bool = False
    owner: str = ""  # review owner for a new workload when the review names none


@dataclass(frozen=True, slots=True)
class PushResult:
    workload: Workload | None  # None: a dry run of --create (nothing made yet)
    workload_name: str
    created: bool
    lens_associated: bool
    lens: LensReview | None
    mismatch: LensMismatch
    steps: tuple[PushStep, ...]
    sent: tuple[str, ...] = ()  # questions whose answer was sent
    stored_otherwise: tuple[str, ...] = ()  # sent, but the WA Tool holds something else
    milestone: int | None = None
    writes: int = 0
    dry_run: bool = False
    notes: tuple[str, ...] = ()

    def with_action(self, action: PushAction) -> tuple[PushStep, ...]:
        return tuple(s for s in self.steps if s.action is action)

    @property
    def conflicts(self) -> tuple[PushStep, ...]:
        return self.with_action(PushAction.CONFLICT)


def new_workload(review: Review, *, owner: str, region: str) -> tuple[NewWorkload, tuple[str, ...]]:
    """The CreateWorkload request for a review, and notes on what had to be adapted."""
    notes: list[str] = []
    name = " ".join(review.name.split())
    if not 3 <= len(name) <= 100:
        raise SyncError(
            f"a WA Tool workload name needs 3 to 100 characters ('{safe_line(name, 40)}' has "
            f"{len(name)}); rename the review (Home: r) or push to an existing workload with "
            "--workload"
        )
    description = (
        " ".join(review.description.split()) or f"Security Pillar review {name}, kept in pillar"
    )
    if len(description) > 250:
        description = description[:249] + "…"
        notes.append("the description was cut to the WA Tool's 250 characters")
    description = description.ljust(3, ".")
    review_owner = " ".join((review.owner or owner).split())[:255]
    if len(review_owner) < 3:
        review_owner = ""
    accounts = tuple(a for a in review.account_ids if a.isdigit() and len(a) == 12)[:100]
    skipped = [a for a in review.account_ids if a not in accounts]
    if skipped:
        notes.append(f"account ids left out (not 12 digits): {', '.join(skipped)}")
    regions = review.regions[:50] or (region,)
    if not review.regions:
        notes.append(f"the review names no regions: the workload lists {region}")
    spec = NewWorkload(
        name=name,
        description=description,
        environment=review.environment,
        review_owner=review_owner,
        account_ids=accounts,
        regions=regions,
        # One token per push: botocore's retries of this create make one workload.
        client_request_token=f"pillar-{uuid.uuid4().hex}",
    )
    return spec, tuple(notes)


def _link(workload: Workload, region: str) -> WorkloadLink:
    return WorkloadLink(workload.arn, workload.region or region, utc_now(), LENS_ALIAS)


def push(
    session: ReviewSession,
    wa: WaTool,
    options: PushOptions,
    progress: Progress = _no_progress,
) -> PushResult:
    """Send pillar's answers to the WA Tool (see `review.watool.state` for what is sent)."""
    pillar = session.store.pillar
    review = session.review
    link = review.wa_link
    notes: list[str] = []
    created = False
    workload: Workload | None
    if options.milestone is not None and not 3 <= len(options.milestone) <= 100:
        name = safe_line(options.milestone, 40)
        raise SyncError(
            f"a WA Tool milestone name needs 3 to 100 characters ('{name}' has "
            f"{len(options.milestone)}); choose another --milestone name"
        )
    progress("finding the workload", 0, 0)
    if options.create:
        if link is not None:
            raise SyncError(
                f"review {_name(review)} already syncs with workload {link.workload_id}; "
                "push without --create"
            )
        spec, adapted = new_workload(review, owner=options.owner, region=wa.region)
        notes.extend(adapted)
        same = [
            w for w in wa.list_workloads(spec.name) if w.name.casefold() == spec.name.casefold()
        ]
        if same:
            raise SyncError(
                f"a WA Tool workload named '{safe_line(same[0].name, 60)}' already exists "
                f"({same[0].id}); push to it with --workload {same[0].id}"
            )
        if options.dry_run:
            workload = None
        else:
            try:
                workload = wa.create_workload(spec)
            except WaToolError as error:
                if error.code == "ConflictException":
                    raise SyncError(
                        f"the WA Tool already has a workload named '{safe_line(spec.name, 60)}'; "
                        "push to it with --workload NAME"
                    ) from None
                raise
            created = True
            link = _link(workload, wa.region)
            session.link_workload(link)
    elif options.workload:
        workload = wa.find_workload(options.workload)
        if link is not None and link.arn != workload.arn:
            raise SyncError(
                f"review {_name(review)} already syncs with workload {link.workload_id}, not "
                f"{workload.id}; to start another copy, `pillar export` and `pillar import` "
                "the review and push that"
            )
        if link is None and not options.dry_run:
            link = _link(workload, wa.region)
            session.link_workload(link)
    else:
        if link is None:
            raise SyncError(
                f"review {_name(review)} is not linked to a WA Tool workload; give "
                "--workload ID|ARN|NAME or --create"
            )
        workload = wa.workload(link.workload_id)

    associated = False
    if workload is not None and LENS_ALIAS not in workload.lenses:
        if options.dry_run:
            notes.append(f"the workload does not use the {LENS_ALIAS} lens yet: push would add it")
        else:
            wa.associate_lens(workload.id)
            associated = True
    if workload is None or (LENS_ALIAS not in workload.lenses and not associated):
        lens: LensReview | None = None
        remote = _bank_lens(pillar)
    else:
        progress("reading the workload's answers", 0, 0)
        lens = wa.lens_review(workload.id)
        remote = wa.answers(workload.id, wanted=_wanted(pillar))
    review = session.review
    questions = compare(pillar, review, remote)
    steps = push_plan(
        questions, include_partial=options.include_partial, prefer_local=options.prefer_local
    )
    name = (
        workload.name if workload is not None else new_workload(review, owner="", region="")[0].name
    )
    result = PushResult(
        workload=workload,
        workload_name=name,
        created=created,
        lens_associated=associated,
        lens=lens,
        mismatch=lens_mismatch(pillar, remote.questions),
        steps=steps,
        dry_run=options.dry_run,
        notes=tuple(notes),
    )
    if options.dry_run or workload is None:
        return replace(result, writes=wa.writes)

    sent: list[str] = []
    otherwise: list[str] = []
    to_send = [s for s in steps if s.action is PushAction.SEND]
    for done, step in enumerate(to_send):
        question = pillar.question(step.sync.question_id)
        progress(f"sending {question.id}", done, len(to_send))
        request = update_request(
            question, step.sync.local.answer, remote.answers.get(question.wa_question_id)
        )
        stored = wa.update_answer(workload.id, request)
        known = known_choices(question, remote.questions[question.wa_question_id])
        stored = stored.restricted(known)
        session.record_sync([SyncedQuestion(question.id, fingerprint(stored), utc_now())])
        sent.append(question.id)
        if stored != step.sync.local.answer:
            otherwise.append(question.id)
    progress("answers sent", len(to_send), len(to_send))
    _record_agreements(session, steps)
    milestone = None
    if options.milestone:
        progress("recording the milestone", 0, 0)
        milestone = wa.create_milestone(workload.id, options.milestone)
    return replace(
        result,
        sent=tuple(sent),
        stored_otherwise=tuple(otherwise),
        milestone=milestone,
        writes=wa.writes,
    )


def _record_agreements(
    session: ReviewSession, steps: tuple[PushStep, ...] | tuple[PullStep, ...]
) -> None:
    """Questions already equal on both sides: remember that as agreed (no AWS write)."""
    now = utc_now()
    items = []
    for step in steps:
        sync = step.sync
        if sync.state is SyncState.IN_SYNC and sync.remote is not None:
            current = fingerprint(sync.remote)
            if sync.agreed != current:
                items.append(SyncedQuestion(sync.question_id, current, now))
    if items:
        session.record_sync(items)


def _name(review: Review) -> str:
    return f"'{safe_line(review.name, 60)}'"


# --- pull ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PullResult:
    review: Review
    workload: Workload
    lens: LensReview | None
    mismatch: LensMismatch
    steps: tuple[PullStep, ...]
    taken: tuple[str, ...] = ()
    changed_answers: int = 0  # best practices whose answer changed
    milestones: tuple[str, ...] = ()  # milestones imported (new review)
    notes: tuple[str, ...] = ()

    def with_action(self, action: PullAction) -> tuple[PullStep, ...]:
        return tuple(s for s in self.steps if s.action is action)

    @property
    def conflicts(self) -> tuple[PullStep, ...]:
        return self.with_action(PullAction.CONFLICT)


def pull(
    session: ReviewSession,
    wa: WaTool,
    *,
    prefer_remote: bool = False,
    progress: Progress = _no_progress,
) -> PullResult:
    """Bring a linked review up to date with its workload (see `review.watool.state`)."""
    pillar = session.store.pillar
    review = session.review
    link = review.wa_link
    if link is None:
        raise SyncError(
            f"review {_name(review)} is not linked to a WA Tool workload; push it first "
            "(pillar wa push REVIEW --workload ID or --create), or pull a workload into a new "
            "review with pillar wa pull --workload ID"
        )
    progress("reading the workload", 0, 0)
    workload = wa.workload(link.workload_id)
    if link.lens_alias not in workload.lenses:
        raise SyncError(
            f"workload {workload.id} does not use the {link.lens_alias} lens: there is "
            "nothing to pull"
        )
    progress("reading the workload's answers", 0, 0)
    lens = wa.lens_review(workload.id, link.lens_alias)
    remote = wa.answers(workload.id, link.lens_alias, wanted=_wanted(pillar))
    questions = compare(pillar, review, remote)
    steps = pull_plan(questions, prefer_remote=prefer_remote)
    answers = review.responses.by_best_practice
    changes: list[tuple[str, AnswerStatus, NotApplicableReason | None]] = []
    states: list[QuestionState] = []
    synced: list[SyncedQuestion] = []
    taken: list[str] = []
    now = utc_now()
    for step in steps:
        sync = step.sync
        if step.action is PullAction.TAKE and sync.remote is not None:
            question = pillar.question(sync.question_id)
            known = known_choices(question, remote.questions[question.wa_question_id])
            update = local_update(question, sync.remote, review.question_state(question.id), known)
            changes.extend(c for c in update.answers if _differs(answers, c))
            states.append(update.state)
            synced.append(SyncedQuestion(question.id, fingerprint(sync.remote), now))
            taken.append(question.id)
        elif sync.state is SyncState.IN_SYNC and sync.remote is not None:
            current = fingerprint(sync.remote)
            if sync.agreed != current:
                synced.append(SyncedQuestion(sync.question_id, current, now))
    new = session.apply_remote(
        changes,
        states,
        synced,
        by=WA_TOOL,
        why=f"pulled from the AWS WA Tool workload {workload.arn}",
    )
    return PullResult(
        review=new,
        workload=workload,
        lens=lens,
        mismatch=lens_mismatch(pillar, remote.questions),
        steps=steps,
        taken=tuple(taken),
        changed_answers=len(changes),
    )


def _differs(
    answers: Mapping[str, Answer], change: tuple[str, AnswerStatus, NotApplicableReason | None]
) -> bool:
    old = answers.get(change[0])
    status = old.status if old is not None else AnswerStatus.UNANSWERED
    reason = old.reason if old is not None else None
    return (status, reason) != (change[1], change[2])


def _responses_from(pillar: Pillar, remote: RemoteAnswers, at: datetime) -> Responses:
    """A fresh review's answers holding the workload's answers (by the WA Tool, at `at`)."""
    answers: list[Answer] = []
    states: list[QuestionState] = []
    for question in pillar.questions:
        lens = remote.questions.get(question.wa_question_id)
        answer = remote.answers.get(question.wa_question_id)
        if lens is None or answer is None:
            continue
        known = known_choices(question, lens)
        update = local_update(question, answer.restricted(known), QuestionState(question.id), known)
        answers.extend(
            Answer(bp_id, status, reason, by=WA_TOOL, at=at)
            for bp_id, status, reason in update.answers
            if status is not AnswerStatus.UNANSWERED
        )
        if not update.state.is_default:
            states.append(update.state)
    return Responses(
        tuple(sorted(answers, key=lambda a: a.bp_id)),
        tuple(sorted(states, key=lambda s: s.question_id)),
    )


def pull_new(
    store: ReviewStore,
    wa: WaTool,
    ref: str,
    *,
    name: str | None = None,
    milestones: bool = False,
    progress: Progress = _no_progress,
) -> PullResult:
    """A new local review made from a WA Tool workload (answers, notes, not-applicable
    reasons; with `milestones`, the workload's milestones as pillar milestones)."""
    pillar = store.pillar
    progress("finding the workload", 0, 0)
    workload = wa.find_workload(ref)
    for existing in iter_reviews(store):
        if existing.wa_link is not None and existing.wa_link.arn == workload.arn:
            raise SyncError(
                f"review {_name(existing)} already syncs with workload {workload.id}; bring it "
                f"up to date with pillar wa pull {existing.id}"
            )
    if LENS_ALIAS not in workload.lenses:
        raise SyncError(
            f"workload {workload.id} does not use the {LENS_ALIAS} lens: there is nothing to pull"
        )
    progress("reading the workload's answers", 0, 0)
    lens = wa.lens_review(workload.id)
    remote = wa.answers(workload.id, wanted=_wanted(pillar))
    now = utc_now()
    responses = _responses_from(pillar, remote, now)
    why = f"pulled from the AWS WA Tool workload {workload.arn}"
    history = tuple(
        AnswerChange(a.bp_id, now, WA_TOOL, AnswerStatus.UNANSWERED, a.status, why)
        for a in responses.answers
    )
    imported: list[Milestone] = []
    if milestones:
        summaries = wa.milestones(workload.id)
        for done, summary in enumerate(summaries):
            progress(f"reading milestone {safe_line(summary.name, 40)}", done, len(summaries))
            past = wa.answers(workload.id, milestone=summary.number, wanted=_wanted(pillar))
            imported.append(
                Milestone(
                    name=summary.name,
                    at=summary.recorded_at or now,
                    bank_revision=pillar.revision,
                    responses=_responses_from(pillar, past, now),
                )
            )
    questions = compare(pillar, Review("0" * 32, "", now, now, responses=responses), remote)
    synced = tuple(
        SyncedQuestion(q.question_id, fingerprint(q.remote), now)
        for q in questions
        if q.remote is not None
    )
    link = WorkloadLink(workload.arn, workload.region or wa.region, now, LENS_ALIAS, synced)
    review = Review(
        id=uuid.uuid4().hex,
        name=name or workload.name,
        created_at=now,
        updated_at=now,
        description=workload.description,
        owner=workload.review_owner,
        environment=workload.environment,
        account_ids=workload.account_ids,
        regions=workload.regions,
        bank_revision=pillar.revision,
        responses=responses,
        history=history,
        milestones=tuple(imported),
        wa_link=link,
    )
    review = store.import_review(review)
    steps = tuple(
        PullStep(q, PullAction.TAKE if q.remote is not None else PullAction.MISSING)
        for q in questions
    )
    return PullResult(
        review=review,
        workload=workload,
        lens=lens,
        mismatch=lens_mismatch(pillar, remote.questions),
        steps=steps,
        taken=tuple(q.question_id for q in questions if q.remote is not None),
        changed_answers=len(history),
        milestones=tuple(m.name for m in imported),
    )
