"""Evidence you can carry: scan files (`pillar scan -o scan.json`) merged into a review.

A customer's engineer scans their account (e.g. in CloudShell) and hands the file to the
facilitator, who attaches it to the review as if the scan had run with `--review`:
unanswered best practices get the evidence's proposals, answers are never overwritten,
contradictions are reported (review.evidence does all of that; this module only reads
files and merges results).

- `read_scan_file` / `parse_scan`: a file that is not a pillar scan, comes from a newer
  pillar, or is damaged or tampered with (bad JSON, wrong types, absurd sizes or counts,
  unknown best practices, a date in the future) is refused with one sentence.
- `merge_scans`: results are keyed by (account, region, check). A result replaces the
  one the review has for its key only when it is newer; one that observed nothing (the
  scan was cancelled before it, or its replay lacked a call) never replaces anything.
  Each merged result keeps its own time (`CheckResult.scanned_at`), so merging files one
  at a time or all at once, in any order, gives the same evidence.

Pure functions over values: the store applies what they return (`attach_scans`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checks.result import GLOBAL, Cause, CheckResult, ScanResult, Status
from questions import Pillar
from review.model import Contradiction

if TYPE_CHECKING:  # pragma: no cover
    from review.session import ReviewSession

ATTACH_AUTHOR = "pillar evidence attach"  # marks answers accepted from attached evidence
SCAN_FORMAT = "pillar-scan"  # = checks.report.SCAN_FORMAT (the writer's side)
SCAN_VERSION = 1  # the newest scan file version this pillar reads

# A real scan of a large account is a few megabytes: these are far above, far below a bomb.
MAX_FILE_BYTES = 128 * 1024 * 1024
MAX_RESULTS = 500_000
MAX_RESOURCES = 5_000_000
MAX_REGIONS = 64
MAX_ACCOUNTS = 10_000
MAX_TEXT = 10_000  # a title, reason, resource id or detail
FUTURE_SLACK = timedelta(days=1)  # clocks differ; a scan from next week does not exist

_ACCOUNT = re.compile(r"\d{12}")
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_CHECK_ID = re.compile(r"[a-z0-9][a-z0-9_.-]{0,127}")
_NOTHING_OBSERVED = {Cause.CANCELLED, Cause.NOT_RECORDED}

Key = tuple[str, str, str]  # (account, region, check id)


class ScanFileError(Exception):
    """A file that cannot be attached: one sentence, and nothing was changed."""

    user_error = True
    exit_code = 1


class _Bad(Exception):
    """Inside parsing: what is wrong, completed into a ScanFileError sentence."""


# --- reading and validating -----------------------------------------------------------


def read_scan_file(path: Path, pillar: Pillar, now: datetime | None = None) -> ScanResult:
    """The scan in `path`, validated (see `parse_scan`); ScanFileError otherwise."""
    if path.is_dir():
        raise ScanFileError(f"{path} is a folder, not a scan file.")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScanFileError(
                f"{path} is {size:,} bytes, larger than any pillar scan "
                f"({MAX_FILE_BYTES:,}): it was not attached."
            )
        data = path.read_bytes()
    except OSError as error:
        raise ScanFileError(f"cannot read {path} ({error.strerror or error}).") from None
    return parse_scan(data, pillar, str(path), now)


def parse_scan(
    data: bytes | str, pillar: Pillar, where: str = "the file", now: datetime | None = None
) -> ScanResult:
    """Validate a `pillar scan --format json` document and return its ScanResult."""
    if len(data) > MAX_FILE_BYTES:
        raise ScanFileError(f"{where} is larger than any pillar scan: it was not attached.")
    try:
        document = json.loads(data)
    except UnicodeDecodeError:
        raise ScanFileError(f"{where} is not a pillar scan (it is not UTF-8 text).") from None
    except (ValueError, RecursionError):
        raise ScanFileError(f"{where} is not a pillar scan (its JSON does not parse).") from None
    if not isinstance(document, dict) or not {"account_id", "started_at", "checks"} <= set(
        document
    ):
        raise ScanFileError(
            f"{where} is not a pillar scan (make one with `pillar scan --format json -o FILE`)."
        )
    if "format" in document and document["format"] != SCAN_FORMAT:
        raise ScanFileError(f"{where} is not a pillar scan (its format is not {SCAN_FORMAT!r}).")
    version = document.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ScanFileError(f"{where} is damaged: its version is not a positive whole number.")
    if version > SCAN_VERSION:
        raise ScanFileError(
            f"{where} was made by a newer pillar (scan version {version}; this pillar reads "
            f"up to {SCAN_VERSION}): upgrade pillar to attach it."
        )
    try:
        return _scan(document, pillar, now or datetime.now(UTC))
    except _Bad as bad:
        raise ScanFileError(f"{where} is damaged or was tampered with: {bad}.") from None


def _text(data: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise _Bad(f"{where}.{key} is not text")
    if len(value) > MAX_TEXT:
        raise _Bad(f"{where}.{key} is longer than {MAX_TEXT:,} characters")
    return value


def _matching(data: Mapping[str, Any], key: str, where: str, pattern: re.Pattern[str]) -> str:
    value = _text(data, key, where)
    if not pattern.fullmatch(value):
        raise _Bad(f"{where}.{key} {value[:40]!r} is not a valid value")
    return value


def _time(value: object, where: str, now: datetime) -> datetime:
    if not isinstance(value, str) or len(value) > 64:
        raise _Bad(f"{where} is not a time")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _Bad(f"{where} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise _Bad(f"{where} has no time zone")
    if parsed > now + FUTURE_SLACK:
        raise _Bad(f"{where} is in the future ({value})")
    return parsed


def _one_of(value: object, kind: type[StrEnum]) -> bool:
    return isinstance(value, str) and value in {member.value for member in kind}


def _list(data: Mapping[str, Any], key: str, where: str, limit: int) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise _Bad(f"{where}.{key} is not a list")
    if len(value) > limit:
        raise _Bad(f"{where}.{key} has {len(value):,} items (at most {limit:,})")
    return value


def _scan(document: dict[str, Any], pillar: Pillar, now: datetime) -> ScanResult:
    """Validate every field pillar reads, then build the ScanResult from the document."""
    where = "the scan"
    account_id = _matching(document, "account_id", where, _ACCOUNT)
    regions = _list(document, "regions", where, MAX_REGIONS)
    for index, region in enumerate(regions):
        if not isinstance(region, str) or not _NAME.fullmatch(region):
            raise _Bad(f"regions[{index}] is not a region name")
    _time(document.get("started_at"), "started_at", now)
    duration = document.get("duration_s", 0.0)
    if (
        not isinstance(duration, int | float)
        or isinstance(duration, bool)
        or not math.isfinite(duration)
        or not 0 <= duration <= 30 * 24 * 3600
    ):
        raise _Bad("duration_s is not a number of seconds")
    if not isinstance(document.get("cancelled", False), bool):
        raise _Bad("cancelled is not true or false")
    accounts = _list(document, "accounts", where, MAX_ACCOUNTS)
    for index, account in enumerate(accounts):
        if not isinstance(account, dict):
            raise _Bad(f"accounts[{index}] is not an object")
        _matching(account, "account_id", f"accounts[{index}]", _ACCOUNT)
        _text(account, "name", f"accounts[{index}]", "")
        _text(account, "cause", f"accounts[{index}]", "")
    checks = _list(document, "checks", where, MAX_RESULTS)
    resources = 0
    seen: set[Key] = set()
    for index, item in enumerate(checks):
        key, count = _result(item, f"checks[{index}]", pillar, now, account_id)
        resources += count
        if resources > MAX_RESOURCES:
            raise _Bad(f"it lists more than {MAX_RESOURCES:,} resources")
        if key in seen:
            raise _Bad(f"checks[{index}] repeats {key[2]} in {key[1]} of account {key[0]}")
        seen.add(key)
    try:
        return ScanResult.from_dict({"duration_s": 0.0, "regions": [], **document})
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise _Bad(f"it does not have the shape of a scan ({error!r})") from None


def _result(
    item: object, where: str, pillar: Pillar, now: datetime, scan_account: str
) -> tuple[Key, int]:
    """Validate one check result; its (account, region, check) and resource count."""
    if not isinstance(item, dict):
        raise _Bad(f"{where} is not an object")
    check_id = _matching(item, "id", where, _CHECK_ID)
    _text(item, "title", where)
    _text(item, "service", where)
    _text(item, "reason", where, "")
    region = _text(item, "region", where)
    if region != GLOBAL and not _NAME.fullmatch(region):
        raise _Bad(f"{where}.region {region[:40]!r} is not a region name")
    bps = _list(item, "best_practices", where, 64)
    if "best_practices" not in item:
        raise _Bad(f"{where}.best_practices is missing")
    for bp in bps:
        if not isinstance(bp, str) or not pillar.has_best_practice(bp):
            raise _Bad(
                f"{where} names best practice {str(bp)[:40]!r}, which this pillar's question "
                "bank does not have"
            )
    if not _one_of(item.get("status"), Status):
        raise _Bad(f"{where}.status is not one of {', '.join(Status)}")
    cause = item.get("cause")
    if cause is not None and not _one_of(cause, Cause):
        raise _Bad(f"{where}.cause {str(cause)[:40]!r} is not a known cause")
    missing = item.get("missing_action")
    if missing is not None and (not isinstance(missing, str) or len(missing) > 256):
        raise _Bad(f"{where}.missing_action is not an IAM action")
    account = scan_account
    if item.get("account_id") not in ("", None):
        account = _matching(item, "account_id", where, _ACCOUNT)
    if item.get("scanned_at") is not None:
        _time(item["scanned_at"], f"{where}.scanned_at", now)
    found = _list(item, "resources", where, MAX_RESOURCES)
    for number, resource in enumerate(found):
        inside = f"{where}.resources[{number}]"
        if not isinstance(resource, dict):
            raise _Bad(f"{inside} is not an object")
        if not _one_of(resource.get("status"), Status):
            raise _Bad(f"{inside}.status is not one of {', '.join(Status)}")
        _text(resource, "id", inside)
        _text(resource, "detail", inside)
    return (account, region, check_id), len(found)


# --- merging --------------------------------------------------------------------------


def _account_of(result: CheckResult, scan_account: str) -> str:
    own = getattr(result, "account_id", "")
    return own if isinstance(own, str) and own else scan_account


def _time_of(result: CheckResult, scan: ScanResult) -> datetime:
    return result.scanned_at or scan.started_at


def observed_nothing(result: CheckResult) -> bool:
    """A result that says nothing about the account (cancelled, not in the recording)."""
    return result.status is Status.UNKNOWN and result.cause in _NOTHING_OBSERVED


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    """The merged evidence, and what each file's results did to it."""

    evidence: ScanResult
    added: int = 0  # results for an (account, region, check) the review had no result for
    replaced: int = 0  # older results replaced by newer ones
    ignored: int = 0  # results not newer than what the review has (or that observed nothing)
    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()

    def sentence(self) -> str:
        return (
            f"{self.added} result(s) added, {self.replaced} replaced by newer ones, "
            f"{self.ignored} not newer than the review's and left out "
            f"(account(s) {', '.join(self.accounts) or '-'}; "
            f"region(s) {', '.join(self.regions) or '-'})"
        )


