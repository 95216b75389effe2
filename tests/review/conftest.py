"""Shared fixtures for review tests: a small question bank built in code, and a store."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from questions import Area, BestPractice, Effort, EvidenceRole, Pillar, Question, Risk
from review.store import ReviewStore

# question id -> area, best-practice risks (and evidence roles, default verdict)
SMALL_BANK: dict[str, tuple[str, Sequence[Risk]]] = {
    "SEC01": ("Security foundations", (Risk.HIGH, Risk.MEDIUM, Risk.LOW)),
    "SEC02": ("Identity and access management", (Risk.HIGH, Risk.HIGH)),
    "SEC03": ("Identity and access management", (Risk.MEDIUM, Risk.LOW)),
    "SEC04": ("Detection", (Risk.LOW,)),
}


def build_pillar(
    spec: dict[str, tuple[str, Sequence[Risk]]],
    roles: dict[str, EvidenceRole] | None = None,
    revision: str = "test-1",
) -> Pillar:
    roles = roles or {}
    areas: dict[str, list[Question]] = {}
    for question_id, (area, risks) in spec.items():
        bps = tuple(
            BestPractice(
                id=f"{question_id}-BP{n:02d}",
                question_id=question_id,
                title=f"{question_id} practice {n}",
                risk=risk,
                risk_source="https://docs.aws.amazon.com/x",
                risk_verified=True,
                choice_id=None,
                description="d",
                evidence=("e",),
                evidence_role=roles.get(f"{question_id}-BP{n:02d}", EvidenceRole.VERDICT),
                steps=("a", "b", "c"),
                effort=Effort.LOW,
                links=("https://docs.aws.amazon.com/x",),
            )
            for n, risk in enumerate(risks, start=1)
        )
        areas.setdefault(area, []).append(
            Question(
                id=question_id,
                wa_question_id=question_id.lower(),
                area=area,
                classic_area=None,
                title=f"Question {question_id}",
                why_it_matters="w",
                prompts=("p", "q"),
                best_practices=bps,
                source="https://docs.aws.amazon.com/x",
            )
        )
    return Pillar(
        id="security",
        name="Test pillar",
        revision=revision,
        revision_note="",
        source="https://docs.aws.amazon.com/x",
        areas=tuple(Area(name, tuple(qs)) for name, qs in areas.items()),
    )


@pytest.fixture
def pillar() -> Pillar:
    return build_pillar(SMALL_BANK)


@pytest.fixture
def make_pillar() -> Callable[..., Pillar]:
    return build_pillar


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def store(home: Path, pillar: Pillar) -> Iterator[ReviewStore]:
    yield ReviewStore(home, pillar)
