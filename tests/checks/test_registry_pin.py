"""The registry as people and IAM see it, pinned: every check's id, title, service,
boto3 services, scope, best practices, IAM actions (in order), advisory flag and module.

Refactoring how checks are written (e.g. into the compact `checks.declare` form) must not
change any of it. When a change is intended (a new check, a new permission), regenerate
the pin and say so in the commit:

    .venv/bin/python tests/checks/test_registry_pin.py --update
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from checks.registry import Check, all_checks

PIN = Path(__file__).parent / "data" / "registry_pin.json"


def row(check: Check) -> dict[str, Any]:
    return {
        "id": check.id,
        "title": check.title,
        "service": check.service,
        "services": list(check.services),
        "scope": check.scope.value,
        "bps": list(check.best_practices),
        "actions": list(check.actions),
        "advisory": check.advisory,
        "module": check.module,
    }


def current() -> list[dict[str, Any]]:
    return [row(c) for c in all_checks()]


def test_registry_matches_the_pinned_declarations() -> None:
    pinned = {r["id"]: r for r in json.loads(PIN.read_text())}
    now = {r["id"]: r for r in current()}
    hint = "(if intended: `.venv/bin/python tests/checks/test_registry_pin.py --update`)"
    assert sorted(now) == sorted(pinned), f"checks added or removed {hint}"
    changed = {i: (pinned[i], now[i]) for i in now if now[i] != pinned[i]}
    assert not changed, f"declarations changed {hint}: {changed}"


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit(f"usage: {sys.argv[0]} --update")
    rows = current()
    PIN.write_text("[\n" + ",\n".join(json.dumps(r) for r in rows) + "\n]\n")
    print(f"{PIN}: {len(rows)} checks")
