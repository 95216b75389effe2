"""SNS topics: encryption at rest."""

from __future__ import annotations

from checks import resource_policies
from checks.declare import Call, Fail, Found, Judgement, Pass, Resources, per_resource
from checks.services.common import policy_document

TOPICS = Resources(
    Call("sns", "ListTopics", "Topics"),
    details={
        "attributes": Call(
            "sns", "GetTopicAttributes", "Attributes", each=lambda r: {"TopicArn": r.id}
        )
    },
    id="TopicArn",
)


@per_resource(
    "sns.topic_encryption",
    "SNS topics use server-side encryption",
    bps=("SEC08-BP02",),
    over=TOPICS,
)
def sns_topic_encryption(r: Found) -> Judgement:
    if key := (r["attributes"] or {}).get("KmsMasterKeyId"):
        return Pass(f"encrypted with {key}")
    return Fail("topic has no server-side encryption (no KMS key)")


resource_policies.declare(
    service="sns",
    what="topic",
    public_id="sns.topic_policy_public",
    cross_account_id="sns.topic_policy_cross_account",
    over=TOPICS,
    policy=lambda r: policy_document(r["attributes"] or {}, "Policy"),  # every topic has one
)
