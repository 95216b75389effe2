"""Multi-account evidence in the plan and the exports: accounts table, per-account counts,
accounts named in the plan's "found" line, and hostile account names kept inert."""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from checks.result import AccountState, AccountStatus, CheckResult, Resource, ScanResult, Status
from questions import Pillar
from review.accounts import account_evidence, account_label, accounts_phrase, scan_accounts
from review.escape import md_cell
from review.export import (
    CSV_ACCOUNTS_COLUMN,
    CSV_COLUMNS,
    ExportFormat,
    csv_export,
    export,
    markdown_export,
)
from review.jsonio import review_from_json
from review.model import Review
from review.plan import build_plan

from .conftest import (
    ACCOUNTS,
    HOSTILE_NAME,
    LONG_NAME,
    MARKUP_NAME,
    NOT_SCANNED_CAUSE,
    T1,
    build_multi_account_scan,
)

GOLDEN = Path(__file__).parent.parent / "golden"
NOW = T1.replace(day=30)
UPDATE = os.environ.get("PILLAR_UPDATE_GOLDEN") == "1"
MD = MarkdownIt("commonmark").enable("table")


@pytest.mark.parametrize("fmt", [ExportFormat.MARKDOWN, ExportFormat.CSV])
def test_golden_files(bank: Pillar, multi_account_review: Review, fmt: ExportFormat) -> None:
    """Run with PILLAR_UPDATE_GOLDEN=1 to rewrite them (then read the diff)."""
    text = export(fmt, bank, multi_account_review, now=NOW)
    path = GOLDEN / f"accounts_review.{fmt.value}"
    if UPDATE:
        path.write_bytes(text.encode("utf-8"))
    assert text == path.read_bytes().decode("utf-8")


# --- review.accounts --------------------------------------------------------------------


def test_account_label_is_one_safe_cut_line() -> None:
    assert account_label(AccountStatus("111111111111", "prod-a")) == "prod-a 111111111111"
    assert account_label(AccountStatus("111111111111")) == "111111111111"
    hostile = account_label(AccountStatus("222222222222", HOSTILE_NAME))
    assert "\n" not in hostile and hostile.endswith(" 222222222222")
    long = account_label(AccountStatus("444444444444", LONG_NAME))
    assert len(long) == 40 + 1 + 12 and "…" in long
    assert "\x1b" not in account_label(AccountStatus("3", MARKUP_NAME))
    assert account_label(AccountStatus("4", LONG_NAME), None) == f"{LONG_NAME} 4"


def test_accounts_phrase_names_a_few_then_counts() -> None:
    accounts = [AccountStatus(f"{i:012d}", f"prod-{i}") for i in range(1, 4)]
    assert accounts_phrase(accounts, 40) == (
        "3 of 40 accounts (prod-1 000000000001, prod-2 000000000002, +1 more)"
    )
    assert accounts_phrase(accounts, 40, shown=None).count("prod-") == 3
    assert accounts_phrase(accounts[:1], 1) == "1 of 1 account (prod-1 000000000001)"
    assert accounts_phrase([], 5) == "0 of 5 accounts"


def test_account_evidence_counts_and_proposes_per_account(bank: Pillar) -> None:
    scan = build_multi_account_scan()
    found = account_evidence(scan, bank.best_practice("SEC02-BP01"))
    per = {e.account.account_id: e for e in found}
    assert list(per) == [a.account_id for a in ACCOUNTS]
    a, b, c, d, e = (per[s.account_id] for s in ACCOUNTS)
    assert (a.failed, a.passed, a.unknown) == (1, 1, 0)
    assert (b.failed, b.passed, b.unknown) == (2, 0, 0)
    assert (c.failed, c.passed, c.unknown) == (0, 2, 0)
    assert d.results == () and d.proposal is None and not d.account.scanned
    assert (e.failed, e.passed, e.unknown) == (0, 1, 1)
    assert [x.proposal.value if x.proposal else None for x in (a, b, c, e)] == [
        "not_met",
        "not_met",
        "met",
        None,
    ]
    assert b.counts_text() == "2 FAIL" and d.counts_text() == "no results"


def test_results_of_an_unlisted_account_get_an_entry(bank: Pillar) -> None:
    scan = build_multi_account_scan()
    stray = replace(scan.results[0], account_id="999999999999")
    merged = replace(scan, results=(*scan.results, stray))
    assert scan_accounts(merged)[-1] == AccountStatus("999999999999")
    per = account_evidence(merged, bank.best_practice("SEC02-BP01"))
    assert per[-1].account.account_id == "999999999999" and len(per[-1].results) == 1


# --- the plan ---------------------------------------------------------------------------


