"""Review commands: new, list, show, answer, milestone, diff, delete, export, import.

The scripting surface of issue 3. Only click and the standard library are imported at
module level; the review layer, rich and the question bank load inside the commands.
Untrusted text (names, notes) is always shown through `review.text.safe_text` inside
`rich.text.Text` objects, never as markup.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cli.context import LOCK_WAIT_S, cli_context, make_console, untrusted, warn
from cli.errors import CliError

if TYPE_CHECKING:
    from questions import Pillar
    from review.milestones import ReviewDiff
    from review.model import Review

NAME_LIMIT = 200
NOTE_LIMIT = 500
NA_REASONS = (
    "OUT_OF_SCOPE",
    "BUSINESS_PRIORITIES",
    "ARCHITECTURE_CONSTRAINTS",
    "OTHER",
    "NONE",
)
EXPORT_FORMATS = ("csv", "json", "md")
"""The values of `review.export.ExportFormat`, written out so that `pillar --help` does not
load the review layer (a test keeps them equal). Add a format there, then here."""


def _time(value: Any) -> str:
    if value is None:
        return ""
    return str(value.astimezone().strftime("%Y-%m-%d %H:%M"))


def _emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=True))


# --- JSON shapes ------------------------------------------------------------------------------


def review_json(pillar: Pillar, review: Review) -> dict[str, Any]:
    """`pillar show --json`: the review with every answer and question risk."""
    from review.codec import details_to_dict, parked_to_dict, question_state_to_dict
    from review.evidence import contradictions
    from review.risk import review_risk

    risk = review_risk(pillar, review.responses)
    answers: dict[str, Any] = {}
    known = [bp.id for bp in pillar.best_practices()]
    extra = [a.bp_id for a in review.responses.answers if not pillar.has_best_practice(a.bp_id)]
    for bp_id in [*known, *extra]:
        answer = review.answer(bp_id)
        answers[bp_id] = {
            "status": answer.status.value,
            "note": answer.note,
            "reason": answer.reason.value if answer.reason else None,
            "by": answer.by or None,
            "at": answer.at.isoformat() if answer.at else None,
            "source": answer.source_label if answer.at else None,
        }
    counts = risk.counts
    return {
        **details_to_dict(review),
        "parking_lot": [parked_to_dict(p) for p in review.parking_lot],
        "answers": answers,
        "questions": {q.question_id: question_state_to_dict(q) for q in review.responses.questions},
        "question_risk": {qid: r.value for qid, r in risk.questions},
        "counts": {
            "high": counts.high,
            "medium": counts.medium,
            "answered": counts.answered,
            "total": counts.total,
            "not_applicable": counts.not_applicable,
            "best_practices_answered": risk.best_practices_answered,
            "best_practices_total": risk.best_practices_total,
        },
        "areas": {
            area.area: {
                "high": area.counts.high,
                "medium": area.counts.medium,
                "answered": area.counts.answered,
                "total": area.counts.total,
                "not_applicable": area.counts.not_applicable,
            }
            for area in risk.areas
        },
        "milestones": [{"name": m.name, "at": m.at.isoformat()} for m in review.milestones],
        "contradictions": [
            {"bp": c.bp_id, "answer": c.answer.status.value, "evidence": c.proposal.value}
            for c in contradictions(pillar, review)
        ],
    }


# --- commands -----------------------------------------------------------------------------------


@click.command("new")
@click.argument("name")
@click.option("--owner", default="", help="Who owns the workload.")
@click.option(
    "--environment",
    type=click.Choice(["production", "preproduction"], case_sensitive=False),
    default="production",
    show_default=True,
    help="The workload environment (as the AWS WA Tool).",
)
@click.option("--description", default="", help="What the workload is.")
@click.option("--account-id", "account_ids", multiple=True, help="An AWS account id (repeat).")
@click.option("--region", "regions", multiple=True, help="An AWS region (repeat).")
@click.option(
    "--participant",
    "participants",
    multiple=True,
    metavar="NAME[:ROLE]",
    help='Who takes part, e.g. "Sam Lee:Security lead" (repeat).',
)
@click.pass_context
def new(
    ctx: click.Context,
    name: str,
    owner: str,
    environment: str,
    description: str,
    account_ids: tuple[str, ...],
    regions: tuple[str, ...],
    participants: tuple[str, ...],
) -> None:
    """Start a new review called NAME; prints its id."""
    from review.model import Environment, Participant

    people: list[Participant] = []
    for given in participants:
        person, _, role = given.partition(":")
        if not person.strip():
            raise click.BadParameter(
                f"{given!r} has no name; write NAME or NAME:ROLE", param_hint="--participant"
            )
        people.append(Participant(person.strip(), role.strip()))

    for account in account_ids:
        if not (account.isdigit() and len(account) == 12):
            raise click.BadParameter(
                f"{account!r} is not a 12-digit AWS account id", param_hint="--account-id"
            )
    review = (
        cli_context(ctx)
        .store()
        .create(
            name,
            owner=owner,
            environment=Environment(environment.upper()),
            description=description,
            account_ids=account_ids,
            regions=regions,
            participants=people,
        )
    )
    click.echo(review.id)


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the reviews as JSON.")
@click.pass_context
def list_reviews(ctx: click.Context, as_json: bool) -> None:
    """List the saved reviews: name, id, progress, high/medium risks, last update."""
    listing = cli_context(ctx).store().list_reviews()
    for problem in listing.problems:
        warn(problem.message)
    if as_json:
        _emit_json(
            [
                {
                    "id": s.id,
                    "name": s.name,
                    "owner": s.owner,
                    "environment": s.environment.value,
                    "updated_at": s.updated_at.isoformat(),
                    "high": s.counts.high,
                    "medium": s.counts.medium,
                    "answered": s.counts.answered,
                    "total": s.counts.total,
                    "best_practices_answered": s.best_practices_answered,
                    "best_practices_total": s.best_practices_total,
                }
                for s in listing.reviews
            ]
        )
        return
    if not listing.reviews:
        click.echo("No reviews yet. Start one with: pillar new NAME")
        return
    # Plain aligned columns (rich tables take ~1 ms a row: half a second for 500 reviews).
    from review.text import safe_line

    rows = [("Name", "Id", "Answered", "High", "Medium", "Updated")]
    rows += [
        (
            safe_line(s.name, 60),
            s.id,
            f"{s.counts.answered}/{s.counts.total}",
            str(s.counts.high),
            str(s.counts.medium),
            _time(s.updated_at),
        )
        for s in listing.reviews
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    click.echo("\n".join(lines))


@click.command("show")
@click.argument("review_ref", metavar="REVIEW")
@click.option("--json", "as_json", is_flag=True, help="Print the review as JSON.")
@click.pass_context
def show(ctx: click.Context, review_ref: str, as_json: bool) -> None:
    """Show a review with its answers and question risks."""
    store = cli_context(ctx).store()
    review = store.load(store.resolve(review_ref))
    data = review_json(store.pillar, review)
    if as_json:
        _emit_json(data)
        return
    _print_review(store.pillar, review, data)


STATUS_STYLE = {
    "met": "green",
    "not_met": "red",
    "not_applicable": "dim",
    "unanswered": "yellow",
}
RISK_STYLE = {
    "HIGH": "bold red",
    "MEDIUM": "yellow",
    "NONE": "green",
    "NOT_APPLICABLE": "dim",
    "UNANSWERED": "dim",
}


def _print_review(pillar: Pillar, review: Review, data: dict[str, Any]) -> None:
    from rich.text import Text

    from review.scope import describe_scope

    console = make_console()
    console.print(Text.assemble(untrusted(review.name, "bold", NAME_LIMIT), f"  ({review.id})"))
    facts = [
        ("Owner", review.owner),
        ("Environment", review.environment.value.lower()),
        ("Accounts", ", ".join(review.account_ids)),
        ("Regions", ", ".join(review.regions)),
        ("Participants", ", ".join(p.label for p in review.participants)),
        ("Scan scope", describe_scope(review.scan_scope) if review.scan_scope else ""),
        ("Updated", _time(review.updated_at)),
    ]
    for label, value in facts:
        if value:
            console.print(Text.assemble((f"{label}: ", "dim"), untrusted(value, limit=NAME_LIMIT)))
    counts = data["counts"]
    console.print(
        Text(
            f"{counts['answered']}/{counts['total']} questions answered, "
            f"{counts['high']} high risk, {counts['medium']} medium risk"
            + (f", {counts['not_applicable']} not applicable" if counts["not_applicable"] else "")
        )
    )
    if review.notes:
        console.print(Text.assemble(("Notes: ", "dim"), _note(review.notes)))
    for parked in review.parking_lot:
        line = Text.assemble(
            ("Parked ", "dim"), (parked.id, "bold"), f" {parked.question_id}  ", _note(parked.text)
        )
        if parked.owner:
            line.append("  owner: ", style="dim")
            line.append(untrusted(parked.owner, limit=80))
        console.print(line)
    risks = data["question_risk"]
    for question in pillar.questions:
        risk = risks[question.id]
        console.print(
            Text.assemble(
                "\n",
                (question.id, "bold"),
                "  ",
                (f"{risk:<14}", RISK_STYLE[risk]),
                question.title,
            )
        )
        state = review.question_state(question.id)
        if state.does_not_apply:
            reason = state.reason.value if state.reason else "NONE"
            console.print(Text(f"    question does not apply ({reason})", style="dim"))
        if state.none_of_these:
            console.print(Text("    none of these", style="red"))
        if state.notes:
            console.print(Text.assemble(("    notes: ", "dim"), _note(state.notes)))
        for bp in question.best_practices:
            answer = review.answer(bp.id)
            status = answer.status.value
            line = Text.assemble(
                "    ",
                (f"{status:<15}", STATUS_STYLE[status]),
                (bp.id, "bold"),
                f"  {bp.title}",
            )
            if answer.reason:
                line.append(f"  ({answer.reason.value})", style="dim")
            if answer.at is not None:
                line.append("  by ", style="dim")
                line.append(untrusted(answer.source_label, "dim", 80))
            console.print(line)
            if answer.note:
                console.print(Text.assemble("        ", _note(answer.note)))


def _note(note: str) -> Any:
    from rich.text import Text

    shown = untrusted(note, limit=None)
    if len(note) > NOTE_LIMIT:
        shown = untrusted(note[:NOTE_LIMIT])
        shown.append(f"… ({len(note) - NOTE_LIMIT:,} more characters; see --json)", style="dim")
    return shown if isinstance(shown, Text) else Text(str(shown))


@click.command("answer")
@click.argument("review_ref", metavar="REVIEW")
@click.argument("bp_id")
@click.option("--met", is_flag=True, help="The best practice is met.")
@click.option("--not-met", is_flag=True, help="It is not met.")
@click.option(
    "--not-applicable",
    "na_reason",
    type=click.Choice(NA_REASONS, case_sensitive=False),
    help="It does not apply, for this reason.",
)
@click.option("--unanswered", is_flag=True, help="Clear the answer (back to unanswered).")
@click.option("--note", default=None, help="A note for the answer (replaces the old one).")
@click.option("--by", default=None, help="Who answers (default: your user name).")
@click.pass_context
def answer(
    ctx: click.Context,
    review_ref: str,
    bp_id: str,
    met: bool,
    not_met: bool,
    unanswered: bool,
    na_reason: str | None,
    note: str | None,
    by: str | None,
) -> None:
    """Answer best practice BP_ID of REVIEW; exits 0 once the answer is saved."""
    from review.model import AnswerStatus, NotApplicableReason, notes_warning

    chosen = {"met": met, "not_met": not_met, "unanswered": unanswered, "not_applicable": na_reason}
    given = [status for status, on in chosen.items() if on]
    if len(given) != 1:
        raise click.UsageError(
            "give exactly one of --met, --not-met, --not-applicable REASON, --unanswered"
        )
    store = cli_context(ctx).store()
    with store.open(review_ref, wait=LOCK_WAIT_S) as session:
        session.set_answer(
            bp_id,
            AnswerStatus(given[0]),
            by=cli_context(ctx).person(by),
            note=note,
            reason=NotApplicableReason(na_reason.upper()) if na_reason else None,
        )
    if note is not None:
        warning = notes_warning(note)
        if warning:
            warn(warning)


@click.command("milestone")
@click.argument("review_ref", metavar="REVIEW")
@click.argument("name")
@click.pass_context
def milestone(ctx: click.Context, review_ref: str, name: str) -> None:
    """Save the review's current answers as milestone NAME."""
    with cli_context(ctx).store().open(review_ref, wait=LOCK_WAIT_S) as session:
        session.save_milestone(name)


