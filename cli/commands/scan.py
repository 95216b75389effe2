"""`pillar scan` (read-only evidence from AWS) and `pillar iam-policy` (what it needs).

Module level imports only click and the standard library: boto3 and rich load
inside the commands, so `pillar --help` stays fast.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cli import exit_codes
from cli.commands.scope import ScopeOptions, scope_for_scan, scope_options
from cli.context import cli_context, make_console, untrusted
from cli.errors import CliError

if TYPE_CHECKING:  # pragma: no cover
    from checks.result import ScanResult
    from questions import Pillar

STATUS_STYLE = {
    "PASS": "green",
    "FAIL": "bold red",
    "NOT_APPLICABLE": "dim",
    "UNKNOWN": "yellow",
    "ADVISORY": "cyan",
}


def _selected(patterns: tuple[str, ...]) -> Any:
    from checks.registry import select

    checks = select(patterns)
    if not checks:
        raise CliError(
            f"no check matches {', '.join(patterns)}; list them with `pillar iam-policy --list`.",
            exit_codes.USAGE,
        )
    return checks


def render_table(scan: ScanResult, console: Any, show_passing: bool = False) -> None:
    """Results as a table; failing (and advisory "not in place") resources under their check."""
    from rich.table import Table
    from rich.text import Text

    from checks.result import ADVISORY_LABEL, Status

    many = scan.multi_account
    table = Table(title=None, expand=False, show_lines=False)
    table.add_column("status", no_wrap=True)
    if many:
        table.add_column("account", no_wrap=True)
    table.add_column("check", no_wrap=True)
    table.add_column("region", no_wrap=True)
    table.add_column("best practices", no_wrap=True)
    table.add_column("what was found")
    for result in scan.results:
        found = Text()
        found.append_text(untrusted(result.reason, limit=200))
        resources = result.resources if show_passing else (*result.failing, *result.not_in_place)
        for resource in resources[:20]:
            found.append("\n  ")
            if resource.status is Status.ADVISORY:
                found.append(f"{ADVISORY_LABEL}: ", style="cyan")
            found.append_text(untrusted(resource.id, "bold", limit=120))
            found.append(": ")
            found.append_text(untrusted(resource.detail, limit=160))
        if len(resources) > 20:
            found.append(f"\n  ... and {len(resources) - 20} more (see --format json)")
        account = (untrusted(scan.account_of(result)),) if many else ()
        table.add_row(
            Text(result.status.label, style=STATUS_STYLE.get(result.status.value, "")),
            *account,
            untrusted(result.check_id),
            untrusted(result.region),
            Text(" ".join(result.best_practices)),
            found,
        )
    console.print(table)
    counts: dict[Status, int] = {}
    for result in scan.results:
        counts[result.status] = counts.get(result.status, 0) + 1
    order = (Status.PASS, Status.FAIL, Status.ADVISORY, Status.NOT_APPLICABLE, Status.UNKNOWN)
    shown = [*order, *(s for s in Status if s not in order)]
    summary = ", ".join(f"{counts.get(s, 0)} {s.label}" for s in shown)
    if many:
        accounts = scan.account_statuses()
        scanned = [a for a in accounts if a.scanned]
        console.print(Text(f"{len(scanned)} of {len(accounts)} account(s) scanned"))
        for status in accounts:
            line = Text("  ")
            line.append_text(untrusted(status.label, limit=80))
            line.append(
                ": scanned" if status.scanned else ": NOT SCANNED",
                style="" if status.scanned else "bold red",
            )
            if status.cause:
                line.append(" (")
                line.append_text(untrusted(status.cause, limit=240))
                line.append(")")
            console.print(line)
    console.print(
        Text(
            (
                f"{len(scan.scanned_accounts())} account(s) from {scan.account_id}"
                if many
                else f"account {scan.account_id}"
            )
            + f", {len(scan.regions)} region(s), "
            f"{len(scan.results)} results in {scan.duration_s:.1f}s: {summary}"
            + (" (cancelled: partial results)" if scan.cancelled else "")
        )
    )


def _run_with_progress(run: Any, quiet: bool) -> ScanResult:
    """Run `run(progress, cancel)` with a rich progress bar on stderr (if a terminal)."""
    cancel = threading.Event()
    if quiet or not sys.stderr.isatty():
        return run(None, cancel, None)  # type: ignore[no-any-return]
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("scanning"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=make_console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)
        accounts = [""]

        def progress(done: int, total: int, check_id: str, region: str) -> None:
            where = (
                f"{accounts[0]} | {check_id} {region}" if accounts[0] else f"{check_id} {region}"
            )
            bar.update(task, completed=done, total=total, description=where)

        def on_account(done: int, total: int, current: str) -> None:
            from review.text import safe_line

            now = f", now {safe_line(current, 80)}" if current else ""
            accounts[0] = f"accounts {done}/{total}{now}"

        return run(progress, cancel, on_account)  # type: ignore[no-any-return]


def _store_in_review(ctx: click.Context, review_ref: str, scan: ScanResult, pillar: Pillar) -> str:
    from review.evidence import contradictions
    from review.vocabulary import scan_acceptance

    context = cli_context(ctx)
    store = context.store()
    with store.open(review_ref) as session:
        session.attach_evidence(scan)
        applied = session.apply_proposals(accepted_by=scan_acceptance(context.person()))
        flagged = contradictions(pillar, session.review)
    name = session.review.name
    return (
        f"evidence stored in review {name!r}: {len(applied.applied)} unanswered best "
        f"practice(s) answered from proposals, {len(flagged)} answer(s) contradicted by "
        "evidence flagged for discussion."
    )


def _scope_not_used(ctx: click.Context, review_ref: str, option: str) -> None:
    """Say so when a review's saved scope is not what this scan covers."""
    store = cli_context(ctx).store()
    if store.load(store.resolve(review_ref)).scan_scope is not None:
        click.echo(f"pillar: {option} does not scan the review's saved scope.", err=True)


