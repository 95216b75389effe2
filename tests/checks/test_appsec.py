"""Application security checks (SEC11) under moto, and botocore's Stubber where moto lacks them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from checks.appsec import secret_like
from checks.demo import ACCOUNT_ID, _load_aws_policy
from checks.result import Cause, Status
from checks.testing import Harness, failing_ids

EU, US = "eu-west-1", "us-east-1"
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


def denied(account: Harness, check_id: str, action: str, region: str = EU) -> None:
    account.deny(action)
    result = account.run(check_id)[region]
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
    assert result.missing_action == action


# --- codebuild.projects ----------------------------------------------------------------


def test_build_projects(account):
    assert account.run("codebuild.projects")[EU].status is Status.NOT_APPLICABLE
    arn = project(account, "app")
    result = account.run("codebuild.projects")[EU]
    assert result.status is Status.PASS
    assert [(r.id, r.detail) for r in result.resources] == [(arn, "builds from GITHUB")]
    assert account.run("codebuild.projects")[US].status is Status.NOT_APPLICABLE


def test_build_projects_read_every_page(account):
    stub = account.stub("codebuild", EU)
    stub.add_response("list_projects", {"projects": ["p-a"], "nextToken": "n"}, {})
    stub.add_response("list_projects", {"projects": ["p-b"]}, {"nextToken": "n"})
    stub.add_response(
        "batch_get_projects",
        {"projects": [{"name": n, "arn": f"arn:x:{n}"} for n in ("p-a", "p-b")]},
        {"names": ["p-a", "p-b"]},
    )
    result = account.run("codebuild.projects")[EU]
    stub.assert_no_pending_responses()
    assert {r.id for r in result.resources} == {"arn:x:p-a", "arn:x:p-b"}


def test_build_projects_denied(account):
    denied(account, "codebuild.projects", "codebuild:ListProjects")


# --- codebuild.privileged_mode ---------------------------------------------------------


def test_privileged_mode(account):
    assert account.run("codebuild.privileged_mode")[EU].status is Status.NOT_APPLICABLE
    project(account, "plain")
    project(
        account,
        "images",
        privileged=True,
        buildspec="phases:\n  build:\n    commands:\n      - docker build .",
    )
    bad = project(
        account, "legacy", privileged=True, buildspec="phases: {build: {commands: [make]}}"
    )
    result = account.run("codebuild.privileged_mode")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {bad}
    assert len(result.resources) == 3


def test_privileged_mode_denied(account):
    project(account, "p1")
    denied(account, "codebuild.privileged_mode", "codebuild:BatchGetProjects")


# --- codebuild.plaintext_secrets -------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "DB_PASSWORD",
        "githubToken",
        "API_KEY",
        "client-secret",
        "NPM_TOKEN",
        "PRIVATE_KEY",
        "passwd",
    ],
)
def test_secret_like_names(name):
    assert secret_like(name)


@pytest.mark.parametrize(
    "name",
    ["NODE_ENV", "DB_PASSWORD_ARN", "SECRET_NAME", "TOKEN_URL", "PWD", "KEYBOARD", "AUTHOR", ""],
)
def test_names_that_are_not_secrets(name):
    assert not secret_like(name)


def test_plaintext_secrets(account):
    assert account.run("codebuild.plaintext_secrets")[EU].status is Status.NOT_APPLICABLE
    project(
        account,
        "good",
        variables=[
            {"name": "DB_PASSWORD", "value": "prod/db", "type": "SECRETS_MANAGER"},
            {"name": "API_TOKEN", "value": "/ci/token", "type": "PARAMETER_STORE"},
            {"name": "STAGE", "value": "prod", "type": "PLAINTEXT"},
        ],
    )
    bad = project(
        account,
        "bad",
        variables=[
            {"name": "DB_PASSWORD", "value": "hunter2-not-real", "type": "PLAINTEXT"},
            {"name": "DEPLOY_TOKEN", "value": "t0ken-not-real"},
        ],
    )
    result = account.run("codebuild.plaintext_secrets")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {bad}
    detail = result.failing[0].detail
    assert "DB_PASSWORD" in detail and "DEPLOY_TOKEN" in detail
    assert "hunter2" not in json.dumps([r.to_dict() for r in result.resources])  # no values kept


def test_plaintext_secrets_denied(account):
    project(account, "p1")
    denied(account, "codebuild.plaintext_secrets", "codebuild:BatchGetProjects")


# --- cicd.admin_roles (global: every region's projects and pipelines) ------------------


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


def test_admin_roles_outside_the_account_are_not_failed(account):
    stub = account.stub("codebuild", EU)
    stub.add_response("list_projects", {"projects": ["ext"]})
    other = "arn:aws:iam::999999999999:role/build"
    stub.add_response("batch_get_projects", {"projects": [{"name": "ext", "serviceRole": other}]})
    result = account.one("cicd.admin_roles")
    assert result.status is Status.PASS and "not examined" in result.resources[0].detail


def test_admin_roles_denied(account):
    project(account, "p1")
    account.deny("iam:GetAccountAuthorizationDetails")
    result = account.one("cicd.admin_roles")
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
    assert result.missing_action == "iam:GetAccountAuthorizationDetails"


# --- cicd.programmatic_deployment ------------------------------------------------------


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


# --- codecommit.approval_rules (moto lacks the listing: Stubber) -----------------------


def test_approval_rules(account):
    stub = account.stub("codecommit", EU)
    stub.add_response(
        "list_repositories",
        {"repositories": [{"repositoryName": "reviewed", "repositoryId": "1"}], "nextToken": "n"},
        {},
    )
    stub.add_response(
        "list_repositories",
        {"repositories": [{"repositoryName": "cowboy", "repositoryId": "2"}]},
        {"nextToken": "n"},
    )
    stub.add_response(
        "list_associated_approval_rule_templates_for_repository",
        {"approvalRuleTemplateNames": ["two-approvers"]},
        {"repositoryName": "reviewed"},
    )
    stub.add_response(
        "list_associated_approval_rule_templates_for_repository",
        {"approvalRuleTemplateNames": []},
        {"repositoryName": "cowboy"},
    )
    result = account.run("codecommit.approval_rules")[EU]
    stub.assert_no_pending_responses()
    assert result.status is Status.FAIL
    assert failing_ids(result) == {f"arn:aws:codecommit:{EU}:{ACCOUNT_ID}:cowboy"}


def test_approval_rules_none_and_unknown(account):
    stub = account.stub("codecommit", EU)
    stub.add_response("list_repositories", {"repositories": []})
    assert account.run("codecommit.approval_rules")[EU].status is Status.NOT_APPLICABLE
    result = account.run("codecommit.approval_rules")[US]  # moto: not implemented
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)
    denied(account, "codecommit.approval_rules", "codecommit:ListRepositories", US)


# --- codeartifact.repositories (moto lacks CodeArtifact: Stubber) ----------------------


def test_codeartifact_repositories(account):
    stub = account.stub("codeartifact", EU)
    arn = f"arn:aws:codeartifact:{EU}:{ACCOUNT_ID}:repository/acme/"
    stub.add_response(
        "list_repositories",
        {
            "repositories": [
                {
                    "name": "npm-store",
                    "domainName": "acme",
                    "domainOwner": ACCOUNT_ID,
                    "arn": arn + "npm-store",
                },
                {
                    "name": "internal",
                    "domainName": "acme",
                    "domainOwner": ACCOUNT_ID,
                    "arn": arn + "internal",
                },
            ]
        },
    )
    stub.add_response(
        "describe_repository",
        {
            "repository": {
                "name": "npm-store",
                "arn": arn + "npm-store",
                "externalConnections": [
                    {
                        "externalConnectionName": "public:npmjs",
                        "packageFormat": "npm",
                        "status": "Available",
                    }
                ],
            }
        },
        {"domain": "acme", "domainOwner": ACCOUNT_ID, "repository": "npm-store"},
    )
    stub.add_response(
        "describe_repository",
        {
            "repository": {
                "name": "internal",
                "arn": arn + "internal",
                "upstreams": [{"repositoryName": "npm-store"}],
            }
        },
        {"domain": "acme", "domainOwner": ACCOUNT_ID, "repository": "internal"},
    )
    result = account.run("codeartifact.repositories")[EU]
    assert result.status is Status.PASS
    details = {r.id: r.detail for r in result.resources}
    assert details == {
        arn + "npm-store": "proxies public:npmjs",
        arn + "internal": "upstreams npm-store",
    }


def test_codeartifact_none_and_unknown(account):
    stub = account.stub("codeartifact", EU)
    stub.add_response("list_repositories", {"repositories": []})
    assert account.run("codeartifact.repositories")[EU].status is Status.NOT_APPLICABLE
    result = account.run("codeartifact.repositories")[US]
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)
    denied(account, "codeartifact.repositories", "codeartifact:ListRepositories", US)


# --- ecr.pull_through_cache (moto lacks it: Stubber) -----------------------------------


def test_pull_through_cache(account):
    stub = account.stub("ecr", EU)
    stub.add_response(
        "describe_pull_through_cache_rules",
        {
            "pullThroughCacheRules": [
                {"ecrRepositoryPrefix": "docker-hub", "upstreamRegistryUrl": "registry-1.docker.io"}
            ]
        },
    )
    stub.add_response("describe_pull_through_cache_rules", {"pullThroughCacheRules": []})
    result = account.run("ecr.pull_through_cache")[EU]
    assert result.status is Status.PASS
    assert result.resources[0].id == f"{ACCOUNT_ID}/{EU}/docker-hub"
    assert account.run("ecr.pull_through_cache")[EU].status is Status.NOT_APPLICABLE


def test_pull_through_cache_unknown(account):
    result = account.run("ecr.pull_through_cache")[EU]
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)
    denied(account, "ecr.pull_through_cache", "ecr:DescribePullThroughCacheRules")
