"""Tests of the guardduty checks (checks/services/guardduty.py)."""

from __future__ import annotations

from checks.demo import ACCOUNT_ID, EXAMPLE_AMI
from checks.result import Cause, Status
from checks.testing import Harness, failing_ids
from checks.testing import assert_denied as denied_here

EU, US = "eu-west-1", "us-east-1"


WHERE_EU, WHERE_US = f"{ACCOUNT_ID}/{EU}", f"{ACCOUNT_ID}/{US}"


def denied(result, action: str) -> None:
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED), result
    assert result.missing_action == action


def test_guardduty_detector(account):
    results = account.run("guardduty.detector_enabled")
    assert failing_ids(results[EU]) == {WHERE_EU}  # nothing set up
    on = account.client("guardduty", EU).create_detector(Enable=True)["DetectorId"]
    off = account.client("guardduty", US).create_detector(Enable=False)["DetectorId"]
    results = account.run("guardduty.detector_enabled")
    assert results[EU].status is Status.PASS
    assert results[EU].resources[0].id == f"arn:aws:guardduty:{EU}:{ACCOUNT_ID}:detector/{on}"
    assert failing_ids(results[US]) == {f"arn:aws:guardduty:{US}:{ACCOUNT_ID}:detector/{off}"}


def test_guardduty_denied(account):
    account.client("guardduty", EU).create_detector(Enable=True)
    account.deny("guardduty:GetDetector")
    denied(account.run("guardduty.detector_enabled")[EU], "guardduty:GetDetector")


WHERE = f"{ACCOUNT_ID}/{EU}"


def launch(
    account: Harness,
    region: str = EU,
    *,
    tokens: str = "required",
    endpoint: str = "enabled",
    image: str = EXAMPLE_AMI,
) -> str:
    ec2 = account.client("ec2", region)
    response = ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": endpoint},
    )
    return str(response["Instances"][0]["InstanceId"])


def test_guardduty_compute_protection(account):
    assert account.run("guardduty.compute_protection")[EU].status is Status.NOT_APPLICABLE
    launch(account)
    result = account.run("guardduty.compute_protection")[EU]
    assert result.status is Status.FAIL and failing_ids(result) == {WHERE}
    guardduty = account.client("guardduty", EU)
    detector = guardduty.create_detector(Enable=False)["DetectorId"]
    assert account.run("guardduty.compute_protection")[EU].status is Status.FAIL
    guardduty.update_detector(DetectorId=detector, Enable=True)
    result = account.run("guardduty.compute_protection")[EU]
    assert result.status is Status.PASS  # on, without compute features: shown, not failed
    assert "without Runtime Monitoring" in result.resources[0].detail
    guardduty.update_detector(
        DetectorId=detector, Features=[{"Name": "EBS_MALWARE_PROTECTION", "Status": "ENABLED"}]
    )
    result = account.run("guardduty.compute_protection")[EU]
    assert "Malware Protection for EC2" in result.resources[0].detail
    assert result.resources[0].id.endswith(f"detector/{detector}")


def test_guardduty_compute_protection_denied(account):
    launch(account)
    denied_here(account, "guardduty.compute_protection", "guardduty:ListDetectors")
