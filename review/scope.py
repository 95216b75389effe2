"""A review's scan scope: the checked values people give, the scope a scan uses, its words.

The value itself is `review.model.ScanScope`; the review keeps it (`scan_scope`) once a
person sets it (`pillar scope`, `pillar scan --review R` with scope options). A review
that never had one is scanned over the caller's account and the review's own regions
(`scope_of`), as before scopes existed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from review.errors import InvalidChange
from review.model import Review, ScanScope
from review.text import safe_line

DEFAULT_ROLE_NAME = "OrganizationAccountAccessRole"
"""The role assumed when a scope names none (checks.accounts.DEFAULT_ROLE; a test keeps
them equal without this module importing the AWS layer)."""

ACCOUNT_ID = re.compile(r"^\d{12}$")
PARENT_ID = re.compile(r"^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$")
"""An organization root or OU id (the shape Organizations documents for ParentId)."""
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
ROLE_NAME = re.compile(r"^[\w+=,.@/-]{1,512}$")
"""An IAM role name, with its path if it has one (`path/name`)."""
EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$")


class InvalidScope(InvalidChange):
    """A scope option is not of the right form, or options that do not go together."""


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))


def _checked(values: Iterable[str], pattern: re.Pattern[str], what: str) -> tuple[str, ...]:
    found = _unique(values)
    for value in found:
        if not pattern.fullmatch(value):
            raise InvalidScope(f"{safe_line(value, 60)!r} is not {what}.")
    return found


def scan_scope(
    *,
    organization: bool = False,
    ous: Iterable[str] = (),
    excluded: Iterable[str] = (),
    account_ids: Iterable[str] = (),
    regions: Iterable[str] = (),
    role_name: str | None = None,
    external_id: str | None = None,
) -> ScanScope:
    """The scope these options say, checked (InvalidScope: one sentence saying what is wrong).

    Names follow `pillar scan`'s options, so the messages name them too."""
    accounts = _checked(account_ids, ACCOUNT_ID, "an AWS account id (12 digits)")
    skipped = _checked(excluded, ACCOUNT_ID, "an AWS account id (12 digits)")
    parents = _checked(ous, PARENT_ID, "an organization root or OU id (r-... or ou-...-...)")
    wanted = _checked(regions, REGION, "an AWS region name (like eu-west-1)")
    role = (role_name or "").strip().strip("/")
    if role and not ROLE_NAME.fullmatch(role):
        raise InvalidScope(f"{safe_line(role, 60)!r} is not an IAM role name.")
    external = (external_id or "").strip()
    if external and not EXTERNAL_ID.fullmatch(external):
        raise InvalidScope(
            "the external id must be 2 to 1224 letters, digits or the characters +=,.@:/-."
        )
    if (parents or skipped) and not organization:
        raise InvalidScope("--ou and --exclude-account go with --organization.")
    if organization and accounts:
        raise InvalidScope("use --organization or --account, not both.")
    if (role or external) and not (organization or accounts):
        raise InvalidScope("--role-name and --external-id go with --organization or --account.")
    return ScanScope(
        organization=organization,
        ous=parents,
        excluded=skipped,
        account_ids=accounts,
        regions=wanted,
        role_name=role,
        external_id=external,
    )


def scope_of(review: Review) -> ScanScope:
    """The scope a scan of `review` covers: the one saved, else the caller's account in
    the review's regions (all enabled regions if it names none)."""
    if review.scan_scope is not None:
        return review.scan_scope
    regions = tuple(r for r in review.regions if REGION.fullmatch(r))
    return ScanScope(regions=regions)


def role_of(scope: ScanScope) -> str:
    """The role assumed in the scope's other accounts."""
    return scope.role_name or DEFAULT_ROLE_NAME


def _listed(values: tuple[str, ...], limit: int = 3) -> str:
    shown = ", ".join(values[:limit])
    return f"{shown}, +{len(values) - limit} more" if len(values) > limit else shown


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def accounts_phrase(scope: ScanScope) -> str:
    """Which accounts, in words: 'the organization's accounts under ou-... except 1 account'."""
    if scope.organization:
        words = "the organization's accounts"
        if scope.ous:
            words += f" under {_listed(scope.ous)}"
        if scope.excluded:
            words += f" except {_listed(scope.excluded)}"
        return words
    if scope.account_ids:
        count = len(scope.account_ids)
        return f"{_count(count, 'account')} ({_listed(scope.account_ids)})"
    return "the account of the credentials used"


def regions_phrase(scope: ScanScope) -> str:
    if not scope.regions:
        return "all enabled regions"
    return f"{_count(len(scope.regions), 'region')} ({_listed(scope.regions)})"


def describe_scope(scope: ScanScope) -> str:
    """What a scan of this scope covers, in one line: '3 accounts (…) × 2 regions (…) as
    role OrganizationAccountAccessRole with an external id'. Only checked values reach
    here (ids, region names, a role name): nothing to escape, nothing secret."""
    words = f"{accounts_phrase(scope)} × {regions_phrase(scope)}"
    if scope.multi_account:
        words += f" as role {role_of(scope)}"
        if scope.external_id:
            words += " with an external id"
    return words
