"""The `pillar` command line: a click group whose commands live in `cli/commands/`.

Start-up stays light: this module and the command modules import only click and the
standard library at module level, so `pillar --help` never loads boto3 or textual.
"""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import click

from cli import exit_codes
from cli.context import CliContext
from cli.errors import describe


def _version() -> str:
    try:
        return version("pillar-review")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command runs or is listed."""

    def __init__(self, *args: object, lazy: dict[str, str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            import importlib

            module_name, attr = self.lazy[cmd_name].split(":")
            command = getattr(importlib.import_module(module_name), attr)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)


# command name -> "module:attribute". Command modules keep heavy imports inside functions.
COMMANDS = {
    "questions": "cli.commands.bank:questions",
    "home": "cli.commands.app:home",
    "open": "cli.commands.app:open_",
    "demo": "cli.commands.app:demo",
    "new": "cli.commands.reviews:new",
    "list": "cli.commands.reviews:list_reviews",
    "show": "cli.commands.reviews:show",
    "answer": "cli.commands.reviews:answer",
    "milestone": "cli.commands.reviews:milestone",
    "diff": "cli.commands.reviews:diff",
    "delete": "cli.commands.reviews:delete",
    "export": "cli.commands.reviews:export",
    "plan": "cli.commands.plan:plan",
    "import": "cli.commands.reviews:import_review",
    "scan": "cli.commands.scan:scan",
    "scope": "cli.commands.scope:scope",
    "iam-policy": "cli.commands.scan:iam_policy",
    "evidence": "cli.commands.evidence:evidence",
    "interview": "cli.commands.interview:interview",
    "wa": "cli.commands.wa:wa",
}


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(_version(), "--version", "-V", prog_name="pillar")
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="PILLAR_HOME",
    help="Folder holding saved reviews (default: $PILLAR_HOME, else the user data dir).",
)
@click.option("--debug", is_flag=True, help="Show full tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, home: Path | None, debug: bool) -> None:
    """pillar: AWS Well-Architected Security Pillar reviews in the terminal."""
    ctx.obj = CliContext(home=home, debug=debug)
    if ctx.invoked_subcommand is None:
        command = cli.get_command(ctx, "home")
        if command is None:
            click.echo(ctx.get_help())
            return
        ctx.invoke(command)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: expected errors become one sentence, bugs a hint."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        code = cli.main(args=args, prog_name="pillar", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Interrupted.", err=True)
        sys.exit(exit_codes.INTERRUPTED)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(exit_codes.INTERRUPTED)
    except click.ClickException as error:
        error.show()
        sys.exit(exit_codes.USAGE)
    except click.exceptions.Exit as exit_:
        sys.exit(exit_.exit_code)
    except Exception as error:
        if debug:
            raise
        described = describe(error)
        if described is None:
            click.echo(
                f"pillar: unexpected error ({type(error).__name__}: {error}). "
                "Run again with --debug to see the traceback, and please report it.",
                err=True,
            )
            sys.exit(exit_codes.SOFTWARE)
        message, code = described
        click.echo(f"pillar: {message}", err=True)
        sys.exit(code)
    sys.exit(code if isinstance(code, int) else exit_codes.OK)
