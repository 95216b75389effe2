"""Incident response checks (checks/incident_response.py) under moto, and botocore's Stubber
where moto lacks the service (Detective, Incident Manager contacts and response plans)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from checks.demo import ACCOUNT_ID, TRUST_EC2, _load_aws_policy
from checks.incident_response import denies_deletes
from checks.result import Cause, Status
from checks.testing import Harness, failing_ids

ARN = f"arn:aws:iam::{ACCOUNT_ID}"
EU, US = "eu-west-1", "us-east-1"
WHERE = {EU: f"{ACCOUNT_ID}/{EU}", US: f"{ACCOUNT_ID}/{US}"}


def denied(account: Harness, check_id: str, action: str) -> None:
    account.deny(action)
    for result in account.run(check_id).values():
        assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
        assert result.missing_action == action


def role(account: Harness, name: str, document: object = TRUST_EC2, **extra: object) -> str:
    return str(
        account.client("iam").create_role(
            RoleName=name, AssumeRolePolicyDocument=json.dumps(document), **extra
        )["Role"]["Arn"]
    )


# --- account.security_contact ---------------------------------------------------------------


def test_security_contact(account):
    result = account.one("account.security_contact")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {ACCOUNT_ID}
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


# --- Incident Manager: moto lacks it (Stubber) ---------------------------------------------------

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


# --- ir.detective (Stubber) ----------------------------------------------------------------------


def _graph(n: int) -> dict[str, object]:
    return {
        "Arn": f"arn:aws:detective:{EU}:{ACCOUNT_ID}:graph:g{n}",
        "CreatedTime": datetime.now(UTC),
    }


def test_detective_unsupported_by_moto(account):
    results = account.run("ir.detective")
    assert {r.cause for r in results.values()} == {Cause.UNSUPPORTED}


def test_detective(account):
    eu = account.stub("detective", EU)
    eu.add_response("list_graphs", {"GraphList": [_graph(1)], "NextToken": "t1"}, {})
    eu.add_response("list_graphs", {"GraphList": [_graph(2)]}, {"NextToken": "t1"})
    us = account.stub("detective", US)
    us.add_response("list_graphs", {"GraphList": []})
    us.add_response("list_invitations", {"Invitations": []})
    results = account.run("ir.detective")
    assert results[EU].status is Status.PASS
    assert len(results[EU].resources) == 2
    assert results[US].status is Status.FAIL
    assert failing_ids(results[US]) == {WHERE[US]}
    eu.assert_no_pending_responses()


def test_detective_member_account_passes(account):
    graph = f"arn:aws:detective:{US}:111111111111:graph:admin"
    for region in (EU, US):
        stub = account.stub("detective", region)
        stub.add_response("list_graphs", {"GraphList": []})
        status = "ENABLED" if region == US else "INVITED"
        stub.add_response(
            "list_invitations",
            {"Invitations": [{"AccountId": ACCOUNT_ID, "GraphArn": graph, "Status": status}]},
        )
    results = account.run("ir.detective")
    assert results[US].status is Status.PASS
    assert [r.id for r in results[US].resources] == [graph]
    assert results[EU].status is Status.FAIL  # invited, not enabled


def test_detective_denied(account):
    for region in (EU, US):
        account.stub("detective", region).add_client_error(
            "list_graphs", "AccessDeniedException", "no", 403
        )
    results = account.run("ir.detective")
    assert {(r.status, r.missing_action) for r in results.values()} == {
        (Status.UNKNOWN, "detective:ListGraphs")
    }


# --- ir.guardduty --------------------------------------------------------------------------------


def test_guardduty(account):
    results = account.run("ir.guardduty")
    assert {r.status for r in results.values()} == {Status.FAIL}
    assert failing_ids(results[US]) == {WHERE[US]}
    detector = account.client("guardduty", EU).create_detector(Enable=True)["DetectorId"]
    off = account.client("guardduty", US).create_detector(Enable=False)["DetectorId"]
    results = account.run("ir.guardduty")
    assert results[EU].status is Status.PASS
    assert [r.id for r in results[EU].resources] == [
        f"arn:aws:guardduty:{EU}:{ACCOUNT_ID}:detector/{detector}"
    ]
    assert failing_ids(results[US]) == {f"arn:aws:guardduty:{US}:{ACCOUNT_ID}:detector/{off}"}


def test_guardduty_no_regions_examined_is_never_silent(account):
    account.deny("guardduty:GetDetector")
    account.client("guardduty", EU).create_detector(Enable=True)
    results = account.run("ir.guardduty")
    assert results[EU].status is Status.UNKNOWN
    assert results[US].status is Status.FAIL  # no detector to read: nothing set up


def test_guardduty_denied(account):
    denied(account, "ir.guardduty", "guardduty:ListDetectors")


# --- ir.log_bucket_protection --------------------------------------------------------------------


def bucket(account: Harness, name: str, **extra: object) -> str:
    account.client("s3").create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": EU}, **extra
    )
    return f"arn:aws:s3:::{name}"


def trail(account: Harness, name: str, bucket_name: str, region: str = EU) -> None:
    account.client("cloudtrail", region).create_trail(Name=name, S3BucketName=bucket_name)


def test_log_bucket_protection(account):
    assert account.one("ir.log_bucket_protection").status is Status.NOT_APPLICABLE
    s3 = account.client("s3")
    locked = bucket(account, "locked-logs", ObjectLockEnabledForBucket=True)
    trail(account, "t-locked", "locked-logs")
    versioned = bucket(account, "versioned-logs")
    s3.put_bucket_versioning(Bucket="versioned-logs", VersioningConfiguration={"Status": "Enabled"})
    trail(account, "t-versioned", "versioned-logs", region=US)
    result = account.one("ir.log_bucket_protection")
    assert result.status is Status.PASS
    details = {r.id: r.detail for r in result.resources}
    assert "Object Lock on" in details[locked]
    assert "versioning on" in details[versioned]
    plain = bucket(account, "plain-logs")
    tls_only = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::plain-logs", "arn:aws:s3:::plain-logs/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }
    s3.put_bucket_policy(Bucket="plain-logs", Policy=json.dumps(tls_only))
    trail(account, "t-plain", "plain-logs")
    result = account.one("ir.log_bucket_protection")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {plain}
    assert "t-plain" in result.failing[0].detail


def test_deny_delete_policy_counts():
    deny_delete = {
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": ["s3:DeleteObject", "s3:DeleteObjectVersion"],
                "Resource": "arn:aws:s3:::logs/*",
                "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::1:role/admin"}},
            }
        ]
    }
    assert denies_deletes(json.dumps(deny_delete))
    assert not denies_deletes(json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:*"}]}))


def test_log_bucket_in_another_account_is_not_examined(account):
    for region in (EU, US):  # moto refuses trails to buckets it does not hold
        account.stub("cloudtrail", region).add_response(
            "describe_trails", {"trailList": [{"Name": "org", "S3BucketName": "log-archive"}]}
        )
    result = account.one("ir.log_bucket_protection")
    assert result.status is Status.NOT_APPLICABLE
    assert "another account" in result.reason


def test_log_bucket_protection_denied(account):
    bucket(account, "ir-logs")
    trail(account, "trail-1", "ir-logs")
    denied(account, "ir.log_bucket_protection", "s3:GetBucketObjectLockConfiguration")


def test_log_bucket_trails_denied(account):
    denied(account, "ir.log_bucket_protection", "cloudtrail:DescribeTrails")


# --- ssm.automation_runbooks ---------------------------------------------------------------------

AUTOMATION = {
    "schemaVersion": "0.3",
    "mainSteps": [{"name": "wait", "action": "aws:sleep", "inputs": {"Duration": "PT1S"}}],
}
COMMAND = {
    "schemaVersion": "2.2",
    "mainSteps": [
        {"action": "aws:runShellScript", "name": "run", "inputs": {"runCommand": ["true"]}}
    ],
}


def test_automation_runbooks(account):
    results = account.run("ssm.automation_runbooks")
    assert {r.status for r in results.values()} == {Status.NOT_APPLICABLE}
    ssm = account.client("ssm", US)
    ssm.create_document(Name="collect-logs", DocumentType="Command", Content=json.dumps(COMMAND))
    assert account.run("ssm.automation_runbooks")[US].status is Status.NOT_APPLICABLE
    ssm.create_document(
        Name="IR-Isolate", DocumentType="Automation", Content=json.dumps(AUTOMATION)
    )
    results = account.run("ssm.automation_runbooks")
    assert results[US].status is Status.PASS
    assert [r.id for r in results[US].resources] == [
        f"arn:aws:ssm:{US}:{ACCOUNT_ID}:document/IR-Isolate"
    ]
    assert results[EU].status is Status.NOT_APPLICABLE


def test_automation_runbooks_pages(account):
    stub = account.stub("ssm", EU)
    filters = [
        {"Key": "Owner", "Values": ["Self"]},
        {"Key": "DocumentType", "Values": ["Automation"]},
    ]
    stub.add_response(
        "list_documents",
        {"DocumentIdentifiers": [{"Name": "a"}], "NextToken": "t1"},
        {"Filters": filters},
    )
    stub.add_response(
        "list_documents",
        {"DocumentIdentifiers": [{"Name": "b"}]},
        {"Filters": filters, "NextToken": "t1"},
    )
    result = account.run("ssm.automation_runbooks")[EU]
    assert [r.id.rsplit("/", 1)[1] for r in result.resources] == ["a", "b"]
    stub.assert_no_pending_responses()


def test_automation_runbooks_denied(account):
    denied(account, "ssm.automation_runbooks", "ssm:ListDocuments")


# --- iam.incident_response_role ------------------------------------------------------------------


def test_incident_response_role(account):
    role(account, "app")
    result = account.one("iam.incident_response_role")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {ACCOUNT_ID}
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
    good = role(account, "SecurityIRResponder", security)
    tagged = role(account, "ops-access", Tags=[{"Key": "purpose", "Value": "forensics"}])
    result = account.one("iam.incident_response_role")
    assert result.status is Status.PASS
    assert {r.id for r in result.resources} == {good, tagged}
    assert "111111111111" in next(r.detail for r in result.resources if r.id == good)
    anyone = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
    }
    bad = role(account, "incident-response-open", anyone)
    result = account.one("iam.incident_response_role")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {bad}


def test_incident_response_role_denied(account):
    denied(account, "iam.incident_response_role", "iam:GetAccountAuthorizationDetails")


# --- iam.support_role ----------------------------------------------------------------------------


def test_support_role(account):
    iam = account.client("iam")
    assert failing_ids(account.one("iam.support_role")) == {ACCOUNT_ID}
    _load_aws_policy("AWSSupportAccess")
    iam.create_user(UserName="someone")
    iam.attach_user_policy(  # a user, not a role: does not count
        UserName="someone", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess"
    )
    assert account.one("iam.support_role").status is Status.FAIL
    managed = role(account, "support")
    iam.attach_role_policy(RoleName="support", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess")
    inline = role(account, "support-custom")
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


# --- fis.experiments (a signal: it never FAILs) --------------------------------------------------


def test_fis_experiments(account):
    results = account.run("fis.experiments")
    assert {r.status for r in results.values()} == {Status.NOT_APPLICABLE}
    fis = account.client("fis", EU)
    template = fis.create_experiment_template(
        description="game day",
        roleArn=f"{ARN}:role/fis",
        stopConditions=[{"source": "none"}],
        actions={"wait": {"actionId": "aws:fis:wait", "parameters": {"duration": "PT1M"}}},
    )["experimentTemplate"]
    fis.start_experiment(experimentTemplateId=template["id"])
    results = account.run("fis.experiments")
    assert results[EU].status is Status.PASS
    assert "run 1 time(s)" in results[EU].resources[0].detail
    assert results[US].status is Status.NOT_APPLICABLE


def test_fis_denied(account):
    denied(account, "fis.experiments", "fis:ListExperimentTemplates")
