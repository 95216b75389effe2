"""The scan scope form (S in a review, s before a scan of many accounts): the same scopes
as `pillar scope`, checked the same way, saved with the review at once."""

from __future__ import annotations

import os
from typing import Any

from textual.widgets import Input, RadioSet, Static

from review.model import ScanScope
from review.scope import scan_scope
from review.store import ReviewStore
from tui.screens.review import ReviewScreen
from tui.screens.scan import ScanScreen
from tui.screens.scope import ScopeScreen

from .conftest import make_app
from .test_journey import settle, wait_for

PROD, STAGING = "111111111111", "222222222222"


def new_review(store: ReviewStore, scope: ScanScope | None = None) -> str:
    review = store.create("Scoped", regions=["eu-west-1"])
    if scope is not None:
        with store.open(review.id) as session:
            session.set_scan_scope(scope)
    return review.id


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def open_scan(pilot: Any, app: Any) -> ScanScreen:
    await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
    await settle(pilot, app)
    await pilot.press("r")
    await wait_for(pilot, lambda: isinstance(app.screen, ScanScreen))
    scan = app.screen
    assert isinstance(scan, ScanScreen)
    return scan


async def open_form(pilot: Any, app: Any) -> ScopeScreen:
    await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
    await settle(pilot, app)
    await pilot.press("S")
    await wait_for(pilot, lambda: isinstance(app.screen, ScopeScreen))
    form = app.screen
    assert isinstance(form, ScopeScreen)
    return form


async def test_named_accounts_are_saved_with_the_review(store: ReviewStore) -> None:
    review_id = new_review(store)
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=(120, 45)) as pilot:
        form = await open_form(pilot, app)
        # A review without a scope: its own account, in its regions.
        assert form.query_one("#mode", RadioSet).pressed_button.id == "caller"  # type: ignore[union-attr]
        assert form.query_one("#regions", Input).value == "eu-west-1"
        assert form.query_one("#accounts", Input).has_class("-unused")
        assert form.query_one("#external", Input).password  # never shown on a shared screen
        await pilot.click("#accounts-mode")
        assert not form.query_one("#accounts", Input).has_class("-unused")
        assert form.query_one("#ous", Input).has_class("-unused")
        form.query_one("#accounts", Input).focus()
        await pilot.press(*"12345")
        await pilot.pause()
        assert "'12345' is not an AWS account id" in text_of(form, "#form-error")
        form.query_one("#accounts", Input).value = f"{PROD}, {STAGING}"
        form.query_one("#regions", Input).value = "eu-west-1 us-east-1"
        form.query_one("#role", Input).value = "SecurityAudit"
        await pilot.pause()
        assert text_of(form, "#form-error") == ""
        assert "2 accounts (111111111111, 222222222222)" in text_of(form, "#scope-preview")
        if os.environ.get("PILLAR_SCREENSHOTS"):
            app.save_screenshot(os.path.join(os.environ["PILLAR_SCREENSHOTS"], "scope.svg"))
        await pilot.click("#save")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await settle(pilot, app)
    saved = store.load(review_id).scan_scope
    assert saved == scan_scope(
        account_ids=[PROD, STAGING], regions=["eu-west-1", "us-east-1"], role_name="SecurityAudit"
    )


