"""A review's scan scope: checked values, words, a rule, and a field of the review file
that older files do without (no schema change)."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from questions import security_pillar
from review.codec import review_from_dict, review_to_dict, scan_scope_from_dict
from review.errors import InvalidReviewData
from review.model import Review, ScanScope
from review.rules import with_scan_scope
from review.schema import review_from_tables, review_to_tables
from review.scope import (
    DEFAULT_ROLE_NAME,
    InvalidScope,
    describe_scope,
    scan_scope,
    scope_of,
)
from review.store import ReviewStore

from .test_schema import FIXTURE, FIXTURE_ID

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)

ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
ACCOUNT = st.integers(0, 10**12 - 1).map(lambda n: f"{n:012d}")
OU = st.builds(
    lambda a, b: f"ou-{a}-{b}",
    st.text(ALNUM, min_size=4, max_size=8),
    st.text(ALNUM, min_size=8, max_size=10),
)
REGION = st.sampled_from(["eu-west-1", "us-east-1", "ap-southeast-2", "us-gov-west-1"])
ROLE = st.text(ALNUM + "ABCXYZ+=,.@_-", min_size=1, max_size=64)
EXTERNAL = st.text(ALNUM + "+=,.@:/_-", min_size=2, max_size=40).filter(lambda t: t.strip("/"))


@st.composite
def scopes(draw: st.DrawFn) -> ScanScope:
    kind = draw(st.sampled_from(["caller", "accounts", "organization"]))
    role = draw(st.one_of(st.just(""), ROLE)) if kind != "caller" else ""
    return scan_scope(
        organization=kind == "organization",
        ous=draw(st.lists(OU, max_size=3)) if kind == "organization" else (),
        excluded=draw(st.lists(ACCOUNT, max_size=3)) if kind == "organization" else (),
        account_ids=draw(st.lists(ACCOUNT, min_size=1, max_size=5)) if kind == "accounts" else (),
        regions=draw(st.lists(REGION, max_size=4)),
        role_name=role,
        external_id=draw(st.one_of(st.just(""), EXTERNAL)) if kind != "caller" else "",
    )


def a_review(**changes: object) -> Review:
    return Review(id="0" * 32, name="payments", created_at=T0, updated_at=T0, **changes)  # type: ignore[arg-type]


@given(scope=scopes())
def test_scope_round_trips_through_the_file_and_the_export(scope: ScanScope) -> None:
    review = a_review(scan_scope=scope)
    tables = json.loads(json.dumps(review_to_tables(review)))
    assert review_from_tables(tables)[0] == review
    assert review_from_dict(json.loads(json.dumps(review_to_dict(review)))) == review
    assert describe_scope(scope)  # every scope can be said


def test_scope_options_are_checked_and_normalised() -> None:
    scope = scan_scope(
        account_ids=[" 111111111111", "111111111111", "222222222222"],
        regions=["eu-west-1", "eu-west-1"],
        role_name="/audit/Pillar/",
    )
    assert scope.account_ids == ("111111111111", "222222222222")
    assert scope.regions == ("eu-west-1",)
    assert scope.role_name == "audit/Pillar"
    for bad in (
        {"account_ids": ["1234"]},
        {"organization": True, "excluded": ["x"]},
        {"organization": True, "ous": ["ou-1"]},
        {"regions": ["eu west 1"]},
        {"account_ids": ["111111111111"], "role_name": "a role"},
        {"account_ids": ["111111111111"], "external_id": "a"},
        {"ous": ["r-abcd"]},
        {"role_name": "Audit"},
        {"organization": True, "account_ids": ["111111111111"]},
    ):
        with pytest.raises(InvalidScope):
            scan_scope(**bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ScanScope(role_name="Audit")  # the model refuses what cannot be, too


def test_scope_words() -> None:
    three = scan_scope(
        account_ids=["111111111111", "222222222222", "333333333333", "444444444444"],
        regions=["eu-west-1", "us-east-1"],
    )
    assert describe_scope(three) == (
        "4 accounts (111111111111, 222222222222, 333333333333, +1 more) × 2 regions "
        f"(eu-west-1, us-east-1) as role {DEFAULT_ROLE_NAME}"
    )
    org = scan_scope(organization=True, ous=["r-ab12"], excluded=["111111111111"], external_id="xy")
    assert describe_scope(org) == (
        "the organization's accounts under r-ab12 except 111111111111 × all enabled regions "
        f"as role {DEFAULT_ROLE_NAME} with an external id"
    )
    assert "xy" not in describe_scope(org)
    assert (
        describe_scope(ScanScope()) == "the account of the credentials used × all enabled regions"
    )


def test_default_role_is_the_scans_default() -> None:
    from checks.accounts import DEFAULT_ROLE

    assert DEFAULT_ROLE_NAME == DEFAULT_ROLE


def test_scope_of_a_review_without_one_is_the_caller_in_its_regions() -> None:
    review = a_review(regions=("eu-west-1", "not a region"))
    assert scope_of(review) == ScanScope(regions=("eu-west-1",))
    scope = scan_scope(organization=True)
    assert scope_of(with_scan_scope(review, scope, T0)) == scope


def test_with_scan_scope_is_a_change_only_when_it_changes() -> None:
    review = a_review()
    scope = scan_scope(account_ids=["111111111111"])
    later = T0 + timedelta(hours=1)
    new = with_scan_scope(review, scope, later)
    assert new.scan_scope == scope and new.updated_at == later
    assert with_scan_scope(new, scan_scope(account_ids=["111111111111"]), T0) is new
    assert with_scan_scope(new, None, later).scan_scope is None


def test_a_bad_scope_in_a_file_is_named() -> None:
    with pytest.raises(InvalidReviewData, match=r"review.scan_scope.*not an AWS account id"):
        review_from_dict({**review_to_dict(a_review()), "scan_scope": {"account_ids": ["12"]}})
    with pytest.raises(InvalidReviewData, match="organization"):
        scan_scope_from_dict({"organization": "yes"}, "scope")


def test_old_files_open_unchanged_and_a_scope_is_saved_beside(tmp_path: Path) -> None:
    """A file written before scopes existed opens as a review without one; reading writes
    nothing; saving a scope keeps every table and adds one field to the review record."""
    store = ReviewStore(tmp_path, security_pillar(), clock=lambda: T0 + timedelta(days=9))
    store.folder.mkdir(parents=True)
    path = store.folder / f"{FIXTURE_ID}.json"
    shutil.copy(FIXTURE, path)
    old_text = path.read_text()
    review = store.load(FIXTURE_ID)
    assert review.scan_scope is None
    assert scope_of(review).account_ids == () and not scope_of(review).organization
    assert path.read_text() == old_text

    scope = scan_scope(organization=True, regions=["eu-west-1"], role_name="Audit")
    with store.open(FIXTURE_ID) as session:
        before = session.review
        after = session.set_scan_scope(scope)
        assert session.set_scan_scope(scope) is after  # nothing new: no write
    assert after.responses == before.responses and after.history == before.history
    assert store.load(FIXTURE_ID).scan_scope == scope
    old, new = json.loads(old_text), json.loads(path.read_text())
    assert sorted(old) == sorted(new)
    assert new["meta"]["1"]["schema"] == old["meta"]["1"]["schema"]
    assert set(new["review"]["1"]) - set(old["review"]["1"]) == {"scan_scope"}
    with store.open(FIXTURE_ID) as session:
        session.set_scan_scope(None)
    assert "scan_scope" not in json.loads(path.read_text())["review"]["1"]
