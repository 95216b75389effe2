"""`pillar interview`: walk a review's questions with plain prompts (no full-screen app).

Only click and the standard library are imported at module level; the store, rich,
questionary and the interview itself (`cli.interview`) load when the command runs.
"""

from __future__ import annotations

import os
import shlex

import click


@click.command("interview")
@click.argument("review_ref", metavar="REVIEW")
@click.option(
    "--question",
    "start",
    default=None,
    metavar="SECnn",
    help="Start at this question (e.g. SEC03) instead of where the review was left.",
)
@click.option(
    "--unanswered",
    is_flag=True,
    help="Ask only questions that still have unanswered best practices (from SEC01 on, "
    "unless --question is given).",
)
@click.option("--by", default=None, help="Who answers (default: your user name).")
@click.option("--no-color", is_flag=True, help="No colours (the same as setting NO_COLOR=1).")
@click.pass_context
def interview(
    ctx: click.Context,
    review_ref: str,
    start: str | None,
    unanswered: bool,
    by: str | None,
    no_color: bool,
) -> None:
    """Walk the questions of REVIEW with plain prompts: does it apply, which best practices
    are met, a note. Every answer is saved at once; Ctrl-C stops, keeping them."""
    from cli import exit_codes
    from cli.context import LOCK_WAIT_S, cli_context
    from cli.interview import Interviewer, question_id_from
    from review.text import safe_line

    if no_color:
        os.environ["NO_COLOR"] = "1"  # rich and prompt_toolkit both honour it
    context = cli_context(ctx)
    store = context.store()
    question_id = None
    if start is not None:
        question_id = question_id_from(start, store.pillar)
        if question_id is None:
            raise click.BadParameter(
                f"'{safe_line(start, 30)}' is not a question; give SEC01 to SEC11",
                param_hint="--question",
            )
    with store.open(review_ref, wait=LOCK_WAIT_S) as session:
        interviewer = Interviewer(session, by=context.person(by), console=context.console())
        outcome = interviewer.run(question_id, unanswered)
    if outcome.stopped:
        resume = shlex.quote(safe_line(review_ref, 100))
        click.echo(
            f"\nStopped. {outcome.saved} answer{'' if outcome.saved == 1 else 's'} saved; "
            f"resume with `pillar interview {resume}`.",
            err=True,
        )
        ctx.exit(exit_codes.INTERRUPTED)
