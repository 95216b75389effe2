"""KMS customer managed keys: rotation and key policies."""

from __future__ import annotations

from typing import Any

from checks import resource_policies
from checks.declare import (
    Call,
    Fail,
    Found,
    Judgement,
    Pass,
    Resources,
    Undecided,
    actions_of,
    per_resource,
)
from checks.registry import Context
from checks.resource_policies import Holder
from checks.services.common import policy_document

ALIASES = Call("kms", "ListAliases", "Aliases")


def _aws_managed(r: Found) -> bool:
    """Keys behind an `alias/aws/...` alias are AWS managed whatever KeyManager says: that
    prefix is reserved for AWS (moto reports its aws/ebs default key as CUSTOMER)."""
    return any(
        a.get("TargetKeyId") == r.get("KeyId")
        and str(a.get("AliasName", "")).startswith("alias/aws/")
        for a in r.read(ALIASES) or []
    )


KEYS = Resources(
    Call("kms", "ListKeys", "Keys"),
    keep=lambda r: not _aws_managed(r),
    reads=(ALIASES,),
    details={
        "meta": Call("kms", "DescribeKey", "KeyMetadata", each=lambda r: {"KeyId": r.get("KeyId")})
    },
    id=lambda r: str((r["meta"] or {}).get("Arn") or (r["meta"] or {}).get("KeyId")),
)
KMS_KEYS = actions_of(KEYS)


def _customer(r: Found) -> bool:
    return bool((r["meta"] or {}).get("KeyManager") == "CUSTOMER")


def customer_keys(ctx: Context) -> list[dict[str, Any]]:
    """KeyMetadata of every customer managed KMS key in the region."""
    return [dict(r["meta"]) for r in KEYS.found(ctx) if _customer(r)]


def _unreported(meta: dict[str, Any]) -> bool:
    """DescribeKey gave no state or no key spec: whether it can rotate is unknown."""
    return not meta.get("KeyState") or not meta.get("KeySpec", meta.get("CustomerMasterKeySpec"))


def _rotatable(meta: dict[str, Any]) -> bool:
    """Asymmetric, HMAC, imported, custom key store or disabled keys cannot rotate."""
    return (
        meta.get("KeyState") == "Enabled"
        and meta.get("KeySpec", meta.get("CustomerMasterKeySpec")) == "SYMMETRIC_DEFAULT"
        and meta.get("Origin", "AWS_KMS") == "AWS_KMS"
    )


@per_resource(
    "kms.key_rotation",
    "Customer managed symmetric KMS keys rotate automatically",
    bps=("SEC08-BP01",),
    over=KEYS,
    keep=lambda r: _customer(r) and (_unreported(r["meta"]) or _rotatable(r["meta"])),
    details={
        "rotation": Call(
            "kms", "GetKeyRotationStatus", each=lambda r: {"KeyId": r["meta"]["KeyId"]}
        )
    },
)
def kms_key_rotation(r: Found) -> Judgement:
    if _unreported(r["meta"]):  # left out, it let the check PASS beside rotating keys
        return Undecided("the key's state or spec is not reported")
    status = r["rotation"] or {}
    if status.get("KeyRotationEnabled"):
        period = status.get("RotationPeriodInDays")
        return Pass(f"rotates every {period} days" if period else "rotates")
    return Fail("automatic key rotation is off")


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
    actions=(*KMS_KEYS, "kms:GetKeyPolicy"),  # key_policies reads customer_keys
    public_bps=("SEC08-BP01", "SEC08-BP04", "SEC03-BP07"),
    public_title="Customer managed KMS key policies let no one in without a restricting condition",
)
