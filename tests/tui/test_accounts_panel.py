"""Multi-account evidence on the review screen: grouped by account, filtered to one account
by keyboard (c / C) and mouse (the account picker), hostile account names shown as text."""

from __future__ import annotations

from typing import Any

import pytest
from rich.console import Console
from textual.content import Content
from textual.widgets import Select, Static
from textual.widgets._select import SelectOverlay

from review.store import ReviewStore
from tui.app import PillarApp
from tui.commands_palette import binding_commands
from tui.screens.help import HelpScreen
from tui.screens.review import ReviewScreen
from tui.widgets.review_view import (
    BestPracticeTable,
    EvidencePanel,
    ReviewHeader,
    evidence_renderable,
)

from .conftest import fixed_scan, make_app
from .multi_account import (
    ACCOUNTS,
    ESCAPE_NAME,
    LONG_NAME,
    MARKUP_NAME,
    NOT_SCANNED_CAUSE,
    multi_account_scan,
)
from .test_journey import settle, wait_for
from .test_snapshots import review_settled, until


def seeded(store: ReviewStore, multi: bool = True) -> str:
    review = store.create("Org-wide payments", owner="Sam", regions=["eu-west-1"])
    with store.open(review.id) as session:
        session.attach_evidence(multi_account_scan() if multi else fixed_scan())
    return review.id


def plain(renderable: Any, width: int = 300) -> str:
    console = Console(width=width, record=True, color_system=None, force_terminal=False)
    console.print(renderable)
    return console.export_text()


def panel_text(screen: ReviewScreen, width: int = 300) -> str:
    """The evidence panel as a person reads it (plain text, no styles)."""
    view = screen.query_one(EvidencePanel).view
    assert view is not None
    return plain(evidence_renderable(view), width)


def title_of(screen: ReviewScreen) -> str:
    title = screen.query_one(EvidencePanel).border_title
    return "" if title is None else Content.from_markup(title).plain


async def opened(pilot: Any, app: PillarApp) -> ReviewScreen:
    await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
    await settle(pilot, app)
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


async def test_evidence_is_grouped_by_account(store: ReviewStore) -> None:
    app = make_app(store, open_review=seeded(store), start_question="SEC02")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, app)
        assert screen.selected_bp == "SEC02-BP01"
        text = panel_text(screen)
        # The roll-up first, then one group per account: failing, undecided, passing
        # (folded: a header line), not scanned with its cause.
        assert "Across 4 scanned accounts: not met in 2 (prod-a 111111111111," in text
        assert "met in 1; undecided in 1. 1 account not scanned." in text
        groups = text.split("not scanned.", 1)[1]
        order = ["111111111111", "222222222222", "555555555555", "333333333333", "444444444444"]
        positions = [groups.index(account) for account in order]
        assert positions == sorted(positions)
        assert "Nothing fails or is undecided here" in groups
        assert "prod-a 111111111111 · 1 FAIL · 1 PASS" in text
        assert "222222222222 · 2 FAIL" in text
        assert f"log-archive 444444444444 · not scanned: {NOT_SCANNED_CAUSE}" in text
        assert "555555555555 · 1 PASS · 1 UNKNOWN" in text
        assert text.count("STATUS") == 3  # a table per account that fails or is undecided
        assert "333333333333 · 2 PASS" in text  # folded: its header only
        # The best-practice table counts accounts, not resources.
        cell = screen.query_one(BestPracticeTable).lines[0].evidence.plain
        assert cell == "✗ 2 of 4 accounts fail"
        assert "all 5 accounts" in title_of(screen)
        header = screen.query_one(ReviewHeader).view
        assert header is not None and header.accounts == "4/5 accounts"


async def test_hostile_account_names_are_text(store: ReviewStore) -> None:
    app = make_app(store, open_review=seeded(store), start_question="SEC02")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, app)
        text = panel_text(screen)
        assert MARKUP_NAME[:39] + "…" in text  # markup shown literally (cut), never applied
        assert "\x1b" not in text and "\x07" not in text
        # One safe line: the escape's control bytes and the newline are gone.
        assert ESCAPE_NAME.replace("\x1b", "").replace("\x07", "").replace("\n", " ") in text
        assert LONG_NAME not in text and LONG_NAME[:39] + "…" in text  # cut
        # The picker's labels and the panel's title are Text: no markup parsed.
        picker = screen.query_one("#account-filter", Select)
        labels = [str(prompt) for prompt, _ in picker._options[1:]]
        assert any(MARKUP_NAME[:39] in label for label in labels)
        assert all("\x1b" not in label and "\n" not in label for label in labels)
        await pilot.press("c", "c")
        assert title_of(screen).startswith("Evidence · account 2 of 5: 222222222222")
        assert MARKUP_NAME[:39] in str(picker.query_one("SelectCurrent #label", Static).content)


