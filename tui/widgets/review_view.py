"""The widgets of the guided review: question list, question card, best-practice table,
evidence panel and the progress header. The review screen sets each widget's input (a
`var`: a value such as a CardView or the table's rows); the widget's watcher redraws it only
when the value really changed (Textual compares old and new). `var`, not `reactive`: the
watcher's own update refreshes just that widget, never the whole screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from checks.result import (
    ADVISORY_LABEL,
    CAUSE_LABEL,
    AccountStatus,
    CheckResult,
    Proposal,
    ScanResult,
    Status,
    summarize,
)
from questions import BestPractice, Pillar, Question, Risk
from review.accounts import NAME_LIMIT, AccountEvidence, account_evidence, plural, scan_accounts
from review.model import Answer, AnswerSource, AnswerStatus, QuestionState, Review
from review.risk import RiskSummary, effective_status
from review.text import safe_line, safe_text
from review.watool.state import sync_label
from tui.widgets.badges import (
    answer_mark,
    proposal_text,
    question_risk_badge,
    risk_badge,
    status_badge,
    untrusted,
)

EVIDENCE_WIDTH = 26


def age(when: datetime | None, now: datetime | None = None) -> str:
    """'never', 'just now', '5 min ago', '2 h ago', '3 days ago'."""
    if when is None:
        return "never"
    seconds = ((now or datetime.now(UTC)) - when).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} days ago"


@dataclass(frozen=True)
class HeaderView:
    name: str
    environment: str
    answered: int
    total: int
    high: int
    medium: int
    evidence_at: datetime | None
    synced: str = ""  # '' unless linked to a WA Tool workload
    accounts: str = ""  # '' unless several accounts: '4/5 accounts' (scanned / listed)


def header_view(pillar: Pillar, review: Review, summary: RiskSummary) -> HeaderView:
    evidence = review.evidence
    return HeaderView(
        review.name,
        review.environment.value.lower(),
        summary.best_practices_answered,
        summary.best_practices_total,
        summary.counts.high,
        summary.counts.medium,
        evidence.started_at if evidence else None,
        sync_label(pillar, review),
        _accounts_scanned(evidence),
    )


def _accounts_scanned(evidence: ScanResult | None) -> str:
    if evidence is None or not evidence.multi_account:
        return ""
    listed = scan_accounts(evidence)
    scanned = sum(1 for a in listed if a.scanned)
    return f"{scanned}/{len(listed)} accounts"


class ReviewHeader(Static):
    """One line: review name, environment, progress, risk counts, evidence age, save state."""

    view: var[HeaderView | None] = var(None, init=False)
    save_state: var[str] = var("", init=False)

    def watch_view(self) -> None:
        self._show()

    def watch_save_state(self) -> None:
        self._show()

    def _show(self) -> None:
        view = self.view
        if view is None:
            return
        parts: list[str | tuple[str, str] | Text] = [
            untrusted(view.name, 32, "bold"),
            f" · {view.answered}/{view.total} answered · ",
            ("HIGH ", "bold red"),
            f"{view.high} · ",
            ("MEDIUM ", "bold yellow"),
            f"{view.medium}",
        ]
        if self.save_state:
            parts.append(f" · {self.save_state}")
        parts.append(f" · evidence {age(view.evidence_at)}")
        if view.accounts:
            parts.append(f" ({view.accounts})")
        parts.append(f" · {view.environment}")
        if view.synced:
            parts.append(f" · {view.synced}")
        self.update(Text.assemble(*parts))


class QuestionList(OptionList):
    """Areas and their questions, each with a progress mark and its risk badge."""

    current: var[str] = var("", init=False)

    def watch_current(self, question_id: str) -> None:
        self.highlight_question(question_id)

    def show(self, pillar: Pillar, review: Review, summary: RiskSummary) -> None:
        lines = {
            question.id: question_line(question, review, summary)
            for area in pillar.areas
            for question in area.questions
        }
        if self.option_count:
            # Only lines that changed are replaced: moving between questions stays cheap.
            for question_id, line in lines.items():
                option = self.get_option(question_id)
                if option.prompt != line:
                    self.replace_option_prompt(question_id, line)
            return
        for area in pillar.areas:
            self.add_option(Option(Text(area.name, style="bold"), disabled=True))
            for question in area.questions:
                self.add_option(Option(lines[question.id], id=question.id))

    def highlight_question(self, question_id: str) -> None:
        try:
            self.highlighted = self.get_option_index(question_id)
        except Exception:  # an unknown id: leave the highlight where it is
            return


def question_line(question: Question, review: Review, summary: RiskSummary) -> Text:
    state = review.question_state(question.id)
    answers = review.responses.by_best_practice
    statuses = [effective_status(bp.id, state, answers) for bp in question.best_practices]
    done = sum(s is not AnswerStatus.UNANSWERED for s in statuses)
    total = len(statuses)
    if state.does_not_apply:
        mark = "–"
    elif done == total:
        mark = "✓"
    elif done:
        mark = "◐"
    else:
        mark = "?"
    risk = question_risk_badge(summary.risk_of(question.id))
    risk.pad_right(7 - len(risk.plain))
    return Text.assemble(f" {mark} ", (question.id, "bold"), "  ", risk, f" {done}/{total}")


@dataclass(frozen=True)
class CardView:
    question: Question
    state: QuestionState
    compact: bool


class QuestionCard(Static):
    """The question's title, why it matters and what to ask the room."""

    view: var[CardView | None] = var(None, init=False)

    def watch_view(self, view: CardView | None) -> None:
        if view is not None:
            self.update(question_card(view.question, view.state, compact=view.compact))


