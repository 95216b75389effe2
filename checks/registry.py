"""The registry of checks: what each check is (a `Check`) and the `@check` decorator.

A check is a function of a `Context` returning what it found:

- a list of `Resource` (use `passed(id, why)` / `failed(id, why)` / `undecided(id, why)`):
  FAIL if any failed, else UNKNOWN if any is undecided, PASS otherwise, NOT_APPLICABLE if
  the list is empty (nothing to examine);
- or a `Verdict` for anything else (`not_applicable("why")`, or an explicit status).

Calls go through `ctx.call(service, operation, **params)`, which pages, caches and turns
every error into an UNKNOWN result for you. See checks/README.md.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any, TypeVar

from checks.calls import CallFailed, UndeclaredCall, iam_action
from checks.guard import is_read
from checks.result import Cause, Resource, Status
from questions.ids import BP_ID

if TYPE_CHECKING:  # pragma: no cover
    from checks.calls import CallLayer

T = TypeVar("T")

SERVICES_PACKAGE = "checks.services"
"""Where the checks live: one module per AWS service family (see checks/README.md)."""

CHECK_ID = re.compile(r"^[a-z0-9]+(\.[a-z0-9_]+)+$")
ACTION = re.compile(r"^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$")


class Scope(StrEnum):
    GLOBAL = "global"  # runs once per account (IAM, ...)
    REGIONAL = "regional"  # runs once per account and scanned region
    # Runs once per scan, from the account that sees the organization (the management
    # account or a delegated administrator): in a multi-account scan only in the caller's
    # account; in a one-account scan like GLOBAL.
    ORGANIZATION = "organization"


@dataclass(frozen=True, slots=True)
class Verdict:
    """An explicit outcome, when a list of resources does not say it all."""

    status: Status
    reason: str = ""
    resources: tuple[Resource, ...] = ()
    cause: Cause | None = None  # for UNKNOWN only
    action: str | None = None  # for UNKNOWN / access denied: the IAM action refused


Outcome = Verdict | Sequence[Resource]
CheckFunction = Callable[["Context"], Outcome]


def passed(resource_id: str, detail: str = "") -> Resource:
    return Resource(id=resource_id, status=Status.PASS, detail=detail)


def failed(resource_id: str, detail: str) -> Resource:
    return Resource(id=resource_id, status=Status.FAIL, detail=detail)


def undecided(resource_id: str, why: str) -> Resource:
    """A resource the check cannot judge (an unreadable date or document): the result is
    UNKNOWN unless another resource fails; `why` is one sentence."""
    return Resource(id=resource_id, status=Status.UNKNOWN, detail=why)


def not_applicable(reason: str) -> Verdict:
    return Verdict(Status.NOT_APPLICABLE, reason)


def unknown(reason: str, cause: Cause = Cause.UNSUPPORTED) -> Verdict:
    """The check cannot decide from what the endpoint gives (say why)."""
    return Verdict(Status.UNKNOWN, reason, cause=cause)


@dataclass(frozen=True, slots=True)
class Check:
    """What a check is: shown to people, mapped to best practices, bounded in permissions."""

    id: str
    title: str
    best_practices: tuple[str, ...]
    service: str  # the boto3 service name shown with results ("iam", "s3", ...)
    scope: Scope
    actions: tuple[str, ...]  # exact IAM actions the check needs, e.g. "iam:ListUsers"
    services: tuple[str, ...]  # boto3 services it calls (default: just `service`)
    function: CheckFunction = field(compare=False, repr=False)
    # True for a check about an optional control (a backup plan, a classification tag...):
    # what it finds missing is reported ADVISORY ("not in place"), never FAIL.
    advisory: bool = False

    @property
    def module(self) -> str:
        return self.function.__module__


REGISTRY: dict[str, Check] = {}


def _is_known_bp(bp_id: str) -> bool:
    """True for a best-practice id (the shared form) that the question bank has."""
    from questions import security_pillar

    return BP_ID.match(bp_id) is not None and security_pillar().has_best_practice(bp_id)


def check(
    id: str,
    title: str,
    *,
    bps: Sequence[str],
    service: str,
    scope: Scope,
    actions: Sequence[str],
    services: Sequence[str] = (),
    advisory: bool = False,
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function. Declarations are validated at import time.

    `advisory=True` declares a check about an optional control whose absence is not a
    fault (another scanner, another tagging scheme may do the job): its `failed(...)`
    resources and FAIL verdicts become ADVISORY, shown as "not in place" and never
    proposing "not met". Decide it from the bank's wording, and say why in the README.
    """

    def register(function: CheckFunction) -> CheckFunction:
        problems = []
        if not CHECK_ID.match(id):
            problems.append("id must look like service.name (lowercase, dots, underscores)")
        if id in REGISTRY and REGISTRY[id].function is not function:
            problems.append("id is already registered")
        if not bps or any(not _is_known_bp(bp) for bp in bps):
            problems.append(
                f"best practices must be SECnn-BPnn ids of the question bank (got {list(bps)})"
            )
        if not actions or any(not ACTION.match(a) for a in actions):
            problems.append(f"actions must be IAM actions like iam:ListUsers (got {list(actions)})")
        writes = [a for a in actions if not is_read(a.split(":", 1)[1])]
        if writes:
            problems.append(f"actions are not reads: {writes}")
        if problems:
            raise ValueError(f"check {id!r}: " + "; ".join(problems))
        REGISTRY[id] = Check(
            id=id,
            title=title,
            best_practices=tuple(bps),
            service=service,
            scope=scope,
            actions=tuple(actions),
            services=tuple(services) or (service,),
            function=function,
            advisory=advisory,
        )
        return function

    return register


