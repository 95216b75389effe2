"""A review as a JSON document, and back (export / import).

Format (versioned, documented in the README):

    {"format": "pillar-review", "version": 2, "exported_at": "...", "review": {...}}

`review` holds every field of the review: details (participants as {"name", "role"}),
answers and question states (`responses`), the answer history, milestones, the latest
evidence, the workshop sessions (`workshops`) and the parking lot (`parking_lot`).
Version 1 exports (participants as plain names, no workshops or parking lot) import too. Export is
deterministic (sorted keys, two-space indent, ASCII), so export -> import -> export gives
the same text. Import checks everything before anything is saved: a malformed, oversized
or hostile file raises `InvalidReviewData` with one sentence saying what is wrong.

`exported_at` is informational and not read back; pass `exported_at=None` for byte-stable
output (the round-trip property uses that).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from review.codec import review_from_dict, review_to_dict
from review.durable import load_json
from review.errors import InvalidReviewData
from review.model import Review, utc_now

FORMAT = "pillar-review"
VERSION = 2
"""Version 2 (schema 2 of the store): participants with roles, workshops, parking lot."""
MAX_IMPORT_BYTES = 256 * 1024 * 1024
"""Largest import accepted (256 MiB); bigger files are refused before parsing."""

MAX_DEPTH = 64


def review_to_data(review: Review, exported_at: datetime | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if exported_at is not None:
        data["exported_at"] = exported_at.isoformat()
    data["review"] = review_to_dict(review)
    return data


def review_to_json(review: Review, *, exported_at: datetime | None = None) -> str:
    """The review as versioned JSON text (ends with a newline)."""
    data = review_to_data(review, exported_at)
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=True, allow_nan=False) + "\n"


def export_now(review: Review) -> str:
    """The review as JSON stamped with the export time."""
    return review_to_json(review, exported_at=utc_now())


def _depth(value: object, limit: int) -> int:
    stack: list[tuple[object, int]] = [(value, 1)]
    deepest = 0
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > limit:
            return depth
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def review_from_json(text: str | bytes) -> Review:
    """The review in an export; InvalidReviewData if the text is not a valid export."""
    if len(text) > MAX_IMPORT_BYTES:
        raise InvalidReviewData(
            f"the file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MiB; "
            "it is not a pillar export"
        )
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidReviewData(
                "the file is not UTF-8 text; it is not a pillar export"
            ) from None
    try:
        data = load_json(text)
    except RecursionError:
        raise InvalidReviewData("the file nests too deeply; it is not a pillar export") from None
    except ValueError as error:
        raise InvalidReviewData(f"the file is not valid JSON ({error})") from None
    if _depth(data, MAX_DEPTH) > MAX_DEPTH:
        raise InvalidReviewData("the file nests too deeply; it is not a pillar export")
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidReviewData(f'the file is not a pillar review export (no "format": "{FORMAT}")')
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise InvalidReviewData("the export has no version number")
    if version > VERSION:
        raise InvalidReviewData(
            f"the export is version {version}, newer than this pillar reads ({VERSION}); "
            "upgrade pillar to import it"
        )
    if version < 1:
        raise InvalidReviewData(f"the export version {version} is not valid")
    try:
        return review_from_dict(data.get("review"), "review")
    except RecursionError:
        raise InvalidReviewData("the file nests too deeply; it is not a pillar export") from None
    except InvalidReviewData as error:
        raise InvalidReviewData(f"the export is invalid: {error}") from None
