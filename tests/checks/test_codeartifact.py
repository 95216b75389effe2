"""Tests of the codeartifact checks (checks/services/codeartifact.py)."""

from __future__ import annotations

from checks.demo import ACCOUNT_ID
from checks.result import Cause, Status
from checks.testing import assert_denied as denied

EU, US = "eu-west-1", "us-east-1"


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
