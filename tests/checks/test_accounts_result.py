"""Results across accounts: each result carries its account; a best practice is proposed
met only when met in every scanned account; old evidence (no accounts) still reads."""

from __future__ import annotations

from datetime import UTC, datetime

from checks.report import scan_json
from checks.result import (
    AccountState,
    AccountStatus,
    CheckResult,
    Proposal,
    ScanResult,
    Status,
)
from questions import security_pillar

NOW = datetime(2026, 1, 1, tzinfo=UTC)
VERDICT_BP = "SEC02-BP01"  # verdict: evidence may propose met


def result(account: str, status: Status, check: str = "iam.console_mfa") -> CheckResult:
    return CheckResult(
        check_id=check,
        title="t",
        service="iam",
        best_practices=(VERDICT_BP,),
        region="global",
        status=status,
        account_id=account,
    )


def scan(*results: CheckResult, accounts: tuple[AccountStatus, ...] = ()) -> ScanResult:
    return ScanResult("111111111111", ("eu-west-1",), NOW, 1.0, results, accounts=accounts)


ACCOUNTS = (
    AccountStatus("111111111111", "management"),
    AccountStatus("222222222222", "prod"),
    AccountStatus("333333333333", "[b]x[/b]", AccountState.NOT_SCANNED, "role not assumable"),
)


def test_met_only_when_met_in_every_scanned_account() -> None:
    pillar = security_pillar()
    both_pass = scan(
        result("111111111111", Status.PASS), result("222222222222", Status.PASS), accounts=ACCOUNTS
    )
    assert both_pass.proposal(pillar, VERDICT_BP) is Proposal.MET
    one_fails = scan(
        result("111111111111", Status.PASS), result("222222222222", Status.FAIL), accounts=ACCOUNTS
    )
    assert one_fails.proposal(pillar, VERDICT_BP) is Proposal.NOT_MET
    one_unknown = scan(
        result("111111111111", Status.PASS),
        result("222222222222", Status.UNKNOWN),
        accounts=ACCOUNTS,
    )
    assert one_unknown.proposal(pillar, VERDICT_BP) is None
    # The account that was not scanned does not count either way.
    ignored = scan(
        result("111111111111", Status.PASS),
        result("222222222222", Status.PASS),
        result("333333333333", Status.FAIL),
        accounts=ACCOUNTS,
    )
    assert ignored.proposal(pillar, VERDICT_BP) is Proposal.MET


def test_rollup_counts_accounts() -> None:
    pillar = security_pillar()
    found = scan(
        result("111111111111", Status.PASS),
        result("222222222222", Status.FAIL),
        result("222222222222", Status.FAIL, check="iam.root_mfa"),
        accounts=ACCOUNTS,
    )
    rollup = found.rollup(pillar, VERDICT_BP)
    assert rollup.accounts_with(Proposal.NOT_MET) == ("222222222222",)
    assert rollup.accounts_with(Proposal.MET) == ("111111111111",)
    assert "iam.console_mfa fails in 1 of 2 accounts" in rollup.summary()
    data = scan_json(found, pillar)
    assert data["accounts"][2] == {
        "account_id": "333333333333",
        "name": "[b]x[/b]",
        "status": "not_scanned",
        "cause": "role not assumable",
    }
    assert all("account_id" in c for c in data["checks"])
    bp = data["best_practices"][VERDICT_BP]
    assert bp["accounts"]["scanned"] == 2
    assert bp["accounts"]["not_met"] == ["222222222222"]
    assert bp["accounts"]["failing_checks"]["iam.root_mfa"] == ["222222222222"]


def test_round_trip_and_old_evidence() -> None:
    found = scan(result("111111111111", Status.PASS), accounts=ACCOUNTS)
    assert ScanResult.from_dict(found.to_dict()) == found
    single = scan(result("", Status.FAIL))
    data = single.to_dict()
    assert data["accounts"] == [
        {"account_id": "111111111111", "name": "", "status": "scanned", "cause": ""}
    ]
    assert ScanResult.from_dict(data) == single
    # Evidence stored before results carried accounts: the scan's account owns them.
    for check in data["checks"]:
        del check["account_id"], check["source"]
    del data["accounts"], data["source"]
    old = ScanResult.from_dict(data)
    assert old.scanned_accounts() == ("111111111111",)
    assert old.proposal(security_pillar(), VERDICT_BP) is Proposal.NOT_MET
    assert old.evidence_for(VERDICT_BP, "111111111111") == old.results


def test_a_replaced_scan_indexes_its_own_results_once() -> None:
    """`dataclasses.replace` (review.attach sets the accounts that way) used to hand the
    old per-best-practice index to the new scan, which filled it again: every result
    twice, in both scans."""
    from dataclasses import replace
    from datetime import UTC, datetime

    from checks.result import AccountStatus, CheckResult, ScanResult, Status

    result = CheckResult(
        "iam.console_mfa",
        "t",
        "iam",
        ("SEC02-BP01",),
        "global",
        Status.FAIL,
        "x",
        account_id="111111111111",
    )
    scan = ScanResult("111111111111", ("eu-west-1",), datetime.now(UTC), 1.0, (result,))
    both = replace(scan, accounts=(AccountStatus("111111111111"), AccountStatus("222222222222")))
    assert both.evidence_for("SEC02-BP01") == (result,)
    assert scan.evidence_for("SEC02-BP01") == (result,)
    assert both.result_accounts() == ("111111111111",)
    other = replace(scan, results=(replace(result, account_id="222222222222"),))
    assert other.result_accounts() == ("222222222222",)
    assert scan.covered_best_practices() == other.covered_best_practices() == ("SEC02-BP01",)
