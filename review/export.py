"""Exports of a review people can use: Markdown (for a wiki or repo), CSV (for a tracker),
and JSON (the full review, the store's round-trip format).

Every piece of untrusted text (names, notes, owners, resource ids, check reasons) goes
through the escape function of its format in `review.escape`. Exports are pure functions
of the bank, the review and `now` (given, so the output is reproducible).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from checks.result import ADVISORY_LABEL, CheckResult, Proposal, ScanResult, Status
from questions import Pillar, Question
from review.accounts import account_evidence, account_label, plural, scan_accounts
from review.escape import csv_cell, md_cell, md_inline, md_lines, mermaid_label
from review.jsonio import review_to_json
from review.model import (
    Answer,
    AnswerSource,
    AnswerStatus,
    Milestone,
    QuestionState,
    Responses,
    Review,
    utc_now,
)
from review.plan import Bucket, ItemStatus, Origin, Plan, PlanItem, build_plan
from review.risk import QuestionRisk, RiskSummary, effective_status, review_risk
from review.vocabulary import ANSWER_TITLE, QUESTION_RISK_LABEL, UNKNOWN_PERSON
from review.workshop import summarize_workshop

EVIDENCE_EXAMPLES = 5
"""How many failing resources an evidence table row names."""


class ExportFormat(StrEnum):
    MARKDOWN = "md"
    CSV = "csv"
    JSON = "json"


def export(
    fmt: ExportFormat,
    pillar: Pillar,
    review: Review,
    *,
    now: datetime | None = None,
    plan: Plan | None = None,
) -> str:
    """The review in one format (the dispatch the CLI and the TUI call)."""
    if fmt is ExportFormat.MARKDOWN:
        return markdown_export(pillar, review, now=now, plan=plan)
    if fmt is ExportFormat.CSV:
        return csv_export(pillar, review, plan=plan)
    return json_export(review, now=now)


# --- JSON ---------------------------------------------------------------------------


def json_export(review: Review, *, now: datetime | None = None) -> str:
    """The full review as JSON, the round-trip format of `review.jsonio` (import reads it)."""
    return review_to_json(review, exported_at=now)


# --- CSV ----------------------------------------------------------------------------

CSV_COLUMNS = (
    "Summary",
    "Description",
    "Priority",
    "Labels",
    "Owner",
    "Due date",
    "Status",
    "Bucket",
    "Best practice",
    "Risk",
    "Effort",
)
CSV_ACCOUNTS_COLUMN = "Accounts"
"""Added after `CSV_COLUMNS` when the evidence covers several accounts: the accounts where
a check fails for the item ('prod-a 111111111111; ...'). One-account exports keep the
columns they always had, so trackers' import mappings keep working."""


def tracker_priority(item: PlanItem) -> str:
    """Jira-style priority: Highest (Do now, High risk), High (Do now), Medium, Low."""
    if item.bucket is Bucket.NOW:
        return "Highest" if item.risk.rank == 3 else "High"
    return "Medium" if item.bucket is Bucket.NEXT else "Low"


def _labels(item: PlanItem) -> str:
    labels = ["well-architected", "security", item.question_id.lower()]
    if item.origin is Origin.PARKING_LOT:
        labels.append("parking-lot")
    labels.append(f"risk-{item.risk.value.lower()}")
    labels.append(f"plan-{item.bucket.slug}")
    if item.unanswered:
        labels.append("unanswered")
    return " ".join(label for label in labels if label)


