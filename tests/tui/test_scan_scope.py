"""The app scans the review's saved scope: many accounts on a moto organization, with
accounts done / total and the current one on the scan screen; an account whose role
cannot be assumed is reported and the others go on; cancel keeps what finished."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from checks import registry
from checks.accounts import Members
from checks.result import AccountState, Status
from review.scope import scan_scope
from review.store import ReviewStore
from tui.messages import ScanProgress
from tui.scanning import ScanSource
from tui.screens.review import ReviewScreen
from tui.screens.scan import ScanScreen

from .conftest import make_app
from .test_journey import settle, wait_for

CHECKS = ("iam.console_mfa", "iam.password_policy")


def shown(screen: ScanScreen, widget_id: str) -> str:
    content = screen.query_one(widget_id, Static).render()
    return content.plain if isinstance(content, Text) else str(content)


@pytest.fixture
def few_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's scan runs every check; two are enough to follow accounts (and fast)."""
    chosen = registry.select(CHECKS)
    monkeypatch.setattr(registry, "all_checks", lambda: chosen)


def refuse_role_in(monkeypatch: pytest.MonkeyPatch, account_id: str) -> None:
    """The role cannot be assumed in `account_id` (it does not trust us)."""
    from botocore.exceptions import ClientError

    original = Members._assume

    def assume(self: Members, target: str) -> dict[str, str]:
        if target == account_id:
            raise ClientError(
                {"Error": {"Code": "AccessDenied", "Message": "not authorized to assume"}},
                "AssumeRole",
            )
        return original(self, target)

    monkeypatch.setattr(Members, "_assume", assume)


def scoped_review(store: ReviewStore, *account_ids: str) -> str:
    review = store.create("Org workload", regions=["us-east-1"])
    with store.open(review.id) as session:
        session.set_scan_scope(scan_scope(account_ids=account_ids, regions=["eu-west-1"]))
    return review.id


@pytest.mark.usefixtures("few_checks")
async def test_the_review_scan_covers_its_scope_account_by_account(
    store: ReviewStore, moto_organization: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = moto_organization
    refuse_role_in(monkeypatch, org.sandbox)
    # A newer progress message replaces an unprocessed older one, so under load the
    # message naming one account may never be dispatched (nor seen by the hook): here
    # every one is kept, so the test sees each account's start.
    monkeypatch.setattr(ScanProgress, "can_replace", lambda self, message: False)
    review_id = scoped_review(store, org.prod, org.staging, org.sandbox)
    app = make_app(store, open_review=review_id)
    app.scan_source = ScanSource()  # the real one, on moto
    seen: list[Message] = []
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review_screen = app.screen
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ScanScreen))
        scan = app.screen
        assert isinstance(scan, ScanScreen)
        title = shown(scan, ".screen-title")
        assert "3 accounts (" in title and "× 1 region (eu-west-1)" in title
        assert "as role OrganizationAccountAccessRole" in title
        assert not scan.started and "enter: start" in shown(scan, "#scan-hint")  # asks first

        await pilot.press("enter")
        await wait_for(pilot, lambda: scan.result is not None)
        result = scan.result
        assert result is not None and not result.cancelled
        summary = shown(scan, "#scan-accounts")
        assert "2 of 3 accounts scanned" in summary
        assert f"{org.sandbox} (sandbox): NOT SCANNED" in summary
        assert "cannot assume" in summary and "AccessDenied" in summary
        assert "for 3 accounts" in shown(scan, "#scan-status")

        await pilot.press("enter")  # store it with the review
        await wait_for(pilot, lambda: app.screen is review_screen)
        await wait_for(pilot, lambda: review_screen.review.evidence is not None)  # type: ignore[attr-defined]
        await settle(pilot, app)

    progress = [m for m in seen if isinstance(m, ScanProgress)]
    assert progress and all(m.accounts_total == 3 for m in progress if m.accounts_total)
    assert any(m.accounts_done == 3 for m in progress)
    # The current account is shown by its label, names kept as text (markup and all).
    # Every account being scanned at that moment (two at a time), by label.
    assert any(f"{org.staging} ([bold red]staging[/])" in m.account for m in progress)
    stored = store.load(review_id).evidence
    assert stored is not None
    states = {a.account_id: a.status for a in stored.accounts}
    assert states == {
        org.prod: AccountState.SCANNED,
        org.staging: AccountState.SCANNED,
        org.sandbox: AccountState.NOT_SCANNED,
    }
    mfa = {r.account_id for r in stored.results if r.check_id == "iam.console_mfa"}
    assert mfa == {org.prod, org.staging}
    failing = {
        r.account_id
        for r in stored.results
        if r.check_id == "iam.console_mfa" and r.status is Status.FAIL
    }
    assert failing == {org.prod}
    assert {r.region for r in stored.results} <= {"eu-west-1", "global"}  # the scope's region


@pytest.mark.usefixtures("few_checks")
async def test_cancel_keeps_the_accounts_that_finished(
    store: ReviewStore, moto_organization: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = moto_organization
    release = threading.Event()
    original = Members._assume

    def slow_but_for_prod(self: Members, target: str) -> dict[str, str]:
        if target != org.prod:
            release.wait(20)  # the others hang until the test has cancelled
        return original(self, target)

    monkeypatch.setattr(Members, "_assume", slow_but_for_prod)
    review_id = scoped_review(store, org.prod, org.staging, org.sandbox)
    app = make_app(store, open_review=review_id)
    app.scan_source = ScanSource()
    seen: list[Message] = []
    try:
        async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
            review_screen = app.screen
            await pilot.press("r")
            await wait_for(pilot, lambda: isinstance(app.screen, ScanScreen))
            scan = app.screen
            assert isinstance(scan, ScanScreen)
            await pilot.press("enter")
            await wait_for(
                pilot,
                lambda: any(isinstance(m, ScanProgress) and m.accounts_done >= 1 for m in seen),
            )
            await wait_for(pilot, lambda: "accounts 1 / 3" in shown(scan, "#scan-accounts"))
            await pilot.press("escape")  # cancel: what finished is kept
            await wait_for(pilot, lambda: scan.result is not None)
            release.set()
            assert scan.result is not None and scan.result.cancelled
            assert "Cancelled" in shown(scan, "#scan-status")
            await pilot.press("escape")  # back, with the partial result
            await wait_for(pilot, lambda: app.screen is review_screen)
            await wait_for(pilot, lambda: review_screen.review.evidence is not None)  # type: ignore[attr-defined]
            await settle(pilot, app)
    finally:
        release.set()
    stored = store.load(review_id).evidence
    assert stored is not None and stored.cancelled
    states = {a.account_id: a for a in stored.accounts}
    assert states[org.prod].status is AccountState.SCANNED and not states[org.prod].cause
    assert {r.account_id for r in stored.results} == {org.prod}
    for other in (org.staging, org.sandbox):
        assert states[other].status is AccountState.NOT_SCANNED
        assert "cancelled" in states[other].cause


def test_the_scan_names_a_custom_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    assert ScanSource().label == "your default AWS credentials"
    assert ScanSource(profile="audit").label == "AWS profile audit"
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")
    assert ScanSource().label == "your default AWS credentials at http://127.0.0.1:5000"
    local = ScanSource(profile="audit", endpoint_url="http://localhost:4566")
    assert local.label == "AWS profile audit at http://localhost:4566"
    assert ScanSource(demo=True).label == "the simulated demo account"
