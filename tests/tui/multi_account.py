"""A multi-account scan for app tests: five accounts, one not scanned (with its cause),
hostile account names (Rich markup, a terminal escape, a very long name)."""

from __future__ import annotations

from datetime import UTC, datetime

from checks.result import (
    AccountState,
    AccountStatus,
    Cause,
    CheckResult,
    Resource,
    ScanResult,
    Status,
)

MARKUP_NAME = "[bold red]pwned[/] [link=https://evil.example]click[/link]"
ESCAPE_NAME = "ops\x1b]52;c;aGk=\x07 | `x`\nsecond line"
LONG_NAME = "staging-" + "very-long-" * 20 + "end"
NOT_SCANNED_CAUSE = "could not assume OrganizationAccountAccessRole: AccessDenied"
ACCOUNTS = (
    AccountStatus("111111111111", "prod-a"),
    AccountStatus("222222222222", MARKUP_NAME),
    AccountStatus("333333333333", LONG_NAME),
    AccountStatus("444444444444", "log-archive", AccountState.NOT_SCANNED, NOT_SCANNED_CAUSE),
    AccountStatus("555555555555", ESCAPE_NAME),
)


def _console_mfa(account: str, failing: tuple[str, ...]) -> CheckResult:
    users = (
        *(Resource(f"arn:aws:iam::{account}:user/{u}", Status.FAIL, "no MFA") for u in failing),
        Resource(f"arn:aws:iam::{account}:user/carol", Status.PASS, "MFA"),
    )
    return CheckResult(
        "iam.console_mfa",
        "Console users have MFA",
        "iam",
        ("SEC02-BP01",),
        "global",
        Status.FAIL if failing else Status.PASS,
        f"{len(failing)} of {len(users)} console users have no MFA",
        resources=users,
        account_id=account,
    )


def _root_mfa(account: str, status: Status) -> CheckResult:
    unknown = status is Status.UNKNOWN
    return CheckResult(
        "iam.root_mfa",
        "Root user has MFA",
        "iam",
        ("SEC02-BP01",),
        "global",
        status,
        "AccessDenied" if unknown else ("root has MFA" if status is Status.PASS else ""),
        cause=Cause.ACCESS_DENIED if unknown else None,
        missing_action="iam:GetAccountSummary" if unknown else None,
        resources=()
        if unknown
        else (Resource("root", status, "MFA" if status is Status.PASS else "no MFA"),),
        account_id=account,
    )


def _public_buckets(account: str) -> CheckResult:
    return CheckResult(
        "s3.bucket_public",
        "Buckets are not public",
        "s3",
        ("SEC03-BP07", "SEC08-BP04"),
        "eu-west-1",
        Status.PASS,
        "no public bucket",
        account_id=account,
    )


def multi_account_scan(started_at: datetime | None = None) -> ScanResult:
    a, b, c, _, e = (s.account_id for s in ACCOUNTS)
    results = (
        _console_mfa(a, ("alice",)),
        _console_mfa(b, ("bob", "dave")),
        _console_mfa(c, ()),
        _console_mfa(e, ()),
        _root_mfa(a, Status.PASS),
        _root_mfa(b, Status.FAIL),
        _root_mfa(c, Status.PASS),
        _root_mfa(e, Status.UNKNOWN),
        *(_public_buckets(x) for x in (a, b, c, e)),
    )
    return ScanResult(
        account_id=a,
        regions=("eu-west-1",),
        started_at=started_at or datetime.now(UTC),
        duration_s=42.0,
        results=tuple(sorted(results, key=lambda r: (r.check_id, r.region))),
        accounts=ACCOUNTS,
    )
