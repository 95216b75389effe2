"""Tests of the account checks (checks/services/account.py)."""

from __future__ import annotations

import json

from checks.demo import ACCOUNT_ID
from checks.result import Cause, Status
from checks.testing import Harness, not_in_place_ids


def denied(account: Harness, check_id: str, action: str) -> None:
    account.deny(action)
    for result in account.run(check_id).values():
        assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
        assert result.missing_action == action


def test_security_contact(account):
    result = account.one("account.security_contact")
    assert result.status is Status.ADVISORY
    assert not_in_place_ids(result) == {ACCOUNT_ID}
    account.client("account").put_alternate_contact(
        AlternateContactType="SECURITY",
        EmailAddress="soc@example.com",
        Name="SOC",
        PhoneNumber="+10000000000",
        Title="SOC",
    )
    result = account.one("account.security_contact")
    assert result.status is Status.PASS
    assert "soc@example.com" not in json.dumps(result.to_dict())


def test_security_contact_denied(account):
    denied(account, "account.security_contact", "account:GetAlternateContact")
