"""SQS queues: encryption at rest."""

from __future__ import annotations

from checks import resource_policies
from checks.registry import Context, Outcome, Scope, check, failed, passed
from checks.resource_policies import Holder
from checks.result import Resource


@check(
    "sqs.queue_encryption",
    "SQS queues use server-side encryption (SSE-SQS or SSE-KMS)",
    bps=("SEC08-BP02",),
    service="sqs",
    scope=Scope.REGIONAL,
    actions=("sqs:ListQueues", "sqs:GetQueueAttributes"),
)
def sqs_queue_encryption(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for url in ctx.call("sqs", "list_queues").get("QueueUrls", []):
        attributes = ctx.call(
            "sqs", "get_queue_attributes", QueueUrl=url, AttributeNames=["All"]
        ).get("Attributes", {})
        arn = str(attributes.get("QueueArn") or url)
        key = attributes.get("KmsMasterKeyId")
        if key:
            found.append(passed(arn, f"SSE-KMS with {key}"))
        elif str(attributes.get("SqsManagedSseEnabled", "")).lower() == "true":
            found.append(passed(arn, "SSE-SQS"))
        else:
            found.append(failed(arn, "queue has no server-side encryption"))
    return found


def queue_policies(ctx: Context) -> list[Holder]:
    holders: list[Holder] = []
    for url in ctx.call("sqs", "list_queues").get("QueueUrls", []):
        attributes = ctx.call(
            "sqs", "get_queue_attributes", QueueUrl=url, AttributeNames=["All"]
        ).get("Attributes", {})
        holders.append(Holder(str(attributes.get("QueueArn") or url), attributes.get("Policy")))
    return holders


resource_policies.declare(
    service="sqs",
    what="queue",
    public_id="sqs.queue_policy_public",
    cross_account_id="sqs.queue_policy_cross_account",
    list_holders=queue_policies,
    actions=("sqs:ListQueues", "sqs:GetQueueAttributes"),
    public_bps=("SEC03-BP07", "SEC08-BP04"),
)