def _stamped(scan: ScanResult) -> Iterable[tuple[Key, CheckResult]]:
    for result in scan.results:
        account = _account_of(result, scan.account_id)
        stamped = replace(result, scanned_at=_time_of(result, scan))
        if hasattr(stamped, "account_id") and not getattr(stamped, "account_id", ""):
            # (results carry their own account once multi-account scans exist)
            own: dict[str, Any] = {"account_id": account}
            stamped = replace(stamped, **own)
        yield (account, result.region, result.check_id), stamped


def _newer(candidate: CheckResult, current: CheckResult) -> bool:
    """Whether `candidate` should replace `current`: a result that observed something
    always beats one that observed nothing; otherwise the newer one wins."""
    if observed_nothing(candidate) != observed_nothing(current):
        return observed_nothing(current)
    assert candidate.scanned_at is not None and current.scanned_at is not None
    if candidate.scanned_at != current.scanned_at:
        return candidate.scanned_at > current.scanned_at
    # The same time (the same scan attached twice, or two files from one instant): a
    # stable choice, so the order files are given in never matters.
    return _tiebreak(candidate) > _tiebreak(current)


def _tiebreak(result: CheckResult) -> str:
    return json.dumps(result.to_dict(), sort_keys=True, default=str)


def merge_scans(existing: ScanResult | None, incoming: Sequence[ScanResult]) -> MergeOutcome:
    """The review's evidence with `incoming` scans merged in (see the module docstring)."""
    kept: dict[Key, CheckResult] = {}
    if existing is not None:
        kept.update(_stamped(existing))
    before = dict(kept)
    for scan in incoming:
        for key, result in _stamped(scan):
            current = kept.get(key)
            if current is None or _newer(result, current):
                kept[key] = result
    added = sum(1 for key in kept if key not in before)
    replaced = sum(1 for key, result in kept.items() if key in before and before[key] is not result)
    # A key replaced twice in one merge counts once as replaced: the other result went unused.
    used = added + replaced
    ignored = sum(len(scan.results) for scan in incoming) - used
    sources = [s for s in (existing, *incoming) if s is not None]
    results = tuple(
        sorted(kept.values(), key=lambda r: (r.check_id, r.region != GLOBAL, r.region, _key(r)))
    )
    accounts = tuple(sorted({key[0] for key in kept}))
    regions = tuple(sorted({region for s in sources for region in s.regions}))
    primary = existing.account_id if existing is not None else incoming[0].account_id
    newest = max((s.started_at for s in sources), default=datetime.now(UTC))
    evidence = ScanResult(
        account_id=primary,
        regions=regions,
        started_at=newest,
        duration_s=max((s.duration_s for s in sources), default=0.0),
        results=results,
        cancelled=any(r.cause is Cause.CANCELLED for r in results),
    )
    return MergeOutcome(
        evidence=_with_accounts(evidence, sources),
        added=added,
        replaced=replaced,
        ignored=ignored,
        accounts=accounts,
        regions=tuple(sorted({key[1] for key in kept if key[1] != GLOBAL})),
    )


