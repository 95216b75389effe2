"""Tests of the codecommit checks (checks/services/codecommit.py)."""

from __future__ import annotations

from checks.demo import ACCOUNT_ID
from checks.result import Cause, Status
from checks.testing import assert_denied as denied
from checks.testing import failing_ids

EU, US = "eu-west-1", "us-east-1"


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
