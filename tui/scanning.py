"""Where evidence comes from: the simulated demo account or a real AWS account."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from checks.result import ScanResult

Progress = Callable[[int, int, str, str], None]


@dataclass
class ScanSource:
    """How the app runs a scan. `demo` scans the simulated account (no AWS at all)."""

    demo: bool = False
    profile: str | None = None
    endpoint_url: str | None = None
    regions: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        if self.demo:
            return "the simulated demo account"
        return f"AWS profile {self.profile}" if self.profile else "your default AWS credentials"

    def run(
        self,
        progress: Progress,
        cancel: threading.Event,
        regions: tuple[str, ...] = (),
    ) -> ScanResult:
        """Run every check; raises the checks' CredentialsError when AWS refuses us."""
        from checks.registry import all_checks
        from checks.runner import run_scan

        if self.demo:
            from checks.demo import run_demo_scan

            return run_demo_scan(progress=progress, cancel=cancel)
        from checks.session import AwsOptions, connect

        aws = connect(
            AwsOptions(
                profile=self.profile,
                regions=self.regions or regions,
                endpoint_url=self.endpoint_url,
            )
        )
        return run_scan(aws, all_checks(), progress=progress, cancel=cancel)
