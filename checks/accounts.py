"""Scans across accounts: which accounts, how to reach each one, one pool across them all.

- Which accounts: the organization's active accounts (`organization_accounts`, from the
  management account or a delegated administrator; optionally only under some OUs, minus
  excluded ones), or a given list (`named_accounts`).
- How to reach one: the caller's own account with the caller's own credentials; every
  other account by assuming `role_name` there (session name `pillar-scan`, optional
  external id). The member's credentials are botocore `DeferredRefreshableCredentials`
  whose refresh calls sts:AssumeRole through one sts client of the caller, guarded like
  every client but allowed that one operation (`guard.ASSUME_ROLE`): a long scan outlives
  one session. Credentials live only in memory, inside botocore: never in results,
  logs or recordings.
- Cost grows with the work: every member session shares the caller's botocore loader, so
  service models are read and parsed once per process; an account's clients are built only
  for the services its checks need, when the account starts, and closed when it ends; at
  most `accounts_at_once` accounts are open at a time.
- One pool: every check x region task of every account runs on one thread pool of
  `concurrency` workers. Each client paces its HTTP requests with a token bucket per
  (account, service, region) (`Pacer`), the way AWS counts its API rate limits, so many
  accounts scanned at once cannot flood one of them (retries back off besides).
- An account whose role cannot be assumed, or that refuses every check, is reported
  (`AccountStatus` not scanned, with the cause) and the others go on. Ctrl-C keeps what
  finished.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from checks import guard
from checks.calls import CallLayer, classify
from checks.clock import scan_now
from checks.heap import scan_heap, settle
from checks.registry import Check, Scope
from checks.result import (
    GLOBAL,
    AccountState,
    AccountStatus,
    Cause,
    CheckResult,
    ScanResult,
    Status,
)
from checks.runner import DEFAULT_CONCURRENCY, Task, cancelled, run_task
from checks.session import Aws, ClientPool, client_config

if TYPE_CHECKING:  # pragma: no cover
    from checks.recording import Tap

log = logging.getLogger(__name__)

DEFAULT_ROLE = "OrganizationAccountAccessRole"
SESSION_NAME = "pillar-scan"
ACCOUNTS_AT_ONCE = 2
# Replayed member credentials (REDACTED placeholders that only sign requests the Replayer
# answers) never need a refresh: botocore sees them valid until then.
REPLAY_EXPIRY = datetime(2999, 1, 1, tzinfo=UTC)

TaskProgress = Callable[[int, int, str, str], None]
"""progress(done, total, check_id, where) after each task; where is 'account region'."""
AccountProgress = Callable[[int, int, str], None]
"""accounts(done, total, current) when an account starts or ends; current: the labels of
the accounts being scanned now, comma separated (untrusted text)."""


class AccountsError(Exception):
    """The list of accounts to scan could not be made (one sentence, says what to do)."""

    user_error = True


class AccountUnreachable(Exception):
    """One account cannot be scanned: its role cannot be assumed (the cause, one sentence)."""


@dataclass(frozen=True, slots=True)
class Target:
    """An account to scan: its id and its name in the organization ('' if unknown)."""

    account_id: str
    name: str = ""

    @property
    def label(self) -> str:
        return f"{self.account_id} ({self.name})" if self.name else self.account_id


@dataclass(frozen=True, slots=True)
class RoleOptions:
    """The role pillar assumes in every account but the caller's own."""

    role_name: str = DEFAULT_ROLE
    external_id: str | None = None
    session_name: str = SESSION_NAME
    duration_s: int = 3600  # role chaining caps sessions at one hour; botocore refreshes


# --------------------------------------------------------------------------- accounts


def _active(account: dict[str, Any]) -> bool:
    """Organizations says `State` (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED) in newer
    answers and `Status` (ACTIVE, SUSPENDED, PENDING_CLOSURE) in older ones."""
    state = account.get("State") or account.get("Status") or "ACTIVE"
    return str(state) == "ACTIVE"


