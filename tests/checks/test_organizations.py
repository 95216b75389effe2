"""Tests of the organizations checks (checks/services/organizations.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from checks.registry import REGISTRY, Scope, all_checks
from checks.result import Cause, Status
from checks.testing import Harness


def test_organizations_member(account):
    assert account.one("organizations.member").status is Status.ADVISORY  # not in place
    account.client("organizations").create_organization(FeatureSet="ALL")
    assert account.one("organizations.member").status is Status.PASS


def test_organizations_member_denied(account):
    account.client("organizations").create_organization(FeatureSet="ALL")
    account.deny("organizations:DescribeOrganization")
    assert account.one("organizations.member").cause is Cause.ACCESS_DENIED


def test_organizations_scps_was_replaced_by_scp_guardrails():
    """One SCP fact, one check: the old per-account `organizations.scps` is gone."""
    assert "organizations.scps" not in {c.id for c in all_checks()}
    guardrails = REGISTRY["organizations.scp_guardrails"]
    assert guardrails.scope is Scope.ORGANIZATION
    scp_checks = [c for c in all_checks() if "organizations:ListPolicies" in c.actions]
    assert [c.id for c in scp_checks] == ["organizations.scp_guardrails"]


# --- SCP guardrails ---------------------------------------------------------------------

EVERY_GUARDRAIL = [
    "organizations:LeaveOrganization",
    "cloudtrail:StopLogging",
    "cloudtrail:DeleteTrail",
    "guardduty:DeleteDetector",
    "guardduty:UpdateDetector",
    "guardduty:DisassociateFromAdministratorAccount",
    "config:StopConfigurationRecorder",
    "config:DeleteConfigurationRecorder",
    "securityhub:DisableSecurityHub",
]


def deny(actions: Any, *, key: str = "Action", **extra: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Sid": "Guard", "Effect": "Deny", key: actions, "Resource": "*"}
    statement.update(extra)
    return {"Version": "2012-10-17", "Statement": [statement]}


class Org:
    """A moto organization in the harness account: two members, one in an OU."""

    def __init__(self, account: Harness) -> None:
        self.client = account.client("organizations", "us-east-1")
        self.client.create_organization(FeatureSet="ALL")
        self.root = self.client.list_roots()["Roots"][0]["Id"]
        self.ou = self.client.create_organizational_unit(ParentId=self.root, Name="workloads")[
            "OrganizationalUnit"
        ]["Id"]
        self.members: dict[str, str] = {}
        for name in ("inside", "outside"):
            created = self.client.create_account(AccountName=name, Email=f"{name}@example.com")
            self.members[name] = created["CreateAccountStatus"]["AccountId"]
        self.client.move_account(
            AccountId=self.members["inside"],
            SourceParentId=self.root,
            DestinationParentId=self.ou,
        )
        self.count = 0

    def attach(self, document: dict[str, Any], target: str) -> str:
        self.count += 1
        policy = self.client.create_policy(
            Content=json.dumps(document),
            Description="test",
            Name=f"scp-{self.count}",
            Type="SERVICE_CONTROL_POLICY",
        )["Policy"]["PolicySummary"]
        self.client.attach_policy(PolicyId=policy["Id"], TargetId=target)
        return str(policy["Name"])


def guarded(account: Harness, org: Org) -> dict[str, tuple[Status, str]]:
    """Member name -> (status, detail) of organizations.scp_guardrails."""
    result = account.one("organizations.scp_guardrails")
    names = {v: k for k, v in org.members.items()}
    return {names[r.id.rsplit("/", 1)[-1]]: (r.status, r.detail) for r in result.resources}


@pytest.fixture
def org(account: Harness) -> Org:
    return Org(account)


def test_no_scp_fails_every_member_and_names_what_is_missing(account, org):
    found = guarded(account, org)
    assert set(found) == {"inside", "outside"}  # the management account is left out
    for status, detail in found.values():
        assert status is Status.FAIL
        for guardrail in ("leaving the organization", "disabling CloudTrail", "Security Hub"):
            assert guardrail in detail


def test_an_scp_counts_where_it_is_attached_and_below(account, org):
    name = org.attach(deny(EVERY_GUARDRAIL), org.ou)
    found = guarded(account, org)
    assert found["inside"] == (Status.PASS, f"inside: guarded by {name}")
    assert found["outside"][0] is Status.FAIL
    org.attach(deny(EVERY_GUARDRAIL), org.members["outside"])
    assert guarded(account, org)["outside"][0] is Status.PASS


def test_an_scp_on_the_root_guards_everyone(account, org):
    org.attach(deny(EVERY_GUARDRAIL), org.root)
    assert {s for s, _ in guarded(account, org).values()} == {Status.PASS}


def test_an_scp_created_but_not_attached_does_not_count(account, org):
    org.client.create_policy(
        Content=json.dumps(deny(EVERY_GUARDRAIL)),
        Description="test",
        Name="unattached",
        Type="SERVICE_CONTROL_POLICY",
    )
    assert {s for s, _ in guarded(account, org).values()} == {Status.FAIL}


def test_guardrails_may_be_split_across_policies_and_levels(account, org):
    org.attach(deny(EVERY_GUARDRAIL[:3]), org.root)
    org.attach(deny(EVERY_GUARDRAIL[3:]), org.ou)
    found = guarded(account, org)
    assert found["inside"][0] is Status.PASS
    assert found["outside"][0] is Status.FAIL
    assert "disabling GuardDuty" in found["outside"][1]
    assert "leaving the organization" not in found["outside"][1]


def test_wildcards_match_like_iam(account, org):
    actions = [
        "organizations:Leave*",
        "CLOUDTRAIL:stoplogging",
        "cloudtrail:Delete?rail",
        "guardduty:*",
        "config:*ConfigurationRecorder",
        "securityhub:Disable*",
    ]
    org.attach(deny(actions), org.root)
    assert {s for s, _ in guarded(account, org).values()} == {Status.PASS}


def test_a_wildcard_that_misses_an_action_does_not_count(account, org):
    actions = [a for a in EVERY_GUARDRAIL if not a.startswith("cloudtrail")]
    org.attach(deny([*actions, "cloudtrail:Stop*", "cloudtrail:[D]eleteTrail"]), org.root)
    status, detail = guarded(account, org)["outside"]
    assert status is Status.FAIL
    assert "no attached SCP denies disabling CloudTrail" in detail


def test_denying_one_way_of_disabling_is_not_enough(account, org):
    org.attach(deny([a for a in EVERY_GUARDRAIL if a != "cloudtrail:StopLogging"]), org.root)
    status, detail = guarded(account, org)["inside"]
    assert status is Status.FAIL
    assert detail.endswith("no attached SCP denies disabling CloudTrail")


def test_the_older_api_name_of_a_way_counts_too(account, org):
    older = [
        "guardduty:DisassociateFromMasterAccount"
        if a == "guardduty:DisassociateFromAdministratorAccount"
        else a
        for a in EVERY_GUARDRAIL
    ]
    org.attach(deny(older), org.root)
    assert guarded(account, org)["inside"][0] is Status.PASS


def test_allow_statements_and_other_effects_do_not_count(account, org):
    document = deny(EVERY_GUARDRAIL)
    document["Statement"][0]["Effect"] = "Allow"
    org.attach(document, org.root)
    typo = deny(EVERY_GUARDRAIL)
    typo["Statement"][0]["Effect"] = "Dney"
    org.attach(typo, org.root)
    assert {s for s, _ in guarded(account, org).values()} == {Status.FAIL}


def test_not_action_denies_everything_but_what_it_lists(account, org):
    org.attach(deny(["s3:*", "ec2:*"], key="NotAction"), org.root)
    assert guarded(account, org)["inside"][0] is Status.PASS
    org2 = deny(["cloudtrail:*"], key="NotAction")
    org.client.detach_policy(
        PolicyId=org.client.list_policies_for_target(
            TargetId=org.root, Filter="SERVICE_CONTROL_POLICY"
        )["Policies"][-1]["Id"],
        TargetId=org.root,
    )
    org.attach(org2, org.root)
    status, detail = guarded(account, org)["inside"]
    assert status is Status.FAIL
    assert "disabling CloudTrail" in detail
    assert "leaving the organization" not in detail


def test_a_narrow_exemption_counts_and_is_shown(account, org):
    condition = {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"}}
    org.attach(deny(EVERY_GUARDRAIL, Condition=condition), org.root)
    status, detail = guarded(account, org)["inside"]
    assert status is Status.PASS
    assert "except aws:principalarn arn:aws:iam::*:role/BreakGlass" in detail


@pytest.mark.parametrize(
    ("condition", "why"),
    [
        # every role is exempt
        ({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}, "exempts ordinary"),
        # everyone is exempt
        ({"StringNotLike": {"aws:PrincipalArn": "*"}}, "exempts ordinary"),
        # applies to one named role only
        ({"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::*:role/Intern"}}, "exempts ordinary"),
        # SCPs only govern the organization's principals: "outside the org" is no one
        ({"StringNotEquals": {"aws:PrincipalOrgID": "o-placeholder"}}, "exempts ordinary"),
        # only for tagged principals
        ({"StringEquals": {"aws:PrincipalTag/restricted": "yes"}}, "exempts ordinary"),
        # only in one region, or only without MFA: not a guardrail everywhere
        ({"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}, "denies only when"),
        ({"Bool": {"aws:MultiFactorAuthPresent": "false"}}, "denies only when"),
    ],
)
def test_conditions_that_exempt_broadly_do_not_count(account, org, condition, why):
    if "aws:PrincipalOrgID" in json.dumps(condition):
        own = org.client.describe_organization()["Organization"]["Id"]
        condition = {"StringNotEquals": {"aws:PrincipalOrgID": own}}
    org.attach(deny(EVERY_GUARDRAIL, Condition=condition), org.root)
    status, detail = guarded(account, org)["inside"]
    assert status is Status.FAIL
    assert "not counted" in detail and why in detail


def test_a_condition_pinned_to_the_organization_counts(account, org):
    own = org.client.describe_organization()["Organization"]["Id"]
    condition = {"StringEquals": {"aws:PrincipalOrgID": own}}
    org.attach(deny(EVERY_GUARDRAIL, Condition=condition), org.root)
    assert guarded(account, org)["inside"][0] is Status.PASS


def test_an_exempt_account_is_not_guarded(account, org):
    condition = {"StringNotEquals": {"aws:PrincipalAccount": [org.members["outside"]]}}
    org.attach(deny(EVERY_GUARDRAIL, Condition=condition), org.root)
    found = guarded(account, org)
    assert found["inside"][0] is Status.PASS
    assert found["outside"][0] is Status.FAIL


def test_resources_must_be_all_of_them(account, org):
    document = deny(EVERY_GUARDRAIL)
    document["Statement"][0]["Resource"] = "arn:aws:cloudtrail:*:*:trail/org-trail"
    org.attach(document, org.root)
    status, detail = guarded(account, org)["inside"]
    assert status is Status.FAIL
    assert "covers only Resource" in detail


def test_all_features_off_fails(account):
    account.client("organizations", "us-east-1").create_organization(
        FeatureSet="CONSOLIDATED_BILLING"
    )
    result = account.one("organizations.scp_guardrails")
    assert result.status is Status.FAIL
    assert "all features are off" in result.resources[0].detail


def test_guardrails_unknown_when_a_policy_cannot_be_read(account, org):
    org.attach(deny(EVERY_GUARDRAIL), org.root)
    account.deny("organizations:DescribePolicy")
    result = account.one("organizations.scp_guardrails")
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
    assert result.missing_action == "organizations:DescribePolicy"
