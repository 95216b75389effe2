"""The hardened demo account: a careful team's account shows no FAIL (advisories allowed).

Two variants (checks/demo_hardened.py): with every optional AWS-native control in place,
and without them (another scanner, another tagging scheme, no organization). A FAIL on
either is a false alarm a real team would have to argue away.
"""

from __future__ import annotations

import pytest

from checks import demo_hardened
from checks.demo import REGIONS, _shared_session, simulated_account
from checks.registry import REGISTRY, all_checks
from checks.result import ScanResult, Status
from checks.runner import run_scan
from checks.session import AwsOptions, connect


def _scan(optional_controls: bool) -> ScanResult:
    with simulated_account():
        demo_hardened.seed(optional_controls)
        aws = connect(AwsOptions(regions=REGIONS), session=_shared_session())
        return run_scan(aws, all_checks())


def _failures(scan: ScanResult) -> list[str]:
    return [
        f"{r.check_id} {r.region}: {r.reason}; "
        + "; ".join(f"{x.id}: {x.detail}" for x in r.failing)
        for r in scan.results
        if r.status is Status.FAIL
    ]


@pytest.mark.parametrize("optional_controls", [True, False], ids=["all-controls", "lean"])
def test_a_hardened_account_shows_no_fail(optional_controls: bool) -> None:
    scan = _scan(optional_controls)
    assert len(scan.results) >= len(all_checks())
    assert _failures(scan) == []
    statuses = {r.status for r in scan.results}
    assert Status.PASS in statuses
    advisories = {r.check_id for r in scan.results if r.status is Status.ADVISORY}
    assert all(REGISTRY[check_id].advisory for check_id in advisories)
    if optional_controls:
        assert advisories == set()
    else:
        assert advisories, "the lean variant lacks optional controls: advisories expected"
