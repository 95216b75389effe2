"""Fixtures for the WA Tool sync tests: the shipped bank (its WA Tool ids) and a store."""

from __future__ import annotations

import pytest

from questions import Pillar, security_pillar


@pytest.fixture
def pillar() -> Pillar:
    return security_pillar()