async def test_keyboard_filter_cycles_accounts_and_resets(store: ReviewStore) -> None:
    app = make_app(store, open_review=seeded(store), start_question="SEC02")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, app)
        seen = []
        for _ in ACCOUNTS:
            await pilot.press("c")
            await pilot.pause()
            seen.append(screen.account_filter)
            text = panel_text(screen)
            others = [a.account_id for a in ACCOUNTS if a.account_id != screen.account_filter]
            shown = text.split("not scanned.", 1)[1]  # after the roll-up line
            assert screen.account_filter in shown
            assert not any(other in shown for other in others), (screen.account_filter, shown)
            number = seen.index(screen.account_filter) + 1
            assert f"account {number} of 5" in title_of(screen)
            if screen.account_filter == "333333333333":  # folded in the all view
                assert "STATUS" in shown
            picker = screen.query_one("#account-filter", Select)
            assert picker.value == screen.account_filter
        assert seen == [a.account_id for a in ACCOUNTS]
        await pilot.press("c")  # after the last: all accounts again
        assert screen.account_filter is None and "all 5 accounts" in title_of(screen)

        await pilot.press("c", "c")
        assert screen.account_filter == "222222222222"
        await pilot.press("n")  # the filter stays while moving through questions
        await pilot.press("p")
        await pilot.pause()
        assert screen.account_filter == "222222222222"
        assert "222222222222" in panel_text(screen).split("not scanned.", 1)[1]
        await pilot.press("C")
        await pilot.pause()
        assert screen.account_filter is None
        assert screen.query_one("#account-filter", Select).value == Select.NULL
        assert panel_text(screen).count("STATUS") == 3


async def test_mouse_picks_an_account(store: ReviewStore) -> None:
    app = make_app(store, open_review=seeded(store), start_question="SEC02")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, app)
        picker = screen.query_one("#account-filter", Select)
        assert picker.display
        await pilot.click("#account-filter")
        await pilot.pause()
        overlay = picker.query_one(SelectOverlay)
        assert picker.expanded
        # Options: the blank (all accounts), then the accounts in scan order.
        await pilot.click(overlay, offset=(4, 2))  # the third line: the second account
        await pilot.pause()
        assert screen.account_filter == "222222222222"
        assert "account 2 of 5" in title_of(screen)
        await pilot.click("#account-filter")
        await pilot.pause()
        await pilot.click(overlay, offset=(4, 0))  # the first line: all accounts
        await pilot.pause()
        assert screen.account_filter is None


async def test_account_keys_in_footer_palette_and_help(store: ReviewStore) -> None:
    app = make_app(store, open_review=seeded(store), start_question="SEC02")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await opened(pilot, app)
        labels = {command.label for command in binding_commands(screen)}
        assert {"account (c)", "all accounts (C)"} <= labels
        shown = [b.binding.action for b in screen.active_bindings.values() if b.binding.show]
        assert "next_account" in shown
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        help_text = plain(app.screen.query_one("#help-text").query_one(Static).content)
        assert "show one account's evidence" in help_text


async def test_one_account_review_has_no_account_filter(store: ReviewStore) -> None:
    app = make_app(store, open_review=seeded(store, multi=False), start_question="SEC02")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, app)
        assert not screen.query_one("#account-filter", Select).display
        assert screen.query_one(EvidencePanel).border_title is None
        actions = {b.binding.action for b in screen.active_bindings.values()}
        assert not {"next_account", "all_accounts"} & actions
        await pilot.press("c")
        assert screen.account_filter is None
        text = panel_text(screen)
        assert "Across" not in text and "accounts" not in text
        header = screen.query_one(ReviewHeader).view
        assert header is not None and header.accounts == ""


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_grouped_panel_snapshot(
    snap_compare: Any, store: ReviewStore, size: tuple[int, int]
) -> None:
    app = make_app(store, open_review=seeded(store), start_question="SEC02")

    async def before(pilot: Any) -> None:
        await until(pilot, review_settled(app))
        if size[1] >= ReviewScreen.SHORT:
            await pilot.press("i")  # the intro folded (it is on short terminals): panel in view
            await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=before)


def test_filtered_panel_snapshot(snap_compare: Any, store: ReviewStore) -> None:
    app = make_app(store, open_review=seeded(store), start_question="SEC02")

    async def before(pilot: Any) -> None:
        await until(pilot, review_settled(app))
        await pilot.press("i", "c", "c")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=before)


def test_many_failing_accounts_keep_the_panel_bounded() -> None:
    from rich.console import Console
    from rich.table import Table

    from checks.result import AccountStatus, CheckResult, Proposal, Resource, Status
    from review.accounts import AccountEvidence
    from tui.widgets.review_view import EXPANDED_ACCOUNTS, by_account

    def failing(n: int) -> AccountEvidence:
        account = f"{100000000000 + n:012d}"
        result = CheckResult(
            "iam.console_mfa",
            "Console users have MFA",
            "iam",
            ("SEC02-BP01",),
            "global",
            Status.FAIL,
            "1 of 1 console users have no MFA",
            resources=(Resource(f"arn:aws:iam::{account}:user/u{n}", Status.FAIL, "no MFA"),),
            account_id=account,
        )
        return AccountEvidence(AccountStatus(account, f"acct-{n}"), (result,), Proposal.NOT_MET)

    accounts = tuple(failing(n) for n in range(40))
    parts = by_account(accounts)
    assert sum(isinstance(p, Table) for p in parts) == EXPANDED_ACCOUNTS
    console = Console(width=100, record=True)
    for part in parts:
        console.print(part)
    text = console.export_text()
    assert f"{40 - EXPANDED_ACCOUNTS} more accounts need attention" in text
    assert all(f"acct-{n}" in text for n in range(40))  # every account keeps its header line
    assert text.count("user/u") == EXPANDED_ACCOUNTS
    # One account chosen (c): its checks in full, whatever the others.
    one = by_account(accounts[39:], one=True)
    assert sum(isinstance(p, Table) for p in one) == 1
