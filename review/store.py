"""The review store: one TinyDB file per review, written durably, one writer at a time.

Layout of the home folder (`review.locations`):

    <home>/reviews/<id>.json                   one review (tables: see review.schema)
    <home>/reviews/<id>.lock, <id>.holder      its write lock and who holds it
    <home>/reviews/<id>.json.corrupt-<time>    an unreadable file, moved aside
    <home>/reviews/<id>.json.schema-<n>.bak    the file as it was before a schema upgrade

File names derive only from review ids (uuid4 hex), never from names.

`ReviewStore` lists, creates, imports, resolves and deletes reviews, and moves corrupt
files aside. `ReviewStore.open()` returns a `review.session.ReviewSession` (the editing
session) built on a `ReviewFile`: the open file with its write lock, whose `save(new)`
writes only the documents that changed between the last durable review and `new` as one
durable write (or raises `SaveFailed` and leaves both the file and its review as they
were). TinyDB documents and doc ids never leave this module and review.schema.
"""

from __future__ import annotations

import errno
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

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
from review.locations import reviews_folder
from review.locking import ReviewLock
from review.model import Environment, Participant, Review, utc_now
from review.risk import RiskCounts, review_risk
from review.rules import new_review
from review.schema import (
    SCHEMA_VERSION,
    DocIds,
    Tables,
    migrate,
    review_from_tables,
    review_to_tables,
    saved_at_of,
    schema_of,
    summary_parts_from_tables,
    table_writes,
    unreadable,
)
from review.text import quoted

if TYPE_CHECKING:
    from review.session import ReviewSession

FILE_SUFFIX = ".json"

Clock = Callable[[], datetime]


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

    def __init__(
        self, home: Path, pillar: Pillar, *, soft_locks: bool = False, clock: Clock = utc_now
    ) -> None:
        self.home = home
        self.folder = reviews_folder(home)
        self.pillar = pillar
        self.soft_locks = soft_locks
        self.clock = clock
        """Where review times come from (tests pass a fake clock)."""

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
        return self._checked_review(self.path_of(review_id))

    def _checked_review(self, path: Path) -> Review:
        """The review in `path`, read once (a damaged file is moved aside: CorruptReview)."""
        tables, _ = self._read_tables(path)
        try:
            review, _ = review_from_tables(tables)
            if f"{review.id}{FILE_SUFFIX}" != path.name:
                raise InvalidReviewData("the review id inside does not match the file name")
        except InvalidReviewData as error:
            raise self._move_aside(path, str(error)) from None
        return review

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
        review = new_review(
            self.pillar,
            name,
            review_id=uuid.uuid4().hex,
            now=self.clock(),
            owner=owner,
            environment=environment,
            description=description,
            account_ids=account_ids,
            regions=regions,
            participants=participants,
        )
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
        tables = review_to_tables(review, self.clock())
        for table, docs in tables.items():
            for doc in docs.values():
                problem = unreadable(table, doc)
                if problem is not None:
                    raise InvalidChange(problem)
        text = dump_json(tables)
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
        from review.session import ReviewSession  # the session is built on this store

        return ReviewSession(self.open_file(ref, read_only=read_only, wait=wait), self.pillar)

    def open_file(self, ref: str, *, read_only: bool = False, wait: float = 0.0) -> ReviewFile:
        """The review file `ref` names, open for changes (locked) or read-only."""
        return ReviewFile(self, self.resolve(ref), read_only=read_only, wait=wait)

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


# --- one open file ---------------------------------------------------------------------------


class ReviewFile:
    """One review file opened by the store: read-only, or for changes (holding its lock).

    `review` is the review as last saved; `save(new)` makes `new` the saved review.
    """

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
            saved_at = saved_at_of(tables)
        except InvalidReviewData as error:
            raise self.store._move_aside(self.path, str(error), held=held) from None
        self._review = review
        self._ids: DocIds = ids
        self._saved_at = saved_at
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

    @property
    def review(self) -> Review:
        """The review as it was last saved (or read)."""
        return self._review

    @property
    def saved_at(self) -> datetime | None:
        """When the file was last saved (None for files written by older pillars)."""
        return self._saved_at

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Release the write lock (every save is already durable)."""
        self._closed = True
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def reload(self) -> Review:
        """Read the file again (for read-only sessions following another writer)."""
        self._load()
        return self._review

    def save(self, new: Review) -> Review:
        """Write `new` durably: only the documents that differ from the saved review, in
        one write. Returns `new` once durable; on SaveFailed or InvalidChange (a value that
        would not read back) the file and `review` stay as they were."""
        if self._closed:
            raise ReadOnlyReview("this review was closed; open it again to change it")
        if self.read_only or self._lock is None:
            raise ReadOnlyReview(
                f"review {quoted(self._review.name)} is open read-only; "
                "open it for changes to edit it"
            )
        now = self.store.clock()
        writes = table_writes(self._review, new, now)
        for write in writes:
            for _, doc in write.put:
                problem = unreadable(write.table, doc)
                if problem is not None:
                    raise InvalidChange(problem)
        ids_before = {w.table: dict(self._ids.get(w.table, {})) for w in writes}
        try:
            with self._storage.batch():
                for write in writes:
                    self._apply(write.table, write.put, write.remove)
        except OSError as error:
            self._ids.update(ids_before)
            self._db = _tinydb(self._storage)  # drop TinyDB's caches
            raise _save_error(quoted(self._review.name), error) from None
        except BaseException:
            self._ids.update(ids_before)
            self._db = _tinydb(self._storage)
            raise
        self._review = new
        self._saved_at = now
        return new

    def _apply(
        self, name: str, put: Iterable[tuple[str, dict[str, object]]], remove: Iterable[str]
    ) -> None:
        table = self._db.table(name)
        ids = self._ids.setdefault(name, {})
        for key, doc in put:
            doc_id = ids.get(key)
            if doc_id is None:
                doc_id = max(ids.values(), default=0) + 1
                ids[key] = doc_id
                table.insert(Document(doc, doc_id=doc_id))
            else:
                table.update(_replaced_by(doc), doc_ids=[doc_id])
        gone = [ids.pop(key) for key in remove if key in ids]
        if gone:
            table.remove(doc_ids=gone)


def _replaced_by(new: dict[str, object]) -> Callable[[MutableMapping[str, object]], None]:
    """A TinyDB update that replaces a document's fields (fields gone from `new` go)."""

    def replace_fields(doc: MutableMapping[str, object]) -> None:
        doc.clear()
        doc.update(new)

    return replace_fields


def _tinydb(storage: DurableStorage) -> TinyDB:
    """A TinyDB over an existing storage object (TinyDB wants a factory)."""

    def factory() -> DurableStorage:
        return storage

    return TinyDB(storage=cast("type[Storage]", factory))


def iter_reviews(store: ReviewStore) -> Iterator[Review]:
    """Every readable review (unreadable ones are skipped; `list_reviews` reports them)."""
    for review_id in store.review_ids():
        with suppress(ReviewError):
            yield store.load(review_id)
