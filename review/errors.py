"""Errors of the review layer. Each is one clear sentence a person can act on.

Every class carries `user_error = True` (the CLI prints the message without a traceback)
and an `exit_code` (1 = usage/invalid input, 4 = the review is held by another process;
the numbers match `cli/exit_codes.py`, which this layer must not import).
"""

from __future__ import annotations


class ReviewError(Exception):
    """Base of every error the review layer raises on purpose."""

    user_error = True
    exit_code = 1


class ReviewNotFound(ReviewError):
    """No review matches the id, id prefix or name given."""


class AmbiguousReview(ReviewError):
    """More than one review matches the id prefix or name given."""


class ReviewLocked(ReviewError):
    """Another process has the review open for changes."""

    exit_code = 4


class ReadOnlyReview(ReviewError):
    """A change was attempted on a review opened read-only."""


class CorruptReview(ReviewError):
    """A review file could not be read as a review; it has been moved aside."""


class NewerSchema(ReviewError):
    """A review file was written by a newer pillar with a schema this one does not know."""


class SaveFailed(ReviewError):
    """A change could not be made durable (disk full, read-only folder, I/O error)."""


class InvalidReviewData(ReviewError):
    """Review data (an import file, or a stored file) does not have the expected shape."""


class InvalidChange(ReviewError):
    """A change names an unknown best practice/question, or its values do not fit."""
