"""What a scan says, as the documented JSON shape and as the least-privilege policy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from checks.registry import Check
from checks.result import Proposal, ScanResult, Status
from questions import Pillar, Risk

SCAN_FORMAT = "pillar-scan"
SCAN_VERSION = 1
"""The scan JSON's format name and version: `pillar evidence attach` refuses newer ones."""


def scan_json(scan: ScanResult, pillar: Pillar) -> dict[str, Any]:
    """The `pillar scan --format json` document (issue 4), with proposals per best practice."""
    data = {"format": SCAN_FORMAT, "version": SCAN_VERSION, **scan.to_dict()}
    data["best_practices"] = {}
    for bp_id in scan.covered_best_practices():
        rollup = scan.rollup(pillar, bp_id)
        proposal = scan.proposal(pillar, bp_id)
        data["best_practices"][bp_id] = {
            "proposal": proposal.value if proposal else None,
            "checks": sorted({r.check_id for r in scan.evidence_for(bp_id)}),
            "accounts": {
                "scanned": len(rollup.scanned),
                "met": list(rollup.accounts_with(Proposal.MET)),
                "not_met": list(rollup.accounts_with(Proposal.NOT_MET)),
                "failing_checks": {k: list(v) for k, v in sorted(rollup.failing.items())},
                "summary": rollup.summary(),
            },
        }
    return data


def fail_on_met(scan: ScanResult, pillar: Pillar, level: str) -> bool:
    """True when a FAIL informs a best practice of risk `level` ("high"/"medium") or above."""
    if level == "never":
        return False
    threshold = Risk.HIGH.rank if level == "high" else Risk.MEDIUM.rank
    return any(
        pillar.best_practice(bp).risk.rank >= threshold
        for result in scan.results
        if result.status is Status.FAIL
        for bp in result.best_practices
    )


def iam_policy(checks: Sequence[Check]) -> dict[str, Any]:
    """The least-privilege IAM policy that lets every given check run (read-only)."""
    # Besides the checks: who am I (sts) and which regions are enabled (ec2), see session.py.
    session = {"sts:GetCallerIdentity", "ec2:DescribeRegions"}
    actions = sorted({action for c in checks for action in c.actions} | session)
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PillarReadOnlyChecks",
                "Effect": "Allow",
                "Action": actions,
                "Resource": "*",
            }
        ],
    }
