"""The review file's schema: its tables and documents, schema versions and migrations.

A review file is a TinyDB database (JSON: table name -> doc id -> document). Tables:

    meta          {"schema": <version>, "kind": "pillar-review", "saved_at": <time>}
    review        the review's own fields (codec.details_to_dict), doc id 1
    answers       one document per answered best practice
    questions     one document per question with something said about it
    history.0, history.1, ...   answer changes, append-only, HISTORY_CHUNK per table so a
                  save re-serialises only the newest one
    milestones    one document per milestone
    evidence      the latest scan, doc id 1 (absent before the first scan)
    workshops     one document per workshop session, rewritten as its clocks move
    parking_lot   one document per parked item

Every document has a key inside its table (a best-practice id, a question id, a history
index, a milestone name, a session's start, a parked item's id); `review_from_tables`
returns the doc id of every key and `table_writes` says which keys a change puts or
removes, so the store writes only what changed and nothing above it sees a doc id.

`meta.saved_at` is the time of the file's last save (any change): the last moment a
running workshop clock is known to have run (see review.workshop.recover). It is optional;
files without it (older pillars) fall back to the review's `updated_at`.

Schema versions: 1 had participants as plain names; 2 (this pillar) has them as
{"name", "role"} and adds the workshops and parking-lot tables. Optional fields with a
default (like `saved_at`, or a workshop's `paused_at`) do not need a new version: the
codec ignores fields it does not know and defaults the ones it misses. A change that an
older pillar would misread needs SCHEMA_VERSION + 1 and a step in MIGRATIONS.

To add a field to a document, add it to its `*_to_dict` / `*_from_dict` pair in
review.codec (with a default when missing); to add a table, add it to `review_to_tables`,
`review_from_tables`, `table_writes` and `TABLE_CODECS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from review import codec
from review.errors import InvalidReviewData, NewerSchema
from review.model import AnswerChange, Responses, Review, Workshop
from review.text import quoted

SCHEMA_VERSION = 2
"""The version of the file layout written by this pillar (in the `meta` table)."""

KIND = "pillar-review"

Tables = dict[str, dict[str, Any]]
"""Raw tables: table name -> doc id (a string, as TinyDB stores it) -> document."""

SINGLE = "1"
"""Doc id (and key) of single-document tables (meta, review, evidence)."""

HISTORY_CHUNK = 64
"""History entries per table: a save re-serialises only the newest history table."""

DocIds = dict[str, dict[str, int]]
"""Per table, the doc id of each document key."""


def _participants_with_roles(tables: Tables) -> Tables:
    """Schema 1 -> 2: participants were plain names; now {"name", "role"} objects.

    The workshops and parking-lot tables are new and start empty (a missing table is
    empty). Anything unexpected is left as it is for the codec to report.
    """
    review = tables.get("review")
    doc = review.get(SINGLE) if isinstance(review, dict) else None
    if isinstance(doc, dict) and isinstance(doc.get("participants"), list):
        doc["participants"] = [
            {"name": p, "role": ""} if isinstance(p, str) else p for p in doc["participants"]
        ]
    return tables


MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {1: _participants_with_roles}
"""Upgrades of the raw tables: MIGRATIONS[n] turns a version-n file into version n+1."""


def meta_document(saved_at: datetime | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"schema": SCHEMA_VERSION, "kind": KIND}
    if saved_at is not None:
        doc["saved_at"] = saved_at.isoformat()
    return doc


def schema_of(data: object) -> int:
    """The schema version recorded in raw tables; InvalidReviewData if there is none."""
    if not isinstance(data, dict):
        raise InvalidReviewData("the file does not hold a JSON object")
    meta = data.get("meta")
    doc = meta.get(SINGLE) if isinstance(meta, dict) else None
    version = doc.get("schema") if isinstance(doc, dict) else None
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise InvalidReviewData("the file has no schema version")
    return version


def saved_at_of(data: Mapping[str, Any]) -> datetime | None:
    """When the file was last saved (`meta.saved_at`); None if it does not say."""
    meta = data.get("meta")
    doc = meta.get(SINGLE) if isinstance(meta, dict) else None
    if not isinstance(doc, dict) or doc.get("saved_at") is None:
        return None
    return codec.Fields(doc, "meta").time("saved_at")


def migrate(data: Tables) -> tuple[Tables, bool]:
    """Raw tables upgraded to SCHEMA_VERSION, and whether anything changed."""
    version = schema_of(data)
    if version > SCHEMA_VERSION:
        raise NewerSchema(
            f"it was written by a newer pillar (file schema {version}, this pillar knows "
            f"up to {SCHEMA_VERSION}); upgrade pillar to open it"
        )
    changed = False
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise InvalidReviewData(f"there is no upgrade from schema version {version}")
        data = step(data)
        version += 1
        data["meta"] = {SINGLE: {"schema": version, "kind": KIND}}
        changed = True
    return data, changed


# --- keys of documents ----------------------------------------------------------------------


def history_table(index: int) -> str:
    """The table holding history entry number `index` (0-based)."""
    return f"history.{index // HISTORY_CHUNK}"


def workshop_key(workshop: Workshop) -> str:
    """The key of a workshop session's document: its start time."""
    return workshop.started_at.isoformat()