@click.command("diff")
@click.argument("review_ref", metavar="REVIEW")
@click.option("--from", "from_name", default=None, help="Milestone to compare from (latest).")
@click.option("--to", "to_name", default=None, help="Milestone to compare to (default: now).")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@click.pass_context
def diff(
    ctx: click.Context,
    review_ref: str,
    from_name: str | None,
    to_name: str | None,
    as_json: bool,
) -> None:
    """Compare a milestone with another milestone, or with now."""
    from review.milestones import compare

    store = cli_context(ctx).store()
    review = store.load(store.resolve(review_ref))
    result = compare(store.pillar, review, from_name, to_name)
    if as_json:
        _emit_json(_diff_json(result))
        return
    _print_diff(result)


def _diff_json(result: ReviewDiff) -> dict[str, Any]:
    return {
        "from": result.before_name,
        "to": result.after_name,
        "question_risk": {
            c.question_id: {"from": c.before.value, "to": c.after.value}
            for c in result.risk_changes
        },
        "newly_met": list(result.newly_met),
        "newly_unmet": list(result.newly_unmet),
        "changes": {
            c.bp_id: {"from": c.before.value, "to": c.after.value} for c in result.status_changes
        },
    }


def _print_diff(result: ReviewDiff) -> None:
    from rich.text import Text

    console = make_console()
    console.print(
        Text.assemble(
            "From ",
            untrusted(result.before_name, "bold", 80),
            " to ",
            untrusted(result.after_name, "bold", 80),
        )
    )
    if result.is_empty:
        console.print("No changes.")
        return
    for change in result.risk_changes:
        console.print(
            Text.assemble(
                (change.question_id, "bold"),
                "  ",
                (change.before.value, RISK_STYLE[change.before.value]),
                " → ",
                (change.after.value, RISK_STYLE[change.after.value]),
            )
        )
    if result.newly_met:
        console.print(Text("Newly met: " + ", ".join(result.newly_met), style="green"))
    if result.newly_unmet:
        console.print(Text("Newly not met: " + ", ".join(result.newly_unmet), style="red"))
    others = [
        c
        for c in result.status_changes
        if c.bp_id not in result.newly_met and c.bp_id not in result.newly_unmet
    ]
    for other in others:
        console.print(Text(f"{other.bp_id}: {other.before.value} → {other.after.value}"))


