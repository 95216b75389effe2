"""Seeding helpers shared by the CodeBuild and CI/CD check tests (service roles, projects)."""

from __future__ import annotations

import json
from typing import Any

from checks.demo import _load_aws_policy
from checks.testing import Harness

EU = "eu-west-1"


ENVIRONMENT = {
    "type": "LINUX_CONTAINER",
    "image": "aws/codebuild/standard:7.0",
    "computeType": "BUILD_GENERAL1_SMALL",
}


POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}],
}


ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def role(account: Harness, name: str, service: str, *, admin: str = "") -> str:
    """A service role: admin "managed" (AdministratorAccess), "inline" (*:*) or none."""
    iam = account.client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": f"{service}.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    arn = str(
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    )
    if admin == "managed":
        _load_aws_policy("AdministratorAccess")
        iam.attach_role_policy(
            RoleName=name, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"
        )
    policy = ALLOW_ALL if admin == "inline" else POLICY
    iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    return arn


def project(
    account: Harness,
    name: str,
    region: str = EU,
    *,
    service_role: str | None = None,
    privileged: bool = False,
    buildspec: str = "",
    variables: list[dict[str, str]] | None = None,
) -> str:
    source: dict[str, Any] = {"type": "GITHUB", "location": "https://github.com/acme/app"}
    if buildspec:
        source["buildspec"] = buildspec
    response = account.client("codebuild", region).create_project(
        name=name,
        source=source,
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            **ENVIRONMENT,
            "privilegedMode": privileged,
            "environmentVariables": variables or [],
        },
        serviceRole=service_role or role(account, f"build-{name}", "codebuild"),
    )
    return str(response["project"]["arn"])
