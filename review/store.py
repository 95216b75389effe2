"""The review store: one TinyDB file per review, written durably, one writer at a time.

Layout of the home folder (`review.locations`):

    <home>/reviews/<id>.json                   one review (TinyDB tables, see below)
    <home>/reviews/<id>.lock, <id>.holder      its write lock and who holds it
    <home>/reviews/<id>.json.corrupt-<time>    an unreadable file, moved aside

File names derive only from review ids (uuid4 hex), never from names. Tables in a file:
`meta` (schema version), `review` (the review's own fields), `answers` (one document per
best practice), `questions` (question states), `history.0`, `history.1`, ... (answer
changes, append-only, HISTORY_CHUNK per table so a save rewrites only the last one),
`milestones`, `evidence` (the latest scan), `workshops` (one document per workshop
session, rewritten as its clocks move) and `parking_lot` (one document per parked item).
Participants (name and role) are in the review record.

Schema versions: 1 had participants as plain names; 2 (this pillar) has them as
{"name", "role"} and adds the workshops and parking-lot tables. Older files are upgraded
by MIGRATIONS when opened for changes (a `<id>.json.schema-<n>.bak` copy is kept).

The store is the only writer. `ReviewStore.open()` returns a `ReviewSession`; each of its
change methods returns only once the change is durable (or raises `SaveFailed` and leaves
both the file and the session's review as they were).
"""

from __future__ import annotations

import errno
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from checks.result import Proposal, ScanResult
from questions import Pillar
from review import codec
from review.durable import (
    FOLDER_MODE,
    DurableStorage,
    dump_json,
    fsync_folder,
    load_json,
    remove_stale_temp_files,
    write_durably,
)
from review.errors import (
    AmbiguousReview,
    CorruptReview,
    InvalidChange,
    InvalidReviewData,
    NewerSchema,
    ReadOnlyReview,
    ReviewError,
    ReviewNotFound,
    SaveFailed,
)
from review.evidence import proposals_to_apply
from review.locations import reviews_folder
from review.locking import ReviewLock
from review.milestones import NOW
from review.model import (
    Answer,
    AnswerChange,
    AnswerSource,
    AnswerStatus,
    Environment,
    Milestone,
    NotApplicableReason,
    ParkedItem,
    Participant,
    QuestionState,
    Responses,
    Review,
    SyncedQuestion,
    WorkloadLink,
    Workshop,
    utc_now,
)
from review.plan import PlanTracking, with_tracking
from review.risk import RiskCounts, review_risk
from review.text import quoted

SCHEMA_VERSION = 2
"""The version of the file layout written by this pillar (in the `meta` table)."""

Tables = dict[str, dict[str, Any]]
SINGLE = "1"  # doc id of single-document tables (meta, review, evidence)


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

FILE_SUFFIX = ".json"
HISTORY_CHUNK = 64
"""History entries per table: a save re-serialises only the newest history table."""


# --- raw tables <-> review ---------------------------------------------------------------


