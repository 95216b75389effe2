"""`pillar scope REVIEW`: show, set or clear what scans of a review cover.

The scope options are the same as `pillar scan`'s (`scope_options`, shared by both):
`pillar scan --review R` with any of them saves them as R's scope, and without them scans
R's saved scope (`scope_for_scan`). Module level imports only click and the standard
library.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cli.context import LOCK_WAIT_S, cli_context

if TYPE_CHECKING:
    from review.model import Review, ScanScope

F = TypeVar("F", bound=Callable[..., Any])


def scope_options(function: F) -> F:
    """The scope options of `pillar scan` and `pillar scope` (parameters: organization,
    ous, excluded, account_ids, regions, role_name, external_id)."""
    options = [
        click.option(
            "--organization",
            is_flag=True,
            help="Every active account of the organization (from the management account "
            "or a delegated administrator).",
        ),
        click.option(
            "--ou", "ous", multiple=True, help="With --organization: only accounts under this OU."
        ),
        click.option(
            "--exclude-account",
            "excluded",
            multiple=True,
            help="With --organization: skip this account.",
        ),
        click.option(
            "--account", "account_ids", multiple=True, help="This account (repeat for more)."
        ),
        click.option(
            "--region",
            "regions",
            multiple=True,
            help="Region to scan; repeat for more (default: the account's enabled regions).",
        ),
        click.option(
            "--role-name",
            default=None,
            help="Role assumed in other accounts (default OrganizationAccountAccessRole).",
        ),
        click.option(
            "--external-id", default=None, help="External id required by that role, if any."
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@dataclass(frozen=True)
class ScopeOptions:
    """The scope options as given on the command line."""

    organization: bool = False
    ous: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    account_ids: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    role_name: str | None = None
    external_id: str | None = None

    @property
    def given(self) -> bool:
        return bool(
            self.organization
            or self.ous
            or self.excluded
            or self.account_ids
            or self.regions
            or self.role_name
            or self.external_id
        )

    def scope(self) -> ScanScope:
        """The scope they say, checked (review.scope.InvalidScope: one sentence)."""
        from review.scope import scan_scope

        return scan_scope(
            organization=self.organization,
            ous=self.ous,
            excluded=self.excluded,
            account_ids=self.account_ids,
            regions=self.regions,
            role_name=self.role_name,
            external_id=self.external_id,
        )


def _say(message: str) -> None:
    click.echo(f"pillar: {message}", err=True)


def save_scope(ctx: click.Context, review_ref: str, scope: ScanScope | None) -> Review:
    """Save (None: forget) the scope of a review; the review as saved."""
    store = cli_context(ctx).store()
    with store.open(review_ref, wait=LOCK_WAIT_S) as session:
        return session.set_scan_scope(scope)


def scope_for_scan(ctx: click.Context, review_ref: str | None, given: ScopeOptions) -> ScanScope:
    """What `pillar scan` covers: the options given (saved as the review's scope with
    --review), else the review's saved scope, else the caller's account. Says which on
    stderr when a review is involved."""
    from review.scope import describe_scope, scope_of

    if review_ref is None:
        return given.scope()
    if given.given:
        scope = given.scope()
        save_scope(ctx, review_ref, scope)
        _say(f"scope saved: {describe_scope(scope)}")
        return scope
    store = cli_context(ctx).store()
    review = store.load(store.resolve(review_ref))
    scope = scope_of(review)
    if review.scan_scope is not None:
        _say(f"scanning the review's saved scope: {describe_scope(scope)}")
    else:
        _say(
            f"no scope saved for this review: scanning {describe_scope(scope)} "
            "(save one with `pillar scope REVIEW --account ... --region ...`)"
        )
    return scope


def scope_json(review: Review) -> dict[str, Any]:
    from review.codec import scan_scope_to_dict
    from review.scope import describe_scope, role_of, scope_of

    scope = scope_of(review)
    return {
        "review": review.id,
        "saved": review.scan_scope is not None,
        "scope": scan_scope_to_dict(scope),
        "role": role_of(scope) if scope.multi_account else None,
        "description": describe_scope(scope),
    }


@click.command("scope")
@click.argument("review_ref", metavar="REVIEW")
@scope_options
@click.option(
    "--clear", is_flag=True, help="Forget the saved scope (scans cover the caller's account)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the scope as JSON.")
@click.pass_context
def scope(
    ctx: click.Context,
    review_ref: str,
    organization: bool,
    ous: tuple[str, ...],
    excluded: tuple[str, ...],
    account_ids: tuple[str, ...],
    regions: tuple[str, ...],
    role_name: str | None,
    external_id: str | None,
    clear: bool,
    as_json: bool,
) -> None:
    """Show, set or clear what scans of REVIEW cover.

    With no option: show the scope. With scope options: they replace the saved scope
    (e.g. `--organization --exclude-account 111122223333 --region eu-west-1`, or
    `--account 111122223333 --account 444455556666 --role-name Audit`). `pillar scan
    --review REVIEW` and the app's scan then cover it. The AWS profile and endpoint are
    not part of it: they belong to the machine that scans.
    """
    from review.scope import describe_scope, scope_of

    given = ScopeOptions(organization, ous, excluded, account_ids, regions, role_name, external_id)
    if clear and given.given:
        raise click.UsageError("--clear forgets the scope: give it alone.")
    if clear or given.given:
        review = save_scope(ctx, review_ref, None if clear else given.scope())
        if review.scan_scope is None:
            _say(f"scope cleared: scans cover {describe_scope(scope_of(review))}")
        else:
            _say(f"scope saved: {describe_scope(review.scan_scope)}")
    else:
        store = cli_context(ctx).store()
        review = store.load(store.resolve(review_ref))
    if as_json:
        click.echo(json.dumps(scope_json(review), indent=2, ensure_ascii=True))
    elif not (clear or given.given):
        saved = "saved" if review.scan_scope is not None else "none saved; the default"
        click.echo(f"{describe_scope(scope_of(review))} ({saved})")
