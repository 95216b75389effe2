"""Test helpers for checks (used by tests/checks; no pytest needed here).

- `simulated_harness()`: moto active with fake credentials (no network); yields a
  `Harness` whose `aws` is connected to two regions.
- `harness.run("iam.console_mfa")` runs one check (fresh call cache) and returns
  {region: CheckResult}; `harness.one(...)` the single result of a GLOBAL check.
- `harness.deny("iam:GetCredentialReport")` makes every call needing that IAM action
  answer AccessDenied (a botocore before-call handler), like a policy without it.
- `harness.stub("accessanalyzer", region)` returns an activated botocore Stubber on the
  very client the check will use (for operations moto lacks).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from checks.calls import IAM_PREFIX, CallLayer, iam_action
from checks.demo import simulated_account
from checks.registry import REGISTRY, all_checks
from checks.result import Cause, CheckResult, Status
from checks.runner import run_scan
from checks.session import Aws, AwsOptions, connect

REGIONS = ("eu-west-1", "us-east-1")


def service_of(model: Any) -> str:
    """The boto3 service name of an operation model (e.g. sso-admin, not sso)."""
    return str(model.service_model.service_name)


class _Denied:
    status_code = 403
    headers: dict[str, str] = {}
    content = b""
    text = ""


@dataclass
class Harness:
    aws: Aws
    stubbers: list[Any] = field(default_factory=list)
    seeders: dict[tuple[str, str], Any] = field(default_factory=dict)
    denied: dict[str, str] = field(default_factory=dict)  # IAM action -> error code

    def client(self, service: str, region: str | None = None) -> Any:
        """A plain (unguarded) boto3 client to seed the simulated account."""
        import boto3

        key = (service, region or self.aws.home_region)
        if key not in self.seeders:
            self.seeders[key] = boto3.client(service, region_name=key[1])
        return self.seeders[key]

    def scan_client(self, service: str, region: str | None = None) -> Any:
        """The guarded client the checks use (for Stubbers and event hooks)."""
        return self.aws.clients.get(service, region or self.aws.home_region)

    def _all_clients(
        self, services: set[str] | None = None, regions: set[str] | None = None
    ) -> list[Any]:
        """The checks' clients (of `services`, if given) in `regions` (default: all)."""
        used = {s for c in all_checks() for s in c.services}
        if services is not None:
            used &= services
        regions = regions or {*self.aws.regions, self.aws.home_region}
        return [self.aws.clients.get(s, r) for s in used for r in regions]

    def deny(self, action: str, code: str = "AccessDenied") -> None:
        """From now on, every call needing `action` answers `code` (403), on every client
        of the services whose checks declare actions of that IAM prefix."""
        self.denied[action] = code
        prefix = action.split(":", 1)[0]
        wanted = {s for s, p in IAM_PREFIX.items() if p == prefix} | {prefix}
        # Services whose checks declare actions of this prefix (efs -> elasticfilesystem).
        wanted |= {
            service
            for c in all_checks()
            if any(a.split(":", 1)[0] == prefix for a in c.actions)
            for service in c.services
        }
        regions = {*self.aws.regions, self.aws.home_region}
        for client in self._all_clients(wanted, regions):
            client.meta.events.register("before-call", self._refuse, unique_id="pillar-deny")

    def allow_all(self) -> None:
        """Forget every `deny` (the handlers stay, refusing nothing)."""
        self.denied.clear()

    def _refuse(self, model: Any, **_: Any) -> Any:
        action = iam_action(service_of(model), model.name)
        code = self.denied.get(action)
        if code is None:
            return None
        body = {
            "Error": {"Code": code, "Message": f"not allowed: {action}"},
            "ResponseMetadata": {"HTTPStatusCode": 403},
        }
        return _Denied(), body

    def stub(self, service: str, region: str | None = None) -> Any:
        from botocore.stub import Stubber

        stubber = Stubber(self.scan_client(service, region))
        stubber.activate()
        self.stubbers.append(stubber)
        return stubber

    def run(self, check_id: str, calls: CallLayer | None = None) -> dict[str, CheckResult]:
        all_checks()
        # A Stubber answers in the order its responses were added: no calls sent ahead.
        calls = calls or CallLayer(self.aws.clients, ahead_workers=0 if self.stubbers else 8)
        scan = run_scan(self.aws, [REGISTRY[check_id]], calls=calls)
        return {r.region: r for r in scan.results}

    def one(self, check_id: str) -> CheckResult:
        results = self.run(check_id)
        assert len(results) == 1, results
        return next(iter(results.values()))


@contextmanager
def simulated_harness(regions: tuple[str, ...] = REGIONS) -> Iterator[Harness]:
    with simulated_account():
        harness = Harness(connect(AwsOptions(regions=regions)))
        try:
            yield harness
        finally:
            for stubber in harness.stubbers:
                stubber.deactivate()


def failing_ids(result: CheckResult) -> set[str]:
    """Ids of the failing resources of one result."""
    return {r.id for r in result.failing}


def not_in_place_ids(result: CheckResult) -> set[str]:
    """Ids of the resources an advisory check found without the optional control."""
    return {r.id for r in result.not_in_place}


def assert_denied(account: Harness, check_id: str, action: str, region: str = REGIONS[0]) -> None:
    """Refuse `action`, run the check, and assert it ends UNKNOWN naming that action."""
    account.deny(action)
    result = account.run(check_id)[region]
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
    assert result.missing_action == action
