"""The bank loader: the shipped bank is complete and every broken file gives one clear error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from questions import BankError, EvidenceRole, Risk, load_pillar, security_pillar
from questions.loader import BANK_DIR

REFERENCE = json.loads(
    (Path(__file__).parent / "fixtures" / "reference-ids.json").read_text(encoding="utf-8")
)


def test_shipped_bank_has_all_questions_and_best_practices() -> None:
    pillar = security_pillar()
    assert [q.id for q in pillar.questions] == [f"SEC{n:02d}" for n in range(1, 12)]
    assert pillar.best_practice_count == 63
    expected = {bp: title for q in REFERENCE for bp, title in q["best_practices"].items()}
    assert {bp.id for bp in pillar.best_practices()} == set(expected)


def test_every_best_practice_is_complete() -> None:
    for bp in security_pillar().best_practices():
        assert bp.risk in Risk
        assert bp.risk_source.startswith("https://")
        assert 3 <= len(bp.steps) <= 6, bp.id
        assert bp.links and all(link.startswith("https://") for link in bp.links), bp.id
        assert bp.evidence_role in EvidenceRole
        sentences = bp.description.count(". ") + 1
        assert 2 <= sentences <= 5, (bp.id, bp.description)


def test_questions_have_prompts_and_areas_in_order() -> None:
    pillar = security_pillar()
    for question in pillar.questions:
        assert 2 <= len(question.prompts) <= 4
        assert question.why_it_matters
    assert pillar.areas[0].name == "Security foundations"
    assert pillar.question("sec02").area == "Identity and access management"
    assert pillar.question("SEC01").classic_area is None
    assert pillar.question("SEC11").classic_area is None


@pytest.fixture
def bank_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "bank"
    shutil.copytree(BANK_DIR, folder)
    return folder


def _replace(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file.name}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "sec02.toml",
            'risk = "High"',
            'risk = "Severe"',
            "best_practices[0].risk: must be one of",
        ),
        ("sec03.toml", 'effort = "', 'effort = "huge', "effort: must be one of"),
        ("sec04.toml", 'id = "SEC04-BP02"', 'id = "SEC04-BP01"', "appears twice"),
        ("sec05.toml", 'links = [\n  "https://', 'links = [\n  "http://', "is not an https link"),
        ("sec06.toml", "title = ", "titel = ", "title: is required but missing"),
        ("sec07.toml", 'id = "SEC07"', 'id = "SEC7"', "id: 'SEC7' does not have the expected form"),
        ("sec01.toml", 'area = "Security foundations"', 'area = "Nowhere"', "area: 'Nowhere'"),
        (
            "sec08.toml",
            "[[best_practices]]",
            "[[best_practices]]\nbogus = 1",
            "bogus: is not a known",
        ),
        ("sec09.toml", 'id = "SEC09-BP02"', 'id = "SEC08-BP02"', "does not belong to question"),
    ],
)
def test_malformed_file_names_file_and_field(
    bank_copy: Path, file: str, old: str, new: str, message: str
) -> None:
    _replace(bank_copy / file, old, new)
    with pytest.raises(BankError) as caught:
        load_pillar(bank_copy)
    assert caught.value.file.name == file
    assert message in str(caught.value)
    assert "Traceback" not in str(caught.value)


def test_invalid_toml_is_reported_with_file_name(bank_copy: Path) -> None:
    (bank_copy / "sec10.toml").write_text('id = "SEC10"\ntitle = \n', encoding="utf-8")
    with pytest.raises(BankError, match=r"sec10\.toml: is not valid TOML"):
        load_pillar(bank_copy)


def test_missing_question_file_is_reported(bank_copy: Path) -> None:
    (bank_copy / "sec05.toml").unlink()
    with pytest.raises(BankError, match="not numbered SEC01"):
        load_pillar(bank_copy)


def test_wrong_step_count_is_reported(bank_copy: Path) -> None:
    text = (bank_copy / "sec11.toml").read_text(encoding="utf-8")
    start = text.index("steps = [")
    end = text.index("]", start)
    (bank_copy / "sec11.toml").write_text(
        text[:start] + 'steps = ["only one"]' + text[end + 1 :], encoding="utf-8"
    )
    with pytest.raises(BankError, match=r"steps: must have 3 to 6 items \(has 1\)"):
        load_pillar(bank_copy)


def test_titles_match_the_reference_record() -> None:
    pillar = security_pillar()
    for question in REFERENCE:
        for bp_id, title in question["best_practices"].items():
            assert pillar.best_practice(bp_id).title == title, bp_id


NONE_CHOICES = {
    "SEC01": "sec_securely_operate_no",
    "SEC02": "sec_identities_no",
    "SEC03": "sec_permissions_no",
    "SEC04": "sec_detect_investigate_events_no",
    "SEC05": "sec_network_protection_no",
    "SEC06": "sec_protect_compute_no",
    "SEC07": "sec_data_classification_no",
    "SEC08": "sec_protect_data_rest_no",
    "SEC09": "sec_protect_data_transit_no",
    "SEC10": "sec_incident_response_no",
    "SEC11": "sec_appsec_no",
}


def test_every_question_has_its_wa_tool_none_of_these_choice() -> None:
    pillar = security_pillar()
    assert {q.id: q.none_choice_id for q in pillar.questions} == NONE_CHOICES
    for question in pillar.questions:
        choices = [bp.choice_id for bp in question.best_practices]
        assert all(choices), question.id
        assert len(set(choices)) == len(choices)
        assert question.none_choice_id not in choices
        bp = question.best_practices[-1]
        assert question.best_practice_of_choice(str(bp.choice_id)) is bp
        assert question.best_practice_of_choice(str(question.none_choice_id)) is None


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'none_choice_id = "sec_identities_no"',
            'none_choice_id = "Sec Identities"',
            "none_choice_id: 'Sec Identities' does not have the expected form",
        ),
        (
            'none_choice_id = "sec_identities_no"',
            'none_choice_id = "sec_identities_unique"',
            "none_choice_id: 'sec_identities_unique' is also a best practice's choice_id",
        ),
        (
            'choice_id = "sec_identities_unique"',
            'choice_id = "sec_identities_enforce_mechanisms"',
            "two best practices have the same choice_id",
        ),
    ],
)
def test_bad_choice_ids_are_reported(bank_copy: Path, old: str, new: str, message: str) -> None:
    _replace(bank_copy / "sec02.toml", old, new)
    with pytest.raises(BankError) as caught:
        load_pillar(bank_copy)
    assert caught.value.file.name == "sec02.toml"
    assert message in str(caught.value)
