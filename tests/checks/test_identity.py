"""Identity checks under moto: PASS, FAIL, NOT_APPLICABLE and UNKNOWN (access denied)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from checks.demo import ACCOUNT_ID, ALLOW_ALL, TRUST_EC2, _age_user, _load_aws_policy
from checks.result import GLOBAL, Cause, Status
from checks.testing import Harness, failing_ids

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


# --- root user (credential report root row) -----------------------------------------


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


# --- password policy ------------------------------------------------------------------


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


# --- credential report checks ---------------------------------------------------------

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


# --- policies ---------------------------------------------------------------------------


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


# --- Access Analyzer (moto lacks it: Stubber) -------------------------------------------


def test_access_analyzer_unsupported_by_moto(account):
    results = account.run("accessanalyzer.enabled")
    assert set(results) == {"eu-west-1", "us-east-1"}
    assert all(r.cause is Cause.UNSUPPORTED for r in results.values())


def test_access_analyzer_per_region(account):
    arn = f"arn:aws:access-analyzer:eu-west-1:{ACCOUNT_ID}:analyzer/main"
    eu = account.stub("accessanalyzer", "eu-west-1")
    eu.add_response(
        "list_analyzers",
        {
            "analyzers": [
                {
                    "arn": arn,
                    "name": "main",
                    "type": "ACCOUNT",
                    "createdAt": datetime.now(UTC),
                    "status": "ACTIVE",
                }
            ]
        },
    )
    us = account.stub("accessanalyzer", "us-east-1")
    us.add_client_error("list_analyzers", "AccessDeniedException", "no", 403)
    results = account.run("accessanalyzer.enabled")
    assert results["eu-west-1"].status is Status.PASS
    assert results["us-east-1"].status is Status.UNKNOWN
    assert results["us-east-1"].missing_action == "access-analyzer:ListAnalyzers"


def test_access_analyzer_missing_fails(account):
    for region in ("eu-west-1", "us-east-1"):
        account.stub("accessanalyzer", region).add_response("list_analyzers", {"analyzers": []})
    results = account.run("accessanalyzer.enabled")
    assert {r.status for r in results.values()} == {Status.FAIL}
    assert failing_ids(results["us-east-1"]) == {f"{ACCOUNT_ID}/us-east-1"}


# --- Organizations and Identity Center --------------------------------------------------


def test_organizations_member_and_scps(account):
    assert account.one("organizations.member").status is Status.FAIL
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


def test_days_since_ignores_placeholders():
    from checks.identity import days_since

    now = datetime(2026, 1, 31, tzinfo=UTC)
    assert days_since("2026-01-01T00:00:00+00:00", now) == 30
    assert days_since((now - timedelta(days=3)).isoformat(), now) == 3
    for value in ("N/A", "no_information", "not_supported", "", None, "garbage"):
        assert days_since(value, now) is None


def test_identity_center_found_in_one_region_despite_errors_in_another(account):
    account.stub("sso-admin", "us-east-1").add_client_error(
        "list_instances", "AccessDeniedException", "no", 403
    )
    result = account.one("sso.identity_center")
    assert result.status is Status.PASS
    assert [r.detail for r in result.resources] == ["IAM Identity Center in eu-west-1"]
