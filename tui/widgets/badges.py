"""Small pieces of styled text shared by screens: answer marks, risk badges, proposals.

State is always spelled out in text (✓ met, ✗ no, – n/a, ? —) so nothing depends on colour.
"""

from __future__ import annotations

from rich.text import Text

from checks.result import Proposal, Status
from questions import Risk
from review.model import AnswerStatus
from review.risk import QuestionRisk
from review.text import safe_line
from review.vocabulary import ANSWER_MARK, QUESTION_RISK_BADGE

ANSWER_STYLE: dict[AnswerStatus, str] = {
    AnswerStatus.MET: "bold green",
    AnswerStatus.NOT_MET: "bold red",
    AnswerStatus.NOT_APPLICABLE: "dim",
    AnswerStatus.UNANSWERED: "dim",
}

RISK_STYLE: dict[Risk, str] = {
    Risk.HIGH: "bold red",
    Risk.MEDIUM: "bold yellow",
    Risk.LOW: "cyan",
}

QUESTION_RISK_STYLE: dict[QuestionRisk, str] = {
    QuestionRisk.HIGH: "bold red",
    QuestionRisk.MEDIUM: "bold yellow",
    QuestionRisk.NONE: "green",
    QuestionRisk.NOT_APPLICABLE: "dim",
    QuestionRisk.UNANSWERED: "dim",
}

STATUS_STYLE: dict[Status, str] = {
    Status.PASS: "bold green",
    Status.FAIL: "bold red",
    Status.NOT_APPLICABLE: "dim",
    Status.UNKNOWN: "bold yellow",
    Status.ADVISORY: "bold cyan",
}


def _styled(text: str, style: str) -> Text:
    return Text(text, style=style)


def answer_mark(status: AnswerStatus) -> Text:
    return _styled(ANSWER_MARK[status], ANSWER_STYLE[status])


def risk_badge(risk: Risk) -> Text:
    return _styled(risk.value, RISK_STYLE[risk])


def question_risk_badge(risk: QuestionRisk) -> Text:
    return _styled(QUESTION_RISK_BADGE[risk], QUESTION_RISK_STYLE[risk])


def status_badge(status: Status) -> Text:
    return _styled(status.label, STATUS_STYLE[status])


def proposal_text(proposal: Proposal | None, summary: str) -> Text:
    """The evidence column: '✓ proposed met', '✗ 3 of 12 fail', '? unknown: …'."""
    if proposal is Proposal.MET:
        return _styled(f"✓ {summary}", "green")
    if proposal is Proposal.NOT_MET:
        return _styled(f"✗ {summary}", "red")
    if summary.startswith("advisory"):
        return _styled(summary, "cyan")
    return _styled(summary, "dim" if summary.startswith("(") else "yellow")


def untrusted(text: str, limit: int | None = None, style: str = "") -> Text:
    """Untrusted text (AWS names, notes) as a Text: no markup, no control characters."""
    return Text(safe_line(text, limit), style=style)