@click.command("delete")
@click.argument("review_ref", metavar="REVIEW")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def delete(ctx: click.Context, review_ref: str, yes: bool) -> None:
    """Delete a review and its milestones (export it first to keep a copy)."""
    from review.text import quoted

    store = cli_context(ctx).store()
    review_id = store.resolve(review_ref)
    if not yes:
        if not sys.stdin.isatty():
            raise CliError("not deleting without confirmation; add --yes to delete")
        name = store.load(review_id).name
        click.confirm(f"Delete review {quoted(name)} ({review_id}) and its milestones?", abort=True)
    store.delete(review_id, wait=LOCK_WAIT_S)


@click.command("export")
@click.argument("review_ref", metavar="REVIEW")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS, case_sensitive=False),
    required=True,
    help="The export format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of standard output.",
)
@click.pass_context
def export(ctx: click.Context, review_ref: str, fmt: str, output: Path | None) -> None:
    """Export a review: md (report and plan), csv (plan items for a tracker) or json.

    JSON keeps everything and imports back with 'pillar import'.
    """
    from review.export import ExportFormat
    from review.export import export as export_review
    from review.model import utc_now

    store = cli_context(ctx).store()
    review = store.load(store.resolve(review_ref))
    text = export_review(ExportFormat(fmt.lower()), store.pillar, review, now=utc_now())
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    from review.durable import write_durably

    try:
        write_durably(output, text.encode("utf-8"))
    except OSError as error:
        raise CliError(f"could not write {output}: {error.strerror or error}") from None


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True))
@click.pass_context
def import_review(ctx: click.Context, file: Path) -> None:
    """Import a review from a JSON export; prints its id."""
    from review.jsonio import MAX_IMPORT_BYTES, review_from_json

    try:
        if str(file) == "-":
            data = sys.stdin.buffer.read(MAX_IMPORT_BYTES + 1)
        else:
            if os.path.getsize(file) > MAX_IMPORT_BYTES:
                raise CliError(f"{file} is larger than a pillar export can be; not imported")
            data = file.read_bytes()
    except OSError as error:
        raise CliError(f"cannot read {file}: {error.strerror or error}") from None
    review = review_from_json(data)
    store = cli_context(ctx).store()
    saved = store.import_review(review)
    if saved.id != review.id:
        warn(f"a review with id {review.id} already exists here; imported as a new review")
    click.echo(saved.id)