def question_card(question: Question, state: QuestionState, *, compact: bool = False) -> Group:
    parts: list[RenderableType] = [
        Text.assemble((f"{question.id} · ", "bold"), (question.title, "bold")),
    ]
    if compact:
        parts.append(Text("i: why it matters and what to ask the room", style="dim"))
    else:
        parts += [
            Text.assemble(("Why it matters: ", "italic"), question.why_it_matters),
            Text("Ask the room:", style="italic"),
            *[Text(f"  • {prompt}") for prompt in question.prompts],
        ]
    if state.does_not_apply:
        reason = state.reason.value if state.reason else "NONE"
        parts.append(Text(f"– This question does not apply ({reason}).", style="bold yellow"))
    if state.none_of_these:
        parts.append(Text("✗ None of these best practices is met.", style="bold red"))
    return Group(*parts)


@dataclass(frozen=True)
class BestPracticeRow:
    bp_id: str
    status: AnswerStatus
    risk: Risk
    number: int
    title: str
    evidence: Text


class BestPracticeTable(DataTable[Text]):
    """ANSWER · RISK · BEST PRACTICE · EVIDENCE, one row per best practice."""

    FIXED = 7 + 6 + EVIDENCE_WIDTH + 4 * 2 + 2  # other columns, cell padding, scrollbar

    lines: var[tuple[BestPracticeRow, ...]] = var((), init=False)
    title_width: var[int] = var(0, init=False)

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = False

    def available_title_width(self) -> int:
        available = self.parent.size.width if isinstance(self.parent, Widget) else 80
        return max(16, available - self.FIXED)

    def watch_lines(self) -> None:
        self._rebuild()

    def watch_title_width(self) -> None:
        self._rebuild()

    def _rebuild(self) -> None:
        row = self.cursor_row
        width = self.title_width or self.available_title_width()
        self.clear(columns=True)
        self.add_column("ANSWER", key="answer", width=7)
        self.add_column("RISK", key="risk", width=6)
        self.add_column("BEST PRACTICE", key="title", width=width)
        self.add_column("EVIDENCE", key="evidence", width=EVIDENCE_WIDTH)
        for item in self.lines:
            self.add_row(
                answer_mark(item.status),
                risk_badge(item.risk),
                Text.assemble((f"BP{item.number:02d} ", "bold"), _cut(item.title, width - 5)),
                item.evidence,
                key=item.bp_id,
            )
        if self.row_count:
            self.move_cursor(row=min(max(row, 0), self.row_count - 1))

    @property
    def current_bp(self) -> str | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return str(key.value) if key.value is not None else None