def _replay(
    path: Path,
    options: Any,
    checks: Any,
    concurrency: int,
    progress: Any,
    cancel: threading.Event,
    on_account: Any = None,
) -> ScanResult:
    """The checks run on a recording (one account, or the accounts a multi-account scan
    recorded): every call answered from it, none sent."""
    from checks.recording import load, replay_connect
    from checks.runner import run_scan

    recording = load(path)
    if recording.multi_account:
        from checks.recording import replay_accounts_scan

        result, replayer = replay_accounts_scan(
            recording,
            checks,
            options,
            concurrency=concurrency,
            progress=progress,
            on_account=on_account,
            cancel=cancel,
        )
    else:
        aws, replayer = replay_connect(recording, options)
        result = run_scan(aws, checks, concurrency=concurrency, progress=progress, cancel=cancel)
    if replayer.misses:
        click.echo(
            f"pillar: warning: {len(replayer.misses)} call(s) the checks made are not in the "
            f"recording (made {recording.recorded_at:%Y-%m-%d %H:%M} UTC): the checks that "
            "needed them are UNKNOWN (not in the recording).",
            err=True,
        )
    return result


def _save_recording(
    recorder: Any, aws: Any, path: Path, targets: Any = (), role: Any = None
) -> None:
    """Write what the scan received; `targets` and `role` for a multi-account scan."""
    from checks.recording import RecordedRole, save

    recorded = None
    if role is not None:
        recorded = RecordedRole(
            role.role_name, role.session_name, role.duration_s, bool(role.external_id)
        )
    recording = recorder.recording(
        aws.account_id,
        aws.regions,
        aws.home_region,
        _version(),
        accounts=[(t.account_id, t.name) for t in targets],
        role=recorded,
    )
    size = save(recording, path)
    click.echo(
        f"pillar: {len(recording.calls)} AWS call(s) recorded in {path} ({size / 1024:,.0f} KiB); "
        "replay them with `pillar scan --replay`.",
        err=True,
    )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pillar-review")
    except PackageNotFoundError:  # pragma: no cover - a source tree
        return ""


