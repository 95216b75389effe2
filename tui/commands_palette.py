"""Command palette entries: every active binding, found by name (ctrl+p).

Besides Textual's own commands (theme, keys, quit...), the palette offers every binding that
is active where it was opened: the focused widget's, the screen's and the app's, shown or
hidden in the footer, each with its description, key and tooltip. Choosing one runs its
action on the node that owns the binding, as the key would.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.screen import Screen

KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "equals_sign": "=",
    "plus": "+",
    "minus": "-",
}


@dataclass(frozen=True)
class BindingCommand:
    label: str
    node: DOMNode
    action: str
    help: str


def key_label(key: str) -> str:
    """'n,right' -> 'n'; 'question_mark' -> '?'."""
    first = key.split(",")[0].strip()
    return KEY_NAMES.get(first, first)


def binding_commands(screen: Screen[object]) -> Iterator[BindingCommand]:
    """The active bindings of `screen` (with its focused widget) and the app, once each."""
    seen: set[tuple[int, str]] = set()
    for active in screen.active_bindings.values():
        binding: Binding = active.binding
        if not active.enabled or not binding.description:
            continue
        mark = (id(active.node), binding.action)
        if mark in seen:
            continue
        seen.add(mark)
        yield BindingCommand(
            label=f"{binding.description} ({key_label(binding.key)})",
            node=active.node,
            action=binding.action,
            help=active.tooltip or binding.tooltip or "",
        )


class PillarCommands(Provider):
    """Every active binding of the screen the palette was opened on, as commands."""

    def _commands(self) -> list[BindingCommand]:
        return list(binding_commands(self.screen))

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(
                command.label,
                partial(self.app.run_action, command.action, command.node),
                help=command.help or None,
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.label)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.label),
                    partial(self.app.run_action, command.action, command.node),
                    help=command.help or None,
                )
