"""KMS customer managed keys: rotation and key policies."""

from __future__ import annotations

from typing import Any

from checks import resource_policies
from checks.registry import Context, Outcome, Scope, check, failed, passed
from checks.resource_policies import Holder
from checks.result import Resource
from checks.services.common import policy_document


def customer_keys(ctx: Context) -> list[dict[str, Any]]:
    """KeyMetadata of every customer managed KMS key in the region.

    Keys behind an `alias/aws/...` alias are AWS managed whatever KeyManager says: that
    prefix is reserved for AWS (moto reports its aws/ebs default key as CUSTOMER).
    """
    keys = ctx.call("kms", "list_keys").get("Keys", [])
    aws_managed = {
        a.get("TargetKeyId")
        for a in ctx.call("kms", "list_aliases").get("Aliases", [])
        if str(a.get("AliasName", "")).startswith("alias/aws/")
    }
    found = []
    for key in keys:
        if key["KeyId"] in aws_managed:
            continue
        meta = ctx.call("kms", "describe_key", KeyId=key["KeyId"]).get("KeyMetadata", {})
        if meta.get("KeyManager") == "CUSTOMER":
            found.append(dict(meta))
    return found


KMS_KEYS = ("kms:ListKeys", "kms:ListAliases", "kms:DescribeKey")


@check(
    "kms.key_rotation",
    "Customer managed symmetric KMS keys rotate automatically",
    bps=("SEC08-BP01",),
    service="kms",
    scope=Scope.REGIONAL,
    actions=(*KMS_KEYS, "kms:GetKeyRotationStatus"),
)
def kms_key_rotation(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for meta in customer_keys(ctx):
        rotatable = (
            meta.get("KeyState") == "Enabled"
            and meta.get("KeySpec", meta.get("CustomerMasterKeySpec")) == "SYMMETRIC_DEFAULT"
            and meta.get("Origin", "AWS_KMS") == "AWS_KMS"
        )
        if not rotatable:  # asymmetric, HMAC, imported, custom key store, disabled: cannot
            continue
        arn = str(meta.get("Arn") or meta.get("KeyId"))
        status = ctx.call("kms", "get_key_rotation_status", KeyId=meta["KeyId"])
        if status.get("KeyRotationEnabled"):
            period = status.get("RotationPeriodInDays")
            found.append(passed(arn, f"rotates every {period} days" if period else "rotates"))
        else:
            found.append(failed(arn, "automatic key rotation is off"))
    return found


def key_policies(ctx: Context) -> list[Holder]:
    """Every customer managed key (not pending deletion or import) with its key policy."""
    holders: list[Holder] = []
    for meta in customer_keys(ctx):
        if str(meta.get("KeyState", "")).startswith("Pending"):  # deletion, import, ...
            continue
        policy = ctx.call("kms", "get_key_policy", KeyId=meta["KeyId"], PolicyName="default")
        arn = str(meta.get("Arn") or meta.get("KeyId"))
        holders.append(Holder(arn, policy_document(policy, "Policy")))  # every key has one
    return holders


resource_policies.declare(
    service="kms",
    what="key",
    public_id="kms.key_policy_public",
    cross_account_id="kms.key_policy_cross_account",
    list_holders=key_policies,
    actions=(*KMS_KEYS, "kms:GetKeyPolicy"),
    public_bps=("SEC08-BP01", "SEC08-BP04", "SEC03-BP07"),
    public_title="Customer managed KMS key policies let no one in without a restricting condition",
)
