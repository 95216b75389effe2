"""Advisory results: an optional control not in place is shown, never a "not met" proposal.

The runner turns an advisory check's failures into ADVISORY; the proposal rules, the scan
JSON, `--fail-on` and the scan table keep advisories apart from failures.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from checks.registry import Check, Context, Scope, Verdict, all_checks, failed, passed
from checks.report import fail_on_met, scan_json
from checks.result import (
    ADVISORY_CHECKS,
    CheckResult,
    Proposal,
    Resource,
    ScanResult,
    Source,
    Status,
    propose,
    summarize,
)
from checks.runner import run_scan
from questions import EvidenceRole, security_pillar

README = Path(__file__).parents[2] / "README.md"


def _check(id: str, function: Any, *, advisory: bool) -> Check:
    return Check(
        id=id,
        title=f"{id} is in place",
        best_practices=("SEC07-BP04",),
        service="iam",
        scope=Scope.GLOBAL,
        actions=("iam:ListUsers",),
        services=("iam",),
        function=function,
        advisory=advisory,
    )


def _result(status: Status, check_id: str = "x.y", bp: str = "SEC07-BP04") -> CheckResult:
    resources = {
        Status.FAIL: (Resource("r1", Status.FAIL, "wrong"),),
        Status.ADVISORY: (Resource("r2", Status.ADVISORY, "no lifecycle rule"),),
        Status.PASS: (Resource("r3", Status.PASS, "fine"),),
    }.get(status, ())
    return CheckResult(check_id, "t", "s3", (bp,), "eu-west-1", status, "", resources=resources)


# --- the runner -------------------------------------------------------------------------


def test_an_advisory_checks_failures_become_advisories(account):
    def some_missing(ctx: Context) -> Any:
        return [failed("bucket-a", "no lifecycle rule"), passed("bucket-b", "lifecycle rule")]

    result = run_scan(account.aws, [_check("test.optional", some_missing, advisory=True)])
    (only,) = result.results
    assert only.status is Status.ADVISORY
    assert only.reason == "1 of 2 not in place (advisory)"
    assert only.failing == ()
    assert [(r.id, r.status) for r in only.not_in_place] == [("bucket-a", Status.ADVISORY)]
    assert [r.status for r in only.resources] == [Status.ADVISORY, Status.PASS]


def test_an_advisory_checks_fail_verdict_and_pass_stay_what_they_say(account):
    def none_at_all(ctx: Context) -> Any:
        return Verdict(Status.FAIL, "no backup plan in the region", (failed(ctx.where, "none"),))

    def all_present(ctx: Context) -> Any:
        return [passed("plan-1", "daily")]

    scan = run_scan(
        account.aws,
        [
            _check("test.absent", none_at_all, advisory=True),
            _check("test.present", all_present, advisory=True),
        ],
    )
    absent, present = scan.results
    assert (absent.status, absent.reason) == (Status.ADVISORY, "no backup plan in the region")
    assert [r.status for r in absent.resources] == [Status.ADVISORY]
    assert present.status is Status.PASS


def test_only_declared_checks_may_report_an_advisory(account):
    def sneaky(ctx: Context) -> Any:
        return Verdict(Status.ADVISORY, "an advisory nobody declared")

    (result,) = run_scan(account.aws, [_check("test.sneaky", sneaky, advisory=False)]).results
    assert result.status is Status.UNKNOWN
    assert "not declared advisory=True" in result.reason


# --- proposals --------------------------------------------------------------------------


def test_advisories_never_propose_not_met_nor_met():
    for role in (EvidenceRole.VERDICT, EvidenceRole.SIGNAL):
        assert propose(role, [_result(Status.ADVISORY)]) is None
        assert propose(role, [_result(Status.ADVISORY), _result(Status.PASS)]) is None
        assert propose(role, [_result(Status.ADVISORY), _result(Status.FAIL)]) is Proposal.NOT_MET
    assert propose(EvidenceRole.VERDICT, [_result(Status.PASS)]) is Proposal.MET


@given(
    st.lists(st.sampled_from(list(Status)), max_size=6),
    st.sampled_from(list(EvidenceRole)),
)
def test_not_met_is_proposed_exactly_when_a_check_fails(statuses, role):
    """Whatever the advisories, "not met" comes only from a FAIL (never an ADVISORY)."""
    results = [_result(s) for s in statuses]
    proposal = propose(role, results)
    wants_not_met = Status.FAIL in statuses and role is not EvidenceRole.MANUAL
    assert (proposal is Proposal.NOT_MET) == wants_not_met
    if Status.ADVISORY in statuses:
        assert proposal is not Proposal.MET
    without = [_result(s) for s in statuses if s is not Status.ADVISORY]
    if propose(role, without) is not Proposal.MET:
        assert proposal == propose(role, without)


def test_summary_says_not_in_place():
    assert summarize([_result(Status.ADVISORY), _result(Status.PASS)]) == (
        "advisory: 1 not in place"
    )
    assert summarize([_result(Status.ADVISORY), _result(Status.FAIL)]) == "1 of 1 fail"


# --- report: JSON and --fail-on -----------------------------------------------------------


def _scan(*results: CheckResult) -> ScanResult:
    return ScanResult("123456789012", ("eu-west-1",), datetime.now(UTC), 1.0, results)


def test_scan_json_and_fail_on_keep_advisories_apart():
    pillar = security_pillar()
    bp = "SEC07-BP04"  # High risk
    assert pillar.best_practice(bp).risk.value == "High"
    scan = _scan(_result(Status.ADVISORY, "s3.lifecycle", bp), _result(Status.PASS, "a.b", bp))
    data = scan_json(scan, pillar)
    assert [c["status"] for c in data["checks"]] == ["ADVISORY", "PASS"]
    assert data["checks"][0]["resources"][0]["status"] == "ADVISORY"
    assert data["best_practices"][bp]["proposal"] is None
    assert not fail_on_met(scan, pillar, "high")
    assert not fail_on_met(scan, pillar, "medium")
    failing = _scan(_result(Status.ADVISORY, "s3.lifecycle", bp), _result(Status.FAIL, "a", bp))
    assert fail_on_met(failing, pillar, "high")
    assert ScanResult.from_dict(scan.to_dict()).results == scan.results


def test_scan_table_shows_advisories_apart_from_failures():
    from rich.console import Console

    from cli.commands.scan import render_table

    out = io.StringIO()
    scan = _scan(_result(Status.ADVISORY, "s3.lifecycle"), _result(Status.FAIL, "s3.bad"))
    render_table(scan, Console(file=out, width=200, color_system=None))
    text = out.getvalue()
    advisory_row = next(line for line in text.splitlines() if "s3.lifecycle" in line)
    assert Status.ADVISORY.label in advisory_row and "FAIL" not in advisory_row
    assert "not in place: r2" in text
    assert "1 FAIL, 1 ADVISORY" in text


# --- the declarations and the README ------------------------------------------------------


def test_readme_lists_exactly_the_advisory_checks():
    """The README's advisory table names every advisory check, and only those."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### Advisory checks", 1)[1].split("\n### ", 1)[0]
    listed = set(re.findall(r"^\| `([a-z0-9_.]+)` \|", section, flags=re.M))
    declared = {c.id for c in all_checks() if c.advisory}
    assert declared, "no check is declared advisory"
    assert listed == declared


