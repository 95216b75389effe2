"""Tests of the ecr checks (checks/services/ecr.py)."""

from __future__ import annotations

from checks.demo import ACCOUNT_ID
from checks.result import Cause, Status
from checks.services.ecr import _wildcard_match
from checks.testing import assert_denied as denied
from checks.testing import failing_ids

EU, US = "eu-west-1", "us-east-1"


def test_ecr_scanning_pass_fail_and_not_applicable(account):
    assert account.run("ecr.image_scanning")[EU].status is Status.NOT_APPLICABLE
    ecr = account.client("ecr", EU)
    ecr.create_repository(repositoryName="good", imageScanningConfiguration={"scanOnPush": True})
    ecr.create_repository(repositoryName="bad")
    result = account.run("ecr.image_scanning")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {f"arn:aws:ecr:{EU}:{ACCOUNT_ID}:repository/bad"}


def test_ecr_scanning_registry_rules_cover_repositories(account):
    ecr = account.client("ecr", EU)
    ecr.create_repository(repositoryName="prod-api")
    ecr.create_repository(repositoryName="dev/tool")
    ecr.put_registry_scanning_configuration(
        scanType="ENHANCED",
        rules=[
            {
                "scanFrequency": "CONTINUOUS_SCAN",
                "repositoryFilters": [{"filter": "prod-*", "filterType": "WILDCARD"}],
            }
        ],
    )
    result = account.run("ecr.image_scanning")[EU]
    assert failing_ids(result) == {f"arn:aws:ecr:{EU}:{ACCOUNT_ID}:repository/dev/tool"}
    ecr.put_registry_scanning_configuration(
        scanType="BASIC",
        rules=[
            {
                "scanFrequency": "SCAN_ON_PUSH",
                "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}],
            }
        ],
    )
    assert account.run("ecr.image_scanning")[EU].status is Status.PASS


def test_wildcard_filters():
    assert _wildcard_match("*", "anything")
    assert _wildcard_match("prod-*", "prod-api")
    assert not _wildcard_match("prod-*", "dev-prod-api")
    assert _wildcard_match("*-api*", "prod-api-v2")
    assert _wildcard_match("a*b*c", "abc") and not _wildcard_match("a*b*c", "acb")
    assert _wildcard_match("exact", "exact") and not _wildcard_match("exact", "exactly")
    assert not _wildcard_match("ab*ba", "aba")  # prefix and suffix may not overlap


def test_ecr_scanning_denied(account):
    account.client("ecr", EU).create_repository(repositoryName="repo")
    denied(account, "ecr.image_scanning", "ecr:GetRegistryScanningConfiguration")


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
