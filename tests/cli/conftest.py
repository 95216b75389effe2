"""Fixtures for command-line and interview tests: a real store in a temp folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from questions import security_pillar
from review.store import ReviewStore


@pytest.fixture
def store(tmp_path: Path) -> ReviewStore:
    return ReviewStore(tmp_path / "home", security_pillar())