def test_the_stored_evidence_table_lists_exactly_the_advisory_checks():
    """checks.result.ADVISORY_CHECKS (how stored evidence is read) follows the declarations."""
    declared = {c.id for c in all_checks() if c.advisory}
    assert declared == ADVISORY_CHECKS, (
        "keep checks.result.ADVISORY_CHECKS equal to the checks declared advisory=True: "
        f"missing {sorted(declared - ADVISORY_CHECKS)}, extra {sorted(ADVISORY_CHECKS - declared)}"
    )


def test_a_stored_fail_of_an_advisory_check_is_read_as_advisory():
    old = CheckResult(
        "s3.lifecycle", "S3 buckets have an enabled lifecycle rule", "s3", ("SEC07-BP04",),
        "global", Status.FAIL, "1 of 2 failing", None, None,
        (Resource("arn:aws:s3:::a", Status.FAIL, "no lifecycle configuration"),
         Resource("arn:aws:s3:::b", Status.PASS, "1 enabled lifecycle rule(s)")),
    )  # fmt: skip
    loaded = CheckResult.from_dict(old.to_dict())
    assert loaded.status is Status.ADVISORY
    assert loaded.reason == "1 of 2 not in place (advisory)"
    assert [r.status for r in loaded.resources] == [Status.ADVISORY, Status.PASS]
    assert propose(EvidenceRole.VERDICT, [loaded]) is None
    # what a check that is not advisory found stays what it was, and so does a pass
    real = replace(old, check_id="s3.bucket_public")
    assert CheckResult.from_dict(real.to_dict()) == real
    passing = replace(old, status=Status.PASS, resources=old.resources[1:])
    assert CheckResult.from_dict(passing.to_dict()) == passing
    # Security Hub findings are never remapped by pillar's own check ids
    hub = replace(old, source=Source.SECURITY_HUB)
    assert CheckResult.from_dict(hub.to_dict()).status is Status.FAIL