def best_practice_rows(
    pillar: Pillar, question: Question, review: Review
) -> tuple[BestPracticeRow, ...]:
    state = review.question_state(question.id)
    answers = review.responses.by_best_practice
    return tuple(
        BestPracticeRow(
            bp.id,
            effective_status(bp.id, state, answers),
            bp.risk,
            bp.number,
            bp.title,
            evidence_cell(pillar, bp, review),
        )
        for bp in question.best_practices
    )


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"


def evidence_results(review: Review, bp_id: str) -> tuple[CheckResult, ...]:
    return review.evidence.evidence_for(bp_id) if review.evidence else ()


def evidence_cell(pillar: Pillar, bp: BestPractice, review: Review) -> Text:
    if review.evidence is None:
        return Text("(not scanned)", style="dim")
    results = evidence_results(review, bp.id)
    proposal = review.evidence.proposal(pillar, bp.id)
    summary = summarize(results)
    if proposal is Proposal.MET:
        summary = "proposed met"
    elif review.evidence.multi_account and any(r.status is Status.FAIL for r in results):
        # Across accounts the count that matters is accounts: "2 of 40 accounts fail".
        rollup = review.evidence.rollup(pillar, bp.id)
        failing = len(rollup.accounts_with(Proposal.NOT_MET))
        summary = f"{failing} of {plural(len(rollup.scanned), 'account')} fail"
    return proposal_text(proposal, summary)


@dataclass(frozen=True)
class EvidenceView:
    bp: BestPractice
    answer: Answer
    status: AnswerStatus
    scanned: bool
    results: tuple[CheckResult, ...]
    # Multi-account evidence only: every account with its results for the best practice
    # (scan order), and the one account shown (None: all of them).
    accounts: tuple[AccountEvidence, ...] = ()
    account: str | None = None

    @property
    def shown_accounts(self) -> tuple[AccountEvidence, ...]:
        if self.account is None:
            return self.accounts
        return tuple(a for a in self.accounts if a.account.account_id == self.account)


def evidence_view(bp: BestPractice, review: Review, account: str | None = None) -> EvidenceView:
    """What the evidence panel shows for `bp`; for multi-account evidence, grouped by
    account (only `account`'s group if given)."""
    state = review.question_state(bp.question_id)
    scan = review.evidence
    many = scan is not None and scan.multi_account
    return EvidenceView(
        bp,
        review.answer(bp.id),
        effective_status(bp.id, state, review.responses.by_best_practice),
        scan is not None,
        evidence_results(review, bp.id),
        account_evidence(scan, bp) if scan is not None and many else (),
        account if many else None,
    )


def account_name(status: AccountStatus, limit: int | None = NAME_LIMIT) -> Text:
    """'prod-a 111111111111' as Text: the untrusted name bold (one safe line), then the id."""
    name = untrusted(status.name, limit, "bold") if status.name.strip() else Text("")
    return Text.assemble(name, " " if name.plain else "", status.account_id)


def account_choices(scan: ScanResult | None) -> tuple[tuple[Text, str], ...]:
    """The accounts to filter on (label, account id), or () for one-account evidence."""
    if scan is None or not scan.multi_account:
        return ()
    return tuple((account_name(a), a.account_id) for a in scan_accounts(scan))


def evidence_title(scan: ScanResult | None, account: str | None) -> str | None:
    """The evidence panel's title: which accounts it shows (None for one-account evidence).

    Ids only: the account's (untrusted) name is in the picker above and the group header."""
    if scan is None or not scan.multi_account:
        return None
    accounts = [a.account_id for a in scan_accounts(scan)]
    if account in accounts:
        number = accounts.index(account) + 1
        return f"Evidence · account {number} of {len(accounts)}: {account} · c next · C all"
    return f"Evidence · all {len(accounts)} accounts · c one account"