async def test_the_organization_and_forgetting_it(store: ReviewStore) -> None:
    review_id = new_review(store, scan_scope(account_ids=[PROD]))
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=(120, 45)) as pilot:
        form = await open_form(pilot, app)
        assert form.query_one("#accounts", Input).value == PROD
        await pilot.click("#organization")
        form.query_one("#excluded", Input).value = STAGING
        form.query_one("#ous", Input).value = "ou-ab12-cdefgh34"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await settle(pilot, app)
        assert store.load(review_id).scan_scope == scan_scope(
            organization=True, ous=["ou-ab12-cdefgh34"], excluded=[STAGING], regions=[]
        )
        # Forget it: scans cover the caller's account again, in the review's regions.
        form = await open_form(pilot, app)
        assert form.query_one("#excluded", Input).value == STAGING
        await pilot.click("#forget")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await settle(pilot, app)
        assert store.load(review_id).scan_scope is None
        # Cancel changes nothing.
        form = await open_form(pilot, app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await settle(pilot, app)
        assert store.load(review_id).scan_scope is None


async def test_the_scope_can_be_changed_before_a_scan_of_many_accounts(
    store: ReviewStore,
) -> None:
    review_id = new_review(store, scan_scope(account_ids=[PROD, STAGING], regions=["eu-west-1"]))
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=(120, 45)) as pilot:
        await open_scan(pilot, app)
        scan = app.screen
        assert isinstance(scan, ScanScreen)
        assert "s: change the scope" in text_of(scan, "#scan-hint")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScopeScreen))
        form = app.screen
        assert isinstance(form, ScopeScreen)
        form.query_one("#accounts", Input).value = PROD
        await pilot.pause()
        await pilot.click("#save")
        await wait_for(pilot, lambda: app.screen is scan)
        await wait_for(pilot, lambda: "1 account (111111111111)" in text_of(scan, "#scan-status"))
        assert not scan.started  # still asks first
        assert "1 account (111111111111)" in text_of(scan, ".screen-title")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await settle(pilot, app)
    assert store.load(review_id).scan_scope == scan_scope(account_ids=[PROD], regions=["eu-west-1"])


async def test_keyboard_only(store: ReviewStore) -> None:
    review_id = new_review(store, scan_scope(organization=True, excluded=[STAGING]))
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=(120, 45)) as pilot:
        form = await open_form(pilot, app)
        # The choice has the focus and its highlight: one step down is "These accounts".
        mode = form.query_one("#mode", RadioSet)
        assert app.focused is mode
        await pilot.press("down", "space")
        assert form._chosen() == "accounts"
        await pilot.press("up", "space")
        assert form._chosen() == "organization"
        # The tab order is the same whatever is chosen; typing account ids chooses them.
        await pilot.press("tab", "tab", "tab")
        assert app.focused is form.query_one("#accounts", Input)
        await pilot.press(*PROD)
        assert form._chosen() == "accounts"
        assert "1 account (111111111111)" in text_of(form, "#scope-preview")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await settle(pilot, app)
    assert store.load(review_id).scan_scope == scan_scope(account_ids=[PROD])


async def test_read_only_reviews_keep_their_scope(store: ReviewStore) -> None:
    review_id = new_review(store)
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=(120, 45)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        screen.read_only = True
        await pilot.press("S")
        await settle(pilot, app)
        assert isinstance(app.screen, ReviewScreen)


async def test_a_long_scope_is_wrapped_in_the_scan_title(store: ReviewStore) -> None:
    long = scan_scope(
        organization=True,
        ous=["ou-ab12-cdefgh34", "ou-ab12-zzzzzzzz"],
        excluded=[PROD, STAGING],
        regions=["eu-west-1", "us-east-1", "eu-central-1"],
        role_name="audit/pillar-scan",
    )
    review_id = new_review(store, long)
    app = make_app(store, open_review=review_id)
    async with app.run_test(size=(120, 45)) as pilot:
        await open_scan(pilot, app)
        await pilot.pause()
        title = app.screen.query_one(".screen-title", Static)
        assert title.region.height == 2  # the role at the end is on screen, not cut
        assert "as role audit/pillar-scan" in text_of(app.screen, ".screen-title")
        await pilot.press("escape")


async def test_the_demo_has_no_scope_to_edit(store: ReviewStore) -> None:
    from tui.scanning import ScanSource

    review_id = new_review(store)
    app = make_app(store, open_review=review_id)
    app.scan_source = ScanSource(demo=True)
    async with app.run_test(size=(120, 45)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await settle(pilot, app)
        await pilot.press("S")
        await settle(pilot, app)
        assert isinstance(app.screen, ReviewScreen)
    assert store.load(review_id).scan_scope is None
