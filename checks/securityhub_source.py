"""Security Hub as an evidence source: `pillar scan --source securityhub`.

For organizations too large to scan directly, the delegated administrator's Security Hub
already holds every account's findings. This reads them (GetFindings, paginated by
botocore), keeps the active, failed controls of the AWS Foundational Security Best
Practices standard, and maps each control to best practices with the table beside this
file (`securityhub_controls.toml`: control id -> best practices, with the page each
control is documented on). Each (account, region, control) becomes one FAIL result
with its resources, marked as coming from Security Hub; controls the table does not map
are counted, not guessed.

The server-side filters narrow what is sent; the same conditions are checked again on
every finding (an endpoint that ignores filters cannot let other findings through).
"""

from __future__ import annotations

import re
import time
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from checks.calls import CallLayer
from checks.clock import scan_now
from checks.result import (
    AccountStatus,
    CheckResult,
    Resource,
    ScanResult,
    Source,
    Status,
)
from checks.session import Aws

STANDARD_ID = "standards/aws-foundational-security-best-practices/v/1.0.0"
LEGACY_GENERATOR = "aws-foundational-security-best-practices/v/1.0.0/"
TABLE = Path(__file__).with_name("securityhub_controls.toml")
ACTIONS = ("securityhub:GetFindings",)
FILTERS: dict[str, Any] = {
    "ComplianceStatus": [{"Value": "FAILED", "Comparison": "EQUALS"}],
    "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}],
    "WorkflowStatus": [
        {"Value": "NEW", "Comparison": "EQUALS"},
        {"Value": "NOTIFIED", "Comparison": "EQUALS"},
    ],
    "ComplianceAssociatedStandardsId": [{"Value": STANDARD_ID, "Comparison": "EQUALS"}],
}


# How a control's id, title, meaning and FSBP membership were confirmed (see the table).
VERIFIED = frozenset({"aws-docs"})
CONTROL_ID = re.compile(r"^[A-Za-z][A-Za-z0-9]*\.\d+$")
SOURCE_PREFIX = "https://docs.aws.amazon.com/securityhub/latest/userguide/"


@dataclass(frozen=True, slots=True)
class ControlMapping:
    control_id: str
    title: str
    best_practices: tuple[str, ...]
    source: str
    checks: str = ""  # what the control checks, in AWS's words
    verified: str = ""  # how it was confirmed (VERIFIED)
    evidence: str = ""  # where


def _mapping(control_id: str, entry: Any, bank: set[str]) -> ControlMapping:
    """One row of the table, or ValueError naming what is wrong with it."""
    bps = tuple(str(b) for b in entry.get("best_practices", ()))
    texts = {k: str(entry.get(k, "")).strip() for k in ("title", "checks", "source", "evidence")}
    problems = []
    if not CONTROL_ID.match(control_id):
        problems.append("the id is not like IAM.6")
    if not bps or any(b not in bank for b in bps):
        problems.append(f"best practices {list(bps)} are not ids of the bank")
    if not texts["source"].startswith(SOURCE_PREFIX):
        problems.append("the source is not a Security Hub user guide page")
    if entry.get("verified") not in VERIFIED or not texts["evidence"]:
        problems.append("it does not say how it was verified (verified, evidence)")
    if not texts["title"] or not texts["checks"]:
        problems.append("it has no title or no description of what it checks")
    if problems:
        raise ValueError(f"{TABLE.name}: control {control_id}: " + "; ".join(problems))
    return ControlMapping(
        control_id,
        texts["title"],
        bps,
        texts["source"],
        texts["checks"],
        str(entry["verified"]),
        texts["evidence"],
    )


@cache
def controls() -> dict[str, ControlMapping]:
    """The control -> best practices table (validated: every row names bank ids, its
    source and how it was verified; see securityhub_controls.toml)."""
    from questions import security_pillar

    bank = {bp.id for bp in security_pillar().best_practices()}
    data = tomllib.loads(TABLE.read_text(encoding="utf-8"))
    return {
        control_id: _mapping(control_id, entry, bank)
        for control_id, entry in data.get("controls", {}).items()
    }


