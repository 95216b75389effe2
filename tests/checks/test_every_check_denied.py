"""Every registered check, its AccessDenied case: driven by the registry, so a new check is
covered without editing this file.

On the demo account (good and bad resources in both regions), each check runs once to
record the IAM actions it really calls. With every declared action refused, it must end
UNKNOWN / access denied in every region, naming an action it calls. Then each action it
calls is refused alone: a check may get by without one read (an "any mechanism" check that
found another, a monitoring hint), but it never crashes, never says "nothing to examine",
and when it reports access denied it names exactly that action.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from checks import demo
from checks.calls import CallLayer, iam_action
from checks.registry import REGISTRY, all_checks
from checks.result import Cause, CheckResult, Status
from checks.runner import run_scan
from checks.testing import Harness, service_of, simulated_harness

CHECK_IDS = [c.id for c in all_checks()]


@pytest.fixture(scope="module")
def seeded() -> Iterator[Harness]:
    with simulated_harness() as harness:
        demo.seed()
        yield harness


def _run(account: Harness, check_id: str) -> tuple[list[CheckResult], list[str]]:
    actions: list[str] = []

    def record(model: Any, **_: Any) -> None:
        actions.append(iam_action(service_of(model), model.name))

    clients = account._all_clients(set(REGISTRY[check_id].services))
    for client in clients:
        client.meta.events.register("before-call", record, unique_id="record-actions")
    try:
        calls = CallLayer(account.aws.clients)
        results = list(run_scan(account.aws, [REGISTRY[check_id]], calls=calls).results)
    finally:
        for client in clients:
            client.meta.events.unregister("before-call", unique_id="record-actions")
    return results, list(dict.fromkeys(actions))


def readable(result: CheckResult) -> bool:
    reason = result.reason
    return bool(reason) and "\n" not in reason and "<" not in reason and len(reason) < 400


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_access_denied(seeded: Harness, check_id: str) -> None:
    seeded.allow_all()
    results, actions = _run(seeded, check_id)
    if not actions:  # the endpoint lacks every operation the check needs (moto)
        assert all(r.cause is Cause.UNSUPPORTED for r in results), results
        return
    for action in REGISTRY[check_id].actions:  # a role without any of its permissions
        seeded.deny(action)
    for result in _run(seeded, check_id)[0]:
        assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED), result
        assert result.missing_action in actions, result
        assert readable(result), result.reason
    baseline = {r.region: r.status for r in results}
    for action in actions:  # one permission missing at a time
        seeded.allow_all()
        seeded.deny(action)
        for result in _run(seeded, check_id)[0]:
            assert result.cause is not Cause.ERROR, (action, result)
            if result.status is Status.NOT_APPLICABLE:  # a denial never reads as "nothing"
                assert baseline[result.region] is Status.NOT_APPLICABLE, (action, result)
            assert readable(result), (action, result.reason)
            if result.cause is Cause.ACCESS_DENIED:
                assert result.missing_action == action, (action, result)
    seeded.allow_all()
