"""Tests of the lambda checks (checks/services/lambda_.py)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from checks.demo import ACCOUNT_ID, TRUST_EC2
from checks.result import Cause, Status
from checks.testing import Harness, failing_ids, not_in_place_ids
from checks.testing import assert_denied as denied_here

EU, US = "eu-west-1", "us-east-1"


def trust(principal: object, condition: dict[str, object] | None = None) -> str:
    statement: dict[str, object] = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def role(account: Harness, name: str, document: str | None = None, **extra: object) -> str:
    iam = account.client("iam")
    return str(
        iam.create_role(
            RoleName=name, AssumeRolePolicyDocument=document or json.dumps(TRUST_EC2), **extra
        )["Role"]["Arn"]
    )


def denied(account: Harness, check_id: str, action: str) -> None:
    account.deny(action)
    for result in account.run(check_id).values():
        assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
        assert result.missing_action == action


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("h.py", "def h(e, c):\n    return e\n")
    return buffer.getvalue()


def function(account: Harness, name: str, env: dict[str, str], region: str = EU) -> str:
    execution = role(account, f"exec-{name}", trust({"Service": "lambda.amazonaws.com"}))
    kwargs: dict[str, object] = {"Environment": {"Variables": env}} if env else {}
    created = account.client("lambda", region).create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=execution,
        Handler="h.h",
        Code={"ZipFile": _zip()},
        **kwargs,
    )
    return str(created["FunctionArn"])


def test_lambda_env_secret_names(account):
    results = account.run("lambda.env_secret_names")
    assert {r.status for r in results.values()} == {Status.NOT_APPLICABLE}
    function(account, "clean", {"DB_SECRET_ARN": "arn:aws:secretsmanager:x", "LOG_LEVEL": "info"})
    function(account, "bare", {})
    assert account.run("lambda.env_secret_names")[EU].status is Status.PASS
    bad = function(account, "leaky", {"DB_PASSWORD": "hunter2-value", "REGION": EU}, region=US)
    results = account.run("lambda.env_secret_names")
    assert results[EU].status is Status.PASS
    assert results[US].status is Status.FAIL
    assert failing_ids(results[US]) == {bad}
    detail = results[US].failing[0].detail
    assert "DB_PASSWORD" in detail
    assert "hunter2" not in json.dumps(results[US].to_dict())  # never a value


def test_lambda_env_secret_names_short_secret_names(account):
    # The same heuristic as CodeBuild's (checks.lib.secrets): DB_PASS holds a password.
    bad = function(account, "short", {"DB_PASS": "not-a-real-one"})
    function(account, "compass", {"COMPASS_URL": "https://example.com"})
    result = account.run("lambda.env_secret_names")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {bad}
    assert "DB_PASS" in result.failing[0].detail


def test_lambda_env_secret_names_pages(account):
    stub = account.stub("lambda", EU)
    for n, marker in ((1, "m1"), (2, None)):
        page: dict[str, object] = {
            "Functions": [
                {
                    "FunctionName": f"f{n}",
                    "FunctionArn": f"arn:aws:lambda:{EU}:{ACCOUNT_ID}:function:f{n}",
                    "Environment": {"Variables": {"API_TOKEN": "x" * n}},
                }
            ]
        }
        if marker:
            page["NextMarker"] = marker
        stub.add_response("list_functions", page, {"Marker": "m1"} if n == 2 else {})
    result = account.run("lambda.env_secret_names")[EU]
    assert len(result.failing) == 2
    stub.assert_no_pending_responses()


def test_lambda_env_secret_names_denied(account):
    denied(account, "lambda.env_secret_names", "lambda:ListFunctions")


SIGNER = f"arn:aws:signer:{EU}:{ACCOUNT_ID}:/signing-profiles/"


def plain_function(account: Harness, name: str, region: str = EU, **extra: object) -> str:
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


CSC = f"arn:aws:lambda:{EU}:{ACCOUNT_ID}:code-signing-config:csc-0123456789abcdef0"


def test_code_signing_under_moto(account):
    assert account.run("lambda.code_signing")[EU].status is Status.NOT_APPLICABLE
    signed = plain_function(account, "signed", CodeSigningConfigArn=CSC)
    unsigned = plain_function(account, "unsigned")
    result = account.run("lambda.code_signing")[EU]
    assert result.status is Status.ADVISORY
    assert not_in_place_ids(result) == {unsigned}
    # moto cannot read the config itself: attached, its policy undecided (never a PASS)
    found = {r.id: r for r in result.resources}
    assert found[signed].status is Status.UNKNOWN
    assert "cannot be read here" in found[signed].detail


def _fn(name: str, package: str = "Zip") -> dict[str, str]:
    return {
        "FunctionName": name,
        "FunctionArn": f"arn:aws:lambda:{EU}:{ACCOUNT_ID}:function:{name}",
        "PackageType": package,
    }


@pytest.mark.parametrize(
    ("policy", "expected"), [("Enforce", Status.PASS), ("Warn", Status.ADVISORY)]
)
def test_code_signing_policy(account, policy, expected):
    stub = account.stub("lambda", EU)
    stub.add_response("list_functions", {"Functions": [_fn("a"), _fn("img", "Image")]})
    arn = _fn("a")["FunctionArn"]
    stub.add_response(
        "get_function_code_signing_config",
        {"CodeSigningConfigArn": CSC, "FunctionName": "a"},
        {"FunctionName": arn},
    )
    stub.add_response(
        "get_code_signing_config",
        {
            "CodeSigningConfig": {
                "CodeSigningConfigId": "csc-0123456789abcdef0",
                "CodeSigningConfigArn": CSC,
                "AllowedPublishers": {"SigningProfileVersionArns": [f"{SIGNER}lambda/1"]},
                "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": policy},
                "LastModified": "2026-01-01T00:00:00Z",
            }
        },
        {"CodeSigningConfigArn": CSC},
    )
    result = account.run("lambda.code_signing")[EU]
    stub.assert_no_pending_responses()
    assert result.status is expected
    assert {r.id for r in result.resources} == {arn}  # container images cannot be signed


def test_code_signing_denied(account):
    plain_function(account, "f")
    denied_here(account, "lambda.code_signing", "lambda:GetFunctionCodeSigningConfig")


def test_lambda_env_variables_that_cannot_be_read_are_undecided(account):
    # Lambda could not decrypt the variables (a KMS key it may not use): nothing to judge.
    stub = account.stub("lambda", EU)
    odd = {**_fn("locked"), "Environment": {"Error": {"ErrorCode": "KMSAccessDeniedException"}}}
    stub.add_response("list_functions", {"Functions": [odd]})
    result = account.run("lambda.env_secret_names")[EU]
    assert result.status is Status.UNKNOWN  # was PASS "0 environment variable(s)"
    assert "KMSAccessDeniedException" in result.resources[0].detail
