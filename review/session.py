"""The editing session: one open review and the changes people make to it.

`ReviewStore.open()` returns a `ReviewSession`. Each change method works out the new
review with the pure rules of review.rules (and review.workshop for clocks), then saves
it through the store's `ReviewFile`; it returns the new Review only once the change is
durable, or raises (`InvalidChange`, `SaveFailed`, `ReadOnlyReview`) and leaves both the
file and `session.review` as they were.

Workshop clocks survive a crash: every save records its time in the file, and a review
opened for changes whose workshop clock was left running (pillar was killed, or closed
without pausing it) resumes with its clocks stopped at that last save
(review.workshop.recover), not at the moment it was reopened. A front end that wants
the clocks exact to the minute while nothing else is saved calls `checkpoint()` now and
then during a workshop.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from checks.result import ScanResult
from questions import Pillar
from review import rules
from review.errors import InvalidChange
from review.evidence import proposals_to_apply
from review.model import (
    AnswerStatus,
    Environment,
    Milestone,
    NotApplicableReason,
    ParkedItem,
    Participant,
    QuestionState,
    Review,
    ScanScope,
    SyncedQuestion,
    WorkloadLink,
    Workshop,
)
from review.plan import PlanTracking
from review.store import ReviewFile, ReviewStore
from review.workshop import recover


@dataclass(frozen=True, slots=True)
class AppliedProposals:
    """What `apply_proposals` did: the new review and the best practices it answered."""

    review: Review
    applied: tuple[str, ...]


class ReviewSession:
    """One open review. Change methods return the new Review once it is durable."""

    def __init__(self, file: ReviewFile, pillar: Pillar) -> None:
        self._file = file
        self.pillar = pillar
        self._review = file.review
        if not file.read_only:
            self._review = _recovered(pillar, file.review, file.saved_at)

    # --- lifetime ---------------------------------------------------------------------

    @property
    def store(self) -> ReviewStore:
        return self._file.store

    @property
    def read_only(self) -> bool:
        return self._file.read_only

    @property
    def path(self) -> Path:
        return self._file.path

    @property
    def review(self) -> Review:
        return self._review

    def close(self) -> None:
        """Release the write lock (every change is already durable)."""
        self._file.close()

    def __enter__(self) -> ReviewSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def reload(self) -> Review:
        """Read the file again (for read-only sessions following another writer)."""
        review = self._file.reload()
        self._review = (
            review if self.read_only else _recovered(self.pillar, review, self._file.saved_at)
        )
        return self._review

    def _now(self) -> datetime:
        return self._file.store.clock()

    def _save(self, new: Review) -> Review:
        self._review = self._file.save(new)
        return self._review

    def checkpoint(self) -> Review:
        """Save nothing new but the time: a running workshop's clocks are then known to
        have run until now, should pillar be killed before the next change."""
        return self._save(self._review)

    # --- changes ------------------------------------------------------------------------

    def set_answer(
        self,
        bp_id: str,
        status: AnswerStatus,
        *,
        by: str,
        note: str | None = None,
        reason: NotApplicableReason | None = None,
        why: str = "",
    ) -> Review:
        """Answer one best practice as a person (keeps the note unless `note` is given).

        `reason` is required for not_applicable (NONE if nothing better applies) and
        refused otherwise. `why` is kept in the history (e.g. why evidence was overridden).
        Answering MET clears the question's "none of these".
        """
        answer = rules.NewAnswer(rules.best_practice_id(self.pillar, bp_id), status, reason, note)
        return self._save(
            rules.with_answers(self.pillar, self._review, [answer], by=by, why=why, now=self._now())
        )

    def set_question_state(
        self,
        question_id: str,
        *,
        does_not_apply: bool | None = None,
        reason: NotApplicableReason | None = None,
        none_of_these: bool | None = None,
        notes: str | None = None,
    ) -> Review:
        """Change what was said about a whole question (only the arguments given)."""
        new = rules.with_question_state(
            self._review,
            rules.question_id(self.pillar, question_id),
            now=self._now(),
            does_not_apply=does_not_apply,
            reason=reason,
            none_of_these=none_of_these,
            notes=notes,
        )
        return self._save(new)

    def set_notes(self, notes: str) -> Review:
        """Replace the review's free-form workload notes."""
        return self._save(rules.with_notes(self._review, notes, self._now()))

    def set_details(
        self,
        *,
        name: str | None = None,
        description: str | None = None,
        owner: str | None = None,
        environment: Environment | None = None,
        account_ids: Iterable[str] | None = None,
        regions: Iterable[str] | None = None,
        participants: Iterable[Participant] | None = None,
    ) -> Review:
        """Change the review's own fields (only the arguments given)."""
        new = rules.with_details(
            self._review,
            now=self._now(),
            name=name,
            description=description,
            owner=owner,
            environment=environment,
            account_ids=account_ids,
            regions=regions,
            participants=participants,
        )
        return self._save(new)

    def set_participants(self, participants: Iterable[Participant]) -> Review:
        """Replace who takes part in the review's workshops (names trimmed, each name once)."""
        new = rules.with_participants(self._review, participants, self._now())
        return self._review if new is self._review else self._save(new)

    def save_workshop(self, workshop: Workshop) -> Review:
        """Save a workshop session (see review.rules.with_workshop): it replaces the
        session with the same start, else it is added; only one session runs at a time."""
        new = rules.with_workshop(self.pillar, self._review, workshop, self._now())
        return self._review if new is self._review else self._save(new)

    def park(self, question_id: str, text: str, *, owner: str = "", by: str) -> ParkedItem:
        """Park a follow-up on a question (it becomes a plan item). Ids are P1, P2, ...
        in order and never reused; the text is kept exactly as given."""
        item = rules.new_parked_item(
            self._review,
            rules.question_id(self.pillar, question_id),
            text,
            owner=owner,
            by=by,
            now=self._now(),
        )
        self._save(rules.with_parked(self._review, item))
        return item

    def set_plan_tracking(self, tracking: PlanTracking) -> Review:
        """Set the owner, due date and status of one plan item (see review.plan)."""
        return self._save(rules.with_plan_tracking(self._review, tracking, self._now()))

    def visit(self, question_id: str) -> Review:
        """Remember the last question visited (where a resumed review starts)."""
        new = rules.visited(self._review, rules.question_id(self.pillar, question_id))
        return self._review if new is self._review else self._save(new)

    def set_scan_scope(self, scope: ScanScope | None) -> Review:
        """Remember what scans of this review cover (None forgets it; see review.scope)."""
        new = rules.with_scan_scope(self._review, scope, self._now())
        return self._review if new is self._review else self._save(new)

    def attach_evidence(self, scan: ScanResult) -> Review:
        """Store the latest scan with the review (answers are not touched)."""
        return self._save(rules.with_evidence(self._review, scan, self._now()))

    def apply_proposals(
        self, *, accepted_by: str, only: Iterable[str] | None = None
    ) -> AppliedProposals:
        """Accept the stored evidence's proposals for best practices still unanswered.

        A person's answer is never overwritten; `only` limits the best practices
        considered. Applied answers have the source 'evidence (accepted by NAME)'.
        """
        if not accepted_by.strip():
            raise InvalidChange("say who accepts the proposals (a name)")
        proposals = proposals_to_apply(self.pillar, self._review, only)
        if not proposals:
            return AppliedProposals(self._review, ())
        answers = rules.accepted_answers(proposals, accepted_by)
        new = rules.with_answers(
            self.pillar,
            self._review,
            answers,
            by=accepted_by,
            why="accepted evidence proposal",
            now=self._now(),
        )
        return AppliedProposals(self._save(new), tuple(a.bp_id for a in answers))

    def save_milestone(self, name: str) -> Milestone:
        """Freeze the current answers under a name (unique within the review)."""
        milestone = rules.new_milestone(self._review, name, self._now())
        self._save(rules.with_milestone(self._review, milestone))
        return milestone

    # --- sync with the AWS WA Tool (review.watool decides what; the session stores it) --

    def link_workload(self, link: WorkloadLink | None) -> Review:
        """Remember the AWS WA Tool workload this review syncs with (None forgets it)."""
        new = rules.with_workload_link(self._review, link, self._now())
        return self._review if new is self._review else self._save(new)

    def record_sync(self, synced: Iterable[SyncedQuestion]) -> Review:
        """Remember what both sides agreed for some questions (the review's answers are
        not touched). Refused when the review is not linked to a workload."""
        new = rules.with_sync_agreed(self._review, synced)
        return self._review if new is self._review else self._save(new)

    def apply_remote(
        self,
        answers: Iterable[tuple[str, AnswerStatus, NotApplicableReason | None]],
        states: Iterable[QuestionState],
        synced: Iterable[SyncedQuestion],
        *,
        by: str,
        why: str,
    ) -> Review:
        """Answers and question states taken from the AWS WA Tool, and what both sides
        agree afterwards, in one durable write (see review.rules.with_remote_answers)."""
        new = rules.with_remote_answers(
            self.pillar, self._review, answers, states, synced, by=by, why=why, now=self._now()
        )
        return self._review if new is self._review else self._save(new)


def _recovered(pillar: Pillar, review: Review, saved_at: datetime | None) -> Review:
    """The review with a workshop clock left running by a pillar that stopped without
    pausing it stopped at the file's last save (`updated_at` for older files)."""
    workshop = review.active_workshop
    if workshop is None:
        return review
    stopped = recover(workshop, saved_at or review.updated_at)
    if stopped == workshop:
        return review
    return rules.with_workshop(pillar, review, stopped, saved_at or review.updated_at)
