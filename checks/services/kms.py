"""KMS customer managed keys: rotation and key policies."""

from __future__ import annotations

from typing import Any

from checks.lib.policy import as_list as _as_list
from checks.lib.policy import document as _document
from checks.registry import Context, Outcome, Scope, check, failed, passed
from checks.result import Resource


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


def _open_principal(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        return "*" in _as_list(principal.get("AWS"))
    return False


@check(
    "kms.key_policy_public",
    'Customer managed KMS key policies do not allow a "*" principal without conditions',
    bps=("SEC08-BP01", "SEC08-BP04"),
    service="kms",
    scope=Scope.REGIONAL,
    actions=(*KMS_KEYS, "kms:GetKeyPolicy"),
)
def kms_key_policy_public(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for meta in customer_keys(ctx):
        if str(meta.get("KeyState", "")).startswith("Pending"):  # deletion, import, ...
            continue
        arn = str(meta.get("Arn") or meta.get("KeyId"))
        policy = ctx.call("kms", "get_key_policy", KeyId=meta["KeyId"], PolicyName="default")
        open_sids = [
            str(s.get("Sid") or f"statement {n + 1}")
            for n, s in enumerate(_as_list(_document(policy.get("Policy")).get("Statement")))
            if isinstance(s, dict)
            and s.get("Effect") == "Allow"
            and _open_principal(s.get("Principal"))
            and not s.get("Condition")
        ]
        if open_sids:
            found.append(failed(arn, f'allows "*" without conditions ({", ".join(open_sids)})'))
        else:
            found.append(passed(arn, 'no unconditioned "*" principal'))
    return found