def control_of(finding: Mapping[str, Any]) -> str | None:
    """The control id of an FSBP finding (consolidated or legacy), else None."""
    compliance = finding.get("Compliance") or {}
    standards = {str(s.get("StandardsId", "")) for s in compliance.get("AssociatedStandards") or []}
    generator = str(finding.get("GeneratorId", ""))
    legacy = generator.startswith(LEGACY_GENERATOR)
    if STANDARD_ID not in standards and not legacy:
        return None
    control = compliance.get("SecurityControlId")
    if not control:
        control = (finding.get("ProductFields") or {}).get("ControlId")
    if not control and legacy:
        control = generator[len(LEGACY_GENERATOR) :]
    return str(control) if control else None


def active_failure(finding: Mapping[str, Any]) -> bool:
    compliance = finding.get("Compliance") or {}
    workflow = (finding.get("Workflow") or {}).get("Status") or finding.get("WorkflowState")
    return (
        compliance.get("Status") == "FAILED"
        and finding.get("RecordState", "ACTIVE") == "ACTIVE"
        and str(workflow or "NEW") in {"NEW", "NOTIFIED"}
    )


@dataclass
class SecurityHubRead:
    scan: ScanResult
    findings: int  # active FSBP failures read
    unmapped: dict[str, int]  # control id -> findings the table does not map


def read_findings(aws: Aws, regions: Sequence[str] = ()) -> SecurityHubRead:
    """Read the findings (from the home region, or each of `regions`) into a ScanResult.

    Raises CallFailed (with its cause) when Security Hub cannot be read at all.
    """
    started_at = scan_now()
    clock = time.perf_counter()
    layer = CallLayer(aws.clients)
    table = controls()
    grouped: dict[tuple[str, str, str], list[Mapping[str, Any]]] = {}
    seen: set[str] = set()
    unmapped: dict[str, int] = {}
    read = 0
    for region in regions or (aws.home_region,):
        response = layer.call("securityhub", region, "get_findings", {"Filters": FILTERS})
        for finding in response.get("Findings", []):
            key = str(finding.get("Id", ""))
            if key in seen or not active_failure(finding):
                continue
            control = control_of(finding)
            if control is None:
                continue
            seen.add(key)
            read += 1
            if control not in table:
                unmapped[control] = unmapped.get(control, 0) + 1
                continue
            account = str(finding.get("AwsAccountId", ""))
            where = str(finding.get("Region") or region)
            grouped.setdefault((account, where, control), []).append(finding)
    results: list[CheckResult] = []
    for (account, region, control), found in sorted(grouped.items()):
        mapping = table[control]
        resources = sorted(
            {
                (str(r.get("Id", "")), str(f.get("Title", mapping.title))[:200])
                for f in found
                for r in f.get("Resources") or [{"Id": account}]
            }
        )
        results.append(
            CheckResult(
                check_id=f"securityhub.{control}",
                title=mapping.title,
                service="securityhub",
                best_practices=mapping.best_practices,
                region=region,
                status=Status.FAIL,
                reason=(
                    f"Security Hub control {control} fails on {len(resources)} resource(s) "
                    f"({mapping.source})"
                ),
                resources=tuple(Resource(i, Status.FAIL, d) for i, d in resources),
                account_id=account,
                source=Source.SECURITY_HUB,
            )
        )
    accounts = sorted({r.account_id for r in results} | {aws.account_id})
    return SecurityHubRead(
        scan=ScanResult(
            account_id=aws.account_id,
            regions=tuple(regions or (aws.home_region,)),
            started_at=started_at,
            duration_s=time.perf_counter() - clock,
            results=tuple(results),
            accounts=tuple(AccountStatus(a, cause="from Security Hub findings") for a in accounts),
            source=Source.SECURITY_HUB,
        ),
        findings=read,
        unmapped=unmapped,
    )
