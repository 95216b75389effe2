"""Tests of the iam checks (checks/services/iam.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from checks.demo import ACCOUNT_ID, ALLOW_ALL, TRUST_EC2, _age_user, _load_aws_policy
from checks.lib.policy import trusted_accounts
from checks.result import GLOBAL, Cause, Status
from checks.testing import Harness, failing_ids, not_in_place_ids

ARN = f"arn:aws:iam::{ACCOUNT_ID}"


REPORT_HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
)


def root_report(mfa: bool, key: bool) -> bytes:
    row = (
        f"<root_account>,arn:aws:iam::{ACCOUNT_ID}:root,2020-01-01T00:00:00+00:00,not_supported,"
        f"2024-01-01T00:00:00+00:00,not_supported,not_supported,{str(mfa).lower()},"
        f"{str(key).lower()},2020-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,"
        "false,N/A,false,N/A"
    )
    return f"{REPORT_HEADER}\n{row}\n".encode()


def stub_report(account: Harness, content: bytes) -> None:
    stubber = account.stub("iam")
    stubber.add_response("generate_credential_report", {"State": "COMPLETE"})
    stubber.add_response(
        "get_credential_report",
        {"Content": content, "ReportFormat": "text/csv", "GeneratedTime": datetime.now(UTC)},
    )


def user(account: Harness, name: str, *, console: bool = False, keys: int = 0) -> None:
    iam = account.client("iam")
    iam.create_user(UserName=name)
    if console:
        iam.create_login_profile(UserName=name, Password="Correct-Horse-Battery-9")
    for _ in range(keys):
        iam.create_access_key(UserName=name)


def mfa(account: Harness, name: str) -> None:
    iam = account.client("iam")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
    iam.enable_mfa_device(
        UserName=name,
        SerialNumber=serial["SerialNumber"],
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )


@pytest.mark.parametrize("check_id", ["iam.root_mfa", "iam.root_access_keys"])
def test_root_checks_are_unknown_when_the_report_has_no_root_row(account, check_id):
    result = account.one(check_id)  # moto's report has no <root_account> row
    assert result.status is Status.UNKNOWN
    assert result.cause is Cause.UNSUPPORTED
    assert "root row" in result.reason


@pytest.mark.parametrize(
    ("check_id", "mfa_on", "key", "expected"),
    [
        ("iam.root_mfa", True, False, Status.PASS),
        ("iam.root_mfa", False, False, Status.FAIL),
        ("iam.root_access_keys", True, False, Status.PASS),
        ("iam.root_access_keys", True, True, Status.FAIL),
    ],
)
def test_root_checks_read_the_root_row(account, check_id, mfa_on, key, expected):
    stub_report(account, root_report(mfa_on, key))
    result = account.one(check_id)
    assert result.status is expected
    assert result.region == GLOBAL
    if expected is Status.FAIL:
        assert failing_ids(result) == {f"arn:aws:iam::{ACCOUNT_ID}:root"}


@pytest.mark.parametrize("check_id", ["iam.root_mfa", "iam.root_access_keys"])
def test_root_checks_denied(account, check_id):
    account.deny("iam:GetCredentialReport")
    result = account.one(check_id)
    assert result.status is Status.UNKNOWN
    assert result.cause is Cause.ACCESS_DENIED
    assert result.missing_action == "iam:GetCredentialReport"


def test_password_policy_missing_fails(account):
    result = account.one("iam.password_policy")
    assert result.status is Status.FAIL
    assert "no account password policy" in result.failing[0].detail


def test_password_policy_weak_fails_strong_passes(account):
    iam = account.client("iam")
    iam.update_account_password_policy(MinimumPasswordLength=8)
    assert account.one("iam.password_policy").status is Status.FAIL
    iam.update_account_password_policy(MinimumPasswordLength=14, PasswordReusePrevention=24)
    assert account.one("iam.password_policy").status is Status.PASS


def test_password_policy_denied(account):
    account.deny("iam:GetAccountPasswordPolicy")
    result = account.one("iam.password_policy")
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
    assert result.missing_action == "iam:GetAccountPasswordPolicy"


REPORT_CHECKS = [
    "iam.console_mfa",
    "iam.access_key_age",
    "iam.access_key_count",
    "iam.unused_credentials",
]


@pytest.mark.parametrize("check_id", REPORT_CHECKS)
def test_report_checks_not_applicable_without_users(account, check_id):
    assert account.one(check_id).status is Status.NOT_APPLICABLE


@pytest.mark.parametrize("check_id", REPORT_CHECKS)
def test_report_checks_denied(account, check_id):
    user(account, "alice", console=True, keys=1)
    account.deny("iam:GenerateCredentialReport")
    result = account.one(check_id)
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
    assert result.missing_action == "iam:GenerateCredentialReport"


def test_console_mfa(account):
    user(account, "alice", console=True)
    mfa(account, "alice")
    user(account, "[bold red]x[/]", console=True)
    user(account, "robot", keys=1)  # no console password: not examined
    result = account.one("iam.console_mfa")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {f"{ARN}:user/[bold red]x[/]"}
    assert {r.id for r in result.resources} == {f"{ARN}:user/alice", f"{ARN}:user/[bold red]x[/]"}


def test_console_mfa_passes_when_all_have_mfa(account):
    user(account, "alice", console=True)
    mfa(account, "alice")
    assert account.one("iam.console_mfa").status is Status.PASS


def test_access_key_age(account):
    user(account, "fresh", keys=1)
    assert account.one("iam.access_key_age").status is Status.PASS
    user(account, "old", keys=1)
    _age_user("old", days=400, key_days=120)
    result = account.one("iam.access_key_age")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {f"{ARN}:user/old (access key 1)"}
    assert "120 days" in result.failing[0].detail


def test_access_key_count(account):
    user(account, "one", keys=1)
    assert account.one("iam.access_key_count").status is Status.PASS
    user(account, "two", keys=2)
    result = account.one("iam.access_key_count")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {f"{ARN}:user/two"}


def test_inactive_second_key_is_not_counted(account):
    user(account, "two", keys=2)
    iam = account.client("iam")
    key = iam.list_access_keys(UserName="two")["AccessKeyMetadata"][1]["AccessKeyId"]
    iam.update_access_key(UserName="two", AccessKeyId=key, Status="Inactive")
    assert account.one("iam.access_key_count").status is Status.PASS


def test_unused_credentials(account):
    user(account, "active", console=True, keys=1)
    assert account.one("iam.unused_credentials").status is Status.PASS
    user(account, "gone", console=True, keys=1)
    _age_user("gone", days=200, key_days=200)
    result = account.one("iam.unused_credentials")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {f"{ARN}:user/gone"}
    assert "console password unused for 200 days" in result.failing[0].detail
    assert "access key 1 unused for 200 days" in result.failing[0].detail


def test_admin_users(account):
    iam = account.client("iam")
    user(account, "reader")
    assert account.one("iam.admin_users").status is Status.PASS
    _load_aws_policy("AdministratorAccess")
    user(account, "direct")
    iam.attach_user_policy(
        UserName="direct", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"
    )
    user(account, "grouped")
    iam.create_group(GroupName="admins")
    iam.attach_group_policy(
        GroupName="admins", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"
    )
    iam.add_user_to_group(GroupName="admins", UserName="grouped")
    user(account, "custom")
    policy = iam.create_policy(PolicyName="star", PolicyDocument=json.dumps(ALLOW_ALL))
    iam.attach_user_policy(UserName="custom", PolicyArn=policy["Policy"]["Arn"])
    user(account, "inline")
    iam.put_user_policy(UserName="inline", PolicyName="all", PolicyDocument=json.dumps(ALLOW_ALL))
    result = account.one("iam.admin_users")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {
        f"{ARN}:user/{n}" for n in ("direct", "grouped", "custom", "inline")
    }
    details = {r.id.rsplit("/", 1)[1]: r.detail for r in result.failing}
    assert "via group admins" in details["grouped"]


def test_admin_users_not_applicable_and_denied(account):
    assert account.one("iam.admin_users").status is Status.NOT_APPLICABLE
    account.deny("iam:GetAccountAuthorizationDetails")
    result = account.one("iam.admin_users")
    assert (result.status, result.missing_action) == (
        Status.UNKNOWN,
        "iam:GetAccountAuthorizationDetails",
    )


def test_inline_admin_policies(account):
    iam = account.client("iam")
    assert account.one("iam.inline_admin_policies").status is Status.NOT_APPLICABLE
    iam.create_role(RoleName="reporting", AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    scoped = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
    iam.put_role_policy(RoleName="reporting", PolicyName="s3", PolicyDocument=json.dumps(scoped))
    assert account.one("iam.inline_admin_policies").status is Status.PASS
    iam.create_group(GroupName="ops")
    iam.put_group_policy(GroupName="ops", PolicyName="all", PolicyDocument=json.dumps(ALLOW_ALL))
    result = account.one("iam.inline_admin_policies")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {f"{ARN}:group/ops"}


def test_inline_admin_policies_denied(account):
    account.deny("iam:GetAccountAuthorizationDetails")
    assert account.one("iam.inline_admin_policies").cause is Cause.ACCESS_DENIED


EU, US = "eu-west-1", "us-east-1"


OUTSIDER = "444455556666"


READ = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:List*", "Resource": "*"}],
}


def trust(principal: object, condition: dict[str, object] | None = None) -> str:
    statement: dict[str, object] = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def role(account: Harness, name: str, document: str | None = None, **extra: object) -> str:
    iam = account.client("iam")
    return str(
        iam.create_role(
            RoleName=name, AssumeRolePolicyDocument=document or json.dumps(TRUST_EC2), **extra
        )["Role"]["Arn"]
    )


def backdate_role(name: str, days: int, last_used_days: int | None = None) -> None:
    from moto.iam.models import iam_backends

    found = next(r for r in iam_backends[ACCOUNT_ID]["global"].roles.values() if r.name == name)
    now = datetime.now(UTC).replace(tzinfo=None)
    found.create_date = now - timedelta(days=days)
    if last_used_days is not None:
        found.last_used = now - timedelta(days=last_used_days)
        found.last_used_region = EU


def denied(account: Harness, check_id: str, action: str) -> None:
    account.deny(action)
    for result in account.run(check_id).values():
        assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
        assert result.missing_action == action


def test_user_direct_policies(account):
    iam = account.client("iam")
    assert account.one("iam.user_direct_policies").status is Status.NOT_APPLICABLE
    policy = iam.create_policy(PolicyName="read", PolicyDocument=json.dumps(READ))["Policy"]["Arn"]
    iam.create_group(GroupName="readers")
    iam.attach_group_policy(GroupName="readers", PolicyArn=policy)
    iam.create_user(UserName="grouped")
    iam.add_user_to_group(GroupName="readers", UserName="grouped")
    assert account.one("iam.user_direct_policies").status is Status.PASS
    iam.create_user(UserName="direct")
    iam.attach_user_policy(UserName="direct", PolicyArn=policy)
    iam.create_user(UserName="inline")
    iam.put_user_policy(UserName="inline", PolicyName="own", PolicyDocument=json.dumps(READ))
    result = account.one("iam.user_direct_policies")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {f"{ARN}:user/direct", f"{ARN}:user/inline"}
    details = {r.id: r.detail for r in result.failing}
    assert "managed read" in details[f"{ARN}:user/direct"]
    assert "inline own" in details[f"{ARN}:user/inline"]


def test_user_direct_policies_denied(account):
    denied(account, "iam.user_direct_policies", "iam:GetAccountAuthorizationDetails")


def test_break_glass_missing_is_not_applicable(account):
    role(account, "app")  # a dedicated emergency account may hold it: not a FAIL here
    result = account.one("iam.break_glass")
    assert result.status is Status.NOT_APPLICABLE
    assert "dedicated account" in result.reason


def test_break_glass_role_and_users(account):
    iam = account.client("iam")
    arn = role(account, "ops", Tags=[{"Key": "purpose", "Value": "Break-Glass"}])
    role(account, "noise", Tags=[{"Key": "EmergencyContact", "Value": "ops@example.com"}])
    result = account.one("iam.break_glass")
    assert result.status is Status.PASS
    assert [r.id for r in result.resources] == [arn]
    assert "no EventBridge rule" in result.resources[0].detail
    account.client("events", US).put_rule(
        Name="watch", EventPattern=json.dumps({"detail": {"userIdentity": {"arn": [arn]}}})
    )
    assert (
        "EventBridge rule watch (us-east-1)" in account.one("iam.break_glass").resources[0].detail
    )
    iam.create_user(UserName="BreakGlassAdmin")
    iam.create_access_key(UserName="BreakGlassAdmin")
    result = account.one("iam.break_glass")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {f"{ARN}:user/BreakGlassAdmin"}
    assert "access key 1 is active" in result.failing[0].detail


def test_break_glass_user_without_keys_passes(account):
    account.client("iam").create_user(UserName="emergency-access")
    result = account.one("iam.break_glass")
    assert result.status is Status.PASS


def test_break_glass_denied(account):
    denied(account, "iam.break_glass", "iam:GetAccountAuthorizationDetails")
    account.client("iam").create_user(UserName="emergency-access")


def test_break_glass_user_report_denied(account):
    account.client("iam").create_user(UserName="emergency-access")
    denied(account, "iam.break_glass", "iam:GenerateCredentialReport")


def test_unused_roles(account):
    assert account.one("iam.unused_roles").status is Status.NOT_APPLICABLE
    role(account, "fresh")
    role(account, "busy")
    backdate_role("busy", days=400, last_used_days=3)
    assert account.one("iam.unused_roles").status is Status.PASS
    role(account, "stale")
    backdate_role("stale", days=400, last_used_days=120)
    role(account, "never")
    backdate_role("never", days=200)
    role(account, "incident-response")
    backdate_role("incident-response", days=500)
    role(account, "AWSServiceRoleForX", Path="/aws-service-role/x.amazonaws.com/")
    backdate_role("AWSServiceRoleForX", days=500)
    result = account.one("iam.unused_roles")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {f"{ARN}:role/stale", f"{ARN}:role/never"}
    details = {r.id: r.detail for r in result.resources}
    assert details[f"{ARN}:role/stale"] == "last used 120 days ago"
    assert "never used in the 200 days" in details[f"{ARN}:role/never"]
    assert "unused by design" in details[f"{ARN}:role/incident-response"]
    assert f"{ARN}:role/aws-service-role/x.amazonaws.com/AWSServiceRoleForX" not in details


def test_unused_roles_unknown_without_role_last_used(account):
    stub = account.stub("iam")
    stub.add_response(
        "get_account_authorization_details",
        {
            "RoleDetailList": [
                {
                    "RoleName": "r",
                    "Arn": f"{ARN}:role/r",
                    "Path": "/",
                    "CreateDate": datetime(2020, 1, 1, tzinfo=UTC),
                }
            ],
            "IsTruncated": False,
        },
    )
    result = account.one("iam.unused_roles")
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)


def test_unused_roles_denied(account):
    denied(account, "iam.unused_roles", "iam:GetAccountAuthorizationDetails")


def test_unattached_policies(account):
    iam = account.client("iam")
    assert account.one("iam.unattached_policies").status is Status.NOT_APPLICABLE
    used = iam.create_policy(PolicyName="used", PolicyDocument=json.dumps(READ))["Policy"]["Arn"]
    bound = iam.create_policy(PolicyName="bound", PolicyDocument=json.dumps(READ))["Policy"]["Arn"]
    role(account, "app")
    iam.attach_role_policy(RoleName="app", PolicyArn=used)
    iam.put_role_permissions_boundary(RoleName="app", PermissionsBoundary=bound)
    result = account.one("iam.unattached_policies")
    assert result.status is Status.PASS
    assert {r.id for r in result.resources} == {used, bound}
    orphan = iam.create_policy(PolicyName="orphan", PolicyDocument=json.dumps(READ))["Policy"][
        "Arn"
    ]
    result = account.one("iam.unattached_policies")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {orphan}


def test_unattached_policies_denied(account):
    denied(account, "iam.unattached_policies", "iam:GetAccountAuthorizationDetails")


def test_trusted_accounts_parsing():
    doc = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": ["111111111111", f"{ARN}:root"]},
                "Action": "sts:AssumeRole",
            },
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::222222222222:role/x"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
                "Condition": {"StringEquals": {"sts:ExternalId": "abc"}},
            },
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-123"}},
            },
            {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"},
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            },
        ]
    }
    assert trusted_accounts(doc, ACCOUNT_ID) == (
        False,
        {"111111111111": False, "222222222222": True},
    )
    anyone = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:*"}]}
    assert trusted_accounts(anyone, ACCOUNT_ID) == (True, {})


def test_cross_account_trust(account):
    role(account, "app")  # trusts a service only: not examined
    role(account, "own", trust({"AWS": f"{ARN}:root"}))  # same account: not examined
    assert account.one("iam.cross_account_trust").status is Status.NOT_APPLICABLE
    good = role(
        account,
        "vendor",
        trust({"AWS": "210987654321"}, {"StringEquals": {"sts:ExternalId": "x-1"}}),
    )
    role(account, "org-wide", trust("*", {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}))
    result = account.one("iam.cross_account_trust")
    assert result.status is Status.PASS
    assert [r.id for r in result.resources] == [good]
    partner = role(account, "partner", trust({"AWS": f"arn:aws:iam::{OUTSIDER}:root"}))
    anyone = role(account, "anyone", trust({"AWS": "*"}))
    result = account.one("iam.cross_account_trust")  # no organization: every account is outside
    assert result.status is Status.FAIL
    assert failing_ids(result) == {partner, anyone}
    details = {r.id: r.detail for r in result.failing}
    assert OUTSIDER in details[partner] and "sts:ExternalId" in details[partner]
    assert '"*"' in details[anyone]


def test_incident_response_role_trusted_by_a_security_account_passes(account):
    arn = role(account, "incident-response", trust({"AWS": f"arn:aws:iam::{OUTSIDER}:root"}))
    result = account.one("iam.cross_account_trust")  # no organization, yet not a FAIL
    assert result.status is Status.PASS
    assert [r.id for r in result.resources] == [arn]
    assert "incident response role" in result.resources[0].detail


def test_cross_account_trust_inside_the_organization_passes(account):
    org = account.client("organizations", US)
    org.create_organization(FeatureSet="ALL")
    status = org.create_account(Email="sec@example.com", AccountName="security")
    member = status["CreateAccountStatus"]["AccountId"]
    arn = role(account, "audit-from-security", trust({"AWS": f"arn:aws:iam::{member}:root"}))
    result = account.one("iam.cross_account_trust")
    assert result.status is Status.PASS
    assert [(r.id, r.detail) for r in result.resources] == [
        (arn, f"trusts {member} (in the organization)")
    ]
    partner = role(account, "partner", trust({"AWS": OUTSIDER}))
    assert failing_ids(account.one("iam.cross_account_trust")) == {partner}


def test_cross_account_trust_unknown_when_the_organization_cannot_be_listed(account):
    account.client("organizations", US).create_organization(FeatureSet="ALL")
    role(account, "maybe", trust({"AWS": OUTSIDER}))
    account.deny("organizations:ListAccounts")
    result = account.one("iam.cross_account_trust")
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
    assert OUTSIDER in result.reason and "maybe" in result.reason
    anyone = role(account, "anyone", trust({"AWS": "*"}))
    result = account.one("iam.cross_account_trust")  # a sure FAIL still shows
    assert result.status is Status.FAIL
    assert failing_ids(result) == {anyone}
    assert "maybe" in result.reason


def test_cross_account_trust_denied(account):
    denied(account, "iam.cross_account_trust", "iam:GetAccountAuthorizationDetails")


def ec2_role(account: Harness, name: str, document: object = TRUST_EC2, **extra: object) -> str:
    return str(
        account.client("iam").create_role(
            RoleName=name, AssumeRolePolicyDocument=json.dumps(document), **extra
        )["Role"]["Arn"]
    )


def test_incident_response_role(account):
    ec2_role(account, "app")
    result = account.one("iam.incident_response_role")
    assert result.status is Status.ADVISORY  # an optional control: not in place
    assert not_in_place_ids(result) == {ACCOUNT_ID}
    security = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    good = ec2_role(account, "SecurityIRResponder", security)
    tagged = ec2_role(account, "ops-access", Tags=[{"Key": "purpose", "Value": "forensics"}])
    result = account.one("iam.incident_response_role")
    assert result.status is Status.PASS
    assert {r.id for r in result.resources} == {good, tagged}
    assert "111111111111" in next(r.detail for r in result.resources if r.id == good)
    anyone = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
    }
    bad = ec2_role(account, "incident-response-open", anyone)
    result = account.one("iam.incident_response_role")
    assert result.status is Status.ADVISORY
    assert not_in_place_ids(result) == {bad}
    # A role anyone may assume is a fault whatever its purpose: iam.cross_account_trust FAILs.
    assert bad in failing_ids(account.one("iam.cross_account_trust"))


def test_incident_response_role_denied(account):
    denied(account, "iam.incident_response_role", "iam:GetAccountAuthorizationDetails")


def test_support_role(account):
    iam = account.client("iam")
    assert not_in_place_ids(account.one("iam.support_role")) == {ACCOUNT_ID}
    _load_aws_policy("AWSSupportAccess")
    iam.create_user(UserName="someone")
    iam.attach_user_policy(  # a user, not a role: does not count
        UserName="someone", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess"
    )
    assert account.one("iam.support_role").status is Status.ADVISORY
    managed = ec2_role(account, "support")
    iam.attach_role_policy(RoleName="support", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess")
    inline = ec2_role(account, "support-custom")
    allow = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "support:*", "Resource": "*"}],
    }
    iam.put_role_policy(
        RoleName="support-custom", PolicyName="support", PolicyDocument=json.dumps(allow)
    )
    result = account.one("iam.support_role")
    assert result.status is Status.PASS
    assert {r.id for r in result.resources} == {managed, inline}


def test_support_role_denied(account):
    denied(account, "iam.support_role", "iam:GetAccountAuthorizationDetails")


SHORT_HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date"
)


def _stub_report(account: Harness, *rows: str) -> None:
    stub_report(account, "\n".join([SHORT_HEADER, *rows]).encode())


def test_an_unreadable_key_date_is_unknown_never_none_days_old(account):
    _stub_report(
        account,
        f"odd,{ARN}:user/odd,2020-01-01T00:00:00+00:00,false,N/A,N/A,false,"
        "true,not_supported,N/A,false,N/A,N/A",
    )
    result = account.one("iam.access_key_age")
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)
    (resource,) = result.resources
    assert resource.status is Status.UNKNOWN and "None" not in resource.detail
    assert "does not report this date" in result.reason


def test_unused_credentials_with_unreadable_dates_are_unknown(account):
    _stub_report(
        account,
        f"odd,{ARN}:user/odd,garbage,true,N/A,N/A,false,false,N/A,N/A,false,N/A,N/A",
    )
    result = account.one("iam.unused_credentials")
    assert result.status is Status.UNKNOWN
    assert "cannot be read" in result.reason


def test_a_password_unused_since_before_tracking_counts_from_when_it_was_set(account):
    old = (datetime.now(UTC) - timedelta(days=400)).isoformat()
    _stub_report(
        account,
        f"old,{ARN}:user/old,{old},true,no_information,{old},true,false,N/A,N/A,false,N/A,N/A",
    )
    result = account.one("iam.unused_credentials")
    assert result.status is Status.FAIL
    assert "console password unused for 400 days" in result.failing[0].detail


# --- unreadable policy documents: undecided (UNKNOWN), never a PASS -----------------------

ODD = "%7Bnot json"  # URL-encoded text that is no JSON


def details(account: Harness, **lists: object) -> None:
    """GetAccountAuthorizationDetails answers `lists` (RoleDetailList=..., ...) once."""
    account.stub("iam", account.aws.home_region).add_response(
        "get_account_authorization_details", dict(lists)
    )


def test_admin_users_with_an_unreadable_policy_or_group_are_undecided(account):
    odd_managed = f"{ARN}:policy/odd"
    details(
        account,
        UserDetailList=[
            {
                "Arn": f"{ARN}:user/inline",
                "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": ODD}],
            },
            {
                "Arn": f"{ARN}:user/managed",
                "AttachedManagedPolicies": [{"PolicyName": "odd", "PolicyArn": odd_managed}],
            },
            {"Arn": f"{ARN}:user/lost", "GroupList": ["gone"]},
            {"Arn": f"{ARN}:user/fine", "GroupList": ["readers"]},
        ],
        GroupDetailList=[{"GroupName": "readers", "Arn": f"{ARN}:group/readers"}],
        Policies=[
            {"Arn": odd_managed, "PolicyVersionList": [{"Document": ODD, "IsDefaultVersion": True}]}
        ],
    )
    result = account.one("iam.admin_users")
    assert result.status is Status.UNKNOWN
    found = {r.id.rsplit("/", 1)[1]: (r.status, r.detail) for r in result.resources}
    assert found["inline"] == (Status.UNKNOWN, "inline policy p could not be read")
    assert found["managed"] == (Status.UNKNOWN, "policy odd could not be read")
    assert found["lost"] == (Status.UNKNOWN, "group gone is not in the authorization details")
    assert found["fine"] == (Status.PASS, "no administrator policy")


def test_inline_admin_policies_unreadable_is_undecided(account):
    details(
        account,
        RoleDetailList=[
            {"Arn": f"{ARN}:role/r", "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": ODD}]}
        ],
    )
    result = account.one("iam.inline_admin_policies")
    assert result.status is Status.UNKNOWN
    assert result.resources[0].detail == "inline policy p could not be read"


def test_cross_account_trust_unreadable_trust_policy_is_undecided(account):
    details(
        account,
        RoleDetailList=[
            {"Arn": f"{ARN}:role/odd", "RoleName": "odd", "AssumeRolePolicyDocument": ODD},
            {
                "Arn": f"{ARN}:role/svc",
                "RoleName": "svc",
                "AssumeRolePolicyDocument": json.dumps(TRUST_EC2),
            },
        ],
    )
    result = account.one("iam.cross_account_trust")
    assert result.status is Status.UNKNOWN  # was NOT_APPLICABLE: the odd role was skipped
    assert [r.id for r in result.resources] == [f"{ARN}:role/odd"]
    assert "trust policy could not be read" in result.resources[0].detail


def test_incident_response_role_unreadable_trust_policy_is_undecided(account):
    details(
        account,
        RoleDetailList=[
            {
                "Arn": f"{ARN}:role/ir",
                "RoleName": "incident-response",
                "AssumeRolePolicyDocument": ODD,
            }
        ],
    )
    result = account.one("iam.incident_response_role")
    assert result.status is Status.UNKNOWN  # was PASS "trusted by nobody"
    assert "cannot be read" in result.resources[0].detail
