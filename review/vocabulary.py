"""The words every front end and export uses for answers, risks and the people behind them.

One place for the labels of answer statuses, question risks and not-applicable reasons, and
for who is named as the author of an answer when no one is named. Colours and styles stay
with each front end; the words are here. Check statuses are labelled by `Status.label` and
their causes by `CAUSE_LABEL`, beside their types in `checks.result`; the id forms live in
`questions.ids`. Both are re-exported here so a front end finds every word in one module.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from types import MappingProxyType

from checks.result import CAUSE_LABEL, Status
from questions.ids import BP_ID, QUESTION_ID, question_id_from_ref
from review.model import THE_ROOM, UNKNOWN_PERSON, AnswerStatus, NotApplicableReason
from review.risk import QuestionRisk

__all__ = [
    "ANSWER_LABEL",
    "ANSWER_MARK",
    "ANSWER_TITLE",
    "BP_ID",
    "CAUSE_LABEL",
    "QUESTION_ID",
    "QUESTION_RISK_BADGE",
    "QUESTION_RISK_LABEL",
    "QUESTION_RISK_PHRASE",
    "REASON_LABEL",
    "SCAN_AUTHOR",
    "THE_ROOM",
    "UNKNOWN_PERSON",
    "Status",
    "person_at_terminal",
    "question_id_from_ref",
    "reason_choice",
    "scan_acceptance",
]

# --- answers ------------------------------------------------------------------------------

ANSWER_LABEL: Mapping[AnswerStatus, str] = MappingProxyType(
    {
        AnswerStatus.MET: "met",
        AnswerStatus.NOT_MET: "not met",
        AnswerStatus.NOT_APPLICABLE: "not applicable",
        AnswerStatus.UNANSWERED: "unanswered",
    }
)
"""An answer's status in words, as in a sentence ("SEC03-BP01 not met")."""

ANSWER_TITLE: Mapping[AnswerStatus, str] = MappingProxyType(
    {status: label.capitalize() for status, label in ANSWER_LABEL.items()}
)
"""The same words for a table cell or a heading ("Not met")."""

ANSWER_MARK: Mapping[AnswerStatus, str] = MappingProxyType(
    {
        AnswerStatus.MET: "✓ met",
        AnswerStatus.NOT_MET: "✗ no",
        AnswerStatus.NOT_APPLICABLE: "– n/a",
        AnswerStatus.UNANSWERED: "? —",
    }
)
"""A short mark for narrow columns; a symbol and a word, so nothing depends on colour."""

REASON_LABEL: Mapping[NotApplicableReason, str] = MappingProxyType(
    {
        NotApplicableReason.OUT_OF_SCOPE: "Out of scope",
        NotApplicableReason.BUSINESS_PRIORITIES: "Business priorities",
        NotApplicableReason.ARCHITECTURE_CONSTRAINTS: "Architecture constraints",
        NotApplicableReason.OTHER: "Other",
        NotApplicableReason.NONE: "No reason given",
    }
)
"""Why something does not apply, in the AWS WA Tool's reason set and order."""


def reason_choice(reason: NotApplicableReason) -> str:
    """A reason with the WA Tool's code, for lists where people may know the code."""
    return f"{REASON_LABEL[reason]} ({reason.value})"


# --- question risk ------------------------------------------------------------------------

QUESTION_RISK_LABEL: Mapping[QuestionRisk, str] = MappingProxyType(
    {
        QuestionRisk.HIGH: "High",
        QuestionRisk.MEDIUM: "Medium",
        QuestionRisk.NONE: "No risk",
        QuestionRisk.NOT_APPLICABLE: "Not applicable",
        QuestionRisk.UNANSWERED: "Unanswered",
    }
)
"""A question's risk for a table cell or a heading."""

QUESTION_RISK_BADGE: Mapping[QuestionRisk, str] = MappingProxyType(
    {
        QuestionRisk.HIGH: "HIGH",
        QuestionRisk.MEDIUM: "MEDIUM",
        QuestionRisk.NONE: "NONE",
        QuestionRisk.NOT_APPLICABLE: "N/A",
        QuestionRisk.UNANSWERED: "—",
    }
)
"""A question's risk as a short badge (the app's question list)."""

QUESTION_RISK_PHRASE: Mapping[QuestionRisk, str] = MappingProxyType(
    {
        QuestionRisk.HIGH: "high risk",
        QuestionRisk.MEDIUM: "medium risk",
        QuestionRisk.NONE: "no risk found",
        QuestionRisk.NOT_APPLICABLE: "does not apply",
        QuestionRisk.UNANSWERED: "not answered yet",
    }
)
"""A question's risk inside a sentence ("Now: high risk, 2 of 5 answered")."""

# --- who answered -------------------------------------------------------------------------
# Three roles, three names:
# - a person: whoever runs pillar, by login name (`person_at_terminal`), or a name given
#   with `--by` or picked in the app;
# - THE_ROOM: the whole group, in a workshop, when the facilitator picks no participant;
# - the scan (SCAN_AUTHOR): never an author on its own. Evidence only proposes; a proposal
#   accepted by `pillar scan --review` is recorded as accepted by the person who ran it,
#   marked "(pillar scan)" (`scan_acceptance`).
# UNKNOWN_PERSON is what is shown when the author is not known: an answer stored without
# one, or a login name that cannot be read (a container with no user entry).
# Answers pulled from the AWS Well-Architected Tool are by `review.watool.sync.WA_TOOL`.

SCAN_AUTHOR = "pillar scan"


def person_at_terminal() -> str:
    """The login name of whoever runs pillar, or UNKNOWN_PERSON when there is none."""
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers without a user entry)
        return UNKNOWN_PERSON


def scan_acceptance(person: str) -> str:
    """The `by` of answers a scan filled from its proposals on `person`'s command."""
    return f"{person} ({SCAN_AUTHOR})"