class EvidencePanel(Static):
    """The selected best practice: its answer, description, and every check's findings."""

    view: var[EvidenceView | None] = var(None, init=False)

    def watch_view(self, view: EvidenceView | None) -> None:
        if view is not None:
            self.update(evidence_renderable(view))


def evidence_renderable(view: EvidenceView) -> Group:
    bp, answer = view.bp, view.answer
    parts: list[RenderableType] = [
        Text.assemble(
            (f"{bp.id} ", "bold"),
            bp.title,
            "  ",
            answer_mark(view.status),
            "  ",
            answer_line(answer),
        ),
        Text(bp.description, style="dim"),
    ]
    if answer.note:
        parts.append(Text.assemble(("Note: ", "italic"), safe_text(answer.note)))
    if not view.scanned:
        parts.append(Text("No evidence yet: press r to scan.", style="dim"))
    elif not view.results:
        parts.append(
            Text(
                f"No automated check for this best practice ({bp.evidence_role.value}): "
                "decide in the room.",
                style="dim",
            )
        )
    elif view.accounts:
        parts.append(accounts_summary(view.accounts))
        parts += by_account(view.shown_accounts, one=view.account is not None)
    else:
        parts.append(evidence_table(view.results))
    if view.results and bp.evidence_role.value == "signal":
        parts.append(
            Text(
                "Evidence is a signal here: the practice is partly about process.",
                style="dim italic",
            )
        )
    return Group(*parts)


def _named(accounts: list[AccountEvidence], shown: int = 2) -> Text:
    text = Text()
    for entry in accounts[:shown]:
        text.append(", " if text.plain else " (")
        text.append_text(account_name(entry.account, 24))
    if len(accounts) > shown:
        text.append(f", +{len(accounts) - shown} more")
    if text.plain:
        text.append(")")
    return text


def accounts_summary(accounts: tuple[AccountEvidence, ...]) -> Text:
    """'Across 4 scanned accounts: fails in 2 (a, b); met in 1; undecided in 1. 1 not
    scanned.': the roll-up, whatever account is shown."""
    scanned = [a for a in accounts if a.account.scanned]
    failing = [a for a in scanned if a.proposal is Proposal.NOT_MET]
    met = [a for a in scanned if a.proposal is Proposal.MET]
    open_ = [a for a in scanned if a.results and a.proposal is None]
    text = Text.assemble((f"Across {plural(len(scanned), 'scanned account')}: ", "bold"))
    if failing:
        text.append(f"not met in {len(failing)}", style="red")
        text.append_text(_named(failing))
    else:
        text.append("not met in 0", style="green")
    text.append(f"; met in {len(met)}; undecided in {len(open_)}")
    skipped = len(accounts) - len(scanned)
    text.append(f". {plural(skipped, 'account')} not scanned." if skipped else ".")
    return text


def account_header(entry: AccountEvidence) -> Rule:
    """'prod-a 111111111111 · scanned · 2 FAIL · 5 PASS' as a rule across the panel."""
    status = entry.account
    title = Text.assemble(account_name(status, NAME_LIMIT), " · ")
    if status.scanned:
        counts = entry.counts_text() if entry.results else "nothing for this best practice"
        style = "red" if entry.failed else ("yellow" if entry.unknown else "")
        title.append(counts, style=style)
    else:
        title.append("not scanned", style="bold yellow")
        if status.cause.strip():
            title.append(f": {safe_line(status.cause, 120)}", style="yellow")
    return Rule(title, align="left", style="dim")


def _attention(entry: AccountEvidence) -> int:
    """Where an account's group goes when every account is shown: failing first, then
    undecided or advisory, then passing, then without results, then not scanned."""
    if not entry.account.scanned:
        return 4
    if entry.failed:
        return 0
    if entry.unknown or entry.advisory:
        return 1
    return 2 if entry.results else 3


EXPANDED_ACCOUNTS = 6
"""Every account shown: at most this many accounts that need attention show their checks;
the others are their header lines (counts), so the panel's size (and the time to draw
it on every move) stays bounded with 40 failing accounts. c shows any one in full."""


