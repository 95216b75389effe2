"""Fixtures for check tests (helpers live in checks/testing.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from checks.testing import Harness, simulated_harness

sys.path.insert(0, str(Path(__file__).parent))  # tests import codebuild_seed by name


@pytest.fixture
def account() -> Iterator[Harness]:
    """moto account with fake credentials, connected to eu-west-1 and us-east-1."""
    with simulated_harness() as harness:
        yield harness
