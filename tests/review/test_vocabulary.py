"""One vocabulary for every front end and export: complete, and one default per role."""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from typing import Any

import pytest

from checks.result import Status
from review import vocabulary
from review.model import Answer, AnswerSource, AnswerStatus, NotApplicableReason
from review.risk import QuestionRisk


@pytest.mark.parametrize(
    ("labels", "kind"),
    [
        (vocabulary.ANSWER_LABEL, AnswerStatus),
        (vocabulary.ANSWER_TITLE, AnswerStatus),
        (vocabulary.ANSWER_MARK, AnswerStatus),
        (vocabulary.REASON_LABEL, NotApplicableReason),
        (vocabulary.QUESTION_RISK_LABEL, QuestionRisk),
        (vocabulary.QUESTION_RISK_BADGE, QuestionRisk),
        (vocabulary.QUESTION_RISK_PHRASE, QuestionRisk),
    ],
)
def test_every_value_has_a_distinct_label(labels: Mapping[Any, str], kind: type) -> None:
    mapping = dict(labels)
    assert set(mapping) == set(kind)
    assert all(text.strip() for text in mapping.values())
    assert len(set(mapping.values())) == len(mapping)


def test_table_titles_are_the_sentence_words_capitalised() -> None:
    assert vocabulary.ANSWER_TITLE[AnswerStatus.NOT_MET] == "Not met"
    assert vocabulary.ANSWER_LABEL[AnswerStatus.NOT_MET] == "not met"


def test_reason_choice_names_the_wa_tool_code() -> None:
    choice = vocabulary.reason_choice(NotApplicableReason.OUT_OF_SCOPE)
    assert choice == "Out of scope (OUT_OF_SCOPE)"


def test_check_status_labels() -> None:
    assert Status.NOT_APPLICABLE.label == "N/A"
    assert all(s.label == s.value for s in Status if s is not Status.NOT_APPLICABLE)


def test_the_person_at_the_terminal_is_the_login_name() -> None:
    assert vocabulary.person_at_terminal() == getpass.getuser()


def test_without_a_login_name_the_author_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_user() -> str:
        raise OSError("no user")

    monkeypatch.setattr(getpass, "getuser", no_user)
    assert vocabulary.person_at_terminal() == vocabulary.UNKNOWN_PERSON


def test_the_scan_is_never_an_author_alone() -> None:
    assert vocabulary.scan_acceptance("sam") == "sam (pillar scan)"


def test_an_accepted_proposal_without_author_names_the_unknown_person() -> None:
    answer = Answer("SEC01-BP01", AnswerStatus.MET, source=AnswerSource.EVIDENCE)
    assert answer.source_label == f"evidence (accepted by {vocabulary.UNKNOWN_PERSON})"
    assert vocabulary.THE_ROOM != vocabulary.UNKNOWN_PERSON
