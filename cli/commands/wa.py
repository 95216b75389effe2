"""`pillar wa ...`: sync reviews with the AWS Well-Architected Tool (issue 10).

`workloads` lists the WA Tool's workloads; `push` sends a review's answers, `pull` brings
a review up to date (or makes a new one from a workload), `status` compares both sides.
Conflicts (a question changed on both sides) are left alone on both sides, listed with
both versions, and make push and pull exit 5.

Module level imports only click and the standard library (`pillar --help` stays light).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from cli import exit_codes
from cli.context import LOCK_WAIT_S, cli_context, make_console, untrusted, warn
from cli.errors import CliError

if TYPE_CHECKING:  # pragma: no cover
    from questions import Pillar
    from review.model import Review
    from review.watool.client import LensReview, WaOptions, WaTool
    from review.watool.mapping import LensMismatch
    from review.watool.state import QuestionSync


def aws_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """--profile, --region, --endpoint-url, as `pillar scan` has them."""
    function = click.option(
        "--endpoint-url",
        help="Send every call to this endpoint (default $AWS_ENDPOINT_URL).",
    )(function)
    function = click.option(
        "--region",
        help="The WA Tool region (default: the linked workload's, else the profile's).",
    )(function)
    return click.option("--profile", help="AWS profile (default: the usual credential chain).")(
        function
    )


@click.group("wa")
def wa() -> None:
    """Sync reviews with the AWS Well-Architected Tool (push, pull, status).

    Exit codes: 0 done, 1 usage or a WA Tool error, 2 credentials or permissions,
    4 the review is open elsewhere, 5 conflicts left (changed on both sides), 130 interrupted.
    """


def _options(profile: str | None, endpoint_url: str | None) -> WaOptions:
    from review.watool.client import WaOptions

    return WaOptions(profile=profile, endpoint_url=endpoint_url)


def _connect(
    profile: str | None,
    region: str | None,
    endpoint_url: str | None,
    *,
    linked: str | None = None,
    ref: str | None = None,
) -> WaTool:
    """The WA Tool client for the region given, else the workload's, else the profile's."""
    from review.watool.client import WaTool, region_of, session_region

    options = _options(profile, endpoint_url)
    chosen = region or linked or (region_of(ref) if ref else None) or session_region(options)
    if not chosen:
        raise CliError(
            "the WA Tool is regional and no region is set; give --region (e.g. --region "
            "eu-west-1) or set one in your AWS profile"
        )
    return WaTool.connect(options, chosen)


@contextmanager
def _progress(quiet: bool = False) -> Iterator[Callable[[str, int, int], None]]:
    """A spinner on stderr saying what sync is doing (only on a terminal)."""
    if quiet or not sys.stderr.isatty():
        yield lambda what, done, total: None
        return
    console = make_console(stderr=True)
    with console.status("connecting to the AWS WA Tool") as status:

        def update(what: str, done: int, total: int) -> None:
            status.update(f"{what} ({done}/{total})" if total else what)

        yield update


def _line(console: Any, *parts: tuple[str, str] | str) -> None:
    from rich.text import Text

    text = Text()
    for part in parts:
        if isinstance(part, tuple):
            text.append_text(untrusted(part[0], part[1], limit=300))
        else:
            text.append_text(untrusted(part, limit=300))
    console.print(text)


def _workload_line(console: Any, name: str, workload_id: str | None, region: str) -> None:
    where = f" ({workload_id}, {region})" if workload_id else f" (new, {region})"
    _line(console, "WA Tool workload ", (f"'{name}'", "bold"), where)


def _lens_lines(console: Any, lens: LensReview | None, mismatch: LensMismatch) -> None:
    if lens is not None:
        state = (
            "current" if lens.current else f"{lens.status or 'unknown'}: not the current version"
        )
        _line(console, f"lens {lens.alias} version {lens.version or '?'} ({state})")
        if not lens.current:
            _line(
                console,
                "  pillar never upgrades a lens review; choices are matched by id, and you may "
                "upgrade it in the WA Tool console",
            )
    for line in mismatch.lines():
        _line(console, ("  ids without a partner: ", "yellow"), line)


def _both_sides(console: Any, pillar: Pillar, sync: QuestionSync) -> None:
    from review.watool.mapping import answer_summary

    question = pillar.question(sync.question_id)
    _line(console, "      pillar:  ", answer_summary(question, sync.local.answer))
    _line(console, "      WA Tool: ", answer_summary(question, sync.remote))


def _conflict_advice(review: Review, command: str) -> str:
    ref = review.id[:8]
    if command == "push":
        return (
            f"keep pillar's side with `pillar wa push {ref} --prefer local`, or the WA Tool's "
            f"with `pillar wa pull {ref} --prefer remote`"
        )
    return (
        f"take the WA Tool's side with `pillar wa pull {ref} --prefer remote`, or keep "
        f"pillar's with `pillar wa push {ref} --prefer local`"
    )


# --- workloads ---------------------------------------------------------------------------------


@wa.command("workloads")
@aws_options
@click.option("--json", "as_json", is_flag=True, help="Print the workloads as JSON.")
def workloads(
    profile: str | None, region: str | None, endpoint_url: str | None, as_json: bool
) -> None:
    """List the WA Tool workloads of the account and region."""
    client = _connect(profile, region, endpoint_url)
    with _progress(as_json):
        found = client.list_workloads()
    if as_json:
        data = [
            {
                "id": w.id,
                "arn": w.arn,
                "name": w.name,
                "owner": w.owner,
                "lenses": list(w.lenses),
                "risk_counts": dict(w.risk_counts),
                "updated_at": w.updated_at.isoformat() if w.updated_at else None,
            }
            for w in found
        ]
        click.echo(json.dumps(data, indent=2, ensure_ascii=True))
        return
    from rich.table import Table

    console = make_console()
    if not found:
        _line(console, f"no WA Tool workloads in {client.region}")
        return
    table = Table(expand=False)
    for column in ("name", "id", "lenses", "high", "medium", "updated"):
        table.add_column(column, no_wrap=column != "name")
    for w in found:
        risks = dict(w.risk_counts)
        table.add_row(
            untrusted(w.name, limit=60),
            w.id,
            untrusted(", ".join(w.lenses), limit=40),
            str(risks.get("HIGH", 0)),
            str(risks.get("MEDIUM", 0)),
            w.updated_at.strftime("%Y-%m-%d %H:%M") if w.updated_at else "",
        )
    console.print(table)
    _line(console, f"{len(found)} workload(s) in {client.region}")


# --- push --------------------------------------------------------------------------------------


@wa.command("push")
@click.argument("review_ref", metavar="REVIEW")
@aws_options
@click.option("--workload", "workload_ref", metavar="ID|ARN|NAME", help="Push to this workload.")
@click.option("--create", is_flag=True, help="Create a workload for the review.")
@click.option("--milestone", help="Record a WA Tool milestone with this name after the push.")
@click.option("--dry-run", is_flag=True, help="Print the changes per question; write nothing.")
@click.option(
    "--include-partial",
    is_flag=True,
    help="Also send questions with unanswered best practices (as not selected).",
)
@click.option(
    "--prefer",
    type=click.Choice(["local"]),
    help="Settle conflicts with pillar's answers.",
)
@click.pass_context
def push(
    ctx: click.Context,
    review_ref: str,
    profile: str | None,
    region: str | None,
    endpoint_url: str | None,
    workload_ref: str | None,
    create: bool,
    milestone: str | None,
    dry_run: bool,
    include_partial: bool,
    prefer: str | None,
) -> None:
    """Send REVIEW's answers to its WA Tool workload (--create or --workload the first time)."""
    from review.watool.mapping import answer_summary
    from review.watool.state import PushAction
    from review.watool.sync import PushOptions
    from review.watool.sync import push as run_push

    if create and workload_ref:
        raise CliError("give either --workload or --create, not both")
    context = cli_context(ctx)
    store = context.store()
    console = make_console()
    with store.open(review_ref, wait=LOCK_WAIT_S) as session:
        link = session.review.wa_link
        client = _connect(
            profile, region, endpoint_url, linked=link.region if link else None, ref=workload_ref
        )
        options = PushOptions(
            create=create,
            workload=workload_ref,
            milestone=milestone,
            dry_run=dry_run,
            include_partial=include_partial,
            prefer_local=prefer == "local",
            owner=context.person(),
        )
        with _progress() as progress:
            result = run_push(session, client, options, progress)
        review = session.review
    pillar = store.pillar
    workload_id = result.workload.id if result.workload else None
    _workload_line(console, result.workload_name, workload_id, client.region)
    if dry_run:
        _line(console, ("dry run: nothing is written", "bold"))
    if result.created:
        _line(console, "  created the workload (lens wellarchitected)")
    elif dry_run and create:
        _line(console, "  would create the workload (lens wellarchitected)")
    if result.lens_associated:
        _line(console, "  added the wellarchitected lens to the workload")
    for note in result.notes:
        _line(console, "  note: ", note)
    _lens_lines(console, result.lens, result.mismatch)
    verb = "would send" if dry_run else "sent"
    for step in result.steps:
        sync = step.sync
        qid = sync.question_id
        if step.action is PushAction.SEND:
            extra = (
                " (partial: unanswered best practices sent as not selected)" if step.partial else ""
            )
            what = answer_summary(pillar.question(qid), sync.local.answer, notes=40)
            _line(console, f"{qid}  ", (f"{verb:<11}", "green"), f"{what}{extra}")
            if dry_run:
                _both_sides(console, pillar, sync)
        elif step.action is PushAction.UNCHANGED:
            _line(console, f"{qid}  unchanged")
        elif step.action is PushAction.PARTIAL:
            _line(
                console,
                f"{qid}  ",
                ("skipped    ", "yellow"),
                f"partial: {', '.join(sync.local.unanswered)} unanswered "
                "(--include-partial sends it, unanswered as not selected)",
            )
        elif step.action is PushAction.REMOTE_CHANGED:
            _line(
                console,
                f"{qid}  ",
                ("skipped    ", "yellow"),
                f"changed in the WA Tool since the last sync: run `pillar wa pull {review.id[:8]}`",
            )
        elif step.action is PushAction.CONFLICT:
            _line(
                console,
                f"{qid}  ",
                ("CONFLICT   ", "bold red"),
                "changed on both sides since the last sync",
            )
            _both_sides(console, pillar, sync)
        else:
            _line(
                console,
                f"{qid}  ",
                ("missing    ", "yellow"),
                "the workload's lens has no such question",
            )
    for qid in result.stored_otherwise:
        warn(f"{qid}: the WA Tool stored a different answer than pillar sent; see pillar wa status")
    if not dry_run:
        counted = f"{len(result.sent)} answer(s) sent, {result.writes} write call(s)"
        if result.milestone is not None:
            counted += f", milestone {result.milestone} recorded"
        _line(console, counted)
    conflicts = result.conflicts
    if conflicts:
        click.echo(
            f"pillar: {len(conflicts)} conflict(s) left alone on both sides; "
            f"{_conflict_advice(review, 'push')}.",
            err=True,
        )
        ctx.exit(exit_codes.CONFLICT)


