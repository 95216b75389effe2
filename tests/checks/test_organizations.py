"""Tests of the organizations checks (checks/services/organizations.py)."""

from __future__ import annotations

import json

from checks.result import Cause, Status


def test_organizations_member_and_scps(account):
    assert account.one("organizations.member").status is Status.ADVISORY  # not in place
    assert account.one("organizations.scps").status is Status.NOT_APPLICABLE
    org = account.client("organizations")
    org.create_organization(FeatureSet="ALL")
    assert account.one("organizations.member").status is Status.PASS
    assert account.one("organizations.scps").status is Status.FAIL
    root = org.list_roots()["Roots"][0]["Id"]
    deny_leave = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}
        ],
    }
    policy = org.create_policy(
        Content=json.dumps(deny_leave),
        Description="guardrail",
        Name="deny-leave",
        Type="SERVICE_CONTROL_POLICY",
    )["Policy"]["PolicySummary"]
    assert account.one("organizations.scps").status is Status.FAIL  # created, not attached
    org.attach_policy(PolicyId=policy["Id"], TargetId=root)
    result = account.one("organizations.scps")
    assert result.status is Status.PASS
    assert [r.id for r in result.resources] == [policy["Arn"]]


def test_organizations_denied(account):
    account.client("organizations").create_organization(FeatureSet="ALL")
    account.deny("organizations:ListPolicies")
    result = account.one("organizations.scps")
    assert (result.status, result.missing_action) == (Status.UNKNOWN, "organizations:ListPolicies")
    account.deny("organizations:DescribeOrganization")
    assert account.one("organizations.member").cause is Cause.ACCESS_DENIED
