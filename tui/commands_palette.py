"""Command palette entries: every screen action, found by name (ctrl+p)."""

from __future__ import annotations

from functools import partial

from textual.command import Hit, Hits, Provider


class PillarCommands(Provider):
    """Lists the bindings of the current screen and the app as palette commands."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        screen = self.screen
        seen: set[str] = set()
        for node in (screen, self.app):
            for binding in node.BINDINGS:
                if isinstance(binding, tuple):
                    continue
                name = binding.description or binding.action
                if not name or name in seen:
                    continue
                seen.add(name)
                label = f"{name} ({binding.key.split(',')[0]})"
                score = matcher.match(label)
                if score > 0:
                    yield Hit(
                        score,
                        matcher.highlight(label),
                        partial(node.run_action, binding.action),
                        help=binding.tooltip or None,
                    )
