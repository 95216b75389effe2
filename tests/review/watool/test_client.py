"""The WA Tool client: allow-listed operations, pagination, errors as one sentence."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.stub import Stubber
from fake_watool import FakeWaTool, ServiceError

from review.watool.client import (
    ALLOWED,
    WRITES,
    SyncRefused,
    WaOptions,
    WaTool,
    WaToolError,
    iam_policy,
)

WID = "0123456789abcdef0123456789abcdef"


def test_other_writes_are_refused_before_they_are_sent(
    fake: tuple[FakeWaTool, str], wa: WaTool
) -> None:
    service, _ = fake
    sent: list[str] = []
    wa.client.meta.events.register("before-send", lambda request, **_: sent.append(request.url))
    with pytest.raises(SyncRefused, match="DeleteWorkload"):
        wa.client.delete_workload(WorkloadId=WID, ClientRequestToken="t")
    with pytest.raises(SyncRefused, match="UpdateWorkload"):
        wa.client.update_workload(WorkloadId=WID, WorkloadName="renamed")
    with pytest.raises(SyncRefused, match="UpgradeLensReview"):
        wa.client.upgrade_lens_review(
            WorkloadId=WID, LensAlias="wellarchitected", MilestoneName="m-1"
        )
    assert sent == [] and service.calls == []
    wa.list_workloads()  # an allowed call goes through
    assert len(sent) == 1 and service.calls == ["ListWorkloads"]


def test_the_allow_list_is_exactly_reads_and_four_writes() -> None:
    assert {"CreateWorkload", "UpdateAnswer", "CreateMilestone", "AssociateLenses"} == WRITES
    assert all(op.startswith(("Get", "List")) for op in ALLOWED - WRITES)
    policy = iam_policy()
    actions = {a for s in policy["Statement"] for a in s["Action"]}
    assert actions == {f"wellarchitected:{op}" for op in ALLOWED}
    json.dumps(policy)


def test_list_workloads_follows_every_page(fake: tuple[FakeWaTool, str], wa: WaTool) -> None:
    service, _ = fake
    for n in range(11):
        service.add_workload(f"workload {n:02d}")
    found = wa.list_workloads()
    assert sorted(w.name for w in found) == [f"workload {n:02d}" for n in range(11)]
    assert service.calls.count("ListWorkloads") == 3  # pages of 4
    assert all(w.region == "eu-west-1" for w in found)


def test_list_answers_follows_every_page(fake: tuple[FakeWaTool, str], wa: WaTool) -> None:
    service, _ = fake
    w = service.add_workload("Payments")
    remote = wa.answers(w.id)
    assert len(remote.answers) == 11 and len(remote.questions) == 11
    assert service.calls.count("ListAnswers") == 3  # 11 questions, pages of 4
    assert service.calls.count("GetAnswer") == 11  # notes are only in GetAnswer


def test_find_workload_by_id_arn_or_name(fake: tuple[FakeWaTool, str], wa: WaTool) -> None:
    service, _ = fake
    w = service.add_workload("Payments API")
    service.add_workload("Payments API v2")
    assert wa.find_workload(w.id).arn == w.arn
    assert wa.find_workload(w.arn).id == w.id
    assert wa.find_workload("Payments API").id == w.id
    with pytest.raises(WaToolError, match="no WA Tool workload named 'Nope'"):
        wa.find_workload("Nope")


def test_throttling_is_retried(fake: tuple[FakeWaTool, str], wa: WaTool) -> None:
    service, _ = fake
    service.throttle["ListWorkloads"] = 2
    assert wa.list_workloads() == ()
    assert service.calls.count("ListWorkloads") == 3


def test_throttling_past_retries_is_one_sentence(fake: tuple[FakeWaTool, str], wa: WaTool) -> None:
    service, _ = fake
    service.throttle["ListWorkloads"] = 10
    with pytest.raises(WaToolError) as caught:
        wa.list_workloads()
    assert str(caught.value).startswith(
        "the AWS WA Tool kept throttling wellarchitected:ListWorkloads after every retry"
    )
    assert service.calls.count("ListWorkloads") == 3  # max_attempts


@pytest.mark.parametrize(
    ("error", "message", "exit_code"),
    [
        (
            ServiceError(403, "AccessDeniedException", "User is not authorized"),
            "access denied to wellarchitected:GetWorkload: allow it for your AWS identity "
            "(`pillar iam-policy --sync` prints every action sync needs)",
            2,
        ),
        (
            ServiceError(400, "ValidationException", "Invalid workload id\x1b[31m"),
            "the AWS WA Tool refused wellarchitected:GetWorkload as invalid "
            "(Invalid workload id[31m)",
            1,
        ),
        (
            ServiceError(404, "ResourceNotFoundException", "Workload not found"),
            "the AWS WA Tool has no such resource for wellarchitected:GetWorkload "
            "(Workload not found); check the workload id, its region (--region) and your account",
            1,
        ),
    ],
)
def test_errors_are_one_sentence(
    fake: tuple[FakeWaTool, str], wa: WaTool, error: ServiceError, message: str, exit_code: int
) -> None:
    service, _ = fake
    service.errors["GetWorkload"] = error
    with pytest.raises(WaToolError) as caught:
        wa.workload(WID)
    assert str(caught.value) == message
    assert caught.value.exit_code == exit_code


def test_existing_milestone_name_is_one_clear_sentence(
    fake: tuple[FakeWaTool, str], wa: WaTool
) -> None:
    service, _ = fake
    w = service.add_workload("Payments")
    assert wa.create_milestone(w.id, "Q1 review") == 1
    with pytest.raises(WaToolError) as caught:
        wa.create_milestone(w.id, "Q1 review")
    assert str(caught.value) == (
        "the workload already has a milestone named 'Q1 review' (milestone names are unique); "
        "choose another --milestone name"
    )


def test_unreachable_endpoint_is_one_sentence(aws_env: None) -> None:
    wa = WaTool.connect(WaOptions(endpoint_url="http://127.0.0.1:9", max_attempts=1), "eu-west-1")
    with pytest.raises(
        WaToolError, match=r"^cannot reach the AWS WA Tool for wellarchitected:ListWorkloads"
    ):
        wa.list_workloads()


def test_update_answer_params_match_the_service_model(aws_env: None) -> None:
    """Stubber: the request pillar builds is validated against botocore's real model."""
    from questions import security_pillar
    from review.model import NotApplicableReason
    from review.watool.mapping import update_request, wa_answer

    wa = WaTool.connect(WaOptions(), "eu-west-1")
    question = security_pillar().question("SEC02")
    local = wa_answer(
        "identities",
        selected=["sec_identities_unique"],
        not_applicable=[("sec_identities_audit", NotApplicableReason.OUT_OF_SCOPE)],
        notes="n",
    )
    request = update_request(question, local, None)
    expected: dict[str, Any] = {
        "WorkloadId": WID,
        "LensAlias": "wellarchitected",
        "QuestionId": "identities",
        "IsApplicable": True,
        "Notes": "n",
        "SelectedChoices": ["sec_identities_unique"],
        "ChoiceUpdates": {
            "sec_identities_audit": {"Status": "NOT_APPLICABLE", "Reason": "OUT_OF_SCOPE"}
        },
    }
    with Stubber(wa.client) as stub:
        stub.add_response(
            "update_answer",
            {"WorkloadId": WID, "LensAlias": "wellarchitected", "Answer": {
                "QuestionId": "identities", "SelectedChoices": ["sec_identities_unique"],
                "ChoiceAnswers": [{"ChoiceId": "sec_identities_audit", "Status": "NOT_APPLICABLE",
                                   "Reason": "OUT_OF_SCOPE"}],
                "IsApplicable": True, "Risk": "HIGH", "Notes": "n"}},
            expected,
        )  # fmt: skip
        stored = wa.update_answer(WID, request)
        stub.assert_no_pending_responses()
    assert stored == local
