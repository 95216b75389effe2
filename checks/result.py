"""What checks find: the result types shared by the runner, the review store and the UI.

These are plain immutable values with a stable dict form (`to_dict` / `from_dict`) so a
review can store evidence and an export can print it without knowing how checks run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from questions import EvidenceRole, Pillar

GLOBAL = "global"
"""The region label of checks that examine account-wide (not regional) settings."""


class Status(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"  # a resource or setting that is wrong: proposes "not met"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    UNKNOWN = "UNKNOWN"
    # An optional control is not in place (no backup plan, no classification tag...):
    # shown as evidence, never a "not met" proposal. Only checks declared `advisory=True`
    # report it; the runner turns their failures into advisories.
    ADVISORY = "ADVISORY"

    @property
    def label(self) -> str:
        """How every front end and export shows the status: its value, N/A for NOT_APPLICABLE."""
        return "N/A" if self is Status.NOT_APPLICABLE else self.value


class Cause(StrEnum):
    """Why a check could not decide (status UNKNOWN)."""

    ACCESS_DENIED = "access_denied"
    NOT_AVAILABLE = "not_available"  # service not offered / not enabled / opt-in region
    THROTTLED = "throttled"
    TIMEOUT = "timeout"
    UNSUPPORTED = "unsupported"  # the endpoint does not implement the operation
    NO_CREDENTIALS = "no_credentials"
    CANCELLED = "cancelled"
    NOT_RECORDED = "not_recorded"  # replay: the recording has no answer for a call
    ERROR = "error"


class Proposal(StrEnum):
    MET = "met"
    NOT_MET = "not_met"


class Source(StrEnum):
    """Where a result came from: pillar's own check, or a finding read from a service."""

    CHECK = "check"
    SECURITY_HUB = "securityhub"


class AccountState(StrEnum):
    SCANNED = "scanned"
    NOT_SCANNED = "not_scanned"


@dataclass(frozen=True, slots=True)
class AccountStatus:
    """One account of a scan: scanned, or not (with the cause, one sentence).

    `name` is the account's name in the organization (untrusted text; "" if unknown).
    """

    account_id: str
    name: str = ""
    status: AccountState = AccountState.SCANNED
    cause: str = ""

    @property
    def scanned(self) -> bool:
        return self.status is AccountState.SCANNED

    @property
    def label(self) -> str:
        """'123456789012 (name)', or the id alone."""
        return f"{self.account_id} ({self.name})" if self.name else self.account_id

    def to_dict(self) -> dict[str, str]:
        return {
            "account_id": self.account_id,
            "name": self.name,
            "status": self.status.value,
            "cause": self.cause,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AccountStatus:
        return cls(
            account_id=str(data["account_id"]),
            name=str(data.get("name") or ""),
            status=AccountState(data.get("status", AccountState.SCANNED.value)),
            cause=str(data.get("cause") or ""),
        )


@dataclass(frozen=True, slots=True)
class Resource:
    """One examined resource: its id or ARN, PASS or FAIL, and why (one line)."""

    id: str
    status: Status
    detail: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "status": self.status.value, "detail": self.detail}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Resource:
        return cls(id=str(data["id"]), status=Status(data["status"]), detail=str(data["detail"]))


ADVISORY_CHECKS = frozenset(
    {
        "accessanalyzer.enabled",
        "account.security_contact",
        "backup.plans",
        "config.encryption_rules",
        "config.remediation",
        "config.standard_controls",
        "detection.threat_services",
        "dlm.ebs_snapshot_policies",
        "dynamodb.classification_tag",
        "events.finding_correlation",
        "iam.incident_response_role",
        "iam.support_role",
        "inspector2.compute_scanning",
        "ir.detective",
        "lambda.code_signing",
        "macie.sensitive_data_discovery",
        "organizations.member",
        "rds.classification_tag",
        "s3.classification_tag",
        "s3.lifecycle",
        "securityhub.control_standards",
        "securityhub.hub_enabled",
    }
)
"""Ids of the checks declared `advisory=True` today (a test keeps this equal to the
registry). Stored evidence is read through it: a FAIL saved by such a check before it
became advisory is ADVISORY when loaded, so an old review never proposes "not met" for
the absence of an optional control. Kept here, beside the result types, because `review`
reads stored results without importing the registry of checks."""