# --- pull --------------------------------------------------------------------------------------


@wa.command("pull")
@click.argument("review_ref", metavar="[REVIEW]", required=False)
@aws_options
@click.option(
    "--workload",
    "workload_ref",
    metavar="ID|ARN|NAME",
    help="Make a new review from this workload.",
)
@click.option("--name", help="Name of the new review (default: the workload's).")
@click.option(
    "--milestones", is_flag=True, help="New review: also import the workload's milestones."
)
@click.option(
    "--prefer", type=click.Choice(["remote"]), help="Settle conflicts with the WA Tool's answers."
)
@click.pass_context
def pull(
    ctx: click.Context,
    review_ref: str | None,
    profile: str | None,
    region: str | None,
    endpoint_url: str | None,
    workload_ref: str | None,
    name: str | None,
    milestones: bool,
    prefer: str | None,
) -> None:
    """Bring REVIEW up to date with its workload, or make a new review with --workload."""
    from review.watool.state import PullAction
    from review.watool.sync import pull as run_pull
    from review.watool.sync import pull_new

    store = cli_context(ctx).store()
    console = make_console()
    pillar = store.pillar
    if review_ref is None:
        if workload_ref is None:
            raise CliError("give a REVIEW to bring up to date, or --workload to make a new review")
        client = _connect(profile, region, endpoint_url, ref=workload_ref)
        with _progress() as progress:
            result = pull_new(
                store, client, workload_ref, name=name, milestones=milestones, progress=progress
            )
        _workload_line(console, result.workload.name, result.workload.id, client.region)
        _lens_lines(console, result.lens, result.mismatch)
        review = result.review
        _line(
            console,
            "new review ",
            (f"'{review.name}'", "bold"),
            f" {review.id}: {len(result.taken)} question(s), {result.changed_answers} answer(s)"
            + (f", {len(result.milestones)} milestone(s)" if milestones else "")
            + " pulled",
        )
        return
    if workload_ref is not None or name is not None or milestones:
        raise CliError(
            "--workload, --name and --milestones make a new review: leave out REVIEW "
            "(a linked review pulls from its own workload)"
        )
    with store.open(review_ref, wait=LOCK_WAIT_S) as session:
        link = session.review.wa_link
        client = _connect(profile, region, endpoint_url, linked=link.region if link else None)
        with _progress() as progress:
            pulled = run_pull(session, client, prefer_remote=prefer == "remote", progress=progress)
    review = pulled.review
    _workload_line(console, pulled.workload.name, pulled.workload.id, client.region)
    _lens_lines(console, pulled.lens, pulled.mismatch)
    for step in pulled.steps:
        qid = step.sync.question_id
        if step.action is PullAction.TAKE:
            _line(console, f"{qid}  ", ("taken      ", "green"))
            _both_sides(console, pillar, step.sync)
        elif step.action is PullAction.UNCHANGED:
            _line(console, f"{qid}  unchanged")
        elif step.action is PullAction.LOCAL_CHANGED:
            _line(
                console,
                f"{qid}  ",
                ("kept       ", "yellow"),
                f"changed in pillar since the last sync: run `pillar wa push {review.id[:8]}`",
            )
        elif step.action is PullAction.CONFLICT:
            _line(
                console,
                f"{qid}  ",
                ("CONFLICT   ", "bold red"),
                "changed on both sides since the last sync",
            )
            _both_sides(console, pillar, step.sync)
        else:
            _line(
                console,
                f"{qid}  ",
                ("missing    ", "yellow"),
                "the workload's lens has no such question",
            )
    _line(
        console,
        f"{len(pulled.taken)} question(s) taken, {pulled.changed_answers} answer(s) changed "
        "(in the history as by the AWS WA Tool)",
    )
    if pulled.conflicts:
        click.echo(
            f"pillar: {len(pulled.conflicts)} conflict(s) left alone on both sides; "
            f"{_conflict_advice(review, 'pull')}.",
            err=True,
        )
        ctx.exit(exit_codes.CONFLICT)