def _key(result: CheckResult) -> str:
    own = getattr(result, "account_id", "")
    return own if isinstance(own, str) else ""


def _with_accounts(evidence: ScanResult, sources: Sequence[ScanResult]) -> ScanResult:
    """Multi-account evidence lists every account of its sources (newest status wins)."""
    if not hasattr(evidence, "accounts"):
        return evidence
    statuses: dict[str, Any] = {}
    for source in sorted(sources, key=lambda s: s.started_at):
        listed: Any = getattr(source, "account_statuses", tuple)()
        for status in listed:
            statuses[status.account_id] = status
    accounts: dict[str, Any] = {"accounts": tuple(statuses[a] for a in sorted(statuses))}
    return replace(evidence, **accounts)


# --- applying -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttachReport:
    """What attaching did: the merge, the proposals applied, the contradictions found."""

    merge: MergeOutcome
    files: int
    applied: tuple[str, ...]
    contradictions: tuple[Contradiction, ...]

    def sentence(self) -> str:
        return (
            f"{self.files} scan file(s) attached: {self.merge.sentence()}; "
            f"{len(self.applied)} unanswered best practice(s) answered from proposals, "
            f"{len(self.contradictions)} answer(s) contradicted by evidence flagged for "
            "discussion."
        )


def attach_scans(session: ReviewSession, scans: Sequence[ScanResult], by: str) -> AttachReport:
    """Merge `scans` into the review's evidence, then apply proposals as `--review` does."""
    from review.evidence import contradictions

    if not scans:
        raise ScanFileError("no scan file to attach.")
    outcome = merge_scans(session.review.evidence, scans)
    session.attach_evidence(outcome.evidence)
    applied = session.apply_proposals(accepted_by=by)
    flagged = contradictions(session.store.pillar, session.review)
    return AttachReport(outcome, len(scans), tuple(applied.applied), flagged)


def read_scan_files(
    paths: Sequence[Path], pillar: Pillar, now: datetime | None = None
) -> tuple[ScanResult, ...]:
    """Every file validated before any is used: one bad file, and none is attached."""
    return tuple(read_scan_file(path, pillar, now) for path in paths)