def review_to_tables(review: Review) -> Tables:
    """The whole review as TinyDB tables (doc ids are strings, as TinyDB stores them)."""

    def numbered(docs: Iterable[dict[str, Any]]) -> dict[str, Any]:
        return {str(i): doc for i, doc in enumerate(docs, start=1)}

    return {
        "meta": {SINGLE: {"schema": SCHEMA_VERSION, "kind": "pillar-review"}},
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


def history_table(index: int) -> str:
    """The table holding history entry number `index` (0-based)."""
    return f"history.{index // HISTORY_CHUNK}"


def _history_documents(data: Mapping[str, Any]) -> list[tuple[str, object]]:
    chunks: list[tuple[int, str]] = []
    for name in data:
        prefix, _, number = name.partition(".")
        if prefix == "history":
            if not number.isdigit():
                raise InvalidReviewData(f"table {quoted(name, 40)} is not a history table")
            chunks.append((int(number), name))
    docs: list[tuple[str, object]] = []
    for _, name in sorted(chunks):
        docs.extend((f"{name}.{i}", doc) for i, doc in _documents(data, name))
    return docs


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
        data["meta"] = {SINGLE: {"schema": version, "kind": "pillar-review"}}
        changed = True
    return data, changed


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


def review_from_tables(data: Mapping[str, Any]) -> tuple[Review, dict[str, dict[str, int]]]:
    """The review held in raw tables, and the doc ids of its answers and question states."""
    details = dict(_documents(data, "review")).get(1)
    if details is None:
        raise InvalidReviewData("the file has no review record")
    answers = [
        (i, codec.answer_from_dict(d, f"answers.{i}")) for i, d in _documents(data, "answers")
    ]
    states = [
        (i, codec.question_state_from_dict(d, f"questions.{i}"))
        for i, d in _documents(data, "questions")
    ]
    history = tuple(codec.change_from_dict(d, where) for where, d in _history_documents(data))
    milestones = tuple(
        codec.milestone_from_dict(d, f"milestones.{i}") for i, d in _documents(data, "milestones")
    )
    evidence_docs = _documents(data, "evidence")
    evidence = codec.evidence_from_dict(evidence_docs[-1][1], "evidence") if evidence_docs else None
    responses = codec.make_responses(
        tuple(a for _, a in answers), tuple(s for _, s in states), "answers"
    )
    workshops = [
        (i, codec.workshop_from_dict(d, f"workshops.{i}")) for i, d in _documents(data, "workshops")
    ]
    parked = [
        (i, codec.parked_from_dict(d, f"parking_lot.{i}"))
        for i, d in _documents(data, "parking_lot")
    ]
    review = codec.review_from_parts(
        details,
        responses,
        history,
        milestones,
        evidence,
        "review",
        workshops=tuple(w for _, w in workshops),
        parking_lot=tuple(p for _, p in parked),
    )
    ids = {
        "answers": {a.bp_id: i for i, a in answers},
        "questions": {s.question_id: i for i, s in states},
        "workshops": {_workshop_key(w): i for i, w in workshops},
        "parking_lot": {p.id: i for i, p in parked},
    }
    return review, ids


def _workshop_key(workshop: Workshop) -> str:
    """The key of a workshop session's document: its start time."""
    return workshop.started_at.isoformat()


# --- listing ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    """One line of `pillar list`."""

    id: str
    name: str
    owner: str
    environment: Environment
    updated_at: datetime
    counts: RiskCounts
    best_practices_answered: int
    best_practices_total: int


@dataclass(frozen=True, slots=True)
class StoreProblem:
    """A file in the reviews folder that could not be listed, and what was done about it."""

    file: Path
    message: str


@dataclass(frozen=True, slots=True)
class ReviewListing:
    reviews: tuple[ReviewSummary, ...]
    problems: tuple[StoreProblem, ...]


@dataclass(frozen=True, slots=True)
class AppliedProposals:
    """What `apply_proposals` did: the new review and the best practices it answered."""

    review: Review
    applied: tuple[str, ...]


def _save_error(name: str, error: OSError) -> SaveFailed:
    if error.errno == errno.ENOSPC or error.errno == getattr(errno, "EDQUOT", -1):
        cause = "the disk is full; free some space"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        cause = "the reviews folder is read-only or not yours; check its owner and mode"
    else:
        cause = f"{error.strerror or error}; check the disk"
    return SaveFailed(
        f"could not save review {name}: {cause}, then try again (nothing was changed; "
        "the last saved state is intact)"
    )


# --- the store -----------------------------------------------------------------------------


class ReviewStore:
    """All reviews in one home folder, checked against one question bank (`pillar`)."""

    def __init__(self, home: Path, pillar: Pillar, *, soft_locks: bool = False) -> None:
        self.home = home
        self.folder = reviews_folder(home)
        self.pillar = pillar
        self.soft_locks = soft_locks

    # --- files ------------------------------------------------------------------------

    def path_of(self, review_id: str) -> Path:
        if not codec.REVIEW_ID.fullmatch(review_id):
            raise ReviewNotFound(f"{quoted(review_id)} is not a review id")
        return self.folder / f"{review_id}{FILE_SUFFIX}"

    def _ensure_folder(self) -> None:
        if self.folder.is_dir():
            return
        try:
            self.folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
            fsync_folder(self.folder.parent)  # the new folder's entry survives a power cut
        except OSError as error:
            raise SaveFailed(
                f"cannot create the reviews folder {quoted(str(self.folder), 200)}: "
                f"{error.strerror or error}; "
                "choose another with --home or PILLAR_HOME"
            ) from None

    def review_ids(self) -> list[str]:
        """Ids of every review file in the folder (unreadable ones included)."""
        if not self.folder.is_dir():
            return []
        ids = []
        for path in self.folder.iterdir():
            stem = path.name.removesuffix(FILE_SUFFIX)
            if path.name.endswith(FILE_SUFFIX) and codec.REVIEW_ID.fullmatch(stem):
                ids.append(stem)
        return sorted(ids)

    def _lock(self, review_id: str) -> ReviewLock:
        return ReviewLock(self.folder, review_id, soft=self.soft_locks)

    def _read_tables(self, path: Path, *, held: bool = False) -> tuple[Tables, int]:
        """Raw tables of a file, migrated, and the file's own schema version.

        CorruptReview (file moved aside), NewerSchema or ReviewError on trouble; `held`
        says the caller holds the review's write lock.
        """
        try:
            text = path.read_bytes()
        except FileNotFoundError:
            raise ReviewNotFound(f"review file {path.name} no longer exists") from None
        except OSError as error:
            raise ReviewError(
                f"cannot read review file {quoted(str(path), 200)}: {error.strerror or error}; "
                "check its owner and mode"
            ) from None
        try:
            data = load_json(text)
            version = schema_of(data)
            tables, _ = migrate(data)
        except NewerSchema as error:
            raise NewerSchema(f"review file {path.name} cannot be opened: {error}") from None
        except (ValueError, InvalidReviewData) as error:
            raise self._move_aside(path, str(error), held=held) from None
        return tables, version

    def _move_aside(self, path: Path, problem: str, *, held: bool = False) -> CorruptReview:
        """Move a corrupt file to `<name>.corrupt-<time>` (unless another writer holds it)."""
        review_id = path.name.removesuffix(FILE_SUFFIX)
        lock = self._lock(review_id)
        if not held:
            try:
                lock.acquire(lambda: path.name)
            except ReviewError:
                return CorruptReview(
                    f"review file {path.name} cannot be read ({problem}) and another pillar "
                    "holds it; close that pillar and run the command again"
                )
        try:
            stamp = utc_now().strftime("%Y%m%dT%H%M%S%fZ")
            aside = path.with_name(f"{path.name}.corrupt-{stamp}")
            os.replace(path, aside)
            fsync_folder(path.parent)
        except OSError as error:
            return CorruptReview(
                f"review file {path.name} cannot be read ({problem}) and could not be moved "
                f"aside ({error.strerror or error}); move it out of {path.parent} by hand"
            )
        finally:
            if not held:
                lock.release()
        return CorruptReview(
            f"review file {path.name} cannot be read ({problem}); it was moved aside to "
            f"{aside.name} (every other review is fine) — import a JSON export to restore it"
        )

    # --- reading ------------------------------------------------------------------------

    def load(self, review_id: str) -> Review:
        """The review as saved now (read-only; no lock taken)."""
        review, _ = review_from_tables(self._checked_tables(self.path_of(review_id)))
        return review

    def _checked_tables(self, path: Path) -> Tables:
        tables, _ = self._read_tables(path)
        try:
            review, _ = review_from_tables(tables)
            if f"{review.id}{FILE_SUFFIX}" != path.name:
                raise InvalidReviewData("the review id inside does not match the file name")
        except InvalidReviewData as error:
            raise self._move_aside(path, str(error)) from None
        return tables

    def _summary(self, review_id: str, path: Path) -> ReviewSummary:
        tables, _ = self._read_tables(path)
        try:
            details, responses = summary_parts_from_tables(tables)
            fields = codec.Fields(details, "review")
            summary_id = fields.pattern("id", codec.REVIEW_ID, "32 lowercase hex digits")
            if summary_id != review_id:
                raise InvalidReviewData("the review id inside does not match the file name")
            name = fields.text("name")
            owner = fields.text("owner", "")
            environment = fields.enum("environment", Environment, Environment.PRODUCTION)
            updated_at = fields.time("updated_at")
        except InvalidReviewData as error:
            raise self._move_aside(path, str(error)) from None
        risk = review_risk(self.pillar, responses)
        return ReviewSummary(
            id=review_id,
            name=name,
            owner=owner,
            environment=environment,
            updated_at=updated_at,
            counts=risk.counts,
            best_practices_answered=risk.best_practices_answered,
            best_practices_total=risk.best_practices_total,
        )

    def list_reviews(self) -> ReviewListing:
        """Every review with its progress and risk; unreadable files become problems."""
        reviews: list[ReviewSummary] = []
        problems: list[StoreProblem] = []
        for review_id in self.review_ids():
            path = self.path_of(review_id)
            try:
                reviews.append(self._summary(review_id, path))
            except ReviewNotFound:
                continue  # deleted meanwhile
            except ReviewError as error:
                problems.append(StoreProblem(path, str(error)))
        reviews.sort(key=lambda s: s.updated_at, reverse=True)
        return ReviewListing(tuple(reviews), tuple(problems))

    def resolve(self, ref: str) -> str:
        """The id of the review `ref` names: an id, a unique id prefix, or a unique name."""
        ref = ref.strip()
        ids = self.review_ids()
        if ref in ids:
            return ref
        candidates: dict[str, str] = {}
        lowered = ref.lower()
        if len(ref) >= 4 and all(c in "0123456789abcdef" for c in lowered):
            for review_id in ids:
                if review_id.startswith(lowered):
                    candidates[review_id] = ""
        listing = self.list_reviews()
        names = {s.id: s.name for s in listing.reviews}
        for review_id, name in names.items():
            if name == ref:
                candidates[review_id] = name
        if not candidates:
            folded = ref.casefold()
            candidates = {i: n for i, n in names.items() if n.casefold() == folded}
        if len(candidates) == 1:
            return next(iter(candidates))
        if not candidates:
            raise ReviewNotFound(
                f"no review matches {quoted(ref)}; run 'pillar list' to see the reviews"
            )
        listed = "; ".join(f"{i} {quoted(names.get(i, ''), 40)}" for i in sorted(candidates))
        raise AmbiguousReview(
            f"{quoted(ref)} matches {len(candidates)} reviews ({listed}); give more of the id"
        )

    # --- writing ------------------------------------------------------------------------

    def create(
        self,
        name: str,
        *,
        owner: str = "",
        environment: Environment = Environment.PRODUCTION,
        description: str = "",
        account_ids: Iterable[str] = (),
        regions: Iterable[str] = (),
        participants: Iterable[Participant] = (),
    ) -> Review:
        """A new, empty review, saved durably."""
        if not name.strip():
            raise InvalidChange("a review needs a name; give one, e.g. pillar new 'Payments API'")
        now = utc_now()
        review = Review(
            id=uuid.uuid4().hex,
            name=name,
            created_at=now,
            updated_at=now,
            description=description,
            owner=owner,
            environment=environment,
            account_ids=_unique(account_ids),
            regions=_unique(regions),
            bank_revision=self.pillar.revision,
            participants=_unique_participants(participants),
        )
        _check_storable(codec.details_to_dict, _details_from_dict, review, "the review")
        self._write_new(review)
        return review

    def import_review(self, review: Review) -> Review:
        """Save an imported review. Its id is kept unless a review with that id exists
        here; then it gets a new id (an import never overwrites anything)."""
        if review.id in self.review_ids():
            review = replace(review, id=uuid.uuid4().hex)
        self._write_new(review)
        return review

    def _write_new(self, review: Review) -> None:
        self._ensure_folder()
        path = self.path_of(review.id)
        if path.exists():  # pragma: no cover - a uuid4 collision
            raise InvalidChange(f"a review with id {review.id} already exists")
        text = dump_json(review_to_tables(review))
        try:
            write_durably(path, text.encode("ascii"))
        except OSError as error:
            raise _save_error(quoted(review.name), error) from None

    def _name_of(self, review_id: str) -> str:
        """The quoted name of a review for messages (its id if it cannot be read)."""
        try:
            review, _ = review_from_tables(load_json(self.path_of(review_id).read_bytes()))
            return quoted(review.name)
        except (OSError, ValueError, ReviewError):
            return review_id

    def open(self, ref: str, *, read_only: bool = False, wait: float = 0.0) -> ReviewSession:
        """Open a review (id, id prefix or name) for changes, or read-only.

        For changes the review's lock is taken (waiting up to `wait` seconds); if another
        process holds it, ReviewLocked says who. Read-only sessions take no lock.
        """
        review_id = self.resolve(ref)
        return ReviewSession(self, review_id, read_only=read_only, wait=wait)

    def delete(self, ref: str, *, wait: float = 0.0) -> Review | None:
        """Delete a review file (with its milestones); the review is returned if readable."""
        review_id = self.resolve(ref)
        path = self.path_of(review_id)
        lock = self._lock(review_id)
        lock.acquire(lambda: self._name_of(review_id), wait)
        try:
            review: Review | None
            try:
                review = self.load(review_id)
            except ReviewError:
                review = None
            try:
                path.unlink()
                fsync_folder(self.folder)
            except FileNotFoundError:
                pass
            except OSError as error:
                raise SaveFailed(
                    f"could not delete review {review_id}: {error.strerror or error}"
                ) from None
            remove_stale_temp_files(path)
        finally:
            lock.release()
            with suppress(OSError):
                lock.lock_path.unlink()
        return review


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for item in items:
        item = item.strip()
        if item:
            seen.setdefault(item, None)
    return tuple(seen)


def _unique_participants(people: Iterable[Participant]) -> tuple[Participant, ...]:
    """Participants with names and roles trimmed, nameless ones dropped, and each name
    once (the first mention wins)."""
    seen: dict[str, Participant] = {}
    for person in people:
        name, role = person.name.strip(), person.role.strip()
        if name:
            seen.setdefault(name, Participant(name, role))
    return tuple(seen.values())


def _check_storable(
    to_dict: Callable[[Any], dict[str, Any]],
    from_dict: Callable[[object, str], object],
    value: object,
    what: str,
) -> None:
    """InvalidChange unless `value` reads back from its stored form (so a save can never
    write a file that later refuses to open)."""
    try:
        from_dict(load_json(dump_json(to_dict(value))), "value")
    except (InvalidReviewData, ValueError, TypeError) as error:
        raise InvalidChange(f"{what} cannot be saved: {error}") from None


def _details_from_dict(data: object, where: str) -> Review:
    return codec.review_from_parts(data, Responses(), (), (), None, where)


# --- a session ---------------------------------------------------------------------------


class ReviewSession:
    """One open review. Change methods return the new Review once it is durable."""

    def __init__(self, store: ReviewStore, review_id: str, *, read_only: bool, wait: float):
        self.store = store
        self.read_only = read_only
        self.path = store.path_of(review_id)
        self._lock: ReviewLock | None = None
        self._closed = False
        if not read_only:
            lock = store._lock(review_id)
            lock.acquire(lambda: store._name_of(review_id), wait)
            self._lock = lock
        try:
            self._load()
        except BaseException:
            self.close()
            raise

    def _load(self) -> None:
        held = not self.read_only
        tables, version = self.store._read_tables(self.path, held=held)
        try:
            review, ids = review_from_tables(tables)
            if f"{review.id}{FILE_SUFFIX}" != self.path.name:
                raise InvalidReviewData("the review id inside does not match the file name")
        except InvalidReviewData as error:
            raise self.store._move_aside(self.path, str(error), held=held) from None
        self._review = review
        self._ids = ids
        self._storage = DurableStorage(
            self.path, read_only=self.read_only, initial=tables, initial_is_durable=True
        )
        self._db = _tinydb(self._storage)
        if not self.read_only:
            remove_stale_temp_files(self.path)
            if version != SCHEMA_VERSION:
                backup = self.path.with_name(f"{self.path.name}.schema-{version}.bak")
                shutil.copy2(self.path, backup)
                self._storage.write(tables)

    # --- lifetime ---------------------------------------------------------------------

    @property
    def review(self) -> Review:
        return self._review

    def close(self) -> None:
        """Release the write lock (every change is already durable)."""
        self._closed = True
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> ReviewSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def reload(self) -> Review:
        """Read the file again (for read-only sessions following another writer)."""
        self._load()
        return self._review

    # --- saving -------------------------------------------------------------------------

    def _commit(self, new: Review, write: Callable[[], None]) -> Review:
        """Run TinyDB table operations as one durable write; keep `new` only if it worked."""
        if self._closed:
            raise ReadOnlyReview("this review was closed; open it again to change it")
        if self.read_only or self._lock is None:
            raise ReadOnlyReview(
                f"review {quoted(self._review.name)} is open read-only; "
                "open it for changes to edit it"
            )
        ids_before = {table: dict(ids) for table, ids in self._ids.items()}
        try:
            with self._storage.batch():
                write()
                self._db.table("review").upsert(
                    Document(codec.details_to_dict(new), doc_id=int(SINGLE))
                )
        except OSError as error:
            self._ids = ids_before
            self._db = _tinydb(self._storage)  # drop TinyDB's caches
            raise _save_error(quoted(self._review.name), error) from None
        except BaseException:
            self._ids = ids_before
            self._db = _tinydb(self._storage)
            raise
        self._review = new
        return new

    def _upsert(self, table: str, key: str, doc: dict[str, Any]) -> None:
        ids = self._ids.setdefault(table, {})
        doc_id = ids.get(key)
        if doc_id is None:
            doc_id = max(ids.values(), default=0) + 1
            ids[key] = doc_id
        self._db.table(table).upsert(Document(doc, doc_id=doc_id))

    def _append(self, table: str, docs: Iterable[dict[str, Any]]) -> None:
        self._db.table(table).insert_multiple(docs)

    # --- checks on input ----------------------------------------------------------------

    def _check_bp(self, bp_id: str) -> str:
        bp_id = bp_id.strip().upper()
        if not self.store.pillar.has_best_practice(bp_id):
            raise InvalidChange(
                f"{quoted(bp_id, 30)} is not a best practice of the question bank; "
                "run 'pillar questions' to see the ids (like SEC01-BP01)"
            )
        return bp_id

    def _check_question(self, question_id: str) -> str:
        question_id = question_id.strip().upper()
        try:
            self.store.pillar.question(question_id)
        except KeyError:
            raise InvalidChange(
                f"{quoted(question_id, 30)} is not a question of the question bank (SEC01 to SEC11)"
            ) from None
        return question_id

    # --- changes ------------------------------------------------------------------------

    def set_answer(
        self,
        bp_id: str,
        status: AnswerStatus,
        *,
        by: str,
        note: str | None = None,
        reason: NotApplicableReason | None = None,
        why: str = "",
    ) -> Review:
        """Answer one best practice as a person (keeps the note unless `note` is given).

        `reason` is required for not_applicable (NONE if nothing better applies) and
        refused otherwise. `why` is kept in the history (e.g. why evidence was overridden).
        Answering MET clears the question's "none of these".
        """
        bp_id = self._check_bp(bp_id)
        if status is AnswerStatus.NOT_APPLICABLE:
            reason = reason or NotApplicableReason.NONE
        elif reason is not None:
            raise InvalidChange("a not-applicable reason only goes with not applicable")
        return self._set_answers(
            [(bp_id, status, reason, note, AnswerSource.PERSON)], by=by, why=why
        )

    def _set_answers(
        self,
        changes: list[
            tuple[str, AnswerStatus, NotApplicableReason | None, str | None, AnswerSource]
        ],
        *,
        by: str,
        why: str,
    ) -> Review:
        now = utc_now()
        review = self._review
        responses = review.responses
        answers: list[Answer] = []
        history: list[AnswerChange] = []
        states: list[QuestionState] = []
        for bp_id, status, reason, note, source in changes:
            old = responses.answer(bp_id)
            answer = Answer(
                bp_id=bp_id,
                status=status,
                reason=reason,
                note=old.note if note is None else note,
                by=by,
                at=now,
                source=source,
            )
            answers.append(answer)
            if old.status is not status or old.reason is not reason or old.source is not source:
                history.append(AnswerChange(bp_id, now, by, old.status, status, why, source))
            question_id = self.store.pillar.best_practice(bp_id).question_id
            state = responses.question_state(question_id)
            if status is AnswerStatus.MET and state.none_of_these:
                states.append(replace(state, none_of_these=False))
        responses = responses.with_answers(answers)
        for state in states:
            responses = responses.with_question_state(state)
        new = replace(
            review, responses=responses, history=(*review.history, *history), updated_at=now
        )

        def write() -> None:
            for answer in answers:
                self._upsert("answers", answer.bp_id, codec.answer_to_dict(answer))
            for state in states:
                self._upsert("questions", state.question_id, codec.question_state_to_dict(state))
            for index, change in enumerate(history, start=len(review.history)):
                self._db.table(history_table(index)).insert(codec.change_to_dict(change))

        return self._commit(new, write)

    def set_question_state(
        self,
        question_id: str,
        *,
        does_not_apply: bool | None = None,
        reason: NotApplicableReason | None = None,
        none_of_these: bool | None = None,
        notes: str | None = None,
    ) -> Review:
        """Change what was said about a whole question (only the arguments given)."""
        question_id = self._check_question(question_id)
        state = self._review.question_state(question_id)
        if does_not_apply is not None:
            state = replace(
                state,
                does_not_apply=does_not_apply,
                reason=(reason or NotApplicableReason.NONE) if does_not_apply else None,
            )
        elif reason is not None:
            if not state.does_not_apply:
                raise InvalidChange("a not-applicable reason only goes with 'does not apply'")
            state = replace(state, reason=reason)
        if none_of_these is not None:
            state = replace(state, none_of_these=none_of_these)
        if notes is not None:
            state = replace(state, notes=notes)
        new = replace(
            self._review,
            responses=self._review.responses.with_question_state(state),
            updated_at=utc_now(),
        )
        return self._commit(
            new,
            lambda: self._upsert("questions", question_id, codec.question_state_to_dict(state)),
        )

    def set_notes(self, notes: str) -> Review:
        """Replace the review's free-form workload notes."""
        return self._commit(replace(self._review, notes=notes, updated_at=utc_now()), _nothing)

    def set_details(
        self,
        *,
        name: str | None = None,
        description: str | None = None,
        owner: str | None = None,
        environment: Environment | None = None,
        account_ids: Iterable[str] | None = None,
        regions: Iterable[str] | None = None,
        participants: Iterable[Participant] | None = None,
    ) -> Review:
        """Change the review's own fields (only the arguments given)."""
        review = self._review
        if name is not None and not name.strip():
            raise InvalidChange("a review needs a name")
        new = replace(
            review,
            name=review.name if name is None else name,
            description=review.description if description is None else description,
            owner=review.owner if owner is None else owner,
            environment=environment or review.environment,
            account_ids=review.account_ids if account_ids is None else _unique(account_ids),
            regions=review.regions if regions is None else _unique(regions),
            participants=(
                review.participants if participants is None else _unique_participants(participants)
            ),
            updated_at=utc_now(),
        )
        _check_storable(codec.details_to_dict, _details_from_dict, new, "the review")
        return self._commit(new, _nothing)

    def set_participants(self, participants: Iterable[Participant]) -> Review:
        """Replace who takes part in the review's workshops (names trimmed, each name once)."""
        people = _unique_participants(participants)
        if people == self._review.participants:
            return self._review
        new = replace(self._review, participants=people, updated_at=utc_now())
        _check_storable(codec.details_to_dict, _details_from_dict, new, "the participants")
        return self._commit(new, _nothing)

    def save_workshop(self, workshop: Workshop) -> Review:
        """Save a workshop session: it replaces the session with the same start, else it is
        added (sessions stay oldest first).

        Only one session runs at a time: adding a running session while another runs is
        refused. When an ended session is saved without its end numbers, the numbers of
        the review as it is now are kept with it (answered best practices, High and
        Medium questions), so its summary stays as it was when it ended.
        """
        review = self._review
        existing = next((w for w in review.workshops if w.started_at == workshop.started_at), None)
        if existing is not None:
            workshop = replace(workshop, started_at=existing.started_at)  # same stored key
        elif workshop.active and review.active_workshop is not None:
            raise InvalidChange(
                "a workshop session is already running on this review; end it before "
                "starting another"
            )
        if not workshop.active and workshop.answered_at_end is None:
            risk = review_risk(self.store.pillar, review.responses)
            workshop = replace(
                workshop,
                answered_at_end=risk.best_practices_answered,
                risks_at_end=(risk.counts.high, risk.counts.medium),
            )
        if workshop == existing:
            return review
        _check_storable(codec.workshop_to_dict, codec.workshop_from_dict, workshop, "the workshop")
        others = [w for w in review.workshops if w.started_at != workshop.started_at]
        workshops = tuple(sorted([*others, workshop], key=lambda w: w.started_at))
        new = replace(review, workshops=workshops)
        if existing is None or existing.active != workshop.active:
            new = replace(new, updated_at=utc_now())  # started or ended: the review changed
        doc = codec.workshop_to_dict(workshop)
        return self._commit(new, lambda: self._upsert("workshops", _workshop_key(workshop), doc))

    def park(self, question_id: str, text: str, *, owner: str = "", by: str) -> ParkedItem:
        """Park a follow-up on a question (it becomes a plan item). Ids are P1, P2, ...
        in order and never reused; the text is kept exactly as given."""
        question_id = self._check_question(question_id)
        if not text.strip():
            raise InvalidChange("a parked item needs text: say what to follow up")
        number = max((p.number for p in self._review.parking_lot), default=0) + 1
        item = ParkedItem(
            id=f"P{number}", question_id=question_id, text=text, owner=owner, at=utc_now(), by=by
        )
        _check_storable(codec.parked_to_dict, codec.parked_from_dict, item, "the parked item")
        new = replace(
            self._review, parking_lot=(*self._review.parking_lot, item), updated_at=item.at
        )
        doc = codec.parked_to_dict(item)
        self._commit(new, lambda: self._upsert("parking_lot", item.id, doc))
        return item

    def set_plan_tracking(self, tracking: PlanTracking) -> Review:
        """Set the owner, due date and status of one plan item (see review.plan)."""
        new = replace(with_tracking(self._review, tracking), updated_at=utc_now())
        return self._commit(new, _nothing)

    def visit(self, question_id: str) -> Review:
        """Remember the last question visited (where a resumed review starts)."""
        question_id = self._check_question(question_id)
        if self._review.last_question == question_id:
            return self._review
        return self._commit(replace(self._review, last_question=question_id), _nothing)

    def attach_evidence(self, scan: ScanResult) -> Review:
        """Store the latest scan with the review (answers are not touched)."""
        new = replace(self._review, evidence=scan, updated_at=utc_now())
        doc = codec.evidence_to_dict(scan)

        def write() -> None:
            self._db.table("evidence").upsert(Document(doc, doc_id=int(SINGLE)))

        return self._commit(new, write)

    def apply_proposals(
        self, *, accepted_by: str, only: Iterable[str] | None = None
    ) -> AppliedProposals:
        """Accept the stored evidence's proposals for best practices still unanswered.

        A person's answer is never overwritten; `only` limits the best practices
        considered. Applied answers have the source 'evidence (accepted by NAME)'.
        """
        if not accepted_by.strip():
            raise InvalidChange("say who accepts the proposals (a name)")
        proposals = proposals_to_apply(self.store.pillar, self._review, only)
        if not proposals:
            return AppliedProposals(self._review, ())
        changes: list[
            tuple[str, AnswerStatus, NotApplicableReason | None, str | None, AnswerSource]
        ] = [
            (
                bp_id,
                AnswerStatus.MET if proposal is Proposal.MET else AnswerStatus.NOT_MET,
                None,
                None,
                AnswerSource.EVIDENCE,
            )
            for bp_id, proposal in proposals
        ]
        review = self._set_answers(changes, by=accepted_by, why="accepted evidence proposal")
        return AppliedProposals(review, tuple(bp_id for bp_id, _ in proposals))

    def save_milestone(self, name: str) -> Milestone:
        """Freeze the current answers under a name (unique within the review)."""
        if not name.strip():
            raise InvalidChange("a milestone needs a name")
        if name == NOW:
            raise InvalidChange(f"'{NOW}' names the current state; choose another milestone name")
        if any(m.name == name for m in self._review.milestones):
            raise InvalidChange(f"this review already has a milestone named {quoted(name)}")
        milestone = Milestone(
            name=name,
            at=utc_now(),
            bank_revision=self._review.bank_revision,
            responses=self._review.responses,
        )
        new = replace(self._review, milestones=(*self._review.milestones, milestone))
        self._commit(new, lambda: self._append("milestones", [codec.milestone_to_dict(milestone)]))
        return milestone

    # --- sync with the AWS WA Tool (review.watool decides what; the session stores it) --

    def link_workload(self, link: WorkloadLink | None) -> Review:
        """Remember the AWS WA Tool workload this review syncs with (None forgets it)."""
        if link == self._review.wa_link:
            return self._review
        new = replace(self._review, wa_link=link, updated_at=utc_now())
        _check_storable(codec.details_to_dict, _details_from_dict, new, "the workload link")

        def forget() -> None:  # the record is upserted (merged): drop the old member first
            self._db.table("review").update(
                lambda doc: doc.pop("wa_tool", None), doc_ids=[int(SINGLE)]
            )

        return self._commit(new, forget if link is None else _nothing)

    def record_sync(self, synced: Iterable[SyncedQuestion]) -> Review:
        """Remember what both sides agreed for some questions (the review's answers are
        not touched). Refused when the review is not linked to a workload."""
        link = self._review.wa_link
        if link is None:
            raise InvalidChange("this review is not linked to an AWS WA Tool workload")
        new_link = link.with_synced(synced)
        if new_link == link:
            return self._review
        return self._commit(replace(self._review, wa_link=new_link), _nothing)

    def apply_remote(
        self,
        answers: Iterable[tuple[str, AnswerStatus, NotApplicableReason | None]],
        states: Iterable[QuestionState],
        synced: Iterable[SyncedQuestion],
        *,
        by: str,
        why: str,
    ) -> Review:
        """Answers and question states taken from the AWS WA Tool, and what both sides
        agree afterwards, in one durable write. Best practices whose status and reason do
        not change are left as they are (who answered them and when are kept); every
        change is in the history with `by` and `why`, like any other answer."""
        link = self._review.wa_link
        if link is None:
            raise InvalidChange("this review is not linked to an AWS WA Tool workload")
        now = utc_now()
        review = self._review
        responses = review.responses
        new_answers: list[Answer] = []
        history: list[AnswerChange] = []
        for bp_id, status, reason in answers:
            bp_id = self._check_bp(bp_id)
            old = responses.answer(bp_id)
            if old.status is status and old.reason is reason:
                continue
            new_answers.append(Answer(bp_id, status, reason, old.note, by, now))
            history.append(AnswerChange(bp_id, now, by, old.status, status, why))
        new_states = [
            s
            for s in states
            if self._check_question(s.question_id) and s != responses.question_state(s.question_id)
        ]
        responses = responses.with_answers(new_answers)
        for state in new_states:
            responses = responses.with_question_state(state)
        changed = bool(new_answers or new_states)
        new = replace(
            review,
            responses=responses,
            history=(*review.history, *history),
            wa_link=link.with_synced(synced),
            updated_at=now if changed else review.updated_at,
        )
        if new == review:
            return review

        def write() -> None:
            for answer in new_answers:
                self._upsert("answers", answer.bp_id, codec.answer_to_dict(answer))
            for state in new_states:
                self._upsert("questions", state.question_id, codec.question_state_to_dict(state))
            for index, change in enumerate(history, start=len(review.history)):
                self._db.table(history_table(index)).insert(codec.change_to_dict(change))

        return self._commit(new, write)


def _tinydb(storage: DurableStorage) -> TinyDB:
    """A TinyDB over an existing storage object (TinyDB wants a factory)."""

    def factory() -> DurableStorage:
        return storage

    return TinyDB(storage=cast("type[Storage]", factory))


def _nothing() -> None:
    """No table besides the review record changes."""


def iter_reviews(store: ReviewStore) -> Iterator[Review]:
    """Every readable review (unreadable ones are skipped; `list_reviews` reports them)."""
    for review_id in store.review_ids():
        with suppress(ReviewError):
            yield store.load(review_id)
