"""Tests of the ssmcontacts checks (checks/services/ssmcontacts.py)."""

from __future__ import annotations

import pytest

from checks.demo import ACCOUNT_ID
from checks.result import Cause, Status

EU, US = "eu-west-1", "us-east-1"


INCIDENT_MANAGER = [
    ("ssmcontacts.contacts", "ssm-contacts", "list_contacts", "Contacts"),
    (
        "ssmincidents.response_plans",
        "ssm-incidents",
        "list_response_plans",
        "responsePlanSummaries",
    ),
]


def _item(service: str, n: int) -> dict[str, str]:
    if service == "ssm-contacts":
        return {
            "ContactArn": f"arn:aws:ssm-contacts:{EU}:{ACCOUNT_ID}:contact/c{n}",
            "Alias": f"c{n}",
            "Type": "PERSONAL",
        }
    return {"arn": f"arn:aws:ssm-incidents::{ACCOUNT_ID}:response-plan/p{n}", "name": f"p{n}"}


@pytest.mark.parametrize(("check_id", "service", "operation", "key"), INCIDENT_MANAGER)
def test_incident_manager_unsupported_by_moto(account, check_id, service, operation, key):
    result = account.one(check_id)
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)


@pytest.mark.parametrize(("check_id", "service", "operation", "key"), INCIDENT_MANAGER)
def test_incident_manager_found_over_pages(account, check_id, service, operation, key):
    eu = account.stub(service, EU)
    token = "NextToken" if service == "ssm-contacts" else "nextToken"
    eu.add_response(operation, {key: [_item(service, 1)], token: "t1"}, {})
    eu.add_response(operation, {key: [_item(service, 2)]}, {token: "t1"})
    account.stub(service, US).add_client_error(operation, "AccessDeniedException", "no", 403)
    result = account.one(check_id)
    assert result.status is Status.PASS
    assert {r.id for r in result.resources} == {
        _item(service, 1).get("ContactArn") or _item(service, 1)["arn"],
        _item(service, 2).get("ContactArn") or _item(service, 2)["arn"],
    }
    eu.assert_no_pending_responses()


@pytest.mark.parametrize(("check_id", "service", "operation", "key"), INCIDENT_MANAGER)
def test_incident_manager_none_is_not_applicable(account, check_id, service, operation, key):
    for region in (EU, US):
        account.stub(service, region).add_response(operation, {key: []})
    result = account.one(check_id)
    assert result.status is Status.NOT_APPLICABLE
    assert "equivalent tool" in result.reason or "paging tool" in result.reason


@pytest.mark.parametrize(("check_id", "service", "operation", "key"), INCIDENT_MANAGER)
def test_incident_manager_denied(account, check_id, service, operation, key):
    account.stub(service, EU).add_response(operation, {key: []})
    account.stub(service, US).add_client_error(operation, "AccessDeniedException", "no", 403)
    result = account.one(check_id)
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)


def test_incident_manager_never_fails(account):
    for check_id, service, operation, key in INCIDENT_MANAGER:
        for region in (EU, US):
            account.stub(service, region).add_response(operation, {key: []})
        assert account.one(check_id).status is not Status.FAIL