# --- status ------------------------------------------------------------------------------------


@wa.command("status")
@click.argument("review_ref", metavar="REVIEW")
@aws_options
@click.option("--json", "as_json", is_flag=True, help="Print the states as JSON.")
@click.pass_context
def status(
    ctx: click.Context,
    review_ref: str,
    profile: str | None,
    region: str | None,
    endpoint_url: str | None,
    as_json: bool,
) -> None:
    """Per question: in_sync, local_changes, remote_changes, conflict or not_linked."""
    from review.watool.mapping import answer_summary
    from review.watool.state import SyncState
    from review.watool.sync import status as run_status

    store = cli_context(ctx).store()
    pillar = store.pillar
    review = store.load(store.resolve(review_ref))
    link = review.wa_link
    client = (
        _connect(profile, region, endpoint_url, linked=link.region) if link is not None else None
    )
    with _progress(as_json):
        report = run_status(pillar, review, client)
    if as_json:
        data = {
            "review": review.id,
            "workload": (
                {
                    "id": report.workload.id,
                    "arn": report.workload.arn,
                    "name": report.workload.name,
                    "region": report.workload.region,
                }
                if report.workload
                else None
            ),
            "lens": (
                {
                    "alias": report.lens.alias,
                    "version": report.lens.version,
                    "status": report.lens.status,
                    "current": report.lens.current,
                }
                if report.lens
                else None
            ),
            "unpartnered": {
                "questions_only_in_pillar": list(report.mismatch.questions_only_in_pillar),
                "questions_only_in_workload": list(report.mismatch.questions_only_in_workload),
                "choices_only_in_pillar": list(report.mismatch.choices_only_in_pillar),
                "choices_only_in_workload": list(report.mismatch.choices_only_in_workload),
            },
            "questions": [
                {
                    "id": q.question_id,
                    "wa_question_id": q.wa_question_id,
                    "state": q.state.value,
                    "partial": q.local.partial,
                    "local": answer_summary(pillar.question(q.question_id), q.local.answer),
                    "remote": (
                        answer_summary(pillar.question(q.question_id), q.remote)
                        if q.remote is not None
                        else None
                    ),
                }
                for q in report.questions
            ],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=True))
        return
    console = make_console()
    if report.workload is None:
        _line(
            console,
            "review ",
            (f"'{review.name}'", "bold"),
            " is not linked to a WA Tool workload: every question is not_linked; push it with "
            f"`pillar wa push {review.id[:8]} --create` (or --workload ID)",
        )
        return
    _workload_line(console, report.workload.name, report.workload.id, report.workload.region)
    _lens_lines(console, report.lens, report.mismatch)
    advice = {
        SyncState.LOCAL_CHANGES: "push sends it",
        SyncState.REMOTE_CHANGES: "pull takes it",
        SyncState.CONFLICT: "changed on both sides",
        SyncState.NOT_LINKED: "the workload's lens has no such question",
    }
    styles = {
        SyncState.IN_SYNC: "green",
        SyncState.CONFLICT: "bold red",
        SyncState.NOT_LINKED: "yellow",
    }
    for q in report.questions:
        extra = advice.get(q.state, "")
        if q.local.partial and q.state is SyncState.LOCAL_CHANGES:
            extra += " (partial: needs --include-partial)"
        _line(
            console, f"{q.question_id}  ", (f"{q.state.value:<15}", styles.get(q.state, "")), extra
        )
        if q.state is SyncState.CONFLICT:
            _both_sides(console, pillar, q)
    counts = ", ".join(
        f"{report.count(state)} {state.value}" for state in SyncState if report.count(state)
    )
    _line(console, f"{len(report.questions)} questions: {counts}")