@click.command()
@click.option("--profile", help="AWS profile (default: the usual AWS credential chain).")
@click.option(
    "--endpoint-url",
    help="Send every call to this endpoint (e.g. a moto server); default $AWS_ENDPOINT_URL.",
)
@click.option("--review", "review_ref", help="Store the evidence with this review (id or name).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file."
)
@click.option(
    "--fail-on",
    type=click.Choice(["high", "medium", "never"]),
    default="never",
    show_default=True,
    help="Exit 3 when a check fails for a best practice of this risk or higher.",
)
@click.option(
    "--check",
    "patterns",
    multiple=True,
    help="Only checks whose id matches this glob (e.g. 'iam.*'); repeatable.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=32,  # checks.runner.DEFAULT_CONCURRENCY (a test keeps them equal); literal so
    show_default=True,  # that `pillar --help` never imports the runner and boto3
    help="Checks run at once.",
)
@click.option("--adaptive", is_flag=True, help="Use botocore's adaptive retry mode.")
@click.option("--demo", is_flag=True, help="Scan the simulated demo account (no AWS needed).")
@click.option(
    "--record",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write every AWS response received to this file (gzip; no credentials).",
)
@click.option(
    "--replay",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Run the checks on a recording (from --record) instead of AWS: no network.",
)
@click.option("--show-passing", is_flag=True, help="Table: list passing resources too.")
@scope_options  # --organization --ou --exclude-account --account --region --role-name ...
@click.option(
    "--source",
    type=click.Choice(["checks", "securityhub"]),
    default="checks",
    show_default=True,
    help="securityhub: read the failed controls of the AWS Foundational Security Best "
    "Practices standard from Security Hub (the delegated administrator's, for every account) "
    "instead of running pillar's checks.",
)
@click.pass_context
def scan(
    ctx: click.Context,
    profile: str | None,
    regions: tuple[str, ...],
    endpoint_url: str | None,
    review_ref: str | None,
    fmt: str,
    output: Path | None,
    fail_on: str,
    patterns: tuple[str, ...],
    concurrency: int,
    adaptive: bool,
    demo: bool,
    record: Path | None,
    replay: Path | None,
    show_passing: bool,
    organization: bool,
    ous: tuple[str, ...],
    excluded: tuple[str, ...],
    account_ids: tuple[str, ...],
    role_name: str | None,
    external_id: str | None,
    source: str,
) -> None:
    """Gather read-only evidence from an AWS account (or many) and propose answers.

    --organization scans the organization's accounts, --account the ones named; other
    accounts than the caller's are reached by assuming --role-name there. With --review,
    these scope options (and --region) are saved as the review's scope; without them, the
    review's saved scope is scanned (see `pillar scope`).

    --record FILE also keeps every AWS response the scan received (no credentials, no
    request headers), and --replay FILE runs today's checks on it again, offline.

    Exit codes: 0 ok, 1 usage, 2 credentials or permissions stopped the scan,
    3 --fail-on met, 130 interrupted (partial results are still written).
    """
    from checks.result import Cause, Status
    from questions import security_pillar

    pillar = security_pillar()
    checks = _selected(patterns)
    if demo and (profile or endpoint_url or regions):
        raise CliError(
            "--demo scans the simulated account: drop --profile/--endpoint-url/--region."
        )
    if replay and (demo or profile or endpoint_url or record):
        raise CliError(
            "--replay answers every call from the recording: drop "
            "--demo/--profile/--endpoint-url/--record."
        )
    if record and demo:
        raise CliError("--record keeps what a live scan receives: drop --demo.")

    bad = [a for a in (*account_ids, *excluded) if not (a.isdigit() and len(a) == 12)]
    if bad:
        raise CliError(f"{bad[0]!r} is not an AWS account id (12 digits).")
    if (ous or excluded) and not organization:
        raise CliError("--ou and --exclude-account go with --organization.")
    if organization and account_ids:
        raise CliError("use --organization or --account, not both.")
    if demo and (organization or account_ids):
        raise CliError("--demo scans the simulated account alone.")
    if source == "securityhub" and (demo or organization or account_ids or record or replay):
        raise CliError(
            "--source securityhub reads the findings Security Hub aggregated: drop "
            "--demo/--organization/--account/--record/--replay."
        )
    if (organization or account_ids) and replay:
        raise CliError(
            "--replay scans the accounts the recording holds: drop --organization/--account."
        )
    given = ScopeOptions(organization, ous, excluded, account_ids, regions, role_name, external_id)
    if source == "checks" and not (demo or replay):
        # With --review: the options given become the review's scope, or its saved one is used.
        scope = scope_for_scan(ctx, review_ref, given)
        organization, ous, excluded = scope.organization, scope.ous, scope.excluded
        account_ids, regions = scope.account_ids, scope.regions
        role_name, external_id = scope.role_name or None, scope.external_id or None
    elif review_ref and not given.given:
        _scope_not_used(ctx, review_ref, "--demo" if demo else "--replay" if replay else "--source")

    def run(progress: Any, cancel: threading.Event, on_account: Any = None) -> ScanResult:
        from checks.runner import run_scan
        from checks.session import AwsOptions, CredentialsError, connect

        if demo:
            from checks.demo import run_demo_scan

            return run_demo_scan(
                progress=progress, cancel=cancel, checks=checks, concurrency=concurrency
            )
        options = AwsOptions(
            profile=profile,
            regions=tuple(dict.fromkeys(regions)),
            endpoint_url=endpoint_url,
            retry_mode="adaptive" if adaptive else "standard",
            # check threads plus each layer's prefetch threads (CallLayer.ahead_workers)
            max_pool_connections=max(concurrency * 2, concurrency + 16),
        )
        if replay:
            return _replay(replay, options, checks, concurrency, progress, cancel, on_account)
        from checks.recording import Recorder

        recorder = Recorder() if record else None
        try:
            aws = connect(options, tap=recorder)
        except CredentialsError as error:
            raise CliError(str(error), exit_codes.CREDENTIALS) from None
        for note in aws.notes:
            click.echo(f"pillar: warning: {note}", err=True)
        if source == "securityhub":
            from checks.calls import CallFailed
            from checks.securityhub_source import read_findings

            try:
                read = read_findings(aws, tuple(dict.fromkeys(regions)))
            except CallFailed as error:
                raise CliError(
                    f"cannot read Security Hub findings ({error.message}); run from the "
                    "Security Hub administrator account, in its aggregation region.",
                    exit_codes.CREDENTIALS,
                ) from None
            if read.unmapped:
                listed = ", ".join(sorted(read.unmapped))
                click.echo(
                    f"pillar: {sum(read.unmapped.values())} finding(s) of controls with no "
                    f"best practice mapping were left out: {listed}",
                    err=True,
                )
            return read.scan
        if organization or account_ids:
            from checks.accounts import (
                AccountsError,
                Members,
                RoleOptions,
                named_accounts,
                organization_accounts,
                run_accounts_scan,
            )

            try:
                targets = (
                    organization_accounts(aws, ous, excluded)
                    if organization
                    else named_accounts(aws, account_ids)
                )
            except AccountsError as error:
                raise CliError(str(error), exit_codes.CREDENTIALS) from None
            role = RoleOptions(external_id=external_id)
            if role_name:
                role = RoleOptions(role_name=role_name, external_id=external_id)
            try:
                return run_accounts_scan(
                    aws,
                    targets,
                    checks,
                    members=Members(aws, role, tap=recorder),
                    concurrency=concurrency,
                    progress=progress,
                    on_account=on_account,
                    cancel=cancel,
                )
            finally:  # an interrupted scan keeps what it received too
                if recorder is not None and record is not None:
                    _save_recording(recorder, aws, record, targets, role)
        try:
            return run_scan(aws, checks, concurrency=concurrency, progress=progress, cancel=cancel)
        finally:  # an interrupted scan keeps what it received too
            if recorder is not None and record is not None:
                _save_recording(recorder, aws, record)

    result = _run_with_progress(run, quiet=fmt == "json" and output is None)

    if fmt == "json":
        from checks.report import scan_json

        text = json.dumps(scan_json(result, pillar), indent=2, ensure_ascii=True) + "\n"
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            click.echo(text, nl=False)
    elif output:
        with output.open("w", encoding="utf-8") as handle:
            render_table(result, make_console(file=handle), show_passing)
    else:
        render_table(result, make_console(), show_passing)

    if review_ref:
        click.echo(f"pillar: {_store_in_review(ctx, review_ref, result, pillar)}", err=True)

    if result.cancelled:
        click.echo("Interrupted: partial results above.", err=True)
        ctx.exit(exit_codes.INTERRUPTED)
    if result.results and all(
        r.status is Status.UNKNOWN and r.cause is Cause.NO_CREDENTIALS for r in result.results
    ):
        click.echo(
            "pillar: the credentials stopped working during the scan; sign in again.", err=True
        )
        ctx.exit(exit_codes.CREDENTIALS)
    from checks.report import fail_on_met

    if fail_on_met(result, pillar, fail_on):
        ctx.exit(exit_codes.FAIL_ON)


