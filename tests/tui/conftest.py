"""Fixtures for app tests: a real store in a temp folder and a scan source that returns a
fixed ScanResult (deterministic snapshots) or runs the real simulated account.

Every app made with `make_app` reaches its store through a recording proxy, and an autouse
fixture fails the test if any store or session call ran on the app's UI thread: the pilot
journeys (journey, workshop, snapshots...) prove the app keeps store work off the UI."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from checks.result import Cause, CheckResult, Resource, ScanResult, Status
from questions import security_pillar
from review.model import ScanScope
from review.session import ReviewSession
from review.store import ReviewStore
from tui.app import PillarApp
from tui.scanning import AccountProgress, Progress, ScanSource

HOSTILE_BUCKET = "[bold red]x[/]"
HOSTILE_TAG = "evil\x1b]52;c;aGk=\x07name"


def fixed_scan() -> ScanResult:
    """A small scan with PASS, FAIL (hostile names), UNKNOWN and N/A results."""
    results = (
        CheckResult(
            "iam.console_mfa",
            "Console users have MFA",
            "iam",
            ("SEC02-BP01",),
            "global",
            Status.FAIL,
            "2 of 3 console users have no MFA",
            resources=(
                Resource("arn:aws:iam::123456789012:user/alice", Status.FAIL, "no MFA"),
                Resource(f"arn:aws:iam::123456789012:user/{HOSTILE_BUCKET}", Status.FAIL, "no MFA"),
                Resource("arn:aws:iam::123456789012:user/carol", Status.PASS, "MFA"),
            ),
        ),
        CheckResult(
            "iam.password_policy",
            "Password policy is strong",
            "iam",
            ("SEC02-BP01",),
            "global",
            Status.PASS,
            "minimum length 14, reuse prevented",
        ),
        CheckResult(
            "s3.bucket_public",
            "Buckets are not public",
            "s3",
            ("SEC03-BP07", "SEC08-BP04"),
            "eu-west-1",
            Status.FAIL,
            "1 public bucket",
            resources=(Resource(f"arn:aws:s3:::{HOSTILE_TAG}", Status.FAIL, "public ACL"),),
        ),
        CheckResult(
            "accessanalyzer.enabled",
            "IAM Access Analyzer is enabled",
            "accessanalyzer",
            ("SEC03-BP07",),
            "eu-west-1",
            Status.UNKNOWN,
            "AccessDenied",
            cause=Cause.ACCESS_DENIED,
            missing_action="access-analyzer:ListAnalyzers",
        ),
        CheckResult(
            "organizations.member",
            "Account is in an organization",
            "organizations",
            ("SEC01-BP01",),
            "global",
            Status.PASS,
            "member of o-example",
        ),
        CheckResult(
            "iam.identity_center",
            "IAM Identity Center is set up",
            "sso-admin",
            ("SEC02-BP04",),
            "eu-west-1",
            Status.PASS,
            "instance found",
        ),
    )
    return ScanResult(
        account_id="123456789012",
        regions=("eu-west-1",),
        started_at=datetime.now(UTC),
        duration_s=1.5,
        results=results,
    )


class FixedScanSource(ScanSource):
    """Returns `fixed_scan()` after reporting progress, like a real scan would."""

    def run(
        self,
        progress: Progress,
        cancel: threading.Event,
        scope: ScanScope | None = None,
        on_account: AccountProgress | None = None,
    ) -> ScanResult:
        scan = fixed_scan()
        for index, result in enumerate(scan.results, start=1):
            progress(index, len(scan.results), result.check_id, result.region)
        return scan

    @property
    def label(self) -> str:
        return "a fixed test account"


@pytest.fixture
def store(tmp_path: Path) -> ReviewStore:
    return ReviewStore(tmp_path / "home", security_pillar())


@dataclass(frozen=True)
class StoreCall:
    name: str
    thread: str
    on_ui_thread: bool


class StoreCalls:
    """Every call the app makes on its store and sessions, with the thread it ran on."""

    def __init__(self) -> None:
        self.app: PillarApp | None = None
        self.calls: list[StoreCall] = []
        self._lock = threading.Lock()

    def record(self, name: str) -> None:
        ui_thread = getattr(self.app, "_thread_id", None)
        call = StoreCall(name, threading.current_thread().name, threading.get_ident() == ui_thread)
        with self._lock:
            self.calls.append(call)

    @property
    def on_ui_thread(self) -> list[StoreCall]:
        return [call for call in self.calls if call.on_ui_thread]


class SessionProxy:
    """A ReviewSession whose every use (method or attribute) is recorded."""

    def __init__(self, session: ReviewSession, calls: StoreCalls) -> None:
        self._session = session
        self._calls = calls

    def __getattr__(self, name: str) -> Any:
        self._calls.record(f"session.{name}")
        value = getattr(self._session, name)
        if not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            self._calls.record(f"session.{name}()")
            return value(*args, **kwargs)

        return call

    def __enter__(self) -> SessionProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self._calls.record("session.close()")
        self._session.close()


class StoreProxy:
    """The store as the app sees it in tests: method calls are recorded (attributes such
    as the bank are plain values), and sessions it opens are wrapped too."""

    def __init__(self, store: ReviewStore, calls: StoreCalls) -> None:
        self._store = store
        self._calls = calls

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._store, name)
        if not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            self._calls.record(f"store.{name}()")
            result = value(*args, **kwargs)
            if isinstance(result, ReviewSession):
                return SessionProxy(result, self._calls)
            return result

        return call


RECORDED: list[StoreCalls] = []


@pytest.fixture(autouse=True)
def no_store_call_on_the_ui_thread() -> Iterator[None]:
    """Every app made by make_app talks to the store through a recording proxy; after the
    test, no store or session call may have run on the app's (UI) thread."""
    RECORDED.clear()
    yield
    wrong = [call for calls in RECORDED for call in calls.on_ui_thread]
    RECORDED.clear()
    assert not wrong, f"store work on the UI thread: {wrong}"


def make_app(store: ReviewStore, **kwargs: object) -> PillarApp:
    calls = StoreCalls()
    RECORDED.append(calls)
    proxy = StoreProxy(store, calls)
    app = PillarApp(proxy, person="tester", scan_source=FixedScanSource(), **kwargs)  # type: ignore[arg-type]
    calls.app = app
    return app


def store_calls(app: PillarApp) -> StoreCalls:
    """The recorder of an app made by make_app."""
    store = app.store
    assert isinstance(store, StoreProxy)
    return store._calls
