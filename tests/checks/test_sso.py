"""Tests of the sso checks (checks/services/sso.py)."""

from __future__ import annotations

from checks.demo import ACCOUNT_ID
from checks.result import Status
from checks.testing import failing_ids


def test_identity_center(account):
    result = account.one("sso.identity_center")  # moto always has an instance
    assert result.status is Status.PASS
    for region in ("eu-west-1", "us-east-1"):
        account.stub("sso-admin", region).add_response("list_instances", {"Instances": []})
    iam = account.stub("iam")
    iam.add_response("list_saml_providers", {"SAMLProviderList": []})
    result = account.one("sso.identity_center")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {ACCOUNT_ID}


def test_identity_center_denied(account):
    account.deny("sso:ListInstances")
    result = account.one("sso.identity_center")
    assert (result.status, result.missing_action) == (Status.UNKNOWN, "sso:ListInstances")


def test_identity_center_found_in_one_region_despite_errors_in_another(account):
    account.stub("sso-admin", "us-east-1").add_client_error(
        "list_instances", "AccessDeniedException", "no", 403
    )
    result = account.one("sso.identity_center")
    assert result.status is Status.PASS
    assert [r.detail for r in result.resources] == ["IAM Identity Center in eu-west-1"]
