"""Errors a person can meet on the command line, as one clear sentence each.

The core packages raise their own error types; this module is the one place that knows
how to turn them into a message and an exit code.
"""

from __future__ import annotations

from cli import exit_codes


class CliError(Exception):
    """An error raised by a command with a message for the person and an exit code."""

    def __init__(self, message: str, code: int = exit_codes.USAGE) -> None:
        super().__init__(message)
        self.code = code


def describe(error: BaseException) -> tuple[str, int] | None:
    """Message and exit code for an expected error, or None for a bug."""
    if isinstance(error, CliError):
        return str(error), error.code
    code = getattr(error, "exit_code", None)
    # Core error types carry `user_error = True`; they never need a traceback.
    if getattr(error, "user_error", False):
        return str(error), code if isinstance(code, int) else exit_codes.USAGE
    if isinstance(error, PermissionError):
        return (
            f"permission denied: {error.filename or error}. Check the folder's owner and mode.",
            exit_codes.USAGE,
        )
    if isinstance(error, OSError) and error.errno is not None:
        where = f" ({error.filename})" if error.filename else ""
        return f"{error.strerror}{where}.", exit_codes.USAGE
    return None
