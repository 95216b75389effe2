"""The layering rules of docs/architecture.md, proven in fresh interpreters."""

from __future__ import annotations

import ast
import glob
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path


def _modules_after(code: str) -> set[str]:
    script = textwrap.dedent(code) + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_core_packages_never_import_the_ui() -> None:
    modules = _modules_after(
        """
        import pkgutil, importlib
        for package in ("questions", "checks", "review"):
            mod = importlib.import_module(package)
            for info in pkgutil.walk_packages(mod.__path__, package + "."):
                importlib.import_module(info.name)
        """
    )
    assert "questions" in modules and "checks" in modules and "review" in modules
    front_ends = {"textual", "tui", "cli", "questionary"}
    assert not {m for m in modules if m.split(".")[0] in front_ends}


def test_questions_imports_nothing_of_ours() -> None:
    modules = _modules_after("import questions; questions.security_pillar()")
    assert not {m for m in modules if m.split(".")[0] in {"checks", "review", "tui", "cli"}}


def test_cli_help_imports_neither_boto3_nor_textual() -> None:
    modules = _modules_after(
        """
        import sys
        from cli.main import main
        sys.argv = ["pillar", "--help"]
        try:
            main()
        except SystemExit:
            pass
        """
    )
    heavy = {
        m for m in modules if m.split(".")[0] in {"boto3", "botocore", "textual", "tinydb", "moto"}
    }
    assert not heavy


def test_core_never_imports_the_demo() -> None:
    modules = _modules_after(
        """
        import pkgutil, importlib
        for package in ("questions", "checks", "review"):
            mod = importlib.import_module(package)
            for info in pkgutil.walk_packages(mod.__path__, package + "."):
                name = info.name
                if name.startswith("checks.demo") or name == "checks.testing":
                    continue
                importlib.import_module(name)
        """
    )
    assert not {m for m in modules if m.startswith("checks.demo")}


def test_the_app_never_imports_the_command_line() -> None:
    modules = _modules_after("import tui.app")
    assert "tui.app" in modules
    assert not {m for m in modules if m.split(".")[0] in {"cli", "questionary"}}


def test_front_ends_and_the_review_layer_import_no_private_names() -> None:
    """A name starting with `_` belongs to its module: share it by making it public (the CLI
    commands once reached into each other's helpers)."""
    root = Path(__file__).resolve().parent.parent
    ours = ("questions", "checks", "review", "tui", "cli")
    offenders = []
    for package in ("cli", "tui", "review", "questions"):
        for path in sorted((root / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                    continue
                if node.module.split(".")[0] not in ours:
                    continue
                offenders += [
                    f"{path.relative_to(root)}: {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_") and not alias.name.startswith("__")
                ]
    assert not offenders


def test_every_path_docs_architecture_names_exists() -> None:
    """docs/architecture.md must follow the code: a renamed file breaks this test."""
    root = Path(__file__).resolve().parent.parent
    text = (root / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:[a-z_]+/)+[A-Za-z_.*]*)`", text))
    top = {"questions", "checks", "review", "tui", "cli", "tests", "benchmarks", "docs"}
    paths = {p for p in named if p.split("/")[0] in top}
    assert len(paths) > 20
    missing = sorted(p for p in paths if not glob.glob(str(root / p)))
    assert not missing