def all_checks() -> tuple[Check, ...]:
    """Every registered check, importing every service module, sorted by id."""
    _import_services()
    return tuple(sorted(REGISTRY.values(), key=lambda c: c.id))


_imported = False


def _import_services() -> None:
    global _imported
    if _imported:
        return
    import pkgutil

    package = importlib.import_module(SERVICES_PACKAGE)
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{SERVICES_PACKAGE}.{module.name}")
    _imported = True


def select(patterns: Iterable[str]) -> tuple[Check, ...]:
    """Checks whose id matches any glob pattern (`iam.*`, `s3.bucket_*`); all if none."""
    wanted = [p.strip() for p in patterns if p.strip()]
    checks = all_checks()
    if not wanted:
        return checks
    return tuple(c for c in checks if any(fnmatchcase(c.id, p) for p in wanted))


@dataclass
class Context:
    """What a check function gets: its region, the account, and the shared call layer."""

    check: Check
    region: str  # the region to call (for GLOBAL checks: the home region)
    account_id: str
    regions: tuple[str, ...]  # every region of the scan (for GLOBAL checks that look around)
    calls: CallLayer
    home_region: str = ""  # where GLOBAL checks run: regional checks read global services there

    @property
    def partition(self) -> str:
        if self.region.startswith("cn-"):
            return "aws-cn"
        if self.region.startswith("us-gov-"):
            return "aws-us-gov"
        return "aws"

    @property
    def where(self) -> str:
        """A resource id for "the account (in this region)", for findings about absence."""
        return (
            self.account_id
            if self.check.scope is not Scope.REGIONAL
            else (f"{self.account_id}/{self.region}")
        )

    def call(
        self,
        service: str,
        operation: str,
        *,
        region: str | None = None,
        fresh: bool = False,
        **params: Any,
    ) -> dict[str, Any]:
        """Full response of a read (all pages merged), shared by every check of the scan.

        Any failure raises CallFailed, which the runner reports as UNKNOWN with its cause.
        `region` calls another region than the check's; `fresh=True` sends again (polling).
        """
        self._declared(service, operation)
        return self.calls.call(service, region or self.region, operation, params, fresh=fresh)

    def prefetch(
        self,
        service: str,
        operation: str,
        many: Iterable[dict[str, Any]],
        *,
        region: str | None = None,
    ) -> None:
        """Start these reads now (several at once) for `call` to find them ready: for a
        check that reads one call per resource. Nothing is raised here."""
        self._declared(service, operation)
        self.calls.prefetch(service, region or self.region, operation, many)

    def call_items(
        self,
        service: str,
        operation: str,
        key: str,
        *,
        token: str = "NextToken",
        region: str | None = None,
        **params: Any,
    ) -> list[Any]:
        """Every item under `key` of an operation botocore has no paginator for: follows
        the `token` (NextToken, NextMarker...) page by page, each page a shared call.
        Stops on a repeated token and after 100 pages, so a faulty endpoint cannot loop."""
        items: list[Any] = []
        seen: set[str] = set()
        next_token: str | None = None
        for _ in range(100):
            extra: dict[str, Any] = {token: next_token} if next_token else {}
            response = self.call(service, operation, region=region, **params, **extra)
            page = response.get(key) or []
            items += page if isinstance(page, list) else []
            next_token = response.get(token)
            if not next_token or next_token in seen:
                break
            seen.add(next_token)
        return items

    def call_if_exists(
        self,
        service: str,
        operation: str,
        *,
        absent: Collection[str],
        region: str | None = None,
        **params: Any,
    ) -> dict[str, Any] | None:
        """Like `call`, but None when AWS answers with one of the `absent` error codes
        (e.g. NoSuchEntity, NoSuchBucketPolicy: "there is none" is an answer, not an error).
        """
        try:
            return self.call(service, operation, region=region, **params)
        except CallFailed as error:
            if error.code is not None and error.code in absent:
                return None
            raise

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """Compute something once per scan and region (e.g. a parsed report), shared."""
        return self.calls.once(("memo", key, self.region), compute)

    def _declared(self, service: str, operation: str) -> None:
        if service not in self.check.services:
            raise UndeclaredCall(f"check {self.check.id} calls undeclared service {service}")
        client = self.calls.clients.get(service, self.region)
        api_name = client.meta.method_to_api_mapping.get(operation, operation)
        action = iam_action(service, api_name)
        if action not in self.check.actions:
            raise UndeclaredCall(f"check {self.check.id} calls undeclared action {action}")
