"""Tests of the ram checks (checks/services/ram.py)."""

from __future__ import annotations

from checks.demo import ACCOUNT_ID
from checks.result import Cause, Status
from checks.testing import Harness, failing_ids

EU, US = "eu-west-1", "us-east-1"


OUTSIDER = "444455556666"


def denied(account: Harness, check_id: str, action: str) -> None:
    account.deny(action)
    for result in account.run(check_id).values():
        assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
        assert result.missing_action == action


def test_ram_external_sharing(account):
    assert {r.status for r in account.run("ram.external_sharing").values()} == {
        Status.NOT_APPLICABLE
    }
    eu = account.client("ram", EU)
    eu.create_resource_share(name="internal", allowExternalPrincipals=False)
    gone = eu.create_resource_share(name="old", allowExternalPrincipals=True)
    eu.delete_resource_share(resourceShareArn=gone["resourceShare"]["resourceShareArn"])
    assert account.run("ram.external_sharing")[EU].status is Status.PASS
    bad = account.client("ram", US).create_resource_share(
        name="open", allowExternalPrincipals=True, principals=[OUTSIDER]
    )["resourceShare"]["resourceShareArn"]
    results = account.run("ram.external_sharing")
    assert results[EU].status is Status.PASS
    assert results[US].status is Status.FAIL
    assert failing_ids(results[US]) == {bad}


def test_ram_external_principals_named_and_pages(account):
    arn = f"arn:aws:ram:{EU}:{ACCOUNT_ID}:resource-share/"
    stub = account.stub("ram", EU)
    for n, token in ((1, "t1"), (2, None)):
        page: dict[str, object] = {
            "resourceShares": [
                {
                    "resourceShareArn": f"{arn}{n}",
                    "name": f"s{n}",
                    "status": "ACTIVE",
                    "allowExternalPrincipals": False,
                }
            ]
        }
        if token:
            page["nextToken"] = token
        params: dict[str, object] = {"resourceOwner": "SELF"}
        if n == 2:
            params["nextToken"] = "t1"
        stub.add_response("get_resource_shares", page, params)
    stub.add_response(
        "get_resource_share_associations",
        {
            "resourceShareAssociations": [
                {
                    "resourceShareArn": f"{arn}2",
                    "associatedEntity": OUTSIDER,
                    "status": "ASSOCIATED",
                    "external": True,
                    "associationType": "PRINCIPAL",
                }
            ]
        },
        {"associationType": "PRINCIPAL"},
    )
    result = account.run("ram.external_sharing")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {f"{arn}2"}
    assert OUTSIDER in result.failing[0].detail
    stub.assert_no_pending_responses()


def test_ram_denied(account):
    denied(account, "ram.external_sharing", "ram:GetResourceShares")
