"""`pillar` (home), `pillar open REVIEW` and `pillar demo`: start the Textual app.

`tui` is imported inside the commands only, so `pillar --help` never loads textual.
"""

from __future__ import annotations

from pathlib import Path

import click

from cli.context import cli_context


def _run_app(
    ctx: click.Context,
    *,
    home_override: Path | None = None,
    open_review: str | None = None,
    start_question: str | None = None,
    profile: str | None = None,
    endpoint_url: str | None = None,
    demo: bool = False,
    scan_first: bool = False,
) -> None:
    from tui.app import PillarApp
    from tui.scanning import ScanSource

    context = cli_context(ctx)
    store = context.store(home_override)
    if open_review is not None:
        open_review = store.resolve(open_review)
    app = PillarApp(
        store,
        person=context.person(),
        scan_source=ScanSource(demo=demo, profile=profile, endpoint_url=endpoint_url),
        open_review=open_review,
        start_question=start_question,
        scan_first=scan_first,
    )
    app.run()


@click.command()
@click.option("--profile", help="AWS profile for scans (default: the usual AWS chain).")
@click.option("--endpoint-url", help="Custom AWS endpoint for scans (e.g. a local emulator).")
@click.pass_context
def home(ctx: click.Context, profile: str | None, endpoint_url: str | None) -> None:
    """Open the app on the list of saved reviews (what plain `pillar` does)."""
    _run_app(ctx, profile=profile, endpoint_url=endpoint_url)


@click.command(name="open")
@click.argument("review")
@click.option(
    "--question", help="Start at this question (e.g. SEC03) instead of where it was left."
)
@click.option("--profile", help="AWS profile for scans (default: the usual AWS chain).")
@click.option("--endpoint-url", help="Custom AWS endpoint for scans (e.g. a local emulator).")
@click.pass_context
def open_(
    ctx: click.Context,
    review: str,
    question: str | None,
    profile: str | None,
    endpoint_url: str | None,
) -> None:
    """Open REVIEW (id, id prefix or name) where it was left."""
    _run_app(
        ctx, open_review=review, start_question=question, profile=profile, endpoint_url=endpoint_url
    )


DEMO_NAME = "Demo (simulated account)"


@click.command()
@click.option("--fresh", is_flag=True, help="Throw away the demo review and start again.")
@click.pass_context
def demo(ctx: click.Context, fresh: bool) -> None:
    """Try pillar on a simulated AWS account: no AWS, no credentials needed.

    The demo keeps its own store (in <home>/demo), so it never mixes with real reviews.
    The first run creates the demo review with the evidence of the simulated account
    (every check replayed on its recording, shipped with pillar); r scans it again.
    """
    from review.locations import resolve_home
    from review.model import Environment

    context = cli_context(ctx)
    home = resolve_home(context.home) / "demo"
    store = context.store(home)
    existing = [s for s in store.list_reviews().reviews if s.name == DEMO_NAME]
    if fresh:
        for summary in existing:
            store.delete(summary.id)
        existing = []
    if existing:
        review_id = existing[0].id
    else:
        review = store.create(
            DEMO_NAME,
            owner="Demo team",
            environment=Environment.PRODUCTION,
            description="A workload on a simulated account with a mix of good and bad settings.",
            account_ids=["123456789012"],
            regions=["eu-west-1", "us-east-1"],
        )
        review_id = review.id
        from dataclasses import replace
        from datetime import UTC, datetime

        from checks.demo import demo_evidence

        # Opens at once, evidence in place (the simulated account "was scanned" just now).
        evidence = replace(demo_evidence(), started_at=datetime.now(UTC))
        with store.open(review_id) as session:
            session.attach_evidence(evidence)
    _run_app(ctx, home_override=home, open_review=review_id, demo=True, scan_first=True)
