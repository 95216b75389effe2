"""Fixtures for app tests: a real store in a temp folder and a scan source that returns a
fixed ScanResult (deterministic snapshots) or runs the real simulated account."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from checks.result import Cause, CheckResult, Resource, ScanResult, Status
from questions import security_pillar
from review.store import ReviewStore
from tui.app import PillarApp
from tui.scanning import Progress, ScanSource

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
        self, progress: Progress, cancel: threading.Event, regions: tuple[str, ...] = ()
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


def make_app(store: ReviewStore, **kwargs: object) -> PillarApp:
    return PillarApp(store, person="tester", scan_source=FixedScanSource(), **kwargs)  # type: ignore[arg-type]