def _forty_accounts(failing: int) -> ScanResult:
    accounts = tuple(AccountStatus(f"{i:012d}", f"acct-{i}") for i in range(1, 41))
    results = tuple(
        CheckResult(
            "iam.root_mfa",
            "Root user has MFA",
            "iam",
            ("SEC02-BP01",),
            "global",
            Status.FAIL if i <= failing else Status.PASS,
            resources=(Resource("root", Status.FAIL if i <= failing else Status.PASS),),
            account_id=a.account_id,
        )
        for i, a in enumerate(accounts, start=1)
    )
    return ScanResult(accounts[0].account_id, ("eu-west-1",), T1, 1.0, results, accounts=accounts)


def test_plan_found_line_names_accounts_short_and_full(
    bank: Pillar, multi_account_review: Review
) -> None:
    review = replace(multi_account_review, evidence=_forty_accounts(3))
    item = build_plan(bank, review).item("SEC02-BP01")
    assert item.evidence.failing_accounts == review.evidence.accounts[:3]  # type: ignore[union-attr]
    assert item.evidence.text.startswith(
        "Failing: Root user has MFA (3 accounts); fails in 3 of 40 accounts "
        "(acct-1 000000000001, acct-2 000000000002, +1 more); 3 of 40 resources fail; "
        "e.g. root (000000000001), root (000000000002), root (000000000003)."
    )
    assert "acct-3 000000000003" in item.evidence.full_text
    assert "acct-3" in markdown_export(bank, review, now=NOW)
    # However many accounts fail, the plan screen's line stays short; exports name all.
    everywhere = build_plan(bank, replace(review, evidence=_forty_accounts(40)))
    evidence = everywhere.item("SEC02-BP01").evidence
    assert "fails in 40 of 40 accounts (acct-1 000000000001, acct-2 000000000002, +38 more)" in (
        evidence.text
    )
    assert len(evidence.text) < 240
    assert all(f"acct-{i} {i:012d}" in evidence.full_text for i in range(1, 41))


def test_plan_found_line_counts_only_scanned_accounts(
    bank: Pillar, multi_account_review: Review
) -> None:
    item = build_plan(bank, multi_account_review).item("SEC02-BP01")
    evidence = item.evidence
    assert evidence.accounts_scanned == 4 and evidence.accounts_not_scanned == 1
    assert [a.account_id for a in evidence.failing_accounts] == ["111111111111", "222222222222"]
    assert [c.accounts for c in evidence.failing_checks] == [1, 2]
    assert "fails in 2 of 4 scanned accounts" in evidence.text
    assert evidence.text.endswith("1 account not scanned.")
    assert "\n" not in evidence.text and "\n" not in evidence.full_text


def test_one_account_plan_line_names_no_account(bank: Pillar, fixed_review: Review) -> None:
    evidence = build_plan(bank, fixed_review).item("SEC02-BP01").evidence
    assert evidence.accounts_scanned == 0 and evidence.failing_accounts == ()
    assert "account" not in evidence.text and evidence.text == evidence.full_text


# --- Markdown ---------------------------------------------------------------------------


def _tables(text: str) -> list[list[int]]:
    tables: list[list[int]] = []
    for token in MD.parse(text):
        if token.type == "table_open":
            tables.append([])
        elif token.type == "tr_open":
            tables[-1].append(0)
        elif token.type in ("th_open", "td_open"):
            tables[-1][-1] += 1
    return tables


def _inline(text: str) -> list[Token]:
    return [child for token in MD.parse(text) for child in token.children or []]


def test_markdown_has_the_accounts_table(bank: Pillar, multi_account_review: Review) -> None:
    text = markdown_export(bank, multi_account_review, now=NOW)
    headings = [
        tokens.content for tokens in MD.parse(text) if tokens.type == "inline" and tokens.map
    ]
    assert "Accounts" in headings
    section = text.split("## Accounts\n", 1)[1].split("\n## ", 1)[0]
    assert "| Account | Name | Status | Failed | Passed | Unknown | Advisory |" in section
    assert "| 111111111111 | prod-a | scanned | 1 | 2 | 0 | 0 |" in section
    assert f"**not scanned**: {md_cell(NOT_SCANNED_CAUSE)}" in section
    assert "| 555555555555 | — | scanned | 0 | 2 | 1 | 0 |" in section
    assert "scan of 5 accounts (see Accounts) from account 111111111111" in text
    for rows in _tables(text):
        assert len(set(rows)) == 1, rows


def test_markdown_counts_accounts_per_best_practice(
    bank: Pillar, multi_account_review: Review
) -> None:
    text = markdown_export(bank, multi_account_review, now=NOW)
    sec02 = text.split("### SEC02 ", 1)[1].split("\n### ", 1)[0]
    by_account = sec02.split("Evidence by account:", 1)[1].split("Evidence:", 1)[0]
    row = next(line for line in by_account.splitlines() if line.startswith("| SEC02-BP01"))
    assert "| **not met** | 2 of 4 accounts |" in row
    assert "prod-a 111111111111: 1 failed, 1 passed, 0 unknown" in row
    assert "555555555555: 0 failed, 1 passed, 1 unknown" in row
    assert "no failure or unknown in 1 other account" in row
    assert "333333333333" not in row  # all passed: counted, not listed
    evidence = sec02.split("Evidence:", 1)[1]
    assert "| Check | Account | Best practices |" in evidence
    # one row per check, region and account (not merged across accounts)
    assert evidence.count("| Root user has MFA |") == 4
    assert evidence.count("| IAM users have MFA |") == 4


