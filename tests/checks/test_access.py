"""Access checks (checks/access.py) under moto, and Stubber where moto lacks a field or paging."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from checks.access import holds_a_literal, secret_like_name, trusted_accounts
from checks.demo import ACCOUNT_ID, TRUST_EC2
from checks.result import Cause, Status
from checks.testing import Harness, failing_ids

ARN = f"arn:aws:iam::{ACCOUNT_ID}"
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


# --- names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "DB_PASSWORD",
        "db_pass",
        "MYSQL_PWD",
        "dbPassword",
        "API_KEY",
        "apiKey",
        "STRIPE_API_KEY",
        "GITHUB_TOKEN",
        "slackToken",
        "CLIENT_SECRET",
        "JWT_SECRET",
        "PRIVATE_KEY",
        "AWS_SECRET_ACCESS_KEY",
        "APIKEY",
        "SERVICE_CREDENTIALS",
    ],
)
def test_secret_like_names(name):
    assert secret_like_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "DB_SECRET_ARN",
        "SECRET_NAME",
        "TOKEN_URL",
        "PASSWORD_PARAMETER",
        "API_KEY_SSM_PATH",
        "PASSWORD_MIN_LENGTH",
        "TOKEN_TTL",
        "BYPASS",
        "COMPASS_URL",
        "PRIMARY_KEY",
        "LOG_LEVEL",
        "KMS_KEY_ID",
        "",
    ],
)
def test_reference_and_plain_names_are_not_secrets(name):
    assert not secret_like_name(name)


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("hunter2", True),
        ("", False),
        ("true", False),
        ("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db", False),
        ("{{resolve:secretsmanager:db}}", False),
        ("/prod/db/password", False),
    ],
)
def test_values_are_only_classified(value, literal):
    assert holds_a_literal(value) is literal


# --- lambda.env_secret_names --------------------------------------------------------------


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("h.py", "def h(e, c):\n    return e\n")
    return buffer.getvalue()


def function(account: Harness, name: str, env: dict[str, str], region: str = EU) -> str:
    execution = role(account, f"exec-{name}", trust({"Service": "lambda.amazonaws.com"}))
    kwargs: dict[str, object] = {"Environment": {"Variables": env}} if env else {}
    created = account.client("lambda", region).create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=execution,
        Handler="h.h",
        Code={"ZipFile": _zip()},
        **kwargs,
    )
    return str(created["FunctionArn"])


def test_lambda_env_secret_names(account):
    results = account.run("lambda.env_secret_names")
    assert {r.status for r in results.values()} == {Status.NOT_APPLICABLE}
    function(account, "clean", {"DB_SECRET_ARN": "arn:aws:secretsmanager:x", "LOG_LEVEL": "info"})
    function(account, "bare", {})
    assert account.run("lambda.env_secret_names")[EU].status is Status.PASS
    bad = function(account, "leaky", {"DB_PASSWORD": "hunter2-value", "REGION": EU}, region=US)
    results = account.run("lambda.env_secret_names")
    assert results[EU].status is Status.PASS
    assert results[US].status is Status.FAIL
    assert failing_ids(results[US]) == {bad}
    detail = results[US].failing[0].detail
    assert "DB_PASSWORD" in detail
    assert "hunter2" not in json.dumps(results[US].to_dict())  # never a value


def test_lambda_env_secret_names_pages(account):
    stub = account.stub("lambda", EU)
    for n, marker in ((1, "m1"), (2, None)):
        page: dict[str, object] = {
            "Functions": [
                {
                    "FunctionName": f"f{n}",
                    "FunctionArn": f"arn:aws:lambda:{EU}:{ACCOUNT_ID}:function:f{n}",
                    "Environment": {"Variables": {"API_TOKEN": "x" * n}},
                }
            ]
        }
        if marker:
            page["NextMarker"] = marker
        stub.add_response("list_functions", page, {"Marker": "m1"} if n == 2 else {})
    result = account.run("lambda.env_secret_names")[EU]
    assert len(result.failing) == 2
    stub.assert_no_pending_responses()


def test_lambda_env_secret_names_denied(account):
    denied(account, "lambda.env_secret_names", "lambda:ListFunctions")


# --- secretsmanager.in_use (a signal: it never FAILs) -----------------------------------------


def test_secrets_manager_in_use(account):
    results = account.run("secretsmanager.in_use")
    assert {r.status for r in results.values()} == {Status.NOT_APPLICABLE}
    account.client("secretsmanager", US).create_secret(Name="db", SecretString="not-real")
    results = account.run("secretsmanager.in_use")
    assert results[US].status is Status.PASS
    assert results[EU].status is Status.NOT_APPLICABLE
    assert "not-real" not in json.dumps(results[US].to_dict())


def test_secrets_manager_denied(account):
    denied(account, "secretsmanager.in_use", "secretsmanager:ListSecrets")


# --- iam.user_direct_policies ---------------------------------------------------------------


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


# --- iam.break_glass --------------------------------------------------------------------------


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


# --- iam.unused_roles -------------------------------------------------------------------------


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


# --- iam.unattached_policies -----------------------------------------------------------------


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


# --- ram.external_sharing -----------------------------------------------------------------------


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


# --- iam.cross_account_trust --------------------------------------------------------------------


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
