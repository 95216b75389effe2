"""Tests of the codebuild checks (checks/services/codebuild.py)."""

from __future__ import annotations

import json

from codebuild_seed import project

from checks.result import Status
from checks.testing import assert_denied as denied
from checks.testing import failing_ids

EU, US = "eu-west-1", "us-east-1"


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


def test_plaintext_secrets_short_secret_names(account):
    # The shared heuristic (checks.lib.secrets): DB_PASS is a password, like in Lambda.
    bad = project(
        account,
        "short",
        variables=[{"name": "DB_PASS", "value": "not-a-real-one", "type": "PLAINTEXT"}],
    )
    safe = project(
        account,
        "bypass",
        variables=[{"name": "BYPASS_CACHE", "value": "true-ish", "type": "PLAINTEXT"}],
    )
    result = account.run("codebuild.plaintext_secrets")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {bad}
    assert "DB_PASS " in result.failing[0].detail + " "
    assert {r.id for r in result.resources} == {bad, safe}


def test_plaintext_secrets_denied(account):
    project(account, "p1")
    denied(account, "codebuild.plaintext_secrets", "codebuild:BatchGetProjects")
