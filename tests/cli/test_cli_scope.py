"""A review's scan scope on the command line: `pillar scope` shows, sets and clears it;
`pillar scan --review R` saves the scope options given, or scans the saved scope."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cli.main import main
from questions import security_pillar
from review.model import ScanScope
from review.store import ReviewStore

A1, A2, A3 = "111111111111", "222222222222", "333333333333"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def new_review(home: Path, *regions: str) -> str:
    return ReviewStore(home, security_pillar()).create("payments", regions=regions).id


def saved(home: Path, review_id: str) -> ScanScope | None:
    return ReviewStore(home, security_pillar()).load(review_id).scan_scope


def test_scope_set_show_replace_and_clear(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    review_id = new_review(home, "eu-west-1")
    code, out, _ = run(capsys, "--home", str(home), "scope", review_id)
    assert code == 0
    assert out.strip() == (
        "the account of the credentials used × 1 region (eu-west-1) (none saved; the default)"
    )

    code, _, err = run(
        capsys, "--home", str(home), "scope", "payments", "--account", A1, "--account", A2,
        "--account", A1, "--region", "eu-west-1", "--region", "us-east-1",
        "--role-name", "Audit", "--external-id", "ext-42",
    )  # fmt: skip
    assert code == 0
    assert "scope saved: 2 accounts (111111111111, 222222222222) × 2 regions" in err
    assert "as role Audit with an external id" in err
    assert saved(home, review_id) == ScanScope(
        account_ids=(A1, A2),
        regions=("eu-west-1", "us-east-1"),
        role_name="Audit",
        external_id="ext-42",
    )

    code, out, _ = run(capsys, "--home", str(home), "scope", review_id, "--json")
    data = json.loads(out)
    assert data["saved"] is True and data["role"] == "Audit"
    assert data["scope"]["account_ids"] == [A1, A2]
    assert data["scope"]["external_id"] == "ext-42"

    # New options replace the whole scope (nothing of the old one is kept).
    code, _, err = run(
        capsys, "--home", str(home), "scope", review_id, "--organization", "--exclude-account", A3
    )  # fmt: skip
    assert code == 0
    assert saved(home, review_id) == ScanScope(organization=True, excluded=(A3,))
    assert "the organization's accounts except 333333333333 × all enabled regions" in err

    # `pillar show` says it, and so does its JSON.
    code, out, _ = run(capsys, "--home", str(home), "show", review_id)
    assert "Scan scope: the organization's accounts except 333333333333" in out
    code, out, _ = run(capsys, "--home", str(home), "show", review_id, "--json")
    assert json.loads(out)["scan_scope"]["excluded_accounts"] == [A3]

    code, _, err = run(capsys, "--home", str(home), "scope", review_id, "--clear")
    assert code == 0 and "scope cleared" in err
    assert saved(home, review_id) is None
    code, out, _ = run(capsys, "--home", str(home), "show", review_id, "--json")
    assert "scan_scope" not in json.loads(out)  # reviews without a scope look as before


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--account", "12345"), "'12345' is not an AWS account id"),
        (("--ou", "ou-ab12-abcdefgh"), "--ou and --exclude-account go with --organization"),
        (("--organization", "--account", A1), "--organization or --account, not both"),
        (("--role-name", "Audit"), "--role-name and --external-id go with"),
        (("--region", "Europe"), "'Europe' is not an AWS region name"),
        (("--account", A1, "--external-id", "x"), "external id must be 2 to 1224"),
        (("--clear", "--account", A1), "--clear forgets the scope: give it alone"),
    ],
)
def test_scope_mistakes_are_one_sentence_and_change_nothing(
    capsys: pytest.CaptureFixture[str], home: Path, args: tuple[str, ...], says: str
) -> None:
    review_id = new_review(home)
    code, _, err = run(capsys, "--home", str(home), "scope", review_id, *args)
    assert code == 1
    assert says in err and "Traceback" not in err
    assert saved(home, review_id) is None


def test_scan_review_with_scope_options_saves_them(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    """The options are saved before the scan runs (here, nothing answers on this
    endpoint: the scan fails, the scope stays)."""
    review_id = new_review(home)
    code, _, err = run(
        capsys, "--home", str(home), "scan", "--review", review_id, "--account", A1,
        "--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:9", "--check", "iam.root_mfa",
    )  # fmt: skip
    assert "scope saved: 1 account (111111111111) × 1 region (eu-west-1)" in err
    assert saved(home, review_id) == ScanScope(account_ids=(A1,), regions=("eu-west-1",))
    assert code == 2  # credentials / endpoint: the scan could not run


def test_scan_review_with_a_bad_scope_option_scans_nothing(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    review_id = new_review(home)
    code, out, err = run(
        capsys, "--home", str(home), "scan", "--review", review_id, "--role-name", "Audit"
    )  # fmt: skip
    assert code == 1 and "--role-name and --external-id go with" in err and not out
    assert saved(home, review_id) is None


def test_scan_demo_says_the_saved_scope_is_not_used(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    review_id = new_review(home)
    run(capsys, "--home", str(home), "scope", review_id, "--account", A1)
    code, _, err = run(
        capsys, "--home", str(home), "scan", "--demo", "--check", "iam.root_mfa",
        "--review", review_id,
    )  # fmt: skip
    assert code == 0
    assert "--demo does not scan the review's saved scope" in err
    assert saved(home, review_id) == ScanScope(account_ids=(A1,))  # kept


# --- a real multi-account scan, driven by the saved scope (moto organization) -----------------


def scan_json(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[Any, str]:
    code, out, err = run(
        capsys, "--home", str(home), "scan", "--format", "json",
        "--check", "iam.console_mfa", "--check", "iam.password_policy", *args,
    )  # fmt: skip
    assert code == 0, err
    return json.loads(out), err


def test_scan_review_uses_the_saved_scope_then_an_override(
    capsys: pytest.CaptureFixture[str], home: Path, moto_organization: Any
) -> None:
    org = moto_organization
    review_id = new_review(home)
    code, _, err = run(
        capsys, "--home", str(home), "scope", review_id, "--organization",
        "--ou", org.ou_id, "--region", "eu-west-1",
    )  # fmt: skip
    assert code == 0, err

    # No scope option: the saved scope is scanned (the OU's two accounts, plus the
    # caller's own for organization-level evidence if a check needs it; none here).
    data, err = scan_json(capsys, home, "--review", review_id)
    assert "scanning the review's saved scope: the organization's accounts under" in err
    listed = {a["account_id"]: a["status"] for a in data["accounts"]}
    assert listed == {org.prod: "scanned", org.staging: "scanned"}
    assert {c["account_id"] for c in data["checks"]} == {org.prod, org.staging}
    assert data["regions"] == ["eu-west-1"]
    failing = {
        c["account_id"]
        for c in data["checks"]
        if c["id"] == "iam.console_mfa" and c["status"] == "FAIL"
    }
    assert failing == {org.prod}  # the finding is in its own account only
    stored = ReviewStore(home, security_pillar()).load(review_id)
    assert stored.evidence is not None
    assert {a.account_id for a in stored.evidence.accounts} == {org.prod, org.staging}

    # Options given: they replace the saved scope, and are what is scanned.
    data, err = scan_json(capsys, home, "--review", review_id, "--account", org.sandbox)
    assert "scope saved: 1 account" in err
    assert {a["account_id"] for a in data["accounts"]} == {org.sandbox}
    assert saved(home, review_id) == ScanScope(account_ids=(org.sandbox,))

    # And the next scan without options scans that one.
    data, err = scan_json(capsys, home, "--review", review_id)
    assert f"saved scope: 1 account ({org.sandbox})" in err
    assert {a["account_id"] for a in data["accounts"]} == {org.sandbox}


def test_scan_without_review_is_not_touched_by_saved_scopes(
    capsys: pytest.CaptureFixture[str], home: Path, moto_organization: Any
) -> None:
    review_id = new_review(home)
    run(capsys, "--home", str(home), "scope", review_id, "--organization")
    data, err = scan_json(capsys, home, "--region", "eu-west-1")
    assert "scope" not in err
    assert [a["account_id"] for a in data["accounts"]] == [moto_organization.management]
    assert {c["account_id"] for c in data["checks"]} == {moto_organization.management}
