"""SNS topics: encryption at rest."""

from __future__ import annotations

from checks import resource_policies
from checks.registry import Context, Outcome, Scope, check, failed, passed
from checks.resource_policies import Holder
from checks.result import Resource
from checks.services.common import policy_document


@check(
    "sns.topic_encryption",
    "SNS topics use server-side encryption",
    bps=("SEC08-BP02",),
    service="sns",
    scope=Scope.REGIONAL,
    actions=("sns:ListTopics", "sns:GetTopicAttributes"),
)
def sns_topic_encryption(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for topic in ctx.call("sns", "list_topics").get("Topics", []):
        arn = str(topic["TopicArn"])
        attributes = ctx.call("sns", "get_topic_attributes", TopicArn=arn).get("Attributes", {})
        key = attributes.get("KmsMasterKeyId")
        if key:
            found.append(passed(arn, f"encrypted with {key}"))
        else:
            found.append(failed(arn, "topic has no server-side encryption (no KMS key)"))
    return found


def topic_policies(ctx: Context) -> list[Holder]:
    holders: list[Holder] = []
    for topic in ctx.call("sns", "list_topics").get("Topics", []):
        arn = str(topic["TopicArn"])
        attributes = ctx.call("sns", "get_topic_attributes", TopicArn=arn).get("Attributes", {})
        holders.append(Holder(arn, policy_document(attributes, "Policy")))  # every topic has one
    return holders


resource_policies.declare(
    service="sns",
    what="topic",
    public_id="sns.topic_policy_public",
    cross_account_id="sns.topic_policy_cross_account",
    list_holders=topic_policies,
    actions=("sns:ListTopics", "sns:GetTopicAttributes"),
)
