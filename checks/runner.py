"""Run checks × regions on a thread pool and gather one `ScanResult`.

Every task ends in a `CheckResult`, whatever happens: a failed call becomes UNKNOWN with
its cause, a bug in a check becomes UNKNOWN/error, a cancelled scan keeps what finished
and marks the rest UNKNOWN/cancelled.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime

from checks.calls import CallFailed, CallLayer, Cancelled
from checks.clock import as_of
from checks.guard import WriteRefused
from checks.heap import scan_heap, settle
from checks.registry import Check, Context, Scope, Verdict
from checks.result import GLOBAL, Cause, CheckResult, Resource, ScanResult, Status, as_advisory
from checks.session import Aws

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str, str], None]
"""progress(done, total, check_id, region) after each finished task (main thread)."""

DEFAULT_CONCURRENCY = 32


@dataclass(frozen=True, slots=True)
class Task:
    check: Check
    region: str  # the region label in results: a region, or GLOBAL
    api_region: str  # the region its calls go to


def plan(checks: Sequence[Check], aws: Aws) -> list[Task]:
    tasks: list[Task] = []
    for check in checks:
        if check.scope is not Scope.REGIONAL:
            tasks.append(Task(check, GLOBAL, aws.home_region))
        else:
            tasks.extend(Task(check, region, region) for region in aws.regions)
    return tasks


def status_from_resources(resources: Sequence[Resource]) -> tuple[Status, str]:
    """Status and reason of a check that returned a list of resources."""
    if not resources:
        return Status.NOT_APPLICABLE, "nothing to examine"
    failing = [r for r in resources if r.status is Status.FAIL]
    if failing:
        return Status.FAIL, f"{len(failing)} of {len(resources)} failing"
    undecided = [r for r in resources if r.status is Status.UNKNOWN]
    if undecided:
        return Status.UNKNOWN, (
            f"{len(undecided)} of {len(resources)} could not be judged: "
            f"{undecided[0].id}: {undecided[0].detail}"
        )
    return Status.PASS, f"{len(resources)} examined, none failing"


def run_task(task: Task, aws: Aws, calls: CallLayer) -> CheckResult:
    """One check in one region; never raises."""
    check = task.check

    def result(
        status: Status,
        reason: str,
        resources: Sequence[Resource] = (),
        cause: Cause | None = None,
        action: str | None = None,
    ) -> CheckResult:
        if check.advisory:
            status, reason, resources = as_advisory(status, reason, resources)
        elif status is Status.ADVISORY or any(r.status is Status.ADVISORY for r in resources):
            status, cause = Status.UNKNOWN, Cause.ERROR
            reason = f"check {check.id} reports ADVISORY but is not declared advisory=True"
            resources = ()
        return CheckResult(
            check_id=check.id,
            title=check.title,
            service=check.service,
            best_practices=check.best_practices,
            region=task.region,
            status=status,
            reason=reason,
            cause=cause,
            missing_action=action,
            resources=tuple(
                sorted(
                    resources,
                    key=lambda r: (r.status not in (Status.FAIL, Status.ADVISORY), r.id),
                )
            ),
            account_id=aws.account_id,
        )

    if calls.cancel.is_set():
        return cancelled(task, aws.account_id)
    context = Context(
        check=check,
        region=task.api_region,
        account_id=aws.account_id,
        regions=aws.regions,
        calls=calls,
        home_region=aws.home_region,
    )
    try:
        with as_of(aws.as_of):
            outcome = check.function(context)
    except Cancelled:
        return cancelled(task, aws.account_id)
    except CallFailed as error:
        action = error.action if error.cause is Cause.ACCESS_DENIED else None
        return result(Status.UNKNOWN, error.message, cause=error.cause, action=action)
    except WriteRefused as error:
        return result(Status.UNKNOWN, str(error), cause=Cause.ERROR)
    except Exception as error:  # a bug in a check must not stop the scan
        log.exception("check %s failed in %s", check.id, task.region)
        return result(
            Status.UNKNOWN,
            f"the check itself failed ({type(error).__name__}: {error}); please report it",
            cause=Cause.ERROR,
        )
    if isinstance(outcome, Verdict):
        if outcome.status is Status.UNKNOWN:
            cause = outcome.cause or Cause.ERROR
            action = outcome.action if cause is Cause.ACCESS_DENIED else None
            return result(outcome.status, outcome.reason, outcome.resources, cause, action)
        return result(outcome.status, outcome.reason, outcome.resources)
    resources = list(outcome)
    status, reason = status_from_resources(resources)
    return result(
        status, reason, resources, Cause.UNSUPPORTED if status is Status.UNKNOWN else None
    )


def cancelled(task: Task, account_id: str = "") -> CheckResult:
    return CheckResult(
        check_id=task.check.id,
        title=task.check.title,
        service=task.check.service,
        best_practices=task.check.best_practices,
        region=task.region,
        status=Status.UNKNOWN,
        reason="scan cancelled before this check finished",
        cause=Cause.CANCELLED,
        account_id=account_id,
    )


def run_scan(
    aws: Aws,
    checks: Sequence[Check],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    calls: CallLayer | None = None,
) -> ScanResult:
    """Run `checks` over the regions of `aws`; Ctrl-C or `cancel.set()` keeps results so far.

    Clients for every (service, region) are built before the first task starts. The
    collector skips the models and clients meanwhile (checks.heap: about a third of a
    scan's CPU was full collections walking them).
    """
    with scan_heap():
        return _run_scan(aws, checks, concurrency, progress, cancel, calls)


def _run_scan(
    aws: Aws,
    checks: Sequence[Check],
    concurrency: int,
    progress: Progress | None,
    cancel: threading.Event | None,
    calls: CallLayer | None,
) -> ScanResult:
    started_at = datetime.now(UTC)
    clock = time.perf_counter()
    calls = calls or CallLayer(aws.clients)
    if cancel is not None:
        calls.cancel = cancel
    tasks = plan(checks, aws)
    aws.clients.build({(service, t.api_region) for t in tasks for service in t.check.services})
    settle()
    results: dict[int, CheckResult] = {}
    interrupted = False
    executor = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="check")
    futures: dict[Future[CheckResult], int] = {
        executor.submit(run_task, task, aws, calls): index for index, task in enumerate(tasks)
    }
    pending = set(futures)
    try:
        while pending:
            done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            for future in done:
                index = futures[future]
                results[index] = future.result()
                if progress is not None:
                    progress(len(results), len(tasks), tasks[index].check.id, tasks[index].region)
            if calls.cancel.is_set():
                break
    except KeyboardInterrupt:
        interrupted = True
        calls.cancel.set()
    finally:
        if calls.cancel.is_set() or interrupted:
            # Calls in flight are bounded by the client timeouts; keep what ends quickly.
            done, _ = wait(pending, timeout=1.0)
            for future in done:
                results[futures[future]] = future.result()
        executor.shutdown(wait=False, cancel_futures=True)
        calls.close()
    ordered = sorted(
        (results.get(index) or cancelled(task, aws.account_id) for index, task in enumerate(tasks)),
        key=lambda r: (r.check_id, r.region != GLOBAL, r.region),
    )
    return ScanResult(
        account_id=aws.account_id,
        regions=aws.regions,
        started_at=started_at,
        duration_s=time.perf_counter() - clock,
        results=tuple(ordered),
        cancelled=calls.cancel.is_set(),
    )
