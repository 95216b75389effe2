"""The plain-terminal interview: a review's questions walked with questionary prompts.

`pillar interview REVIEW` is the full-screen app's guided review for places a full-screen
app does not fit: plain SSH, a CI log, a screen reader. Each question is printed as plain
text (rich `Text`, never markup; untrusted text through `review.text`), then asked in three
prompts: does it apply (and if not, why), which best practices are met (a checkbox list,
pre-ticked from current answers or from evidence proposing "met"), and an optional note.

Every answer goes to the store right after the prompt that gave it, so Ctrl-C (or the end
of the input) at any prompt loses nothing that was answered. `Interviewer.run` reports how
many answers were saved and whether it was stopped; the click command turns that into a
message and exit code 130. Prompts take an optional prompt_toolkit `input` and `output`
so tests drive them through a pipe.

Nothing here is Textual; the session (`review.session.ReviewSession`) does every write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import questionary
from questionary import Choice
from rich.console import Console
from rich.table import Table
from rich.text import Text

from checks.result import Proposal, summarize
from questions import BestPractice, Pillar, Question
from questions.ids import question_id_from_ref
from review.model import AnswerStatus, NotApplicableReason, Review, notes_warning
from review.risk import effective_status, question_risk
from review.text import safe_line, safe_text
from review.vocabulary import ANSWER_LABEL, QUESTION_RISK_PHRASE, REASON_LABEL, reason_choice

if TYPE_CHECKING:
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

    from review.session import ReviewSession

CHECKBOX_MESSAGE = "Tick the best practices that are met; unticked ones are saved as not met."
CHECKBOX_INSTRUCTION = "(arrows move, space ticks or unticks, a toggles all, enter saves)"
CLEAR_NOTE = "-"
CHOICE_INDENT = 5  # questionary's " » ○ " before a choice title
TITLE_LIMIT = 200
NOTE_SHOWN = 500


def question_id_from(ref: str, pillar: Pillar) -> str | None:
    """The question id `ref` names ("SEC03", "sec3", "3"), or None if it names none."""
    question_id = question_id_from_ref(ref)
    if question_id is None:
        return None
    try:
        return pillar.question(question_id).id
    except KeyError:
        return None


def is_fully_answered(question: Question, review: Review) -> bool:
    """True when every best practice of the question has an answer (N/A counts)."""
    state = review.question_state(question.id)
    answers = review.responses.by_best_practice
    return all(
        effective_status(bp.id, state, answers) is not AnswerStatus.UNANSWERED
        for bp in question.best_practices
    )


def questions_to_ask(
    pillar: Pillar, review: Review, start: str | None, unanswered_only: bool
) -> tuple[Question, ...]:
    """The questions an interview walks, in bank order.

    From `start` if given; else, with `unanswered_only`, from the first question (so gaps
    left anywhere are found); else from the review's last visited question. With
    `unanswered_only`, questions whose best practices are all answered are skipped.
    """
    questions = pillar.questions
    if start is None and not unanswered_only:
        start = review.last_question
    ids = [q.id for q in questions]
    first = ids.index(start) if start in ids else 0
    walk = questions[first:]
    if unanswered_only:
        walk = tuple(q for q in walk if not is_fully_answered(q, review))
    return walk


@dataclass(frozen=True, slots=True)
class InterviewOutcome:
    """What an interview did: answers saved, questions finished, and whether it stopped."""

    saved: int
    questions_done: int
    questions_total: int
    stopped: bool


class Interviewer:
    """Walks questions with questionary prompts, saving each answer through `session`.

    `input` / `output` go to every prompt (prompt_toolkit objects; None means the
    terminal), `console` prints the questions. `by` is recorded on every answer.
    """

    def __init__(
        self,
        session: ReviewSession,
        *,
        by: str,
        console: Console,
        input: Input | None = None,
        output: Output | None = None,
    ) -> None:
        self.session = session
        self.pillar = session.store.pillar
        self.by = by
        self.console = console
        self._io: dict[str, Any] = {}
        if input is not None:
            self._io["input"] = input
        if output is not None:
            self._io["output"] = output
        self.saved = 0

    @property
    def review(self) -> Review:
        return self.session.review

    # --- the walk -------------------------------------------------------------------------

    def run(self, start: str | None = None, unanswered_only: bool = False) -> InterviewOutcome:
        """Ask the questions; stops cleanly on Ctrl-C or the end of the input."""
        walk = questions_to_ask(self.pillar, self.review, start, unanswered_only)
        done = 0
        if not walk:
            self._say(Text("Nothing to ask: every best practice is answered."))
            return InterviewOutcome(0, 0, 0, stopped=False)
        try:
            for position, question in enumerate(walk, start=1):
                self.ask(question, position, len(walk))
                done += 1
            self._say(
                Text(
                    f"\nDone: {done} question{_s(done)} walked, "
                    f"{self.saved} answer{_s(self.saved)} saved."
                )
            )
        except (KeyboardInterrupt, EOFError):
            return InterviewOutcome(self.saved, done, len(walk), stopped=True)
        return InterviewOutcome(self.saved, done, len(walk), stopped=False)

    def ask(self, question: Question, position: int = 1, total: int = 1) -> None:
        """One question: applies? -> best practices -> note, then remember the next one."""
        self.session.visit(question.id)
        self.show(question, position, total)
        if self._ask_applies(question):
            self._ask_best_practices(question)
        self._ask_note(question)
        self.session.visit(self._next_question_id(question))

    def _next_question_id(self, question: Question) -> str:
        """The question after this one; after the last, the first (the walk is complete)."""
        ids = [q.id for q in self.pillar.questions]
        index = ids.index(question.id) + 1
        return ids[index] if index < len(ids) else ids[0]

    # --- showing ----------------------------------------------------------------------------

    def _say(self, text: Text) -> None:
        self.console.print(text)

    def show(self, question: Question, position: int = 1, total: int = 1) -> None:
        """The question as plain text: id, title, why it matters, what to ask, where it is."""
        review = self.review
        state = review.question_state(question.id)
        answers = review.responses.by_best_practice
        answered = sum(
            effective_status(bp.id, state, answers) is not AnswerStatus.UNANSWERED
            for bp in question.best_practices
        )
        risk = question_risk(question, state, answers)
        self._say(Text(""))
        self._say(
            Text.assemble(
                (f"{question.id} ", "bold"),
                (f"({position} of {total}) · {question.area}", "dim"),
            )
        )
        self._say(Text(safe_text(question.title), style="bold"))
        self._say(
            Text(
                f"Now: {QUESTION_RISK_PHRASE[risk]}, {answered} of {len(question.best_practices)} "
                "best practices answered.",
                style="dim",
            )
        )
        if question.why_it_matters:
            self._say(
                Text.assemble(("Why it matters: ", "italic"), safe_text(question.why_it_matters))
            )
        if question.prompts:
            self._say(Text("Ask the room:", style="italic"))
            grid = Table.grid()
            grid.add_column(no_wrap=True)
            grid.add_column()
            for prompt in question.prompts:
                grid.add_row("  - ", Text(safe_line(prompt)))
            self.console.print(grid)
        if state.notes:
            self._say(Text.assemble(("Note: ", "italic"), _cut(state.notes, NOTE_SHOWN)))

    # --- the prompts ------------------------------------------------------------------------

    def _ask_applies(self, question: Question) -> bool:
        """Prompt 1: does the question apply? If not, why. Saved at once."""
        state = self.review.question_state(question.id)
        applies = bool(
            questionary.confirm(
                f"Does {question.id} apply to this workload?",
                default=not state.does_not_apply,
                **self._io,
            ).unsafe_ask()
        )
        if applies:
            if state.does_not_apply:
                self.session.set_question_state(question.id, does_not_apply=False)
                self.saved += 1
            return True
        current = state.reason or NotApplicableReason.OUT_OF_SCOPE
        choices = [Choice(reason_choice(reason), value=reason) for reason in REASON_LABEL]
        reason = questionary.select(
            f"Why does {question.id} not apply?",
            choices=choices,
            default=next(c for c in choices if c.value is current),
            instruction="(arrows move, enter chooses)",
            **self._io,
        ).unsafe_ask()
        if not isinstance(reason, NotApplicableReason):  # pragma: no cover - defensive
            raise KeyboardInterrupt
        if not (state.does_not_apply and state.reason is reason):
            self.session.set_question_state(question.id, does_not_apply=True, reason=reason)
            self.saved += 1
        self._say(Text(f"Saved: {question.id} does not apply ({reason.value})."))
        return False

    def _proposal(self, bp_id: str) -> Proposal | None:
        scan = self.review.evidence
        return scan.proposal(self.pillar, bp_id) if scan is not None else None

    def _evidence_words(self, bp: BestPractice) -> str:
        scan = self.review.evidence
        if scan is None:
            return "not scanned"
        proposal = scan.proposal(self.pillar, bp.id)
        summary = safe_line(summarize(scan.evidence_for(bp.id)), 80)
        if proposal is Proposal.MET:
            return f"evidence proposes met ({summary})"
        if proposal is Proposal.NOT_MET:
            return f"evidence proposes not met ({summary})"
        return f"evidence: {summary.strip('()')}"

    def _choice(self, bp: BestPractice, checked: bool) -> Choice:
        """Two lines, each cut to the terminal: id, risk and title; evidence and answer."""
        answer = self.review.answer(bp.id)
        now = ANSWER_LABEL[answer.status]
        if answer.status is AnswerStatus.NOT_APPLICABLE:
            reason = answer.reason.value if answer.reason else NotApplicableReason.NONE.value
            now = f"not applicable ({reason}), kept unless ticked"
        width = max(self.console.width - CHOICE_INDENT, 30)
        first = safe_line(f"{bp.id} [{bp.risk.value} risk] {bp.title}", width)
        second = safe_line(f"{self._evidence_words(bp)}; now {now}", width - 2)
        title = f"{first}\n{' ' * (CHOICE_INDENT + 2)}{second}"
        return Choice(title, value=bp.id, checked=checked)

    def _ask_best_practices(self, question: Question) -> None:
        """Prompt 2: the checkbox list. Ticked -> met, unticked -> not met (N/A kept)."""
        review = self.review
        state = review.question_state(question.id)
        choices = []
        for bp in question.best_practices:
            status = review.answer(bp.id).status
            checked = status is AnswerStatus.MET or (
                status is AnswerStatus.UNANSWERED
                and not state.none_of_these
                and self._proposal(bp.id) is Proposal.MET
            )
            choices.append(self._choice(bp, checked))
        ticked = questionary.checkbox(
            CHECKBOX_MESSAGE,
            choices=choices,
            instruction=CHECKBOX_INSTRUCTION,
            show_description=False,
            **self._io,
        ).unsafe_ask()
        if not isinstance(ticked, list):  # pragma: no cover - defensive
            raise KeyboardInterrupt
        self.save_ticks(question, {str(bp_id) for bp_id in ticked})

    def save_ticks(self, question: Question, ticked: set[str]) -> None:
        """Store what the checkbox said: plain answers and accepted proposals at once, then
        each answer that overrides the evidence after asking why."""
        review = self.review
        state = review.question_state(question.id)
        accepted: list[tuple[str, AnswerStatus]] = []
        plain: list[tuple[str, AnswerStatus]] = []
        overrides: list[tuple[str, AnswerStatus, Proposal]] = []
        for bp in question.best_practices:
            own = review.answer(bp.id).status
            if bp.id in ticked:
                new = AnswerStatus.MET
            elif own is AnswerStatus.NOT_APPLICABLE:
                continue  # an N/A best practice stays N/A unless ticked
            else:
                new = AnswerStatus.NOT_MET
            if new is own:
                continue  # nothing changes: keep who answered it and when
            proposal = self._proposal(bp.id)
            proposed = _as_status(proposal)
            if proposal is None or proposed is None:
                plain.append((bp.id, new))
            elif proposed is new:
                if own is AnswerStatus.UNANSWERED and not state.none_of_these:
                    accepted.append((bp.id, new))
                else:
                    plain.append((bp.id, new))
            else:
                overrides.append((bp.id, new, proposal))
        if accepted:
            only = [bp_id for bp_id, _ in accepted]
            applied = self.session.apply_proposals(accepted_by=self.by, only=only).applied
            self.saved += len(applied)
            plain.extend((bp_id, new) for bp_id, new in accepted if bp_id not in applied)
        for bp_id, status in plain:
            self.session.set_answer(bp_id, status, by=self.by)
            self.saved += 1
        for bp_id, status, proposal in overrides:
            why = self._ask_override_reason(bp_id, status, proposal)
            self.session.set_answer(bp_id, status, by=self.by, why=f"override: {why}")
            self.saved += 1
        self._report(question)

    def _report(self, question: Question) -> None:
        """One plain line with every best practice's answer (for logs and screen readers)."""
        review = self.review
        state = review.question_state(question.id)
        answers = review.responses.by_best_practice
        parts = [
            f"{bp.id} {ANSWER_LABEL[effective_status(bp.id, state, answers)]}"
            for bp in question.best_practices
        ]
        self._say(Text("Saved: " + ", ".join(parts) + "."))

    def _ask_override_reason(self, bp_id: str, status: AnswerStatus, proposal: Proposal) -> str:
        proposed = ANSWER_LABEL[AnswerStatus(proposal.value)]
        message = (
            f"The evidence proposes {bp_id} is {proposed}. "
            f"Why is it {ANSWER_LABEL[status]}? (saved with the answer)"
        )
        answer = questionary.text(
            message,
            validate=lambda text: (
                bool(text.strip())
                or "Say why in a few words (Ctrl-C stops; what is answered is kept)."
            ),
            **self._io,
        ).unsafe_ask()
        return str(answer).strip()

    def _ask_note(self, question: Question) -> None:
        """Prompt 3: an optional note for the question. Empty keeps the note, '-' clears it."""
        current = self.review.question_state(question.id).notes
        if current:
            message = (
                f"Note for {question.id} (enter keeps the note shown above, "
                f"'{CLEAR_NOTE}' clears it):"
            )
        else:
            message = f"Note for {question.id} (optional; enter skips):"
        text = str(questionary.text(message, **self._io).unsafe_ask() or "")
        if not text.strip():
            return
        notes = "" if text.strip() == CLEAR_NOTE else text
        if notes == current:
            return
        self.session.set_question_state(question.id, notes=notes)
        self.saved += 1
        warning = notes_warning(notes)
        if warning:
            self._say(Text(f"Warning: {warning}."))
        self._say(Text(f"Saved: note for {question.id} {'cleared' if not notes else 'saved'}."))


def _as_status(proposal: Proposal | None) -> AnswerStatus | None:
    if proposal is None:
        return None
    return AnswerStatus.MET if proposal is Proposal.MET else AnswerStatus.NOT_MET


def _cut(text: str, limit: int) -> str:
    shown = safe_text(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _s(count: int) -> str:
    return "" if count == 1 else "s"
