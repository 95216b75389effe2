"""The command palette offers every active binding (shown in the footer or not)."""

from __future__ import annotations

from textual.command import CommandPalette

from review.store import ReviewStore
from tui.commands_palette import binding_commands
from tui.screens.review import ReviewScreen
from tui.screens.workshop import PresenterScreen

from .conftest import make_app
from .test_journey import settle, wait_for


async def test_palette_lists_every_active_binding_and_runs_it(store: ReviewStore) -> None:
    review = store.create("Payments platform")
    app = make_app(store, open_review=review.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await settle(pilot, app)
        screen = app.screen
        labels = {command.label for command in binding_commands(screen)}
        # Footer bindings, hidden ones, the app's, and the focused table's own keys.
        for expected in ("met/not met (space)", "presenter (v)", "help (?)", "quit (ctrl+q)"):
            assert expected in labels, labels
        assert any(label.startswith("Cursor down") for label in labels), labels

        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"presenter")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PresenterScreen))
