"""SQS queues: encryption at rest."""

from __future__ import annotations

from checks import resource_policies
from checks.declare import Call, Fail, Found, Judgement, Pass, Resources, per_resource

QUEUES = Resources(
    Call("sqs", "ListQueues", "QueueUrls"),
    details={
        "attributes": Call(
            "sqs",
            "GetQueueAttributes",
            "Attributes",
            each=lambda r: {"QueueUrl": r.listed, "AttributeNames": ["All"]},
        )
    },
    id=lambda r: (r["attributes"] or {}).get("QueueArn") or r.listed,
)


@per_resource(
    "sqs.queue_encryption",
    "SQS queues use server-side encryption (SSE-SQS or SSE-KMS)",
    bps=("SEC08-BP02",),
    over=QUEUES,
)
def sqs_queue_encryption(r: Found) -> Judgement:
    attributes = r["attributes"] or {}
    if key := attributes.get("KmsMasterKeyId"):
        return Pass(f"SSE-KMS with {key}")
    if str(attributes.get("SqsManagedSseEnabled", "")).lower() == "true":
        return Pass("SSE-SQS")
    return Fail("queue has no server-side encryption")


resource_policies.declare(
    service="sqs",
    what="queue",
    public_id="sqs.queue_policy_public",
    cross_account_id="sqs.queue_policy_cross_account",
    over=QUEUES,
    policy=lambda r: (r["attributes"] or {}).get("Policy"),
    public_bps=("SEC03-BP07", "SEC08-BP04"),
)
