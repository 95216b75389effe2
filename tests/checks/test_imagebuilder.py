"""Tests of the imagebuilder checks (checks/services/imagebuilder.py)."""

from __future__ import annotations

from checks.demo import ACCOUNT_ID
from checks.result import Cause, Status
from checks.testing import assert_denied as denied

EU, US = "eu-west-1", "us-east-1"


def test_image_builder_pipelines_over_pages(account):
    stub = account.stub("imagebuilder", EU)
    arn = f"arn:aws:imagebuilder:{EU}:{ACCOUNT_ID}:image-pipeline/"
    stub.add_response(
        "list_image_pipelines",
        {
            "imagePipelineList": [
                {
                    "arn": arn + "golden",
                    "status": "ENABLED",
                    "schedule": {"scheduleExpression": "cron(0 0 * * ? *)"},
                }
            ],
            "nextToken": "n",
        },
        {},
    )
    stub.add_response(
        "list_image_pipelines",
        {"imagePipelineList": [{"arn": arn + "manual", "status": "DISABLED"}]},
        {"nextToken": "n"},
    )
    result = account.run("imagebuilder.pipelines")[EU]
    assert result.status is Status.PASS
    details = {r.id: r.detail for r in result.resources}
    assert "schedule" in details[arn + "golden"] and "disabled" in details[arn + "manual"]


def test_image_builder_none_is_not_a_failure(account):
    stub = account.stub("imagebuilder", EU)
    stub.add_response("list_image_pipelines", {"imagePipelineList": []})
    assert account.run("imagebuilder.pipelines")[EU].status is Status.NOT_APPLICABLE


def test_image_builder_unknown(account):
    result = account.run("imagebuilder.pipelines")[EU]
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)
    denied(account, "imagebuilder.pipelines", "imagebuilder:ListImagePipelines")
