"""Where evidence comes from: the simulated demo account, or AWS over a review's scope.

The scope (accounts, regions, role) belongs to the review (`review.scope`); the AWS
profile and endpoint belong to this machine, so they live here, on the app.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

from checks.result import ScanResult
from review.model import ScanScope
from review.scope import accounts_phrase, regions_phrase, role_of

Progress = Callable[[int, int, str, str], None]
"""progress(done, total, check_id, where) after each check x region task."""
AccountProgress = Callable[[int, int, str], None]
"""on_account(done, total, current) when an account starts or ends (many accounts only);
`current` is the label ('id (name)') of each account being scanned now, comma separated,
untrusted text."""


@dataclass
class ScanSource:
    """How the app runs a scan. `demo` scans the simulated account (no AWS at all)."""

    demo: bool = False
    profile: str | None = None
    endpoint_url: str | None = None
    regions: tuple[str, ...] = ()  # fixed regions for every scan (tests); else the scope's

    @property
    def label(self) -> str:
        if self.demo:
            return "the simulated demo account"
        who = f"AWS profile {self.profile}" if self.profile else "your default AWS credentials"
        # An emulator or proxy said out loud: nobody should mistake it for their AWS.
        endpoint = self.endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
        return f"{who} at {endpoint}" if endpoint else who

    def describe(self, scope: ScanScope) -> str:
        """What a scan of `scope` covers, in one line (the scan screen's title).

        Only checked values (ids, region and role names) and the profile name typed on
        this machine; the caller escapes it all the same."""
        if self.demo:
            return self.label
        regions = ", ".join(self.regions or scope.regions) or "all enabled regions"
        if not scope.multi_account:
            return f"{self.label} · {regions}"
        words = f"{accounts_phrase(scope)} × {regions_phrase(scope)} as role {role_of(scope)}"
        return f"{words} · from {self.label}"

    def run(
        self,
        progress: Progress,
        cancel: threading.Event,
        scope: ScanScope | None = None,
        on_account: AccountProgress | None = None,
    ) -> ScanResult:
        """Run every check over `scope` (the caller's account when None or one account).

        Raises the checks' CredentialsError or AccountsError (one sentence, `user_error`)
        when AWS refuses us or the organization's accounts cannot be listed; an account
        whose role cannot be assumed is reported in the result and the others go on."""
        from checks.registry import all_checks
        from checks.runner import run_scan

        if self.demo:
            from checks.demo import run_demo_scan

            return run_demo_scan(progress=progress, cancel=cancel)
        from checks.session import AwsOptions, connect

        scope = scope or ScanScope()
        aws = connect(
            AwsOptions(
                profile=self.profile,
                regions=self.regions or scope.regions,
                endpoint_url=self.endpoint_url,
            )
        )
        checks = all_checks()
        if not scope.multi_account:
            return run_scan(aws, checks, progress=progress, cancel=cancel)
        from checks.accounts import (
            RoleOptions,
            named_accounts,
            organization_accounts,
            run_accounts_scan,
        )

        targets = (
            organization_accounts(aws, scope.ous, scope.excluded)
            if scope.organization
            else named_accounts(aws, scope.account_ids)
        )
        role = RoleOptions(role_name=role_of(scope), external_id=scope.external_id or None)
        return run_accounts_scan(
            aws,
            targets,
            checks,
            role=role,
            progress=progress,
            on_account=on_account,
            cancel=cancel,
        )
