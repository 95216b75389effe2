"""Temporary home of the resource-policy family's declarations (moves to checks/services)."""

from __future__ import annotations

from checks import resource_policies
from checks.compute import DESCRIBE_REPOSITORIES, LIST_FUNCTIONS, functions, repositories
from checks.registry import Context
from checks.resource_policies import Holder


# --- lambda (checks/services/lambda_.py) ---
def function_policies(ctx: Context) -> list[Holder]:
    """Every function with its resource policy (None when it has none)."""
    holders: list[Holder] = []
    for function in functions(ctx):
        arn = str(function.get("FunctionArn") or function.get("FunctionName"))
        response = ctx.call_if_exists(
            "lambda", "get_policy", absent={"ResourceNotFoundException"}, FunctionName=arn
        )
        holders.append(Holder(arn, None if response is None else response.get("Policy")))
    return holders


resource_policies.declare(
    service="lambda",
    what="function",
    public_id="lambda.function_policy_public",
    cross_account_id="lambda.function_policy_cross_account",
    list_holders=function_policies,
    actions=(LIST_FUNCTIONS, "lambda:GetPolicy"),
)


# --- sqs ---
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


# --- sns ---
def topic_policies(ctx: Context) -> list[Holder]:
    holders: list[Holder] = []
    for topic in ctx.call("sns", "list_topics").get("Topics", []):
        arn = str(topic["TopicArn"])
        attributes = ctx.call("sns", "get_topic_attributes", TopicArn=arn).get("Attributes", {})
        holders.append(Holder(arn, attributes.get("Policy")))
    return holders


resource_policies.declare(
    service="sns",
    what="topic",
    public_id="sns.topic_policy_public",
    cross_account_id="sns.topic_policy_cross_account",
    list_holders=topic_policies,
    actions=("sns:ListTopics", "sns:GetTopicAttributes"),
)


# --- ecr ---
def repository_policies(ctx: Context) -> list[Holder]:
    holders: list[Holder] = []
    for repo in repositories(ctx):
        response = ctx.call_if_exists(
            "ecr",
            "get_repository_policy",
            absent={"RepositoryPolicyNotFoundException"},
            repositoryName=repo["repositoryName"],
        )
        holders.append(
            Holder(
                str(repo["repositoryArn"]), None if response is None else response.get("policyText")
            )
        )
    return holders


resource_policies.declare(
    service="ecr",
    what="repository",
    public_id="ecr.repository_policy_public",
    cross_account_id="ecr.repository_policy_cross_account",
    list_holders=repository_policies,
    actions=(DESCRIBE_REPOSITORIES, "ecr:GetRepositoryPolicy"),
)


# --- secretsmanager ---
def secret_policies(ctx: Context) -> list[Holder]:
    holders: list[Holder] = []
    for secret in ctx.call("secretsmanager", "list_secrets").get("SecretList", []):
        arn = str(secret.get("ARN") or secret.get("Name"))
        response = ctx.call("secretsmanager", "get_resource_policy", SecretId=arn)
        holders.append(Holder(arn, response.get("ResourcePolicy")))
    return holders


resource_policies.declare(
    service="secretsmanager",
    what="secret",
    public_id="secretsmanager.resource_policy_public",
    cross_account_id="secretsmanager.resource_policy_cross_account",
    list_holders=secret_policies,
    actions=("secretsmanager:ListSecrets", "secretsmanager:GetResourcePolicy"),
    public_bps=("SEC03-BP07", "SEC08-BP04"),
)
