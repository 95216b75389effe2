"""Tests of the fms checks (checks/services/fms.py)."""

from __future__ import annotations

from checks.result import Cause, Status

EU, US = "eu-west-1", "us-east-1"


def test_fms_policies_where_moto_lacks_them(account):
    result = account.run("fms.policies")[EU]  # moto has no Firewall Manager
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)
    stub = account.stub("fms", EU)
    stub.add_client_error("get_admin_account", "ResourceNotFoundException", "none", 400)
    assert account.run("fms.policies")[EU].status is Status.NOT_APPLICABLE
    stub.add_response("get_admin_account", {"AdminAccount": "210987654321"})
    result = account.run("fms.policies")[EU]
    assert result.status is Status.NOT_APPLICABLE
    assert "210987654321" in result.reason
    stub.add_response("get_admin_account", {"AdminAccount": "123456789012"})
    stub.add_response(
        "list_policies",
        {
            "PolicyList": [
                {
                    "PolicyArn": "arn:aws:fms:eu-west-1:123456789012:policy/p1",
                    "PolicyName": "baseline-waf",
                    "SecurityServiceType": "WAFV2",
                    "RemediationEnabled": True,
                }
            ],
            "NextToken": "t",
        },
    )
    stub.add_response(
        "list_policies",
        {
            "PolicyList": [
                {
                    "PolicyArn": "arn:aws:fms:eu-west-1:123456789012:policy/p2",
                    "PolicyName": "sg-audit",
                    "SecurityServiceType": "SECURITY_GROUPS_USAGE_AUDIT",
                    "RemediationEnabled": False,
                }
            ]
        },
        {"NextToken": "t"},
    )
    result = account.run("fms.policies")[EU]
    stub.assert_no_pending_responses()
    assert result.status is Status.PASS  # informative: Firewall Manager never fails
    assert len(result.resources) == 2
    stub.add_client_error("get_admin_account", "AccessDeniedException", "no", 403)
    result = account.run("fms.policies")[EU]
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
    assert result.missing_action == "fms:GetAdminAccount"
