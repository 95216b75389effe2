"""Every registered check, its nothing-to-examine case: driven by the registry.

On a fresh account (nothing created), no check crashes, a PASS always names what it
examined, NOT_APPLICABLE fails nothing, an UNKNOWN comes only from what the endpoint lacks,
and every reason is one readable sentence.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from checks.calls import CallLayer
from checks.registry import REGISTRY, all_checks
from checks.result import Cause, Status
from checks.runner import run_scan
from checks.testing import Harness, simulated_harness

CHECK_IDS = [c.id for c in all_checks()]


@pytest.fixture(scope="module")
def empty() -> Iterator[Harness]:
    with simulated_harness() as harness:
        yield harness


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_nothing_to_examine(empty: Harness, check_id: str) -> None:
    scan = run_scan(empty.aws, [REGISTRY[check_id]], calls=CallLayer(empty.aws.clients))
    assert scan.results
    for result in scan.results:
        assert result.reason and "\n" not in result.reason and "<" not in result.reason, result
        if result.status is Status.PASS:
            assert result.resources, f"{check_id} passed without examining anything"
        if result.status is Status.NOT_APPLICABLE:
            assert not result.failing, result
        if result.status is Status.UNKNOWN:
            assert result.cause in {Cause.UNSUPPORTED, Cause.NOT_AVAILABLE}, result
