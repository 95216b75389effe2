"""What checks find: the result types shared by the runner, the review store and the UI.

These are plain immutable values with a stable dict form (`to_dict` / `from_dict`) so a
review can store evidence and an export can print it without knowing how checks run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
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
        } | ({"scanned_at": self.scanned_at.isoformat()} if self.scanned_at else {})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckResult:
        cause = data.get("cause")
        scanned_at = data.get("scanned_at")
        return cls(
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
        )


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
class ScanResult:
    """Everything one scan found, in a stable order (check id, then region)."""

    account_id: str
    regions: tuple[str, ...]
    started_at: datetime
    duration_s: float
    results: tuple[CheckResult, ...]
    cancelled: bool = False
    _by_bp: dict[str, list[CheckResult]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for result in self.results:
            for bp_id in result.best_practices:
                self._by_bp.setdefault(bp_id, []).append(result)

    def evidence_for(self, bp_id: str) -> tuple[CheckResult, ...]:
        return tuple(self._by_bp.get(bp_id, ()))

    def covered_best_practices(self) -> tuple[str, ...]:
        return tuple(sorted(self._by_bp))

    def proposal(self, pillar: Pillar, bp_id: str) -> Proposal | None:
        return propose(pillar.best_practice(bp_id).evidence_role, self.evidence_for(bp_id))

    def to_dict(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "regions": list(self.regions),
            "started_at": self.started_at.isoformat(),
            "duration_s": round(self.duration_s, 3),
            "cancelled": self.cancelled,
            "checks": [r.to_dict() for r in self.results],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScanResult:
        return cls(
            account_id=str(data["account_id"]),
            regions=tuple(str(r) for r in data["regions"]),
            started_at=datetime.fromisoformat(str(data["started_at"])),
            duration_s=float(data["duration_s"]),
            cancelled=bool(data.get("cancelled", False)),
            results=tuple(CheckResult.from_dict(r) for r in data["checks"]),
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