def _organization_error(error: BaseException, action: str) -> AccountsError:
    failed = classify(error, action)
    if failed.code == "AWSOrganizationsNotInUseException":
        return AccountsError(
            "this account is not in an AWS Organization; name the accounts with --account."
        )
    if failed.cause is Cause.ACCESS_DENIED:
        return AccountsError(
            f"cannot list the organization's accounts ({failed.message}): run from the "
            "management account or a delegated administrator, or name them with --account."
        )
    return AccountsError(f"cannot list the organization's accounts ({failed.message}).")


def _pages(client: Any, operation: str, key: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in client.get_paginator(operation).paginate(**params):
        items += page.get(key, [])
    return items


def organization_accounts(
    aws: Aws, ous: Sequence[str] = (), exclude: Iterable[str] = ()
) -> tuple[Target, ...]:
    """The organization's active accounts (under `ous` and their children, if given),
    without `exclude`, sorted by id. Raises AccountsError (one sentence) when not allowed."""
    client = aws.clients.get("organizations", aws.home_region)
    excluded = set(exclude)
    found: dict[str, Target] = {}
    try:
        if not ous:
            listed = _pages(client, "list_accounts", "Accounts")
        else:
            listed = []
            seen: set[str] = set()
            stack = list(dict.fromkeys(ous))
            while stack:
                parent = stack.pop()
                if parent in seen:
                    continue
                seen.add(parent)
                listed += _pages(client, "list_accounts_for_parent", "Accounts", ParentId=parent)
                stack += [
                    str(ou["Id"])
                    for ou in _pages(
                        client,
                        "list_organizational_units_for_parent",
                        "OrganizationalUnits",
                        ParentId=parent,
                    )
                ]
    except Exception as error:
        raise _organization_error(error, "organizations:ListAccounts") from None
    for account in listed:
        account_id = str(account.get("Id", ""))
        if account_id and account_id not in excluded and _active(account):
            found[account_id] = Target(account_id, str(account.get("Name") or ""))
    if not found:
        where = f" under {', '.join(ous)}" if ous else ""
        raise AccountsError(f"no active account to scan{where} (after --exclude-account).")
    return tuple(sorted(found.values(), key=lambda t: t.account_id))


def named_accounts(aws: Aws, account_ids: Sequence[str]) -> tuple[Target, ...]:
    """The given accounts, in order, named from the organization when it lets us list it."""
    names: dict[str, str] = {}
    try:
        client = aws.clients.get("organizations", aws.home_region)
        names = {
            str(a.get("Id")): str(a.get("Name") or "")
            for a in _pages(client, "list_accounts", "Accounts")
        }
    except Exception as error:  # names are a nicety: a member account cannot list them
        log.debug("account names unavailable: %s", error)
    return tuple(Target(a, names.get(a, "")) for a in dict.fromkeys(account_ids))


# --------------------------------------------------------------------------- pacing


@dataclass
class TokenBucket:
    """`rate` requests per second on average, bursts of up to `burst` (thread-safe)."""

    rate: float
    burst: float
    _tokens: float = 0.0
    _stamp: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._tokens = self.burst

    def take(self) -> float:
        """Take one token; the seconds the caller must wait before sending (0 if none)."""
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            self._tokens -= 1
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate


# Requests per second (sustained, burst) per account, service and region. Conservative
# defaults below the published limits of the busiest APIs (EC2 describes refill at 20/s
# from a bucket of 100; IAM and Organizations allow fewer), not measured maxima.
RATES: dict[str, tuple[float, float]] = {
    "ec2": (20.0, 100.0),
    "s3": (50.0, 100.0),
    "iam": (10.0, 20.0),
    "organizations": (5.0, 10.0),
    "sts": (10.0, 20.0),
}
DEFAULT_RATE = (10.0, 40.0)


@dataclass
class Pacer:
    """One token bucket per (account, service, region), shared by every client of a scan."""

    rates: dict[str, tuple[float, float]] = field(default_factory=lambda: dict(RATES))
    waited_s: float = 0.0
    _buckets: dict[tuple[str, str, str], TokenBucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def bucket(self, account: str, service: str, region: str) -> TokenBucket:
        key = (account, service, region)
        with self._lock:
            found = self._buckets.get(key)
            if found is None:
                rate, burst = self.rates.get(service, DEFAULT_RATE)
                found = self._buckets[key] = TokenBucket(rate, burst)
            return found

    def install(self, client: Any, account: str, service: str, region: str) -> None:
        """Pace every HTTP request of `client` (pages and retries included)."""
        bucket = self.bucket(account, service, region)

        def pace(**_: Any) -> None:
            delay = bucket.take()
            if delay > 0:
                with self._lock:
                    self.waited_s += delay
                time.sleep(delay)

        client.meta.events.register("before-send", pace, unique_id="pillar-pacing")


@dataclass
class PacedClientPool(ClientPool):
    """A ClientPool whose clients pace their requests, and which can be closed."""

    pacer: Pacer | None = None
    account_id: str = ""

    def _make(self, service: str, region: str) -> Any:
        client = super()._make(service, region)
        if self.pacer is not None:
            self.pacer.install(client, self.account_id, service, region)
        return client

    def close(self) -> None:
        """Close every client's connections and forget them (the account is done)."""
        with self._lock:
            clients = list(self._clients.values())
            self._clients.clear()
        for client in clients:
            try:
                client.close()
            except Exception:  # pragma: no cover - closing is best effort
                log.debug("closing a client failed", exc_info=True)


class _BotocoreClients:
    """`session.client(...)` over a botocore session (ClientPool's interface)."""

    def __init__(self, session: Any) -> None:
        self._session = session

    def client(self, service: str, **kwargs: Any) -> Any:
        return self._session.create_client(service, **kwargs)


def _botocore_session(session: Any) -> Any:
    """The botocore session under a boto3 Session (or the botocore session itself)."""
    return getattr(session, "_session", session)


# --------------------------------------------------------------------------- members


class Members:
    """Opens member accounts: assumed-role credentials that refresh, sessions that share
    the caller's loaded service models, paced clients."""

    def __init__(
        self,
        caller: Aws,
        role: RoleOptions,
        pacer: Pacer | None = None,
        *,
        tap: Tap | None = None,
        replaying: bool = False,
    ) -> None:
        """`tap` records or replays every call of the members' clients and of the sts
        client that assumes their roles (checks.recording), each under its account.
        `replaying`: the AssumeRole answers come from a recording: their credentials are
        placeholders (REDACTED) that never leave the process, valid for the whole replay
        (the recorded expiry has passed), and member sessions read no AWS config file."""
        from botocore.session import Session

        self.caller = caller
        self.role = role
        self.pacer = pacer or Pacer()
        self.tap = tap
        self.replaying = replaying
        caller_session = _botocore_session(caller.clients.session)
        self._loader = caller_session.get_component("data_loader")
        self._session_class = Session
        options = caller.clients.options
        self._sts = caller.clients.session.client(
            "sts",
            region_name=caller.home_region,
            endpoint_url=options.endpoint_url,
            config=client_config(options, path_style=False),
        )
        guard.install(self._sts, also_allowed=guard.ASSUME_ROLE)
        if tap is not None:
            tap.install(self._sts, "sts", caller.home_region, "")
        self.assumed = 0  # AssumeRole calls made (first ones and refreshes)
        self._lock = threading.Lock()

    def role_arn(self, account_id: str) -> str:
        partition = "aws"
        region = self.caller.home_region
        if region.startswith("cn-"):
            partition = "aws-cn"
        elif region.startswith("us-gov-"):
            partition = "aws-us-gov"
        name = self.role.role_name.strip("/")
        return f"arn:{partition}:iam::{account_id}:role/{name}"

    def _assume(self, account_id: str) -> dict[str, str]:
        """botocore's refresh function: fresh credentials for the member's role."""
        params: dict[str, Any] = {
            "RoleArn": self.role_arn(account_id),
            "RoleSessionName": self.role.session_name,
            "DurationSeconds": self.role.duration_s,
        }
        if self.role.external_id:
            params["ExternalId"] = self.role.external_id
        response = self._sts.assume_role(**params)
        with self._lock:
            self.assumed += 1
        found = response["Credentials"]
        expiry = found["Expiration"]
        if self.replaying:  # the recorded expiry is long past; nothing is ever sent
            expiry = REPLAY_EXPIRY
        return {
            "access_key": found["AccessKeyId"],
            "secret_key": found["SecretAccessKey"],
            "token": found["SessionToken"],
            "expiry_time": expiry.isoformat() if isinstance(expiry, datetime) else str(expiry),
        }

    def credentials(self, account_id: str) -> Any:
        """Refreshable credentials for the member (the first AssumeRole is sent at once)."""
        from botocore.credentials import DeferredRefreshableCredentials

        credentials = DeferredRefreshableCredentials(
            refresh_using=lambda: self._assume(account_id), method="assume-role"
        )
        try:
            credentials.get_frozen_credentials()
        except Exception as error:
            failed = classify(error, "sts:AssumeRole")
            said = ""
            if failed.code:
                info = getattr(error, "response", {}).get("Error", {})
                said = " ".join(str(info.get("Message", "")).split())[:200]
                said = f"{failed.code}: {said}" if said else failed.code
            hint = (
                ": check the role exists there and trusts this account (and the external id)"
                if failed.cause is Cause.ACCESS_DENIED
                else ""
            )
            raise AccountUnreachable(
                f"cannot assume {self.role_arn(account_id)} ({said or failed.message}){hint}"
            ) from None
        return credentials

    def open(self, target: Target) -> Aws:
        """The member's Aws (its own session and paced clients); raises AccountUnreachable."""
        from botocore.credentials import CredentialProvider, CredentialResolver

        credentials = self.credentials(target.account_id)

        class Assumed(CredentialProvider):  # type: ignore[misc]
            METHOD = "pillar-assume-role"

            def load(self) -> Any:
                return credentials

        if self.replaying:  # no profile, config or credentials file is read
            session = self._session_class(session_vars={"profile": (None, None, None, None)})
            session.set_config_variable("config_file", os.devnull)
            session.set_config_variable("credentials_file", os.devnull)
        else:
            session = self._session_class()
        session.register_component("data_loader", self._loader)  # models parsed once
        session.register_component("credential_provider", CredentialResolver([Assumed()]))
        pool = PacedClientPool(
            session=_BotocoreClients(session),
            options=self.caller.clients.options,
            tap=self.tap,
            account=target.account_id,
            pacer=self.pacer,
            account_id=target.account_id,
        )
        return Aws(
            clients=pool,
            account_id=target.account_id,
            regions=self.caller.regions,
            home_region=self.caller.home_region,
        )


# --------------------------------------------------------------------------- the scan


def plan_account(checks: Sequence[Check], aws: Aws, *, organization: bool) -> list[Task]:
    """One account's tasks: organization-level checks only where `organization` is True."""
    tasks: list[Task] = []
    for check in checks:
        if check.scope is Scope.ORGANIZATION and not organization:
            continue
        if check.scope is Scope.REGIONAL:
            tasks.extend(Task(check, region, region) for region in aws.regions)
        else:
            tasks.append(Task(check, GLOBAL, aws.home_region))
    return tasks


_DENIED = {Cause.ACCESS_DENIED, Cause.NO_CREDENTIALS}
_build_lock = threading.Lock()  # building clients loads shared models: one at a time


@dataclass
class _AccountRun:
    target: Target
    organization: bool  # runs the organization-level checks
    only_organization: bool = False  # the caller, excluded from the account checks
    status: AccountStatus | None = None
    results: list[CheckResult] = field(default_factory=list)


def _denied_everything(results: Sequence[CheckResult]) -> str | None:
    """The cause when every result of an account is access denied, else None."""
    if not results or any(
        r.status is not Status.UNKNOWN or r.cause not in _DENIED for r in results
    ):
        return None
    actions = sorted({r.missing_action for r in results if r.missing_action})
    example = f", e.g. {actions[0]}" if actions else ""
    return (
        f"every check was refused ({len(results)} access denied{example}): give the role "
        "pillar's policy (pillar iam-policy --organization)"
    )


class AccountsScan:
    """One scan over several accounts (see the module docstring)."""

    def __init__(
        self,
        caller: Aws,
        targets: Sequence[Target],
        checks: Sequence[Check],
        *,
        role: RoleOptions | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        accounts_at_once: int = ACCOUNTS_AT_ONCE,
        progress: TaskProgress | None = None,
        on_account: AccountProgress | None = None,
        cancel: threading.Event | None = None,
        members: Members | None = None,
    ) -> None:
        self.caller = caller
        self.checks = tuple(checks)
        self.members = members or Members(caller, role or RoleOptions())
        self.concurrency = max(1, concurrency)
        self.accounts_at_once = max(1, accounts_at_once)
        self.progress = progress
        self.on_account = on_account
        self.cancel = cancel or threading.Event()
        ids = [t.account_id for t in targets]
        self.runs = [_AccountRun(t, t.account_id == caller.account_id) for t in targets]
        if caller.account_id not in ids and any(c.scope is Scope.ORGANIZATION for c in self.checks):
            # Organization-level evidence is read from the caller's account, even when its
            # own resources are not part of the scan.
            self.runs.insert(0, _AccountRun(Target(caller.account_id), True, True))
        self._events: queue.Queue[tuple[str, Any]] = queue.Queue()

    def _tasks(self, run: _AccountRun, aws: Aws) -> list[Task]:
        tasks = plan_account(self.checks, aws, organization=run.organization)
        if run.only_organization:
            tasks = [t for t in tasks if t.check.scope is Scope.ORGANIZATION]
        return tasks

    def total_tasks(self) -> int:
        return sum(len(self._tasks(run, self.caller)) for run in self.runs)

    def _scan_account(self, run: _AccountRun, pool: ThreadPoolExecutor) -> None:
        """One account, on an account thread; its tasks go to the shared pool."""
        target = run.target
        if self.cancel.is_set():
            run.status = AccountStatus(
                target.account_id,
                target.name,
                AccountState.NOT_SCANNED,
                "the scan was cancelled before this account",
            )
            return
        self._events.put(("start", run))
        try:
            self._scan_started(run, pool)
        finally:
            self._events.put(("end", run))  # queued in order: "now" never lists it again

    def _scan_started(self, run: _AccountRun, pool: ThreadPoolExecutor) -> None:
        target = run.target
        own = target.account_id == self.caller.account_id
        try:
            aws = self.caller if own else self.members.open(target)
        except AccountUnreachable as error:
            run.status = AccountStatus(
                target.account_id, target.name, AccountState.NOT_SCANNED, str(error)
            )
            self._events.put(("skip", (run, len(self._tasks(run, self.caller)))))
            return
        calls = CallLayer(aws.clients, cancel=self.cancel)
        try:
            tasks = self._tasks(run, aws)
            with _build_lock:
                aws.clients.build(
                    {(service, t.api_region) for t in tasks for service in t.check.services}
                )
            settle()  # the first account's build loaded the models: out of the collector's way
            futures = {pool.submit(run_task, task, aws, calls): task for task in tasks}
            pending = set(futures)
            while pending:
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in done:
                    task = futures[future]
                    result = (
                        cancelled(task, target.account_id)
                        if future.cancelled()
                        else future.result()
                    )
                    run.results.append(result)
                    self._events.put(("task", (run, result)))
            denied = None if self.cancel.is_set() else _denied_everything(run.results)
            if denied is not None:
                run.status = AccountStatus(
                    target.account_id, target.name, AccountState.NOT_SCANNED, denied
                )
                run.results.clear()
            else:
                cause = "organization-level checks only" if run.only_organization else ""
                run.status = AccountStatus(target.account_id, target.name, cause=cause)
        finally:
            calls.close()  # its prefetch threads
            if not own and isinstance(aws.clients, PacedClientPool):
                aws.clients.close()  # free the account's clients and connections

    def run(self) -> ScanResult:
        with scan_heap():  # checks.heap: full collections skip the shared models
            return self._run()

    def _run(self) -> ScanResult:
        started_at = scan_now()
        clock = time.perf_counter()
        total_tasks = self.total_tasks()
        total_accounts = len(self.runs)
        done_tasks = 0
        done_accounts = 0
        pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="check")
        accounts = ThreadPoolExecutor(
            max_workers=self.accounts_at_once, thread_name_prefix="account"
        )
        futures: dict[Future[None], _AccountRun] = {
            accounts.submit(self._scan_account, run, pool): run for run in self.runs
        }
        pending = set(futures)
        current: list[str] = []

        def drain() -> None:
            nonlocal done_tasks
            while True:
                try:
                    kind, payload = self._events.get_nowait()
                except queue.Empty:
                    return
                if kind == "start":
                    current.append(payload.target.label)
                    if self.on_account is not None:
                        self.on_account(done_accounts, total_accounts, ", ".join(current))
                elif kind == "end":  # reported with the count, once its future is done
                    if payload.target.label in current:
                        current.remove(payload.target.label)
                elif kind == "skip":
                    done_tasks += payload[1]
                    if self.progress is not None:
                        label = payload[0].target.label
                        self.progress(done_tasks, total_tasks, "not scanned", label)
                elif kind == "task":
                    run, result = payload
                    done_tasks += 1
                    if self.progress is not None:
                        where = f"{run.target.account_id} {result.region}"
                        self.progress(done_tasks, total_tasks, result.check_id, where)

        try:
            while pending:
                finished, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
                drain()
                for future in finished:
                    future.result()  # an account thread never raises but for a bug
                    done_accounts += 1
                    run = futures[future]
                    if run.target.label in current:
                        current.remove(run.target.label)
                    if self.on_account is not None:
                        self.on_account(done_accounts, total_accounts, ", ".join(current))
                if self.cancel.is_set():
                    break
        except KeyboardInterrupt:
            self.cancel.set()
        finally:
            if self.cancel.is_set():
                accounts.shutdown(wait=False, cancel_futures=True)
                # Tasks in flight end quickly (calls check the cancel flag; timeouts).
                wait(pending, timeout=2.0)
            accounts.shutdown(wait=False, cancel_futures=True)
            pool.shutdown(wait=False, cancel_futures=True)
            drain()
        return self._result(started_at, time.perf_counter() - clock)

    def _result(self, started_at: datetime, duration_s: float) -> ScanResult:
        order = {run.target.account_id: n for n, run in enumerate(self.runs)}
        statuses: list[AccountStatus] = []
        results: list[CheckResult] = []
        for run in self.runs:
            status = run.status
            if status is None:  # cancelled before it started, or still running
                partial = bool(run.results)
                status = AccountStatus(
                    run.target.account_id,
                    run.target.name,
                    AccountState.SCANNED if partial else AccountState.NOT_SCANNED,
                    "the scan was cancelled during this account"
                    if partial
                    else "the scan was cancelled before this account",
                )
            statuses.append(status)
            results += list(run.results)
        results.sort(
            key=lambda r: (order.get(r.account_id, 0), r.check_id, r.region != GLOBAL, r.region)
        )
        return ScanResult(
            account_id=self.caller.account_id,
            regions=self.caller.regions,
            started_at=started_at,
            duration_s=duration_s,
            results=tuple(results),
            cancelled=self.cancel.is_set(),
            accounts=tuple(statuses),
        )


def run_accounts_scan(
    caller: Aws,
    targets: Sequence[Target],
    checks: Sequence[Check],
    **options: Any,
) -> ScanResult:
    """Scan `targets` (see AccountsScan for the options); Ctrl-C keeps what finished."""
    return AccountsScan(caller, targets, checks, **options).run()
