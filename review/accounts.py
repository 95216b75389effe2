"""Evidence by account: what a multi-account scan found for one best practice, per account.

A multi-account scan (`ScanResult.multi_account`) lists its accounts (`AccountStatus`:
id, name, scanned or not with the cause) and every result names its account. Views that
show accounts (the review screen's evidence panel, the plan's "found" line, the exports)
ask this module, so they group, count and name accounts the same way:

- `account_evidence(scan, bp)`: per account of the scan (in scan order), its
  results for the best practice, their counts by status and the account's own proposal.
  Results of an account the scan does not list (evidence merged from older files) get an
  entry of their own, after the listed accounts.
- `account_label(status)`: 'prod-a 111111111111' (the name made one safe line and cut),
  or the id alone.
- `accounts_phrase(accounts, total)`: '3 of 40 accounts (prod-a 111111111111, prod-b
  222222222222, +1 more)', naming `shown` accounts (all of them when `shown` is None).

Account names are untrusted text (they come from the organization): they pass through
`safe_line` here, and every front end still shows them as text (Rich `Text`, `md_inline`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from checks.result import AccountStatus, CheckResult, Proposal, ScanResult, Status, propose
from questions import BestPractice
from review.text import safe_line

NAME_LIMIT = 40
"""Longest account name shown (the id always follows in full)."""

ACCOUNTS_SHOWN = 2
"""How many accounts a short phrase names before '+N more'."""


def account_label(status: AccountStatus, limit: int | None = NAME_LIMIT) -> str:
    """'prod-a 111111111111': the name (one safe line, cut to `limit`) and the id."""
    name = safe_line(status.name, limit).strip()
    return f"{name} {status.account_id}" if name else status.account_id


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def accounts_phrase(
    accounts: Sequence[AccountStatus],
    total: int,
    shown: int | None = ACCOUNTS_SHOWN,
    limit: int | None = NAME_LIMIT,
    noun: str = "account",
) -> str:
    """'3 of 40 accounts (prod-a 111111111111, prod-b 222222222222, +1 more)'."""
    head = f"{len(accounts):,} of {plural(total, noun)}"
    if not accounts:
        return head
    named = list(accounts) if shown is None else list(accounts[:shown])
    more = len(accounts) - len(named)
    names = ", ".join(account_label(a, limit) for a in named)
    return f"{head} ({names}{f', +{more:,} more' if more > 0 else ''})"


@dataclass(frozen=True, slots=True)
class AccountEvidence:
    """One account's results for one best practice, and what they add up to."""

    account: AccountStatus
    results: tuple[CheckResult, ...]
    proposal: Proposal | None

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status is status)

    @property
    def failed(self) -> int:
        return self.count(Status.FAIL)

    @property
    def passed(self) -> int:
        return self.count(Status.PASS)

    @property
    def unknown(self) -> int:
        return self.count(Status.UNKNOWN)

    @property
    def advisory(self) -> int:
        return self.count(Status.ADVISORY)

    @property
    def not_applicable(self) -> int:
        return self.count(Status.NOT_APPLICABLE)

    def counts_text(self) -> str:
        """'2 FAIL · 5 PASS · 1 UNKNOWN' (only the statuses present), or 'no results'."""
        parts = [
            f"{self.count(status):,} {status.label}"
            for status in (
                Status.FAIL,
                Status.PASS,
                Status.UNKNOWN,
                Status.ADVISORY,
                Status.NOT_APPLICABLE,
            )
            if self.count(status)
        ]
        return " · ".join(parts) if parts else "no results"


def scan_accounts(scan: ScanResult) -> tuple[AccountStatus, ...]:
    """The scan's accounts, then (scanned) any account its results name that it does not list."""
    listed = scan.account_statuses()
    known = {a.account_id for a in listed}
    extra: list[AccountStatus] = []
    for account_id in scan.result_accounts():  # worked out once per scan
        if account_id not in known:
            known.add(account_id)
            extra.append(AccountStatus(account_id))
    return (*listed, *extra)


def account_evidence(scan: ScanResult, bp: BestPractice) -> tuple[AccountEvidence, ...]:
    """Every account of the scan with its results for `bp` (none for an account that was
    not scanned or has none), in scan order."""
    role = bp.evidence_role
    accounts = scan_accounts(scan)
    found: dict[str, list[CheckResult]] = {a.account_id: [] for a in accounts}
    for result in scan.evidence_for(bp.id):
        account_id = scan.account_of(result)
        own = result if result.account_id else replace(result, account_id=account_id)
        found.setdefault(account_id, []).append(own)
    return tuple(
        AccountEvidence(
            account,
            tuple(found[account.account_id]),
            propose(role, found[account.account_id]) if account.scanned else None,
        )
        for account in accounts
    )
