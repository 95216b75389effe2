"""Demo seeding for the resource-policy family (checks/resource_policies.py).

Runs after the other demo seeders and gives their resources policies, good and bad:
eu-west-1 keeps access restricted (an S3 event source pinned by aws:SourceAccount, a
topic open only to this account's event sources, a queue shared within the organization
by aws:PrincipalOrgID); us-east-1 has the exposures (a function anyone may invoke, a
queue a partner account may write to, a repository anyone may pull from, a secret a
partner account may read). moto must be active.
"""

from __future__ import annotations

import json
from typing import Any

from checks.demo import ACCOUNT_ID, HOME, _client

US = "us-east-1"
PARTNER = "444455556666"
ORG_ID = "o-demo123456"


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def seed() -> None:
    # Lambda: an S3 trigger pinned to this account (good), a public invoke (bad).
    _client("lambda", HOME).add_permission(
        FunctionName="thumbnailer",
        StatementId="s3-uploads",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceAccount=ACCOUNT_ID,
        SourceArn="arn:aws:s3:::acme-uploads",
    )
    _client("lambda", US).add_permission(
        FunctionName="legacy-cron",
        StatementId="AnyoneInvoke",
        Action="lambda:InvokeFunction",
        Principal="*",
    )
    # SQS: shared within the organization (good) / with a partner account (bad).
    for region, principal, condition in (
        (HOME, "*", {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}),
        (US, {"AWS": f"arn:aws:iam::{PARTNER}:root"}, None),
    ):
        sqs = _client("sqs", region)
        url = sqs.get_queue_url(QueueName="jobs")["QueueUrl"]
        statement: dict[str, Any] = {
            "Sid": "SendJobs",
            "Effect": "Allow",
            "Principal": principal,
            "Action": "sqs:SendMessage",
            "Resource": f"arn:aws:sqs:{region}:{ACCOUNT_ID}:jobs",
        }
        if condition:
            statement["Condition"] = condition
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": _policy(statement)})
    # SNS: the usual "this account's sources only" policy.
    topic = f"arn:aws:sns:{HOME}:{ACCOUNT_ID}:alerts"
    _client("sns", HOME).set_topic_attributes(
        TopicArn=topic,
        AttributeName="Policy",
        AttributeValue=_policy(
            {
                "Sid": "AccountSources",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "sns:Publish",
                "Resource": topic,
                "Condition": {"StringEquals": {"AWS:SourceOwner": ACCOUNT_ID}},
            }
        ),
    )
    # ECR: a base image repository anyone may pull from.
    _client("ecr", US).set_repository_policy(
        repositoryName="base-images",
        policyText=_policy(
            {
                "Sid": "PublicPull",
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            }
        ),
    )
    # Secrets Manager: a partner account may read the legacy database password.
    _client("secretsmanager", US).put_resource_policy(
        SecretId=f"db-password-{US}",
        ResourcePolicy=_policy(
            {
                "Sid": "PartnerRead",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
                "Action": "secretsmanager:GetSecretValue",
                "Resource": "*",
            }
        ),
    )