def test_markdown_keeps_hostile_account_names_inert(
    bank: Pillar, multi_account_review: Review
) -> None:
    text = markdown_export(bank, multi_account_review, now=NOW)
    assert "<script>" not in text and "\x1b" not in text
    assert "](http://evil)" not in text.replace("\\](http://evil)", "")  # only escaped
    for child in _inline(text):
        assert child.type not in ("image", "code_inline")
        if child.type == "html_inline":
            assert child.content == "<br>"
        if child.type == "link_open":
            assert str(child.attrs["href"]).startswith("https://docs.aws.amazon.com/")
    assert not any(line.startswith("# head") for line in text.splitlines())


NAMES = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "|",
                "\n",
                "`",
                "<b>",
                "[x](http://e)",
                "[bold]",
                "[/]",
                "# ",
                "- ",
                "\x1b[31m",
                "\u202e",
                "=1+1",
                "<br>",
                "\\",
            ]
        ),
        st.text(max_size=6),
    ),
    max_size=6,
).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=NAMES, cause=NAMES)
def test_hostile_account_names_cannot_break_the_exports(
    bank: Pillar, multi_account_review: Review, name: str, cause: str
) -> None:
    def with_names(account_name: str, account_cause: str) -> Review:
        accounts = tuple(
            replace(a, name=account_name, cause=account_cause if not a.scanned else "")
            for a in ACCOUNTS
        )
        return replace(multi_account_review, evidence=build_multi_account_scan(accounts))

    baseline = markdown_export(bank, with_names("plain", "plain cause"), now=NOW)
    hostile_review = with_names(name, cause)
    text = markdown_export(bank, hostile_review, now=NOW)
    assert _tables(text) == _tables(baseline)
    assert [t.type for t in MD.parse(text)] == [t.type for t in MD.parse(baseline)]
    for child in _inline(text):
        if child.type == "html_inline":
            assert child.content == "<br>"
        if child.type == "link_open":
            assert str(child.attrs["href"]).startswith("https://docs.aws.amazon.com/")
    assert "\x1b" not in text and "\u202e" not in text
    plan = build_plan(bank, hostile_review)
    rows = list(csv.reader(io.StringIO(csv_export(bank, hostile_review, plan=plan), newline="")))
    assert len(rows) == len(plan) + 1
    for row in rows[1:]:
        assert len(row) == len(CSV_COLUMNS) + 1
        for cell in row:
            assert not cell.lstrip().startswith(("=", "+", "-", "@"))
            assert "\x1b" not in cell


# --- CSV and JSON -----------------------------------------------------------------------


def test_csv_gets_an_accounts_column(bank: Pillar, multi_account_review: Review) -> None:
    rows = list(csv.reader(io.StringIO(csv_export(bank, multi_account_review), newline="")))
    assert rows[0] == [*CSV_COLUMNS, CSV_ACCOUNTS_COLUMN]
    by_id = {row[CSV_COLUMNS.index("Best practice")]: row for row in rows[1:]}
    accounts = by_id["SEC02-BP01"][-1].split("; ")
    assert accounts[0] == "prod-a 111111111111"
    assert accounts[1].endswith(" 222222222222") and "\n" not in accounts[1]
    assert by_id["SEC08-BP01"][-1] == ""


def test_one_account_csv_keeps_its_columns(bank: Pillar, fixed_review: Review) -> None:
    rows = list(csv.reader(io.StringIO(csv_export(bank, fixed_review), newline="")))
    assert rows[0] == list(CSV_COLUMNS)


def test_json_carries_accounts_and_each_results_account(
    bank: Pillar, multi_account_review: Review
) -> None:
    text = export(ExportFormat.JSON, bank, multi_account_review, now=NOW)
    evidence = json.loads(text)["review"]["evidence"]
    assert [a["account_id"] for a in evidence["accounts"]] == [a.account_id for a in ACCOUNTS]
    not_scanned = evidence["accounts"][3]
    assert not_scanned["status"] == AccountState.NOT_SCANNED.value
    assert not_scanned["cause"] == NOT_SCANNED_CAUSE and not_scanned["name"] == LONG_NAME
    assert evidence["accounts"][1]["name"] == HOSTILE_NAME
    assert all(c["account_id"] for c in evidence["checks"])
    assert "\x1b" not in text  # JSON escapes control characters
    assert review_from_json(text) == multi_account_review