@click.command("iam-policy")
@click.option("--check", "patterns", multiple=True, help="Only checks matching this glob.")
@click.option("--list", "list_checks", is_flag=True, help="List the checks and their actions.")
@click.option(
    "--sync", is_flag=True, help="The policy for `pillar wa` (WA Tool sync) instead of scans."
)
@click.option(
    "--organization",
    is_flag=True,
    help="Policies for a multi-account scan: the management account, the member role, and "
    "a CloudFormation StackSet template creating that role.",
)
@click.option(
    "--role-name",
    default="OrganizationAccountAccessRole",
    show_default=True,
    help="With --organization: the role assumed in member accounts.",
)
def iam_policy(
    patterns: tuple[str, ...], list_checks: bool, sync: bool, organization: bool, role_name: str
) -> None:
    """Print the least-privilege IAM policy (JSON) that pillar's checks need
    (with --sync: what `pillar wa` needs, from the sync client's own allow-list)."""
    from checks.report import iam_policy as build

    if sync:
        from review.watool.client import iam_policy as sync_policy

        click.echo(json.dumps(sync_policy(), indent=2))
        return
    checks = _selected(patterns)
    if list_checks:
        for check in checks:
            click.echo(
                f"{check.id}\t{check.scope.value}\t{','.join(check.best_practices)}\t"
                f"{','.join(check.actions)}\t{check.title}"
            )
        return
    if organization:
        from checks.org_policy import organization_policies

        click.echo(json.dumps(organization_policies(checks, role_name), indent=2))
        return
    click.echo(json.dumps(build(checks), indent=2))
