"""The resource-policy family (checks/resource_policies.py), for every resource type it
covers: PASS, FAIL public, FAIL cross-account, restricted by a condition (PASS), access
denied (UNKNOWN naming the action) and nothing to examine (NOT_APPLICABLE); plus the
organization's accounts (inside: PASS; cannot be listed: UNKNOWN, never a guess)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from checks.result import Cause, Status
from checks.testing import Harness, failing_ids

ACCOUNT = "123456789012"
OTHER = "444455556666"
EU = "eu-west-1"
ORG_ID = "o-a1b2c3d4e5"


def _statement(principal: Any, action: str, resource: str, condition: Any = None) -> dict:
    statement = {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return 'ok'\n")
    return buffer.getvalue()


@dataclass(frozen=True)
class Kind:
    """One resource type: how to make it with a policy statement, and its two checks."""

    public: str
    cross_account: str
    read: str  # the IAM action that reads the policy
    region: str  # where its results are (EU, or "global")
    make: Callable[[Harness, str, dict | None], str]  # -> the resource id checks report


def _lambda(account: Harness, name: str, statement: dict | None) -> str:
    client = account.client("lambda", EU)
    iam = account.client("iam")
    try:
        role = iam.get_role(RoleName="fn")["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        trust = _statement({"Service": "lambda.amazonaws.com"}, "sts:AssumeRole", "*")
        del trust["Resource"]
        role = iam.create_role(
            RoleName="fn",
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [trust]}),
        )["Role"]["Arn"]
    arn = client.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": _zip()},
    )["FunctionArn"]
    if statement is not None:
        principal = statement["Principal"]
        kwargs: dict[str, Any] = {}
        condition = statement.get("Condition", {})
        if "StringEquals" in condition and "aws:PrincipalOrgID" in condition["StringEquals"]:
            kwargs["PrincipalOrgID"] = condition["StringEquals"]["aws:PrincipalOrgID"]
        client.add_permission(
            FunctionName=name,
            StatementId="s1",
            Action="lambda:InvokeFunction",
            Principal="*" if principal == "*" else principal["AWS"].split(":")[4],
            **kwargs,
        )
    return str(arn)


def _sqs(account: Harness, name: str, statement: dict | None) -> str:
    client = account.client("sqs", EU)
    arn = f"arn:aws:sqs:{EU}:{ACCOUNT}:{name}"
    attributes = {}
    if statement is not None:
        statement = {**statement, "Action": "sqs:SendMessage", "Resource": arn}
        attributes["Policy"] = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    client.create_queue(QueueName=name, Attributes=attributes)
    return arn


def _sns(account: Harness, name: str, statement: dict | None) -> str:
    client = account.client("sns", EU)
    arn = str(client.create_topic(Name=name)["TopicArn"])
    if statement is not None:
        statement = {**statement, "Action": "sns:Publish", "Resource": arn}
        client.set_topic_attributes(
            TopicArn=arn,
            AttributeName="Policy",
            AttributeValue=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
        )
    return arn


def _kms(account: Harness, name: str, statement: dict | None) -> str:
    client = account.client("kms", EU)
    owner = _statement({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "kms:*", "*")
    statements = [owner] + (
        [{**statement, "Action": "kms:Decrypt", "Resource": "*"}] if statement else []
    )
    key = client.create_key(
        Description=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": statements})
    )["KeyMetadata"]
    return str(key["Arn"])


def _ecr(account: Harness, name: str, statement: dict | None) -> str:
    client = account.client("ecr", EU)
    arn = str(client.create_repository(repositoryName=name)["repository"]["repositoryArn"])
    if statement is not None:
        statement = {**statement, "Action": "ecr:BatchGetImage"}
        statement.pop("Resource", None)
        client.set_repository_policy(
            repositoryName=name,
            policyText=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
        )
    return arn


def _secret(account: Harness, name: str, statement: dict | None) -> str:
    client = account.client("secretsmanager", EU)
    arn = str(client.create_secret(Name=name, SecretString="not-a-secret")["ARN"])
    if statement is not None:
        statement = {**statement, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}
        client.put_resource_policy(
            SecretId=arn,
            ResourcePolicy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
        )
    return arn


def _bucket(account: Harness, name: str, statement: dict | None) -> str:
    client = account.client("s3", EU)
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": EU})
    if statement is not None:
        statement = {**statement, "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{name}/*"}
        client.put_bucket_policy(
            Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]})
        )
    return f"arn:aws:s3:::{name}"


KINDS = {
    "lambda": Kind(
        "lambda.function_policy_public",
        "lambda.function_policy_cross_account",
        "lambda:GetPolicy",
        EU,
        _lambda,
    ),
    "sqs": Kind(
        "sqs.queue_policy_public",
        "sqs.queue_policy_cross_account",
        "sqs:GetQueueAttributes",
        EU,
        _sqs,
    ),
    "sns": Kind(
        "sns.topic_policy_public",
        "sns.topic_policy_cross_account",
        "sns:GetTopicAttributes",
        EU,
        _sns,
    ),
    "kms": Kind(
        "kms.key_policy_public", "kms.key_policy_cross_account", "kms:GetKeyPolicy", EU, _kms
    ),
    "ecr": Kind(
        "ecr.repository_policy_public",
        "ecr.repository_policy_cross_account",
        "ecr:GetRepositoryPolicy",
        EU,
        _ecr,
    ),
    "secretsmanager": Kind(
        "secretsmanager.resource_policy_public",
        "secretsmanager.resource_policy_cross_account",
        "secretsmanager:GetResourcePolicy",
        EU,
        _secret,
    ),
    "s3": Kind(
        "s3.bucket_public", "s3.bucket_cross_account", "s3:GetBucketPolicy", "global", _bucket
    ),
}

EVERYONE = {"Sid": "Everyone", "Effect": "Allow", "Principal": "*"}
FOREIGN = {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"}}
IN_ORG = {
    "Sid": "Organization",
    "Effect": "Allow",
    "Principal": "*",
    "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}},
}


def _run(account: Harness, kind: Kind) -> tuple[Any, Any]:
    return account.run(kind.public)[kind.region], account.run(kind.cross_account)[kind.region]


@pytest.mark.parametrize("name", list(KINDS))
def test_public_and_cross_account_access(account: Harness, name: str) -> None:
    kind = KINDS[name]
    public, cross = _run(account, kind)
    assert (public.status, cross.status) == (Status.NOT_APPLICABLE, Status.NOT_APPLICABLE)

    private = kind.make(account, "private-one", None)
    public, cross = _run(account, kind)
    assert (public.status, cross.status) == (Status.PASS, Status.PASS), (public, cross)

    opened = kind.make(account, "open-one", dict(EVERYONE))
    shared = kind.make(account, "shared-one", dict(FOREIGN))
    restricted = kind.make(account, "org-only", dict(IN_ORG))
    public, cross = _run(account, kind)
    assert public.status is Status.FAIL
    assert failing_ids(public) == {opened}
    assert "public" in next(r.detail for r in public.resources if r.id == opened)
    assert {r.id for r in public.resources if r.status is Status.PASS} >= {private, restricted}
    assert cross.status is Status.FAIL
    assert failing_ids(cross) == {shared}
    assert OTHER in next(r.detail for r in cross.resources if r.id == shared)
    assert "aws:principalorgid" in next(r.detail for r in public.resources if r.id == restricted)


@pytest.mark.parametrize("name", list(KINDS))
def test_a_policy_that_cannot_be_read_is_unknown(account: Harness, name: str) -> None:
    kind = KINDS[name]
    kind.make(account, "open-one", dict(EVERYONE))
    account.deny(kind.read)
    for check_id in (kind.public, kind.cross_account):
        result = account.run(check_id)[kind.region]
        assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
        assert result.missing_action == kind.read


# Where the answer of the "get policy" call holds the document (every KMS key and SNS topic
# has a policy; Lambda, ECR and S3 say "none" with an error code instead).
DOCUMENT = {
    "lambda": ("lambda", "GetPolicy", "Policy"),
    "sns": ("sns", "GetTopicAttributes", "Attributes.Policy"),
    "kms": ("kms", "GetKeyPolicy", "Policy"),
    "ecr": ("ecr", "GetRepositoryPolicy", "policyText"),
    "s3": ("s3", "GetBucketPolicy", "Policy"),
}


@pytest.mark.parametrize("name", list(DOCUMENT))
def test_an_answer_without_its_policy_document_is_undecided(account: Harness, name: str) -> None:
    """The endpoint answers the policy read but gives no document: the resource is
    undecided (UNKNOWN), never "no policy" (PASS)."""
    kind = KINDS[name]
    opened = kind.make(account, "open-one", dict(EVERYONE))
    service, operation, key = DOCUMENT[name]

    def drop_document(parsed: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name == operation:
            *path, last = key.split(".")
            holder = parsed
            for part in path:
                holder = holder.get(part, {})
            holder.pop(last, None)

    for region in (EU, "us-east-1"):
        account.scan_client(service, region).meta.events.register("after-call", drop_document)
    for check_id in (kind.public, kind.cross_account):
        result = account.run(check_id)[kind.region]
        assert result.status is Status.UNKNOWN, result
        found = {r.id: r for r in result.resources}
        assert found[opened].status is Status.UNKNOWN
        assert "policy could not be read" in found[opened].detail


def test_accounts_inside_the_organization_pass(account: Harness) -> None:
    org = account.client("organizations", "us-east-1")
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(AccountName="logs", Email="logs@example.com")
    member_id = org.describe_create_account_status(
        CreateAccountRequestId=member["CreateAccountStatus"]["Id"]
    )["CreateAccountStatus"]["AccountId"]
    inside = _sqs(
        account, "to-member", {**FOREIGN, "Principal": {"AWS": f"arn:aws:iam::{member_id}:root"}}
    )
    outside = _sqs(account, "to-outsider", dict(FOREIGN))
    result = account.run("sqs.queue_policy_cross_account")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {outside}
    assert "in the organization" in next(r.detail for r in result.resources if r.id == inside)


def test_a_member_account_that_cannot_list_the_organization_is_unknown(account: Harness) -> None:
    account.client("organizations", "us-east-1").create_organization(FeatureSet="ALL")
    _sqs(account, "to-someone", dict(FOREIGN))
    account.deny("organizations:ListAccounts")
    result = account.run("sqs.queue_policy_cross_account")[EU]
    assert result.status is Status.UNKNOWN
    assert "organizations:ListAccounts" in result.reason
    assert not result.failing


def test_s3_acl_and_block_public_access(account: Harness) -> None:
    s3 = account.client("s3", EU)
    where = {"LocationConstraint": EU}
    s3.create_bucket(Bucket="acl-open", CreateBucketConfiguration=where, ACL="public-read")
    _bucket(account, "policy-open-but-blocked", dict(EVERYONE))
    s3.put_public_access_block(
        Bucket="policy-open-but-blocked",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    result = account.run("s3.bucket_public")["global"]
    assert failing_ids(result) == {"arn:aws:s3:::acl-open"}
    blocked = next(r for r in result.resources if r.id.endswith("policy-open-but-blocked"))
    assert blocked.status is Status.PASS and "Block Public Access" in blocked.detail
