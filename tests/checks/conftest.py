"""Fixtures for check tests (helpers live in checks/testing.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from checks.testing import Harness, simulated_harness


@pytest.fixture
def account() -> Iterator[Harness]:
    """moto account with fake credentials, connected to eu-west-1 and us-east-1."""
    with simulated_harness() as harness:
        yield harness
