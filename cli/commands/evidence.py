"""`pillar evidence attach REVIEW FILE...`: bring scan files into a review's evidence.

The customer's engineer runs `pillar scan --format json -o scan.json` in their account
(e.g. in CloudShell) and hands the file over; the facilitator, with no credentials for
that account, attaches it. Module level imports only click and the standard library.
"""

from __future__ import annotations

from pathlib import Path

import click

from cli.context import LOCK_WAIT_S, cli_context


@click.group()
def evidence() -> None:
    """Evidence gathered elsewhere: attach scan files to a review."""


@evidence.command("attach")
@click.argument("review")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--by", help="Who accepts the evidence's proposals (default: you).")
@click.pass_context
def attach(ctx: click.Context, review: str, files: tuple[Path, ...], by: str | None) -> None:
    """Merge scan files (`pillar scan --format json -o FILE`) into REVIEW's evidence.

    As if the scan had run with --review: unanswered best practices get the evidence's
    proposals, answers are never overwritten, contradictions are listed. Files of several
    accounts, regions and dates merge; a result replaces the review's for the same
    account, region and check only if it is newer. One file that is not a sound pillar
    scan and nothing is attached.
    """
    from review.attach import ATTACH_AUTHOR, attach_scans, read_scan_files
    from review.text import safe_text

    context = cli_context(ctx)
    store = context.store()
    scans = read_scan_files(files, store.pillar)  # every file checked before any change
    by_whom = f"{context.person(by)} ({ATTACH_AUTHOR})"
    with store.open(review, wait=LOCK_WAIT_S) as session:
        report = attach_scans(session, scans, by=by_whom)
        name = session.review.name
    click.echo(safe_text(f"Evidence attached to review {name!r}: {report.sentence()}"))
    for contradiction in report.contradictions:
        answered = contradiction.answer.status.value.replace("_", " ")
        proposed = contradiction.proposal.value.replace("_", " ")
        click.echo(f"  {contradiction.bp_id}: answered {answered}, evidence proposes {proposed}")
