"""`pillar plan`: the prioritized improvement plan in the terminal, and its tracking.

Only click and the standard library at module level; the review layer and rich load
inside the command. Untrusted text is shown as `rich.text.Text`, never as markup.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import click

from cli.context import LOCK_WAIT_S, cli_context, make_console
from cli.errors import CliError

if TYPE_CHECKING:
    from review.plan import Plan, PlanItem

BUCKETS = ("now", "next", "later")
STATUSES = ("open", "in_progress", "done")
RISK_STYLE = {"High": "bold white on red", "Medium": "black on yellow", "Low": "black on cyan"}


def _due(value: str | None) -> date | None:
    if value is None or value in ("", "-"):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CliError(f"--due {value!r} is not a date; use YYYY-MM-DD, or '-' to clear") from None


def _item_lines(item: PlanItem, details: bool) -> list[Any]:
    from rich.text import Text

    from review.plan import ItemStatus, Origin
    from review.text import safe_line

    box = "[x]" if item.tracking.status is ItemStatus.DONE else "[ ]"
    meta = [f"effort {item.effort.value}"]
    if item.unanswered:
        meta.append("unanswered, a check fails")
    if item.tracking.owner.strip():
        meta.append(f"owner {safe_line(item.tracking.owner, 40)}")
    if item.tracking.due is not None:
        meta.append(f"due {item.tracking.due.isoformat()}")
    if item.tracking.status is not ItemStatus.OPEN:
        meta.append(item.tracking.status.label)
    lines = [
        Text.assemble(
            f"  {box} ",
            (f" {item.risk.value.upper()} ", RISK_STYLE[item.risk.value]),
            " ",
            (item.id, "bold"),
            "  ",
            Text(safe_line(item.title, 90)),
            (f"  · {' · '.join(meta)}", "dim"),
        ),
        Text(f"        {safe_line(item.why, 200)}", style="italic"),
        Text(
            f"        Parked in a workshop on {safe_line(item.question_id, 10)}"
            if item.origin is Origin.PARKING_LOT
            else f"        Found: {safe_line(item.evidence.text, 300)}",
            style="dim",
        ),
    ]
    if details:
        if item.note.strip():
            lines.append(Text(f"        Notes: {safe_line(item.note, 500)}"))
        for number, step in enumerate(item.steps, 1):
            lines.append(Text(f"        {number}. {safe_line(step)}"))
        for link in item.links:
            lines.append(Text(f"        {safe_line(link)}", style="underline"))
    return lines


def print_plan(plan: Plan, name: str, bucket: str | None, details: bool) -> None:
    from rich.text import Text

    from review.plan import Bucket
    from review.text import safe_line

    console = make_console()
    wanted = [Bucket.from_slug(bucket)] if bucket else list(Bucket)
    sizes = ", ".join(f"{len(plan.bucket(b))} {b.value}" for b in Bucket)
    console.print(
        Text.assemble(
            ("Improvement plan", "bold"),
            f" · {safe_line(name, 60)} · {len(plan)} items ({sizes})",
        )
    )
    if not len(plan):
        console.print(
            "Nothing to do yet: no best practice is answered not met, and no check fails."
        )
        return
    for current in wanted:
        items = plan.bucket(current)
        console.print()
        console.print(Text(f"{current.value} ({len(items)})", style="bold underline"))
        if not items:
            console.print(Text("  nothing here", style="dim"))
        for item in items:
            for line in _item_lines(item, details):
                console.print(line)


@click.command("plan")
@click.argument("review_ref", metavar="REVIEW")
@click.option(
    "--bucket",
    type=click.Choice(BUCKETS, case_sensitive=False),
    default=None,
    help="Only this bucket: now (Do now), next or later.",
)
@click.option("--details", is_flag=True, help="Also print notes, improvement steps and links.")
@click.option(
    "--item", "item_id", default=None, help="Set tracking of this item (e.g. SEC03-BP01)."
)
@click.option("--owner", default=None, help="With --item: who owns it ('' to clear).")
@click.option("--due", default=None, help="With --item: due date YYYY-MM-DD ('-' to clear).")
@click.option(
    "--status",
    type=click.Choice(STATUSES, case_sensitive=False),
    default=None,
    help="With --item: open, in_progress or done.",
)
@click.pass_context
def plan(
    ctx: click.Context,
    review_ref: str,
    bucket: str | None,
    details: bool,
    item_id: str | None,
    owner: str | None,
    due: str | None,
    status: str | None,
) -> None:
    """Print the prioritized improvement plan of REVIEW (Do now, Next, Later).

    With --item, first set that item's owner, due date or status (kept in the review).
    The order is explained in the README, "How the plan is prioritized".
    """
    from dataclasses import replace

    from review.plan import ItemStatus, build_plan, tracking_of

    store = cli_context(ctx).store()
    if item_id is None:
        if owner is not None or due is not None or status is not None:
            raise click.UsageError("--owner, --due and --status need --item")
        review = store.load(store.resolve(review_ref))
    else:
        if owner is None and due is None and status is None:
            raise click.UsageError("--item needs at least one of --owner, --due, --status")
        item_id = item_id.strip().upper()
        with store.open(review_ref, wait=LOCK_WAIT_S) as session:
            current = session.review
            if item_id not in {i.id for i in build_plan(store.pillar, current).items}:
                raise CliError(
                    f"{item_id[:30]!r} is not an item of this review's plan; "
                    "run 'pillar plan REVIEW' to see the items"
                )
            old = tracking_of(current, item_id)
            new = replace(
                old,
                owner=old.owner if owner is None else owner.strip(),
                due=old.due if due is None else _due(due),
                status=old.status if status is None else ItemStatus(status.lower()),
            )
            review = session.set_plan_tracking(new)
    print_plan(build_plan(store.pillar, review), review.name, bucket, details)
