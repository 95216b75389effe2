"""Fixtures for the WA Tool sync tests: the shipped bank (its WA Tool ids) and a store."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from questions import Pillar, security_pillar
from review.watool.client import WaOptions, WaTool

sys.path.insert(0, str(Path(__file__).parent))  # tests import fake_watool by name

from fake_watool import REGION, FakeWaTool, running


@pytest.fixture
def pillar() -> Pillar:
    return security_pillar()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials and no AWS config of the person running the tests."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")


@pytest.fixture
def fake(aws_env: None) -> Iterator[tuple[FakeWaTool, str]]:
    service = FakeWaTool(page_size=4)
    with running(service) as url:
        yield service, url


@pytest.fixture
def wa(fake: tuple[FakeWaTool, str]) -> WaTool:
    return WaTool.connect(WaOptions(endpoint_url=fake[1], max_attempts=3), REGION)
