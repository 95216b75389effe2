"""Tests of the cicd checks (checks/services/cicd.py)."""

from __future__ import annotations

import json
from typing import Any

from codebuild_seed import project, role

from checks.result import Cause, Status
from checks.testing import Harness, failing_ids
from checks.testing import assert_denied as denied

EU, US = "eu-west-1", "us-east-1"


def pipeline(account: Harness, name: str, role_arn: str, region: str = EU) -> None:
    def stage(stage_name: str, category: str, provider: str, config: dict[str, str]) -> Any:
        action: dict[str, Any] = {
            "name": stage_name,
            "actionTypeId": {
                "category": category,
                "owner": "AWS",
                "provider": provider,
                "version": "1",
            },
            "configuration": config,
        }
        if category == "Source":
            action["outputArtifacts"] = [{"name": "src"}]
        else:
            action["inputArtifacts"] = [{"name": "src"}]
        return {"name": stage_name, "actions": [action]}

    account.client("codepipeline", region).create_pipeline(
        pipeline={
            "name": name,
            "roleArn": role_arn,
            "artifactStore": {"type": "S3", "location": "artifacts"},
            "stages": [
                stage("Source", "Source", "S3", {"S3Bucket": "b", "S3ObjectKey": "k"}),
                stage("Build", "Build", "CodeBuild", {"ProjectName": "p"}),
            ],
        }
    )


def test_admin_roles(account):
    assert account.one("cicd.admin_roles").status is Status.NOT_APPLICABLE
    admin = role(account, "build-admin", "codebuild", admin="managed")
    inline = role(account, "deploy-star", "codepipeline", admin="inline")
    fine = role(account, "deploy-ok", "codepipeline")
    project(account, "legacy", US, service_role=admin)
    project(account, "legacy-2", EU, service_role=admin)
    pipeline(account, "risky", inline, US)
    pipeline(account, "release", fine, EU)
    result = account.one("cicd.admin_roles")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {admin, inline}
    details = {r.id: r.detail for r in result.resources}
    assert "AdministratorAccess" in details[admin]
    assert "legacy (us-east-1)" in details[admin] and "legacy-2 (eu-west-1)" in details[admin]
    assert "allows *:*" in details[inline]
    assert details[fine].startswith("no administrator policy")


def test_admin_roles_outside_the_account_are_undecided_not_passed(account):
    # A role of another account (even one named like a local role) cannot be examined
    # from here: UNKNOWN with the reason, never a PASS.
    role(account, "build", "codebuild", admin="managed")  # a local namesake, administrator
    stub = account.stub("codebuild", EU)
    stub.add_response("list_projects", {"projects": ["ext"]})
    other = "arn:aws:iam::999999999999:role/build"
    stub.add_response("batch_get_projects", {"projects": [{"name": "ext", "serviceRole": other}]})
    result = account.one("cicd.admin_roles")
    assert result.status is Status.UNKNOWN
    (found,) = result.resources
    assert (found.id, found.status) == (other, Status.UNKNOWN)
    assert "role not found in account 999999999999" in found.detail


def test_admin_roles_with_an_unreadable_policy_are_undecided(account):
    arn = role(account, "build-x", "codebuild")
    stub = account.stub("codebuild", EU)
    stub.add_response("list_projects", {"projects": ["p1"]})
    stub.add_response("batch_get_projects", {"projects": [{"name": "p1", "serviceRole": arn}]})
    iam = account.stub("iam", account.aws.home_region)
    unreadable = {"PolicyName": "odd", "PolicyDocument": "%7Bnot json"}
    iam.add_response(
        "get_account_authorization_details",
        {"RoleDetailList": [{"Arn": arn, "RoleName": "build-x", "RolePolicyList": [unreadable]}]},
    )
    result = account.one("cicd.admin_roles")
    assert result.status is Status.UNKNOWN
    assert result.resources[0].detail.startswith("inline policy odd could not be read")


def test_admin_roles_denied(account):
    project(account, "p1")
    account.deny("iam:GetAccountAuthorizationDetails")
    result = account.one("cicd.admin_roles")
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
    assert result.missing_action == "iam:GetAccountAuthorizationDetails"


def test_programmatic_deployment(account):
    assert account.run("cicd.programmatic_deployment")[EU].status is Status.NOT_APPLICABLE
    pipeline(account, "release", role(account, "pipe", "codepipeline"))
    account.client("codedeploy", EU).create_application(applicationName="web")
    cfn = account.client("cloudformation", EU)

    def template(name: str) -> str:
        parameter = {"Name": f"/{name}", "Type": "String", "Value": "1"}
        return json.dumps(
            {"Resources": {"P": {"Type": "AWS::SSM::Parameter", "Properties": parameter}}}
        )

    cfn.create_stack(StackName="kept", TemplateBody=template("kept"))
    cfn.create_stack(StackName="gone", TemplateBody=template("gone"))
    cfn.delete_stack(StackName="gone")
    result = account.run("cicd.programmatic_deployment")[EU]
    assert result.status is Status.PASS
    details = sorted(r.detail for r in result.resources)
    assert details == ["CodeDeploy application", "CodePipeline pipeline", "stack CREATE_COMPLETE"]
    assert account.run("cicd.programmatic_deployment")[US].status is Status.NOT_APPLICABLE


def test_programmatic_deployment_denied(account):
    denied(account, "cicd.programmatic_deployment", "codedeploy:ListApplications")
