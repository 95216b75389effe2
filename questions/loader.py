"""Load and validate a question bank from TOML files.

A bank is a folder holding `pillar.toml` (name, revision, area order) and one
`secNN.toml` per question. Every field is checked; a problem raises `BankError`
naming the file and the field, so a broken edit never ends in a traceback.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from questions.fields import Fields
from questions.ids import BP_ID, QUESTION_ID
from questions.model import (
    Area,
    BestPractice,
    ClassicArea,
    Effort,
    EvidenceRole,
    Pillar,
    Question,
    Risk,
)

BANK_DIR = Path(__file__).parent / "security"

CHOICE_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
"""A WA Tool choice id (lowercase words joined by underscores, at most 64 characters)."""
HTTPS_URL = re.compile(r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(/[^\s]*)?$")


class BankError(ValueError):
    """A question bank file is missing, unreadable or invalid."""

    user_error = True

    def __init__(self, file: Path, field: str, problem: str) -> None:
        self.file = file
        self.field = field
        self.problem = problem
        where = f"{file.name}: {field}: " if field else f"{file.name}: "
        super().__init__(f"question bank {where}{problem}")


class _Fields(Fields):
    """One TOML table of the bank; errors name the file and the field's path."""

    MISSING = "is required but missing"
    SHOW_VALUES = True

    def __init__(self, file: Path, data: dict[str, Any], path: str = "") -> None:
        super().__init__(data, path)
        self.file = file

    def fail(self, key: str, problem: str) -> BankError:
        return BankError(self.file, self.name(key), problem)

    def text(
        self, key: str, default: str | None = None, *, pattern: re.Pattern[str] | None = None
    ) -> str:
        """Non-empty text, its whitespace folded (bank text is prose wrapped in TOML)."""
        value = self.get(key) if default is None else self.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be non-empty text")
        if pattern is not None and not pattern.match(value):
            raise self.fail(key, f"{value!r} does not have the expected form")
        return " ".join(value.split()) if "\n" in value else value.strip()

    def optional_text(self, key: str, *, pattern: re.Pattern[str] | None = None) -> str | None:
        if self.data.get(key) in (None, ""):
            self.used.add(key)
            return None
        return self.text(key, pattern=pattern)

    def url(self, key: str) -> str:
        value = self.text(key)
        if not HTTPS_URL.match(value):
            raise self.fail(key, f"{value!r} is not an https link")
        return value

    def text_list(
        self,
        key: str,
        *,
        at_least: int,
        at_most: int,
        check: Callable[[str], bool] | None = None,
        what: str = "text",
    ) -> tuple[str, ...]:
        value = self.get(key)
        if not isinstance(value, list):
            raise self.fail(key, "must be a list")
        if not at_least <= len(value) <= at_most:
            raise self.fail(key, f"must have {at_least} to {at_most} items (has {len(value)})")
        items: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{key}[{index}]", "must be non-empty text")
            item = " ".join(item.split())
            if check is not None and not check(item):
                raise self.fail(f"{key}[{index}]", f"{item!r} is not {what}")
            items.append(item)
        return tuple(items)

    def tables(self, key: str) -> list[_Fields]:
        value = self.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(key, "must be a non-empty list of tables")
        result: list[_Fields] = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.fail(f"{key}[{index}]", "must be a table")
            result.append(_Fields(self.file, item, self.name(f"{key}[{index}]")))
        return result


