"""A fixed bank and a fixed review for the plan and export tests (golden files use them).

The bank is built in code so golden files do not change when the real bank's wording does.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from checks.result import AccountState, AccountStatus, CheckResult, Resource, ScanResult, Status
from questions import Area, BestPractice, Effort, EvidenceRole, Pillar, Question, Risk
from review.model import (
    AgendaItem,
    Answer,
    AnswerSource,
    AnswerStatus,
    Milestone,
    NotApplicableReason,
    ParkedItem,
    Participant,
    QuestionState,
    Responses,
    Review,
    Workshop,
)
from review.plan import ItemStatus, PlanTracking

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
T1 = datetime(2026, 11, 16, 14, 30, tzinfo=UTC)
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

# question id -> (area, title, [(risk, effort, title)])
BANK: dict[str, tuple[str, str, list[tuple[Risk, Effort, str]]]] = {
    "SEC02": (
        "Identity and access management",
        "How do you manage authentication for people and machines?",
        [
            (Risk.HIGH, Effort.LOW, "Use strong sign-in mechanisms"),
            (Risk.MEDIUM, Effort.MEDIUM, "Use temporary credentials"),
        ],
    ),
    "SEC03": (
        "Identity and access management",
        "How do you manage permissions for people and machines?",
        [
            (Risk.HIGH, Effort.HIGH, "Define access requirements"),
            (Risk.LOW, Effort.MEDIUM, "Share resources securely"),
        ],
    ),
    "SEC08": (
        "Data protection",
        "How do you protect your data at rest?",
        [
            (Risk.MEDIUM, Effort.LOW, "Enforce encryption at rest"),
            (Risk.LOW, Effort.LOW, "Use mechanisms to keep people away from data"),
            (Risk.LOW, Effort.MEDIUM, "Automate data at rest protection"),
        ],
    ),
    "SEC09": (
        "Data protection",
        "How do you protect your data in transit?",
        [(Risk.HIGH, Effort.MEDIUM, "Enforce encryption in transit")],
    ),
}


def build_bank() -> Pillar:
    areas: dict[str, list[Question]] = {}
    for qid, (area, title, bps) in BANK.items():
        practices = tuple(
            BestPractice(
                id=f"{qid}-BP{n:02d}",
                question_id=qid,
                title=bp_title,
                risk=risk,
                risk_source="https://docs.aws.amazon.com/wellarchitected/latest/x",
                risk_verified=True,
                choice_id=None,
                description="A description.",
                evidence=("What a check looks at.",),
                evidence_role=EvidenceRole.VERDICT,
                steps=(f"First step for {bp_title.lower()}.", "Second step."),
                effort=effort,
                links=(f"https://docs.aws.amazon.com/wellarchitected/latest/{qid}-{n}.html",),
            )
            for n, (risk, effort, bp_title) in enumerate(bps, start=1)
        )
        areas.setdefault(area, []).append(
            Question(
                id=qid,
                wa_question_id=qid.lower(),
                area=area,
                classic_area=None,
                title=title,
                why_it_matters="It matters.",
                prompts=("A prompt?",),
                best_practices=practices,
                source="https://docs.aws.amazon.com/wellarchitected/latest/x",
            )
        )
    return Pillar(
        id="security",
        name="Security Pillar (test bank)",
        revision="test-1",
        revision_note="",
        source="https://docs.aws.amazon.com/wellarchitected/latest/x",
        areas=tuple(Area(name, tuple(qs)) for name, qs in areas.items()),
    )


def build_scan(mfa_users: int = 12) -> ScanResult:
    users = (
        *tuple(
            Resource(f"arn:aws:iam::111122223333:user/dev-{i:02d}", Status.FAIL, "no MFA device")
            for i in range(mfa_users)
        ),
        Resource("arn:aws:iam::111122223333:user/admin", Status.PASS, "MFA enabled"),
    )
    return ScanResult(
        account_id="111122223333",
        regions=("eu-west-1",),
        started_at=T1,
        duration_s=12.5,
        results=(
            CheckResult(
                "iam.user_mfa",
                "IAM users have MFA",
                "iam",
                ("SEC02-BP01",),
                "global",
                Status.FAIL,
                resources=users,
            ),
            CheckResult(
                "iam.root_mfa",
                "Root user has MFA",
                "iam",
                ("SEC02-BP01",),
                "global",
                Status.PASS,
                resources=(Resource("root", Status.PASS, "hardware MFA"),),
            ),
            CheckResult(
                "ram.external_shares",
                "No resource shares outside the organization",
                "ram",
                ("SEC03-BP02",),
                "eu-west-1",
                Status.FAIL,
                resources=(
                    Resource(
                        "arn:aws:ram:eu-west-1:111122223333:resource-share/| pipe `x`",
                        Status.FAIL,
                        "shared with 444455556666",
                    ),
                ),
            ),
            CheckResult(
                "s3.default_encryption",
                "S3 buckets encrypt by default",
                "s3",
                ("SEC08-BP01", "SEC08-BP03"),
                "eu-west-1",
                Status.UNKNOWN,
                reason="AccessDenied on s3:GetEncryptionConfiguration",
            ),
        ),
    )


# Account names come from the organization: untrusted text. These break Markdown tables,
# links, HTML, Rich markup and terminals if anything shows them unescaped.
HOSTILE_NAME = "[bold]prod|b[/bold] `x` <script>alert(1)</script> [link](http://evil)\n# head"
MARKUP_NAME = "[link=https://evil.example]click[/link]\x1b[31m red"
LONG_NAME = "long-" + "x" * 300
NOT_SCANNED_CAUSE = "could not assume OrganizationAccountAccessRole: AccessDenied | `sts`"
ACCOUNTS = (
    AccountStatus("111111111111", "prod-a"),
    AccountStatus("222222222222", HOSTILE_NAME),
    AccountStatus("333333333333", MARKUP_NAME),
    AccountStatus("444444444444", LONG_NAME, AccountState.NOT_SCANNED, NOT_SCANNED_CAUSE),
    AccountStatus("555555555555", ""),
)


def build_multi_account_scan(accounts: tuple[AccountStatus, ...] = ACCOUNTS) -> ScanResult:
    """Five accounts: user MFA fails in two, root MFA in one, one account undecided (access
    denied), one not scanned (its role could not be assumed), hostile names."""
    a, b, c, _, e = (s.account_id for s in accounts)

    def users(account: str, failing: int) -> tuple[Resource, ...]:
        return (
            *(
                Resource(f"arn:aws:iam::{account}:user/dev-{i}", Status.FAIL, "no MFA device")
                for i in range(failing)
            ),
            Resource(f"arn:aws:iam::{account}:user/admin", Status.PASS, "MFA enabled"),
        )

    def result(check: str, account: str, status: Status, **kw: object) -> CheckResult:
        titles = {
            "iam.user_mfa": ("IAM users have MFA", ("SEC02-BP01",), "global"),
            "iam.root_mfa": ("Root user has MFA", ("SEC02-BP01",), "global"),
            "s3.default_encryption": (
                "S3 buckets encrypt by default",
                ("SEC08-BP01", "SEC08-BP03"),
                "eu-west-1",
            ),
        }
        title, bps, region = titles[check]
        return CheckResult(
            check, title, check.split(".")[0], bps, region, status, account_id=account, **kw
        )  # type: ignore[arg-type]

    results = (
        result("iam.root_mfa", a, Status.PASS, resources=(Resource("root", Status.PASS, "MFA"),)),
        result("iam.root_mfa", b, Status.FAIL, resources=(Resource("root", Status.FAIL, "none"),)),
        result("iam.root_mfa", c, Status.PASS, resources=(Resource("root", Status.PASS, "MFA"),)),
        result("iam.root_mfa", e, Status.UNKNOWN, reason="AccessDenied on iam:GetAccountSummary"),
        result("iam.user_mfa", a, Status.FAIL, resources=users(a, 3)),
        result("iam.user_mfa", b, Status.FAIL, resources=users(b, 1)),
        result("iam.user_mfa", c, Status.PASS, resources=users(c, 0)),
        result("iam.user_mfa", e, Status.PASS, resources=users(e, 0)),
        result("s3.default_encryption", a, Status.PASS),
        result("s3.default_encryption", b, Status.PASS),
        result("s3.default_encryption", c, Status.PASS),
        result("s3.default_encryption", e, Status.PASS),
    )
    return ScanResult(
        account_id=a,
        regions=("eu-west-1",),
        started_at=T1,
        duration_s=61.0,
        results=results,
        accounts=accounts,
    )


def build_review(pillar: Pillar) -> Review:
    del pillar
    answers = (
        Answer(
            "SEC02-BP01",
            AnswerStatus.NOT_MET,
            note="Developers share one `root` login | "
            "see <ticket> [link](http://x)\n# not a heading",
            by="Alex",
            at=T1,
            source=AnswerSource.EVIDENCE,
        ),
        Answer(
            "SEC02-BP02", AnswerStatus.NOT_MET, note="CI uses long-lived keys.", by="Sam", at=T1
        ),
        Answer("SEC03-BP01", AnswerStatus.MET, by="Sam", at=T1),
        Answer("SEC08-BP01", AnswerStatus.NOT_MET, by="Alex", at=T1),
        Answer("SEC08-BP02", AnswerStatus.NOT_MET, by="Alex", at=T1, note='=HYPERLINK("x")'),
        Answer(
            "SEC08-BP03",
            AnswerStatus.NOT_APPLICABLE,
            NotApplicableReason.OUT_OF_SCOPE,
            note="No data at rest in this workload.",
            by="Alex",
            at=T1,
        ),
    )
    states = (
        QuestionState("SEC08", notes="Buckets are owned by the data team."),
        QuestionState(
            "SEC09", does_not_apply=True, reason=NotApplicableReason.ARCHITECTURE_CONSTRAINTS
        ),
    )
    kickoff = Milestone(
        "kick-off",
        T0,
        "test-1",
        Responses(
            (
                Answer("SEC02-BP01", AnswerStatus.NOT_MET, by="Alex", at=T0),
                Answer("SEC03-BP01", AnswerStatus.NOT_MET, by="Sam", at=T0),
            )
        ),
    )
    # One ended workshop session on the day most answers were given, one running now.
    first = Workshop(
        started_at=T1 - timedelta(hours=2),
        length_minutes=120,
        agenda=(AgendaItem("SEC02", 40.0), AgendaItem("SEC03", 30.0), AgendaItem("SEC08", 38.0)),
        spent=(("SEC02", 3000.0), ("SEC03", 1260.0), ("SEC08", 2730.0)),
        ended_at=T1 + timedelta(minutes=5),
        decided_by="Dana Ortiz",
        answered_at_start=1,
        risks_at_start=(0, 0),
        answered_at_end=7,
        risks_at_end=(1, 1),
    )
    second = Workshop(
        started_at=NOW - timedelta(hours=1),
        length_minutes=60,
        agenda=(AgendaItem("SEC08", 20.0), AgendaItem("SEC09", 34.0)),
        spent=(("SEC08", 1800.0),),
        current="SEC09",
        current_since=NOW - timedelta(minutes=30),
        answered_at_start=7,
        risks_at_start=(1, 1),
    )
    parked = (
        ParkedItem(
            "P1",
            "SEC02",
            "Find out who still uses the root user's access keys.",
            "Sam Lee",
            T1 - timedelta(minutes=70),
            "Dana Ortiz",
        ),
        ParkedItem(
            "P2",
            "SEC08",
            "Ask the data team which buckets hold card data.\nList them in the runbook.",
            "",
            T1 - timedelta(minutes=30),
            "the room",
        ),
    )
    return Review(
        id="0123456789abcdef0123456789abcdef",
        name="Payments API",
        created_at=T0,
        updated_at=T1,
        description="Card payments for the web shop.",
        owner="Dana Ortiz",
        account_ids=("111122223333",),
        regions=("eu-west-1",),
        bank_revision="test-1",
        participants=(
            Participant("Dana Ortiz", "Workload owner"),
            Participant("Alex Kim", "Developer"),
            Participant("Sam Lee"),
        ),
        notes="Scope: the API and its data stores.",
        responses=Responses(answers, states),
        milestones=(kickoff,),
        evidence=build_scan(),
        plan=(
            PlanTracking("P2", "Alex Kim", date(2026, 12, 20), ItemStatus.OPEN),
            PlanTracking("SEC02-BP01", "Alex Kim", date(2026, 12, 15), ItemStatus.IN_PROGRESS),
            PlanTracking("SEC08-BP01", "Sam Lee", None, ItemStatus.DONE),
        ),
        workshops=(first, second),
        parking_lot=parked,
    )


@pytest.fixture(scope="session")
def bank() -> Pillar:
    return build_bank()


@pytest.fixture(scope="session")
def fixed_review(bank: Pillar) -> Review:
    return build_review(bank)


@pytest.fixture(scope="session")
def multi_account_review(fixed_review: Review) -> Review:
    """The fixed review with evidence from five accounts (see `build_multi_account_scan`)."""
    return replace(fixed_review, evidence=build_multi_account_scan())
