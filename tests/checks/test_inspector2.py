"""Tests of the inspector2 checks (checks/services/inspector2.py)."""

from __future__ import annotations

import io
import json
import zipfile

from checks.demo import ACCOUNT_ID, EXAMPLE_AMI
from checks.result import Status
from checks.testing import Harness, not_in_place_ids
from checks.testing import assert_denied as denied

EU, US = "eu-west-1", "us-east-1"


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


def function(account: Harness, name: str, region: str = EU, **extra: object) -> str:
    iam = account.client("iam")
    try:
        role = iam.get_role(RoleName="fn")["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        role = iam.create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps(trust))["Role"][
            "Arn"
        ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("h.py", "def h(e, c):\n    return 1\n")
    response = account.client("lambda", region).create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="h.h",
        Code={"ZipFile": buffer.getvalue()},
        **extra,
    )
    return str(response["FunctionArn"])


def test_inspector_not_applicable_without_compute(account):
    results = account.run("inspector2.compute_scanning")
    assert {r.status for r in results.values()} == {Status.NOT_APPLICABLE}


def test_inspector_fails_where_compute_is_not_scanned(account):
    launch(account)
    function(account, "api")
    result = account.run("inspector2.compute_scanning")[EU]
    assert result.status is Status.ADVISORY
    assert not_in_place_ids(result) == {WHERE}
    assert "EC2 (1 instance)" in result.not_in_place[0].detail
    assert "Lambda (1 function)" in result.not_in_place[0].detail
    account.client("inspector2", EU).enable(accountIds=[ACCOUNT_ID], resourceTypes=["EC2"])
    result = account.run("inspector2.compute_scanning")[EU]
    assert result.status is Status.ADVISORY
    assert "EC2" not in result.not_in_place[0].detail and "Lambda" in result.not_in_place[0].detail


def test_inspector_passes_when_every_present_kind_is_scanned(account):
    launch(account)
    account.client("ecr", EU).create_repository(repositoryName="app")
    account.client("inspector2", EU).enable(accountIds=[ACCOUNT_ID], resourceTypes=["EC2", "ECR"])
    results = account.run("inspector2.compute_scanning")
    assert results[EU].status is Status.PASS  # no Lambda here: Lambda scanning not required
    assert results[US].status is Status.NOT_APPLICABLE


def test_inspector_failed_account_is_unknown(account):
    launch(account)
    stub = account.stub("inspector2", EU)
    stub.add_response(
        "batch_get_account_status",
        {
            "accounts": [],
            "failedAccounts": [
                {"accountId": ACCOUNT_ID, "errorCode": "ACCESS_DENIED", "errorMessage": "no"}
            ],
        },
    )
    result = account.run("inspector2.compute_scanning")[EU]
    assert result.status is Status.UNKNOWN


def test_inspector_denied(account):
    launch(account)
    denied(account, "inspector2.compute_scanning", "inspector2:BatchGetAccountStatus")