def as_advisory(
    status: Status, reason: str, resources: Sequence[Resource]
) -> tuple[Status, str, list[Resource]]:
    """An advisory check's findings: FAIL becomes ADVISORY ("not in place"), never a fault."""
    absent = [
        Resource(r.id, Status.ADVISORY, r.detail) if r.status is Status.FAIL else r
        for r in resources
    ]
    if status is not Status.FAIL:
        return status, reason, absent
    missing = sum(r.status is Status.ADVISORY for r in absent)
    if reason.endswith(" failing") and missing:
        reason = f"{missing} of {len(absent)} not in place (advisory)"
    return Status.ADVISORY, reason, absent


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of one check in one region (or GLOBAL)."""

    check_id: str
    title: str
    service: str
    best_practices: tuple[str, ...]
    region: str
    status: Status
    reason: str = ""
    cause: Cause | None = None
    missing_action: str | None = None
    resources: tuple[Resource, ...] = ()
    # When this result was observed, if not when its ScanResult started (evidence merged
    # from several scans keeps each result's own time: review.attach).
    scanned_at: datetime | None = None
    account_id: str = ""  # "" only in evidence stored before multi-account scans
    source: Source = Source.CHECK

    @property
    def failing(self) -> tuple[Resource, ...]:
        """Resources that are wrong (FAIL); never the advisories."""
        return tuple(r for r in self.resources if r.status is Status.FAIL)

    @property
    def not_in_place(self) -> tuple[Resource, ...]:
        """Resources an optional control is missing on (ADVISORY), shown apart from failures."""
        return tuple(r for r in self.resources if r.status is Status.ADVISORY)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.check_id,
            "title": self.title,
            "service": self.service,
            "best_practices": list(self.best_practices),
            "region": self.region,
            "status": self.status.value,
            "reason": self.reason,
            "cause": self.cause.value if self.cause else None,
            "missing_action": self.missing_action,
            "resources": [r.to_dict() for r in self.resources],
            "account_id": self.account_id,
            "source": self.source.value,
        } | ({"scanned_at": self.scanned_at.isoformat()} if self.scanned_at else {})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckResult:
        """The stored form read back; a FAIL of a check that is advisory today (saved
        before it became advisory) is read as ADVISORY (see `ADVISORY_CHECKS`)."""
        cause = data.get("cause")
        scanned_at = data.get("scanned_at")
        result = cls(
            check_id=str(data["id"]),
            title=str(data["title"]),
            service=str(data["service"]),
            best_practices=tuple(str(b) for b in data["best_practices"]),
            region=str(data["region"]),
            status=Status(data["status"]),
            reason=str(data.get("reason", "")),
            cause=Cause(cause) if cause else None,
            missing_action=data.get("missing_action"),
            resources=tuple(Resource.from_dict(r) for r in data.get("resources", ())),
            scanned_at=datetime.fromisoformat(str(scanned_at)) if scanned_at else None,
            account_id=str(data.get("account_id") or ""),
            source=Source(data.get("source") or Source.CHECK.value),
        )
        return result.advisory_today()

    def advisory_today(self) -> CheckResult:
        """This result with the FAILs of a check advisory today read as ADVISORY."""
        if self.source is not Source.CHECK or self.check_id not in ADVISORY_CHECKS:
            return self
        if self.status is not Status.FAIL and not self.failing:
            return self
        status, reason, resources = as_advisory(self.status, self.reason, self.resources)
        return replace(self, status=status, reason=reason, resources=tuple(resources))


def propose(role: EvidenceRole, results: Iterable[CheckResult]) -> Proposal | None:
    """The answer evidence suggests for one best practice, or None.

    - not met: any mapped check FAILs (for verdict and signal best practices alike: a
      failing resource is a fact whatever the process around it). An ADVISORY (an optional
      control not in place) never proposes "not met", alone or with passes.
    - met: only for verdict best practices, when every mapped check PASSes or is
      NOT_APPLICABLE, none is UNKNOWN or ADVISORY, and at least one actually PASSed
      (nothing examined proves nothing).
    - otherwise None: the evidence is shown, people decide.
    """
    statuses = [r.status for r in results]
    if not statuses or role is EvidenceRole.MANUAL:
        return None
    if Status.FAIL in statuses:
        return Proposal.NOT_MET
    if role is EvidenceRole.SIGNAL or Status.UNKNOWN in statuses or Status.ADVISORY in statuses:
        return None
    if Status.PASS in statuses:
        return Proposal.MET
    return None


@dataclass(frozen=True, slots=True)
class AccountRollup:
    """One best practice across the scanned accounts: each account's proposal, and which
    accounts each failing check fails in ("iam.root_mfa fails in 3 of 40 accounts")."""

    scanned: tuple[str, ...]  # every scanned account id, in scan order
    proposals: dict[str, Proposal | None]  # account id -> its own proposal (accounts with evidence)
    failing: dict[str, tuple[str, ...]]  # check id -> account ids where it fails

    def accounts_with(self, proposal: Proposal | None) -> tuple[str, ...]:
        return tuple(a for a, p in self.proposals.items() if p is proposal)

    def summary(self) -> str:
        """'iam.root_mfa fails in 3 of 40 accounts; ...', or '' when nothing fails."""
        total = len(self.scanned)
        parts = [
            f"{check_id} fails in {len(accounts)} of {total} account{'s' * (total != 1)}"
            for check_id, accounts in sorted(self.failing.items(), key=lambda kv: -len(kv[1]))
        ]
        return "; ".join(parts)


def propose_across(
    role: EvidenceRole, results: Iterable[CheckResult], scanned: Iterable[str]
) -> tuple[Proposal | None, dict[str, Proposal | None]]:
    """The proposal for one best practice over several accounts, and each account's own.

    Each scanned account with evidence gets `propose` of its own results; the best
    practice is proposed not met when any account's is, met only when every one's is met,
    and otherwise nothing. Results of accounts that were not scanned do not count.
    """
    wanted = tuple(scanned)
    by_account: dict[str, list[CheckResult]] = {a: [] for a in wanted}
    for result in results:
        if result.account_id in by_account:
            by_account[result.account_id].append(result)
    per_account = {a: propose(role, found) for a, found in by_account.items() if found}
    values = list(per_account.values())
    if not values:
        return None, per_account
    if Proposal.NOT_MET in values:
        return Proposal.NOT_MET, per_account
    if all(v is Proposal.MET for v in values):
        return Proposal.MET, per_account
    return None, per_account


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything one scan found, in a stable order (check id, then region).

    `account_id` is the account the scan ran from; `accounts` lists every account of a
    multi-account scan (empty for a one-account scan: that account alone, scanned). A
    result with no `account_id` of its own belongs to `account_id`.
    """

    account_id: str
    regions: tuple[str, ...]
    started_at: datetime
    duration_s: float
    results: tuple[CheckResult, ...]
    cancelled: bool = False
    accounts: tuple[AccountStatus, ...] = ()
    source: Source = Source.CHECK
    # Indexes worked out from `results` (not fields one passes: `replace()` builds them anew).
    _by_bp: dict[str, list[CheckResult]] = field(init=False, repr=False, compare=False)
    _named: dict[str, None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.accounts == (AccountStatus(self.account_id),):
            object.__setattr__(self, "accounts", ())  # a one-account scan: one spelling
        object.__setattr__(self, "_by_bp", {})
        object.__setattr__(self, "_named", {})
        for result in self.results:
            self._named[result.account_id or self.account_id] = None
            for bp_id in result.best_practices:
                self._by_bp.setdefault(bp_id, []).append(result)

    def result_accounts(self) -> tuple[str, ...]:
        """The accounts the results belong to, in the order they first appear."""
        return tuple(a for a in self._named if a)

    def account_of(self, result: CheckResult) -> str:
        return result.account_id or self.account_id

    def account_statuses(self) -> tuple[AccountStatus, ...]:
        """Every account of the scan (a one-account scan: its own account, scanned)."""
        if self.accounts:
            return self.accounts
        return (AccountStatus(self.account_id),) if self.account_id else ()

    def scanned_accounts(self) -> tuple[str, ...]:
        return tuple(a.account_id for a in self.account_statuses() if a.scanned)

    @property
    def multi_account(self) -> bool:
        return len(self.account_statuses()) > 1

    def account_name(self, account_id: str) -> str:
        for status in self.account_statuses():
            if status.account_id == account_id:
                return status.name
        return ""

    def evidence_for(self, bp_id: str, account_id: str | None = None) -> tuple[CheckResult, ...]:
        """Results informing a best practice (only those of `account_id`, if given)."""
        found = self._by_bp.get(bp_id, ())
        if account_id is None:
            return tuple(found)
        return tuple(r for r in found if self.account_of(r) == account_id)

    def covered_best_practices(self) -> tuple[str, ...]:
        return tuple(sorted(self._by_bp))

    def _with_accounts(self, results: Iterable[CheckResult]) -> list[CheckResult]:
        """Results with their account filled (old evidence has none of its own)."""
        return [r if r.account_id else replace(r, account_id=self.account_id) for r in results]

    def proposal(self, pillar: Pillar, bp_id: str) -> Proposal | None:
        role = pillar.best_practice(bp_id).evidence_role
        found = self._with_accounts(self.evidence_for(bp_id))
        return propose_across(role, found, self.scanned_accounts())[0]

    def rollup(self, pillar: Pillar, bp_id: str) -> AccountRollup:
        role = pillar.best_practice(bp_id).evidence_role
        scanned = self.scanned_accounts()
        found = self._with_accounts(self.evidence_for(bp_id))
        _, per_account = propose_across(role, found, scanned)
        failing: dict[str, list[str]] = {}
        for result in found:
            if result.status is Status.FAIL and result.account_id in scanned:
                accounts = failing.setdefault(result.check_id, [])
                if result.account_id not in accounts:
                    accounts.append(result.account_id)
        return AccountRollup(
            scanned=scanned,
            proposals=per_account,
            failing={k: tuple(v) for k, v in failing.items()},
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "account_id": self.account_id,
            "regions": list(self.regions),
            "started_at": self.started_at.isoformat(),
            "duration_s": round(self.duration_s, 3),
            "cancelled": self.cancelled,
            "source": self.source.value,
            "accounts": [a.to_dict() for a in self.account_statuses()],
            "checks": [r.to_dict() for r in self.results],
        }
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScanResult:
        account_id = str(data["account_id"])
        accounts = tuple(AccountStatus.from_dict(a) for a in data.get("accounts") or ())
        return cls(
            account_id=account_id,
            regions=tuple(str(r) for r in data["regions"]),
            started_at=datetime.fromisoformat(str(data["started_at"])),
            duration_s=float(data["duration_s"]),
            cancelled=bool(data.get("cancelled", False)),
            results=tuple(CheckResult.from_dict(r) for r in data["checks"]),
            accounts=accounts,
            source=Source(data.get("source") or Source.CHECK.value),
        )


CAUSE_LABEL: dict[Cause, str] = {
    Cause.ACCESS_DENIED: "access denied",
    Cause.NOT_AVAILABLE: "not available in region",
    Cause.THROTTLED: "throttled",
    Cause.TIMEOUT: "timed out",
    Cause.UNSUPPORTED: "unsupported by endpoint",
    Cause.NO_CREDENTIALS: "no credentials",
    Cause.CANCELLED: "cancelled",
    Cause.NOT_RECORDED: "not in the recording",
    Cause.ERROR: "error",
}

ADVISORY_LABEL = "not in place"
"""How an advisory resource is introduced wherever results are shown (with its detail)."""


def summarize(results: Iterable[CheckResult]) -> str:
    """One short line for a best practice's evidence: '3 of 12 resources fail', ...."""
    results = tuple(results)
    if not results:
        return "(no automated evidence)"
    failing = [r for r in results if r.status is Status.FAIL]
    unknown = [r for r in results if r.status is Status.UNKNOWN]
    if failing:
        examined = sum(len(r.resources) for r in failing)
        bad = sum(len(r.failing) for r in failing)
        if examined:
            return f"{bad} of {examined} fail"
        return f"{len(failing)} of {len(results)} checks fail"
    if unknown:
        first = unknown[0]
        what = CAUSE_LABEL[first.cause] if first.cause else "unknown"
        return f"? {what}"
    advisory = [r for r in results if r.status is Status.ADVISORY]
    if advisory:
        absent = sum(max(1, len(r.not_in_place)) for r in advisory)
        return f"advisory: {absent} not in place"
    if all(r.status is Status.NOT_APPLICABLE for r in results):
        return "nothing to examine"
    return f"{len(results)} of {len(results)} checks pass"
