"""The checks cover the pillar: at least 50 of 63 best practices have evidence, every
'verdict' best practice has a check (so it can be proposed), and 'manual' ones have none."""

from __future__ import annotations

from checks.registry import all_checks
from questions import EvidenceRole, security_pillar


def covered() -> set[str]:
    return {bp for check in all_checks() for bp in check.best_practices}


def test_at_least_fifty_best_practices_have_evidence() -> None:
    assert len(covered()) >= 50


def test_evidence_roles_agree_with_the_checks() -> None:
    have = covered()
    for bp in security_pillar().best_practices():
        if bp.evidence_role is EvidenceRole.VERDICT:
            assert bp.id in have, f"{bp.id} is a verdict but no check informs it"
        if bp.evidence_role is EvidenceRole.MANUAL:
            assert bp.id not in have, f"{bp.id} is manual but a check informs it"