def by_account(accounts: tuple[AccountEvidence, ...], one: bool = False) -> list[RenderableType]:
    """A group per account. Every account (`one` False): the ones that need attention
    first, with their checks (the first EXPANDED_ACCOUNTS of them); accounts where nothing
    fails, is undecided or advisory are one header line each (their checks are a key press
    away: c). One account: its checks."""
    parts: list[RenderableType] = []
    folded = False
    expanded = 0
    ordered = accounts if one else sorted(accounts, key=_attention)
    attention = sum(1 for entry in ordered if entry.results and _attention(entry) < 2)
    for entry in ordered:
        quiet = _attention(entry) >= 2
        if quiet and not one and not folded and entry.results:
            folded = True
            parts.append(
                Text("Nothing fails or is undecided here (c: one account's checks):", style="dim")
            )
        shown = entry.results and (one or not quiet)
        if shown and not one and expanded == EXPANDED_ACCOUNTS:
            parts.append(
                Text(
                    f"{attention - EXPANDED_ACCOUNTS} more accounts need attention "
                    "(c: one account's checks; the plan and the Markdown export list all):",
                    style="dim",
                )
            )
        parts.append(account_header(entry))
        if shown and (one or expanded < EXPANDED_ACCOUNTS):
            parts.append(evidence_table(entry.results))
        expanded += bool(shown)
    return parts


def answer_line(answer: Answer) -> Text:
    if answer.status is AnswerStatus.UNANSWERED or answer.at is None:
        return Text("")
    who = safe_line(answer.by, 30) or "someone"
    source = "from evidence" if answer.source is AnswerSource.EVIDENCE else ""
    reason = f"({answer.reason.value}) " if answer.reason else ""
    return Text(f"{reason}{source} · by {who}, {age(answer.at)}".strip(" ·"), style="dim")


def evidence_table(results: tuple[CheckResult, ...], failing_shown: int = 5) -> Table:
    table = Table(box=None, show_header=True, header_style="bold", expand=True, pad_edge=False)
    width = max(7, *(len(status_badge(r.status)) for r in results))
    table.add_column("STATUS", width=width, no_wrap=True)
    table.add_column(
        "CHECK", no_wrap=True, min_width=min(28, max(len(r.check_id) for r in results))
    )
    table.add_column("REGION", width=12, no_wrap=True)
    table.add_column("FOUND", ratio=4, overflow="fold")
    for result in results:
        table.add_row(
            status_badge(result.status),
            Text(result.check_id),
            Text(result.region),
            finding_text(result, failing_shown),
        )
    return table


def finding_text(result: CheckResult, failing_shown: int = 5) -> Text:
    if result.status is Status.UNKNOWN:
        cause = CAUSE_LABEL[result.cause] if result.cause else "unknown"
        action = f": {result.missing_action}" if result.missing_action else ""
        text = Text(f"{cause}{action}", style="yellow")
        if result.reason:
            text.append(f" — {safe_line(result.reason, 120)}", style="dim")
        return text
    failing = result.failing
    if failing:
        text = Text()
        for resource in failing[:failing_shown]:
            if text:
                text.append("\n")
            text.append(safe_line(resource.id, 80), style="bold")
            if resource.detail:
                text.append(f": {safe_line(resource.detail, 100)}")
        if len(failing) > failing_shown:
            text.append(f"\n… and {len(failing) - failing_shown} more", style="dim")
        return text
    absent = result.not_in_place
    if result.status is Status.ADVISORY:
        text = Text(f"{ADVISORY_LABEL} (advisory, not a failure)", style="cyan")
        for resource in absent[:failing_shown]:
            text.append("\n")
            text.append(safe_line(resource.id, 80), style="bold")
            if resource.detail:
                text.append(f": {safe_line(resource.detail, 100)}")
        if len(absent) > failing_shown:
            text.append(f"\n… and {len(absent) - failing_shown} more", style="dim")
        if not absent and result.reason:
            text.append(f" — {safe_line(result.reason, 120)}", style="dim")
        return text
    return Text(safe_line(result.reason, 160) or result.title, style="dim")