def item_description(item: PlanItem) -> str:
    """The plain-text description of a plan item (the CSV's Description column)."""
    parts = [f"Why here: {item.why}"]
    if item.question_id:
        parts.append(f"Question: {item.question_id} {item.question_title} ({item.area})")
    if item.unanswered:
        parts.append("Answer: unanswered; failing evidence puts it on the plan.")
    if item.origin is Origin.PARKING_LOT:
        parts.append("Origin: parked in a workshop (parking lot).")
        if item.note.strip():
            parts.append(f"Text: {item.note.strip()}")
    else:
        parts.append(f"Found: {item.evidence.full_text}")
        if item.note.strip():
            parts.append(f"Notes: {item.note.strip()}")
    if item.steps:
        parts.append("Steps:\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(item.steps, 1)))
    if item.links:
        parts.append("Links:\n" + "\n".join(item.links))
    return "\n\n".join(parts)


def csv_export(pillar: Pillar, review: Review, *, plan: Plan | None = None) -> str:
    """One row per plan item, in plan order, with columns a tracker can import."""
    plan = plan if plan is not None else build_plan(pillar, review)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    many = review.evidence is not None and review.evidence.multi_account
    writer.writerow((*CSV_COLUMNS, CSV_ACCOUNTS_COLUMN) if many else CSV_COLUMNS)
    for item in plan.items:
        summary = f"[{item.id}] {item.title}" if item.question_id else item.title
        row: tuple[str, ...] = (
            summary,
            item_description(item),
            tracker_priority(item),
            _labels(item),
            item.tracking.owner,
            item.tracking.due.isoformat() if item.tracking.due else "",
            item.tracking.status.label,
            item.bucket.value,
            item.id,
            item.risk.value,
            item.effort.value,
        )
        if many:
            row += ("; ".join(account_label(a, None) for a in item.evidence.failing_accounts),)
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


# --- Markdown -----------------------------------------------------------------------


def _check_status(status: Status) -> str:
    if status is Status.FAIL:
        return f"**{status.label}**"
    if status is Status.ADVISORY:
        return f"Advisory ({ADVISORY_LABEL})"
    return status.label


_URL = re.compile(r"https://[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+")


def _time(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    head = list(header)
    lines = [_row(head), _row("---" for _ in head)]
    lines.extend(_row(row) for row in rows)
    return lines


def _link(url: str) -> str:
    """A bank link named by its page (`[page](url)`) if it is a plain https URL, else text."""
    if not _URL.fullmatch(url):
        return md_inline(url)
    page = url.split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
    return f"[{md_inline(page or url)}]({url})"


def _facts(pillar: Pillar, review: Review, now: datetime) -> list[str]:
    facts = [
        ("Workload", review.name),
        ("Description", review.description),
        ("Owner", review.owner),
        ("Environment", review.environment.value.capitalize()),
        ("AWS accounts", ", ".join(review.account_ids)),
        ("Regions", ", ".join(review.regions)),
        ("Participants", ", ".join(p.label for p in review.participants)),
        ("Question bank", f"{pillar.name}, revision {pillar.revision}"),
        ("Review started", _time(review.created_at)),
        ("Last changed", _time(review.updated_at)),
        ("Exported", _time(now)),
    ]
    if review.evidence is not None:
        scan = review.evidence
        if scan.multi_account:
            facts.append(
                (
                    "Evidence",
                    f"scan of {plural(len(scan_accounts(scan)), 'account')} (see Accounts) "
                    f"from account {scan.account_id} at {_time(scan.started_at)}",
                )
            )
        else:
            facts.append(
                ("Evidence", f"scan of account {scan.account_id} at {_time(scan.started_at)}")
            )
    rows = [(md_cell(k), md_cell(v) if v.strip() else "—") for k, v in facts]
    lines = _table(("Fact", "Value"), rows)
    if review.notes.strip():
        lines += ["", "**Workload notes:** " + md_lines(review.notes)]
    return lines


def _account_cell(status_label: str) -> str:
    return md_cell(status_label) if status_label.strip() else "—"


def _accounts(scan: ScanResult) -> list[str]:
    """The accounts of multi-account evidence: id, name, scanned or not (with the cause),
    and the count of check results by status in each."""
    accounts = scan_accounts(scan)
    scanned = sum(1 for a in accounts if a.scanned)
    lines = [
        f"The evidence covers {plural(len(accounts), 'account')}: {scanned:,} scanned, "
        f"{len(accounts) - scanned:,} not scanned. A best practice is proposed met only when "
        "it is met in every scanned account; a check failing in any account proposes not met.",
        "",
    ]
    counts: dict[str, dict[Status, int]] = {a.account_id: {} for a in accounts}
    for result in scan.results:
        per = counts.setdefault(scan.account_of(result), {})
        per[result.status] = per.get(result.status, 0) + 1
    rows = []
    for account in accounts:
        per = counts[account.account_id]
        state = "scanned" if account.scanned else "**not scanned**"
        if not account.scanned and account.cause.strip():
            state += ": " + md_cell(account.cause)
        rows.append(
            (
                md_cell(account.account_id),
                _account_cell(account.name),
                state,
                *(
                    f"{per.get(status, 0):,}"
                    for status in (Status.FAIL, Status.PASS, Status.UNKNOWN, Status.ADVISORY)
                ),
            )
        )
    lines += _table(
        ("Account", "Name", "Status", "Failed", "Passed", "Unknown", "Advisory"),
        rows,
    )
    return lines


def _risk_summary(risk: RiskSummary) -> list[str]:
    counts = risk.counts
    lines = [
        f"{counts.high} of {counts.total} questions at High risk, {counts.medium} at Medium "
        f"risk; {counts.answered} of {counts.total} questions and "
        f"{risk.best_practices_answered} of {risk.best_practices_total} best practices "
        "answered"
        + (f"; {counts.not_applicable} not applicable." if counts.not_applicable else "."),
        "",
    ]
    names = ", ".join(f'"{mermaid_label(a.area)}"' for a in risk.areas)
    high = ", ".join(str(a.counts.high) for a in risk.areas)
    at_risk = ", ".join(str(a.counts.high + a.counts.medium) for a in risk.areas)
    top = max([1, *(a.counts.total for a in risk.areas)])
    lines += [
        "```mermaid",
        "xychart-beta",
        '    title "Questions at risk per area"',
        f"    x-axis [{names}]",
        f'    y-axis "Questions" 0 --> {top}',
        f"    bar [{at_risk}]",
        f"    bar [{high}]",
        "```",
        "",
        "*Chart: per area, the first bar series counts questions at High or Medium risk; "
        "the second, drawn over it, those at High risk.*",
        "",
    ]
    rows = [
        (
            md_cell(a.area),
            str(a.counts.high),
            str(a.counts.medium),
            str(a.counts.answered - a.counts.high - a.counts.medium),
            str(a.counts.total - a.counts.answered),
            str(a.counts.not_applicable),
        )
        for a in risk.areas
    ]
    rows.append(
        (
            "**Total**",
            f"**{counts.high}**",
            f"**{counts.medium}**",
            f"**{counts.answered - counts.high - counts.medium}**",
            f"**{counts.total - counts.answered}**",
            f"**{counts.not_applicable}**",
        )
    )
    lines += _table(("Area", "High", "Medium", "No risk", "Unanswered", "Not applicable"), rows)
    return lines


def _plan_item(item: PlanItem) -> list[str]:
    box = "x" if item.tracking.status is ItemStatus.DONE else " "
    head = (
        f"**{md_inline(item.id)} {md_inline(item.title)}**"
        if item.question_id
        else (f"**{md_inline(item.title)}**")
    )
    meta = [f"{item.risk.value} risk", f"{item.effort.value} effort"]
    if item.unanswered:
        meta.append("unanswered")
    if item.tracking.owner.strip():
        meta.append(f"owner: {md_inline(item.tracking.owner)}")
    if item.tracking.due is not None:
        meta.append(f"due {item.tracking.due.isoformat()}")
    if item.tracking.status is ItemStatus.IN_PROGRESS:
        meta.append("in progress")
    lines = [f"- [{box}] {head} — {' · '.join(meta)}"]
    ind = "  "
    lines.append(f"{ind}- *Why here:* {md_inline(item.why)}")
    if item.question_id:
        lines.append(
            f"{ind}- *Question:* {md_inline(item.question_id)} "
            f"{md_inline(item.question_title)} ({md_inline(item.area)})"
        )
    if item.origin is Origin.PARKING_LOT:
        lines.append(f"{ind}- *Origin:* parked in a workshop (see the parking lot)")
        if item.note.strip():
            lines.append(f"{ind}- *Text:* {md_lines(item.note, ind + '  ')}")
    else:
        lines.append(f"{ind}- *Found:* {md_inline(item.evidence.full_text)}")
        if item.note.strip():
            lines.append(f"{ind}- *Notes:* {md_lines(item.note, ind + '  ')}")
    if item.steps:
        lines.append(f"{ind}- *Steps:*")
        lines += [f"{ind}  {i}. {md_inline(step)}" for i, step in enumerate(item.steps, 1)]
    if item.links:
        lines.append(f"{ind}- *Links:* " + " · ".join(_link(link) for link in item.links))
    return lines


def _plan(plan: Plan) -> list[str]:
    if not plan.items:
        return ["Nothing to do yet: no best practice is answered not met, and no check fails."]
    sizes = ", ".join(f"{len(plan.bucket(b))} {b.value}" for b in Bucket)
    done = sum(1 for item in plan.items if item.tracking.status is ItemStatus.DONE)
    lines = [
        f"{len(plan.items)} items ({sizes}); {done} done. Order: bucket, then risk, "
        'evidence and effort, then question order (see the README, "How the plan is '
        'prioritized").'
    ]
    for bucket in Bucket:
        items = plan.bucket(bucket)
        if not items:
            continue
        lines += ["", f"### {bucket.value}", ""]
        for item in items:
            lines += _plan_item(item)
    return lines


def _parking_lot(pillar: Pillar, review: Review) -> list[str]:
    """The parked items as a task list: text, question, owner, who parked it and when."""
    tracked = {t.item_id: t for t in review.plan}
    titles = {q.id: q.title for q in pillar.questions}
    lines = [
        f"{len(review.parking_lot)} follow-ups parked in workshops; each is also a plan item "
        "(same id).",
        "",
    ]
    for item in review.parking_lot:
        tracking = tracked.get(item.id)
        done = tracking is not None and tracking.status is ItemStatus.DONE
        owner = tracking.owner if tracking is not None else item.owner
        title = md_inline(titles.get(item.question_id, ""))
        meta = [f"{md_inline(item.question_id)} {title}".rstrip()]
        if owner.strip():
            meta.append(f"owner: {md_inline(owner)}")
        parked_by = f" by {md_inline(item.by)}" if item.by.strip() else ""
        meta.append(f"parked{parked_by}, {_time(item.at)}")
        lines.append(
            f"- [{'x' if done else ' '}] **{md_inline(item.id)}** {md_lines(item.text, '  ')}"
            f" — {' · '.join(meta)}"
        )
    return lines


def _minutes(value: float) -> str:
    return f"{value:.0f} min" if value == int(value) else f"{value:.1f} min"


def _workshop_sessions(pillar: Pillar, review: Review, now: datetime) -> list[str]:
    """Per session: date, length planned vs used, what it achieved, time per area."""
    lines: list[str] = []
    for number, workshop in enumerate(review.workshops, start=1):
        summary = summarize_workshop(pillar, review, workshop, review.parking_lot, now)
        ended = workshop.ended_at
        state = f"ended {_time(ended)}" if ended is not None else "still running"
        parked = ", ".join(p.id for p in summary.parked)
        if lines:
            lines.append("")
        lines += [
            f"### Session {number}: {_time(workshop.started_at)}",
            "",
            f"Planned {_minutes(workshop.length_minutes)}, used {_minutes(summary.minutes)} "
            f"({state}). Answered this session: {summary.answered_this_session} best "
            f"practices; answers changed: {summary.decided}. "
            f"New questions at risk: {summary.new_high} High, "
            f"{summary.new_medium} Medium (now {summary.high_now} High, "
            f"{summary.medium_now} Medium). Parked: {len(summary.parked)}"
            + (f" ({parked})." if parked else "."),
        ]
        if summary.areas:
            rows = [
                (md_cell(a.area), _minutes(a.planned_minutes), _minutes(a.spent_minutes))
                for a in summary.areas
            ]
            lines += ["", *_table(("Area", "On the agenda", "Used"), rows)]
    return lines


def _question_risks(pillar: Pillar, responses: Responses) -> dict[str, QuestionRisk]:
    return dict(review_risk(pillar, responses).questions)


def _changes(pillar: Pillar, review: Review, milestone: Milestone) -> list[str]:
    before = _question_risks(pillar, milestone.responses)
    after = _question_risks(pillar, review.responses)
    lines = [
        f"Compared with the milestone “{md_inline(milestone.name)}” of {_time(milestone.at)}.",
        "",
    ]
    risk_rows = [
        (
            md_cell(q.id + " " + q.title),
            QUESTION_RISK_LABEL[before[q.id]],
            QUESTION_RISK_LABEL[after[q.id]],
        )
        for q in pillar.questions
        if before.get(q.id) is not after.get(q.id)
    ]
    bp_rows: list[tuple[str, str, str]] = []
    for question in pillar.questions:
        old_state = milestone.responses.question_state(question.id)
        new_state = review.question_state(question.id)
        for bp in question.best_practices:
            was = effective_status(bp.id, old_state, milestone.responses.by_best_practice)
            now = effective_status(bp.id, new_state, review.responses.by_best_practice)
            if was is not now:
                bp_rows.append(
                    (md_cell(f"{bp.id} {bp.title}"), ANSWER_TITLE[was], ANSWER_TITLE[now])
                )
    if not risk_rows and not bp_rows:
        return [*lines, "No answer has changed since then."]
    if risk_rows:
        lines += [*_table(("Question", "Risk then", "Risk now"), risk_rows), ""]
    if bp_rows:
        lines += _table(("Best practice", "Then", "Now"), bp_rows)
    return lines


@dataclass(frozen=True, slots=True)
class _EvidenceRow:
    result: CheckResult
    best_practices: tuple[str, ...]


def _evidence_rows(scan: ScanResult | None, question: Question) -> list[_EvidenceRow]:
    if scan is None:
        return []
    seen: dict[tuple[str, str, str], _EvidenceRow] = {}
    for bp in question.best_practices:
        for result in scan.evidence_for(bp.id):
            key = (result.check_id, result.region, scan.account_of(result))
            if key in seen:
                row = seen[key]
                seen[key] = _EvidenceRow(result, (*row.best_practices, bp.id))
            else:
                seen[key] = _EvidenceRow(result, (bp.id,))
    return list(seen.values())


def _failing_cell(result: CheckResult) -> str:
    if not result.resources:
        return "—"
    if result.status is Status.ADVISORY:
        return f"{len(result.not_in_place):,} of {len(result.resources):,} {ADVISORY_LABEL}"
    return f"{len(result.failing):,} of {len(result.resources):,}"


def _evidence_table(rows: list[_EvidenceRow], scan: ScanResult | None = None) -> list[str]:
    """The evidence rows; with `scan` (multi-account evidence) an Account column too."""
    labels = {a.account_id: account_label(a, None) for a in scan_accounts(scan)} if scan else {}
    table_rows = []
    for row in rows:
        result = row.result
        failing = result.failing
        detail: list[str] = []
        for found, label in ((failing, ""), (result.not_in_place, f"{ADVISORY_LABEL}: ")):
            if not found:
                continue
            shown = [
                f"{r.id}" + (f" ({r.detail})" if r.detail else "")
                for r in found[:EVIDENCE_EXAMPLES]
            ]
            more = len(found) - len(shown)
            detail.append(label + "; ".join(shown) + (f"; and {more:,} more" if more > 0 else ""))
        if result.reason and (not result.resources or result.status is Status.UNKNOWN):
            detail.append(result.reason)
        cells: tuple[str, ...] = (
            md_cell(result.title),
            md_cell(", ".join(row.best_practices)),
            md_cell(result.region),
            _check_status(result.status),
            _failing_cell(result),
            md_cell("\n".join(detail)) if detail else "—",
        )
        if scan is not None:
            account = scan.account_of(result)
            cells = (cells[0], md_cell(labels.get(account, account)), *cells[1:])
        table_rows.append(cells)
    header: tuple[str, ...] = ("Check", "Best practices", "Region", "Status", "Failing")
    header = (*header, "Failing resources / reason")
    if scan is not None:
        header = (header[0], "Account", *header[1:])
    return _table(header, table_rows)


_PROPOSAL_WORD = {Proposal.MET: "met", Proposal.NOT_MET: "**not met**", None: "—"}


def _by_account(pillar: Pillar, scan: ScanResult, question: Question) -> list[str]:
    """Per best practice with evidence: the proposal across accounts, how many scanned
    accounts fail, and per account the failed / passed / unknown results. Accounts where
    nothing fails or is unknown are counted, not listed one by one."""
    rows = []
    for bp in question.best_practices:
        if not scan.evidence_for(bp.id):
            continue
        per_account = account_evidence(scan, bp)
        scanned = [e for e in per_account if e.account.scanned]
        failing = [e for e in scanned if e.failed]
        listed: list[str] = []
        clean = without = 0
        for entry in scanned:
            if not entry.results:
                without += 1
            elif entry.failed or entry.unknown or entry.advisory:
                listed.append(
                    f"{account_label(entry.account, None)}: {entry.failed:,} failed, "
                    f"{entry.passed:,} passed, {entry.unknown:,} unknown"
                    + (f", {entry.advisory:,} advisory" if entry.advisory else "")
                )
            else:
                clean += 1
        if clean:
            noun = "other account" if listed else "account"
            listed.append(f"no failure or unknown in {plural(clean, noun)}")
        if without:
            listed.append(f"no result in {plural(without, 'account')}")
        rows.append(
            (
                md_cell(f"{bp.id} {bp.title}"),
                _PROPOSAL_WORD[scan.proposal(pillar, bp.id)],
                f"{len(failing):,} of {plural(len(scanned), 'account')}",
                md_cell("\n".join(listed)),
            )
        )
    if not rows:
        return []
    header = ("Best practice", "Proposal", "Fails in", "Per account: failed, passed, unknown")
    return ["", "Evidence by account:", "", *_table(header, rows)]


def _answered_by(answer: Answer) -> str:
    if answer.status is AnswerStatus.UNANSWERED:
        return "—"
    who = answer.by or UNKNOWN_PERSON
    if answer.source is AnswerSource.EVIDENCE:
        who += " (accepted evidence)"
    if answer.at is not None:
        who += f", {answer.at.strftime('%Y-%m-%d')}"
    return md_cell(who)


def _state_line(state: QuestionState) -> str | None:
    if state.does_not_apply:
        reason = state.reason.value.replace("_", " ").lower() if state.reason else "none given"
        return f"**The question does not apply** (reason: {reason})."
    if state.none_of_these:
        return "**None of these** best practices is established."
    return None


def _appendix(pillar: Pillar, review: Review, risk: RiskSummary) -> list[str]:
    lines: list[str] = []
    answers = review.responses.by_best_practice
    for question in pillar.questions:
        state = review.question_state(question.id)
        q_risk = risk.risk_of(question.id)
        lines += [
            "",
            f"### {question.id} {md_inline(question.title)}",
            "",
            f"{md_inline(question.area)} · question risk: **{QUESTION_RISK_LABEL[q_risk]}**",
        ]
        state_line = _state_line(state)
        if state_line:
            lines += ["", state_line]
        if state.notes.strip():
            lines += ["", "**Notes:** " + md_lines(state.notes)]
        rows = []
        for bp in question.best_practices:
            answer = review.answer(bp.id)
            status = effective_status(bp.id, state, answers)
            label = ANSWER_TITLE[status]
            if status is AnswerStatus.NOT_APPLICABLE and answer.reason is not None:
                label += f" ({answer.reason.value.replace('_', ' ').lower()})"
            rows.append(
                (
                    md_cell(f"{bp.id} {bp.title}"),
                    bp.risk.value,
                    label,
                    _answered_by(answer),
                    md_cell(answer.note) if answer.note.strip() else "—",
                )
            )
        lines += ["", *_table(("Best practice", "Risk", "Answer", "By", "Notes"), rows)]
        scan = review.evidence
        many = scan if scan is not None and scan.multi_account else None
        if many is not None:
            lines += _by_account(pillar, many, question)
        evidence = _evidence_rows(scan, question)
        if evidence:
            lines += ["", "Evidence:", "", *_evidence_table(evidence, many)]
    return lines


def markdown_export(
    pillar: Pillar, review: Review, *, now: datetime | None = None, plan: Plan | None = None
) -> str:
    """The review as one Markdown document (GitHub-flavoured: tables, task lists, mermaid)."""
    now = now or utc_now()
    plan = plan if plan is not None else build_plan(pillar, review)
    risk = review_risk(pillar, review.responses)
    lines = [f"# Security Pillar review: {md_inline(review.name)}", ""]
    lines += _facts(pillar, review, now)
    if review.evidence is not None and review.evidence.multi_account:
        lines += ["", "## Accounts", "", *_accounts(review.evidence)]
    lines += ["", "## Risk summary", "", *_risk_summary(risk)]
    lines += ["", "## Improvement plan", "", *_plan(plan)]
    if review.parking_lot:
        lines += ["", "## Parking lot", "", *_parking_lot(pillar, review)]
    if review.workshops:
        lines += ["", "## Workshop sessions", "", *_workshop_sessions(pillar, review, now)]
    if review.milestones:
        last = max(review.milestones, key=lambda m: m.at)
        lines += ["", "## Changes since the last milestone", "", *_changes(pillar, review, last)]
    lines += [
        "",
        "## Appendix: answers and evidence per question",
        *_appendix(pillar, review, risk),
    ]
    return "\n".join(lines) + "\n"