# --- review -> tables -----------------------------------------------------------------------


def review_to_tables(review: Review, saved_at: datetime | None = None) -> Tables:
    """The whole review as tables (doc ids numbered from 1 in each table)."""

    def numbered(docs: Iterable[dict[str, Any]]) -> dict[str, Any]:
        return {str(i): doc for i, doc in enumerate(docs, start=1)}

    return {
        "meta": {SINGLE: meta_document(saved_at)},
        "review": {SINGLE: codec.details_to_dict(review)},
        "answers": numbered(codec.answer_to_dict(a) for a in review.responses.answers),
        "questions": numbered(codec.question_state_to_dict(q) for q in review.responses.questions),
        **{
            history_table(n * HISTORY_CHUNK): numbered(
                codec.change_to_dict(c)
                for c in review.history[n * HISTORY_CHUNK : (n + 1) * HISTORY_CHUNK]
            )
            for n in range((len(review.history) + HISTORY_CHUNK - 1) // HISTORY_CHUNK)
        },
        "milestones": numbered(codec.milestone_to_dict(m) for m in review.milestones),
        "evidence": {SINGLE: codec.evidence_to_dict(review.evidence)} if review.evidence else {},
        "workshops": numbered(codec.workshop_to_dict(w) for w in review.workshops),
        "parking_lot": numbered(codec.parked_to_dict(p) for p in review.parking_lot),
    }


# --- tables -> review -----------------------------------------------------------------------


def _documents(data: Mapping[str, Any], table: str) -> list[tuple[int, object]]:
    raw = data.get(table, {})
    if not isinstance(raw, dict):
        raise InvalidReviewData(f"table {table} must be an object")
    docs: list[tuple[int, object]] = []
    for key, doc in raw.items():
        if not key.isdigit():
            raise InvalidReviewData(f"table {table} has a document id that is not a number")
        docs.append((int(key), doc))
    return sorted(docs, key=lambda item: item[0])


def _history_tables(data: Mapping[str, Any]) -> list[str]:
    chunks: list[tuple[int, str]] = []
    for name in data:
        prefix, _, number = name.partition(".")
        if prefix == "history":
            if not number.isdigit():
                raise InvalidReviewData(f"table {quoted(name, 40)} is not a history table")
            chunks.append((int(number), name))
    return [name for _, name in sorted(chunks)]


def summary_parts_from_tables(data: Mapping[str, Any]) -> tuple[Mapping[str, Any], Responses]:
    """Just what a listing needs: the review record and the responses (checked).

    History, milestones and evidence are not parsed here; opening the review checks them.
    """
    details = dict(_documents(data, "review")).get(1)
    fields = codec.Fields(details, "review")
    answers = tuple(
        codec.answer_from_dict(d, f"answers.{i}") for i, d in _documents(data, "answers")
    )
    states = tuple(
        codec.question_state_from_dict(d, f"questions.{i}")
        for i, d in _documents(data, "questions")
    )
    return fields.data, codec.make_responses(answers, states, "answers")


T = TypeVar("T")


def _parsed(
    data: Mapping[str, Any], table: str, parse: Callable[[object, str], T]
) -> list[tuple[int, T]]:
    return [(i, parse(d, f"{table}.{i}")) for i, d in _documents(data, table)]


def review_from_tables(data: Mapping[str, Any]) -> tuple[Review, DocIds]:
    """The review held in raw tables, and the doc id of every document key."""
    details = dict(_documents(data, "review")).get(1)
    if details is None:
        raise InvalidReviewData("the file has no review record")
    answers = _parsed(data, "answers", codec.answer_from_dict)
    states = _parsed(data, "questions", codec.question_state_from_dict)
    history_ids: DocIds = {}
    history: list[AnswerChange] = []
    for table in _history_tables(data):
        chunk = history_ids.setdefault(table, {})
        for doc_id, change in _parsed(data, table, codec.change_from_dict):
            chunk[str(len(history))] = doc_id
            history.append(change)
    milestones = _parsed(data, "milestones", codec.milestone_from_dict)
    evidence_docs = _documents(data, "evidence")
    evidence = codec.evidence_from_dict(evidence_docs[-1][1], "evidence") if evidence_docs else None
    responses = codec.make_responses(
        tuple(a for _, a in answers), tuple(s for _, s in states), "answers"
    )
    workshops = _parsed(data, "workshops", codec.workshop_from_dict)
    parked = _parsed(data, "parking_lot", codec.parked_from_dict)
    review = codec.review_from_parts(
        details,
        responses,
        tuple(history),
        tuple(m for _, m in milestones),
        evidence,
        "review",
        workshops=tuple(w for _, w in workshops),
        parking_lot=tuple(p for _, p in parked),
    )
    ids: DocIds = {
        "meta": {SINGLE: 1},
        "review": {SINGLE: 1},
        "answers": {a.bp_id: i for i, a in answers},
        "questions": {s.question_id: i for i, s in states},
        **history_ids,
        "milestones": {m.name: i for i, m in milestones},
        "evidence": {SINGLE: evidence_docs[-1][0]} if evidence_docs else {},
        "workshops": {workshop_key(w): i for i, w in workshops},
        "parking_lot": {p.id: i for i, p in parked},
    }
    return review, ids


# --- what a change writes -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TableWrite:
    """What one save does to one table: documents put (by key) and keys removed."""

    table: str
    put: tuple[tuple[str, dict[str, Any]], ...] = ()
    remove: tuple[str, ...] = ()


def _keyed(
    table: str,
    old: Sequence[T],
    new: Sequence[T],
    key: Callable[[T], str],
    to_dict: Callable[[T], dict[str, Any]],
) -> TableWrite | None:
    """Documents whose value changed, was added or is gone (values compared by ==)."""
    if old is new:
        return None
    if len(old) == len(new):  # the usual case: a few values replaced in place
        pairs = [(a, b) for a, b in zip(old, new, strict=True) if a is not b]
        if all(key(a) == key(b) for a, b in pairs):
            changed = tuple((key(b), to_dict(b)) for a, b in pairs if a != b)
            return TableWrite(table, changed) if changed else None
    before = {key(item): item for item in old}
    put = []
    for item in new:
        k = key(item)
        previous = before.pop(k, None)
        if previous is None or (previous is not item and previous != item):
            put.append((k, to_dict(item)))
    if not put and not before:
        return None
    return TableWrite(table, tuple(put), tuple(before))


def _history_writes(old: Sequence[Any], new: Sequence[Any]) -> list[TableWrite]:
    """History is append-only in practice: new entries go to the newest table; anything
    else (a rewritten or shortened history) rewrites the entries that differ."""
    if old is new:
        return []
    start = len(old) if len(new) >= len(old) and new[: len(old)] == old else 0
    per_table: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for index in range(start, len(new)):
        if index < len(old) and old[index] == new[index]:
            continue
        per_table.setdefault(history_table(index), []).append(
            (str(index), codec.change_to_dict(new[index]))
        )
    removed: dict[str, list[str]] = {}
    for index in range(len(new), len(old)):
        removed.setdefault(history_table(index), []).append(str(index))
    return [
        TableWrite(table, tuple(per_table.get(table, ())), tuple(removed.get(table, ())))
        for table in sorted({*per_table, *removed})
    ]


def table_writes(old: Review, new: Review, saved_at: datetime | None) -> list[TableWrite]:
    """Everything a save from `old` (the last durable state) to `new` writes.

    The meta document (its `saved_at`) and the review record are always written; other
    documents only when their value changed. Values are compared with `is` first, so an
    unchanged part of a review (the same tuple, the same scan) costs nothing.
    """
    writes = [
        TableWrite("meta", ((SINGLE, meta_document(saved_at)),)),
        TableWrite("review", ((SINGLE, codec.details_to_dict(new)),)),
    ]
    optional: list[TableWrite | None] = [
        _keyed(
            "answers",
            old.responses.answers,
            new.responses.answers,
            lambda a: a.bp_id,
            codec.answer_to_dict,
        ),
        _keyed(
            "questions",
            old.responses.questions,
            new.responses.questions,
            lambda q: q.question_id,
            codec.question_state_to_dict,
        ),
        _keyed(
            "milestones", old.milestones, new.milestones, lambda m: m.name, codec.milestone_to_dict
        ),
        _keyed("workshops", old.workshops, new.workshops, workshop_key, codec.workshop_to_dict),
        _keyed(
            "parking_lot", old.parking_lot, new.parking_lot, lambda p: p.id, codec.parked_to_dict
        ),
    ]
    writes.extend(w for w in optional if w is not None)
    writes.extend(_history_writes(old.history, new.history))
    if new.evidence is not old.evidence:
        if new.evidence is None:
            writes.append(TableWrite("evidence", remove=(SINGLE,)))
        else:
            writes.append(TableWrite("evidence", ((SINGLE, codec.evidence_to_dict(new.evidence)),)))
    return writes


# --- checks before writing ------------------------------------------------------------------


def _details_from_dict(data: object, where: str) -> Review:
    return codec.review_from_parts(data, Responses(), (), (), None, where)


def _meta_from_dict(data: object, where: str) -> None:
    schema_of({"meta": {SINGLE: data}})
    saved_at_of({"meta": {SINGLE: data}})


TABLE_CODECS: dict[str, tuple[str, Callable[[object, str], object]]] = {
    "meta": ("the file's meta data", _meta_from_dict),
    "review": ("the review", _details_from_dict),
    "answers": ("the answer", codec.answer_from_dict),
    "questions": ("the question state", codec.question_state_from_dict),
    "history": ("the history entry", codec.change_from_dict),
    "milestones": ("the milestone", codec.milestone_from_dict),
    "evidence": ("the evidence", codec.evidence_from_dict),
    "workshops": ("the workshop", codec.workshop_from_dict),
    "parking_lot": ("the parked item", codec.parked_from_dict),
}
"""Per table (history tables by their prefix): what its documents are, and their reader."""


def unreadable(table: str, doc: dict[str, Any]) -> str | None:
    """Why a document about to be written would not read back (None if it would), so a
    save can never write a file that later refuses to open. Evidence (large, built by
    the scan) and the meta document (built here) are not re-read."""
    if table in ("evidence", "meta"):
        return None
    what, parse = TABLE_CODECS[table.partition(".")[0]]
    try:
        parse(doc, "value")  # `*_to_dict` gives JSON types: no need to go through text
    except (InvalidReviewData, ValueError, TypeError) as error:
        return f"{what} cannot be saved: {error}"
    return None