def _read_toml(file: Path) -> dict[str, Any]:
    try:
        with file.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise BankError(file, "", "file not found") from None
    except OSError as error:
        raise BankError(file, "", f"cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise BankError(file, "", "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise BankError(file, "", f"is not valid TOML ({error})") from None


def _is_https(item: str) -> bool:
    return bool(HTTPS_URL.match(item))


def _best_practice(fields: _Fields, question_id: str) -> BestPractice:
    bp_id = fields.text("id", pattern=BP_ID)
    if not bp_id.startswith(question_id + "-"):
        raise fields.fail("id", f"{bp_id} does not belong to question {question_id}")
    bp = BestPractice(
        id=bp_id,
        question_id=question_id,
        title=fields.text("title"),
        risk=fields.enum("risk", Risk),
        risk_source=fields.url("risk_source"),
        risk_verified=fields.boolean("risk_verified"),
        choice_id=fields.optional_text("choice_id", pattern=CHOICE_ID),
        description=fields.text("description"),
        evidence=fields.text_list("evidence", at_least=1, at_most=8),
        evidence_role=fields.enum("evidence_role", EvidenceRole),
        steps=fields.text_list("steps", at_least=3, at_most=6),
        effort=fields.enum("effort", Effort),
        links=fields.text_list(
            "links", at_least=1, at_most=8, check=_is_https, what="an https link"
        ),
    )
    fields.no_unknown_keys()
    return bp


def load_question(file: Path) -> Question:
    """Load and validate one question file."""
    fields = _Fields(file, _read_toml(file))
    question_id = fields.text("id", pattern=QUESTION_ID)
    classic = fields.optional_text("classic_area")
    classic_area: ClassicArea | None = None
    if classic is not None:
        classic_area = fields.enum("classic_area", ClassicArea)
    best_practices = tuple(_best_practice(t, question_id) for t in fields.tables("best_practices"))
    seen: set[str] = set()
    for index, bp in enumerate(best_practices, start=1):
        if bp.id in seen:
            raise fields.fail("best_practices", f"{bp.id} appears twice")
        seen.add(bp.id)
        if bp.number != index:
            raise fields.fail(
                f"best_practices[{index - 1}].id", f"expected BP{index:02d}, found {bp.id}"
            )
    none_choice_id = fields.optional_text("none_choice_id", pattern=CHOICE_ID)
    choices = [bp.choice_id for bp in best_practices if bp.choice_id is not None]
    if len(set(choices)) != len(choices):
        raise fields.fail("best_practices", "two best practices have the same choice_id")
    if none_choice_id is not None and none_choice_id in choices:
        raise fields.fail(
            "none_choice_id", f"{none_choice_id!r} is also a best practice's choice_id"
        )
    question = Question(
        id=question_id,
        wa_question_id=fields.text("wa_question_id"),
        area=fields.text("area"),
        classic_area=classic_area,
        title=fields.text("title"),
        why_it_matters=fields.text("why_it_matters"),
        prompts=fields.text_list("prompts", at_least=2, at_most=4),
        best_practices=best_practices,
        source=fields.url("source"),
        none_choice_id=none_choice_id,
    )
    fields.no_unknown_keys()
    return question


def load_pillar(folder: Path = BANK_DIR) -> Pillar:
    """Load and validate a whole bank folder; raises BankError on the first problem."""
    meta_file = folder / "pillar.toml"
    meta = _Fields(meta_file, _read_toml(meta_file))
    area_names = meta.text_list("areas", at_least=1, at_most=20)
    pillar_id = meta.text("id")
    name = meta.text("name")
    revision = meta.text("revision")
    revision_note = meta.text("revision_note")
    source = meta.url("source")
    meta.no_unknown_keys()

    files = sorted(folder.glob("sec*.toml"))
    if not files:
        raise BankError(meta_file, "", f"no question files (sec*.toml) next to it in {folder}")
    by_area: dict[str, list[Question]] = {area: [] for area in area_names}
    seen: dict[str, Path] = {}
    for file in files:
        question = load_question(file)
        if question.id in seen:
            raise BankError(
                file, "id", f"{question.id} is also defined in {seen[question.id].name}"
            )
        seen[question.id] = file
        if question.area not in by_area:
            raise BankError(
                file, "area", f"{question.area!r} is not one of the areas in pillar.toml"
            )
        by_area[question.area].append(question)

    numbers = sorted(int(q.removeprefix("SEC")) for q in seen)
    if numbers != list(range(1, len(numbers) + 1)):
        raise BankError(meta_file, "", f"questions are not numbered SEC01..: found {numbers}")
    areas = tuple(
        Area(name=area, questions=tuple(sorted(qs, key=lambda q: q.number)))
        for area, qs in by_area.items()
        if qs
    )
    ordered = [q.number for area in areas for q in area.questions]
    if ordered != sorted(ordered):
        raise BankError(meta_file, "areas", "area order does not follow question order")
    return Pillar(
        id=pillar_id,
        name=name,
        revision=revision,
        revision_note=revision_note,
        source=source,
        areas=areas,
    )


@cache
def security_pillar() -> Pillar:
    """The Security Pillar bank shipped with pillar (loaded once per process)."""
    return load_pillar(BANK_DIR)
