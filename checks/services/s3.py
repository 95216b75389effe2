"""S3 buckets and account settings: public access, encryption, TLS, lifecycle, tags."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from checks import resource_policies
from checks.lib.policy import denies_insecure_transport, readable
from checks.registry import Context, Outcome, Scope, Verdict, check, failed, passed, undecided
from checks.resource_policies import Holder
from checks.result import Cause, Resource, Status
from checks.services.common import _classified, _few, _list, policy_document


@check(
    "s3.bucket_tls_only",
    "S3 bucket policies deny requests without TLS (aws:SecureTransport false)",
    bps=("SEC09-BP02",),
    service="s3",
    scope=Scope.GLOBAL,
    actions=("s3:ListAllMyBuckets", "s3:GetBucketPolicy"),
)
def bucket_tls_only(ctx: Context) -> Outcome:
    found: list[Resource] = []
    odd: list[str] = []
    for bucket in _list(ctx.call("s3", "list_buckets"), "Buckets"):
        name = str(bucket.get("Name", ""))
        if not VALID_BUCKET.match(name):
            odd.append(name)  # no real bucket has such a name (emulators only)
            continue
        ident = f"arn:{ctx.partition}:s3:::{name}"
        response = ctx.call_if_exists(
            "s3",
            "get_bucket_policy",
            absent={"NoSuchBucketPolicy"},
            region=str(bucket.get("BucketRegion") or ctx.region),
            Bucket=name,
        )
        if response is None:
            found.append(failed(ident, "no bucket policy: plain HTTP requests are not denied"))
            continue
        document = response.get("Policy")
        if not readable(document):
            found.append(undecided(ident, "the bucket policy could not be read"))
        elif denies_insecure_transport(document, "s3"):
            found.append(passed(ident, "bucket policy denies aws:SecureTransport false"))
        else:
            found.append(failed(ident, "bucket policy does not deny requests without TLS"))
    if not odd:
        return found
    skipped = f"{len(odd)} bucket(s) not examined, their names are invalid: {_few(odd)}"
    failing = [r for r in found if r.status is Status.FAIL]
    if failing:
        return Verdict(
            Status.FAIL, f"{len(failing)} of {len(found)} failing; {skipped}", tuple(found)
        )
    return Verdict(Status.UNKNOWN, skipped, tuple(found), Cause.UNSUPPORTED)


# botocore refuses other bucket names before sending (real S3 has none; emulators may)
VALID_BUCKET = re.compile(r"^[a-zA-Z0-9.\-_]{1,255}$")


PUBLIC_GROUPS = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)


BLOCK_SETTINGS = (
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
)


def bucket_names(ctx: Context) -> list[str]:
    return [
        str(b["Name"]) for b in ctx.call("s3", "list_buckets").get("Buckets", []) if "Name" in b
    ]


def per_bucket(
    ctx: Context, examine: Callable[[str], Resource], ahead: Sequence[str] = ()
) -> Outcome:
    """`examine` every bucket; names the S3 API refuses (emulators only) are reported.

    `ahead`: the S3 reads (`get_bucket_policy`...) `examine` makes of every bucket, sent
    for all buckets at once before the first is examined."""
    names = bucket_names(ctx)
    valid = [n for n in names if VALID_BUCKET.match(n)]
    found: list[Resource] = []
    for n, name in enumerate(valid):
        found.append(examine(name))
        if n == 0:  # the first answered: a role refused these stops at one refused call
            for operation in ahead:
                ctx.prefetch("s3", operation, [{"Bucket": b} for b in valid[1:]])
    odd = [n for n in names if not VALID_BUCKET.match(n)]
    if not odd:
        return found
    failing = [r for r in found if r.status is Status.FAIL]
    skipped = f"{len(odd)} bucket(s) not examined, their names are invalid: {', '.join(odd)}"
    if failing:
        return Verdict(
            Status.FAIL, f"{len(failing)} of {len(found)} failing; {skipped}", tuple(found)
        )
    return Verdict(Status.UNKNOWN, skipped, tuple(found), Cause.UNSUPPORTED)


def bucket_arn(ctx: Context, name: str) -> str:
    return f"arn:{ctx.partition}:s3:::{name}"


def _on(value: Any) -> bool:
    """A Block Public Access flag is on only when it says so: True (or the text "true" a
    replayed or odd endpoint may send); "false", "0", None and anything else are off."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def account_block(ctx: Context) -> dict[str, bool]:
    """The account-level S3 Block Public Access settings ({} when none is set)."""
    response = ctx.call_if_exists(
        "s3control",
        "get_public_access_block",
        absent={"NoSuchPublicAccessBlockConfiguration"},
        AccountId=ctx.account_id,
    )
    config = (response or {}).get("PublicAccessBlockConfiguration", {})
    return {k: _on(config.get(k)) for k in BLOCK_SETTINGS}


def bucket_block(ctx: Context, name: str) -> dict[str, bool]:
    response = ctx.call_if_exists(
        "s3",
        "get_public_access_block",
        absent={"NoSuchPublicAccessBlockConfiguration"},
        Bucket=name,
    )
    config = (response or {}).get("PublicAccessBlockConfiguration", {})
    return {k: _on(config.get(k)) for k in BLOCK_SETTINGS}


def effective_block(ctx: Context, name: str) -> dict[str, bool]:
    """Bucket and account settings combined (either one turns a setting on)."""
    own = bucket_block(ctx, name)
    if all(own.values()):
        return own
    account = account_block(ctx)
    return {k: own[k] or account[k] for k in BLOCK_SETTINGS}


S3_LIST = ("s3:ListAllMyBuckets",)


S3_BLOCK = ("s3:GetBucketPublicAccessBlock", "s3:GetAccountPublicAccessBlock")


@check(
    "s3.default_encryption",
    "S3 buckets have default encryption (SSE-S3 or SSE-KMS)",
    bps=("SEC08-BP02",),
    service="s3",
    scope=Scope.GLOBAL,
    actions=(*S3_LIST, "s3:GetEncryptionConfiguration"),
)
def s3_default_encryption(ctx: Context) -> Outcome:
    def examine(name: str) -> Resource:
        response = ctx.call_if_exists(
            "s3",
            "get_bucket_encryption",
            absent={"ServerSideEncryptionConfigurationNotFoundError"},
            Bucket=name,
        )
        rules = (response or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
        algorithms = []
        for rule in rules:
            default = rule.get("ApplyServerSideEncryptionByDefault") or {}
            if default.get("SSEAlgorithm"):
                algorithm = str(default["SSEAlgorithm"])
                if algorithm.startswith("aws:kms"):
                    key = default.get("KMSMasterKeyID")
                    algorithm += f" ({key})" if key else " (AWS managed key)"
                    if rule.get("BucketKeyEnabled"):
                        algorithm += ", bucket key"
                algorithms.append(algorithm)
        arn = bucket_arn(ctx, name)
        if algorithms:
            return passed(arn, "default encryption " + "; ".join(algorithms))
        else:
            return failed(arn, "no default encryption configuration")

    return per_bucket(ctx, examine, ahead=("get_bucket_encryption",))


@check(
    "s3.account_public_access_block",
    "S3 Block Public Access is fully on at account level",
    bps=("SEC08-BP04",),
    service="s3control",
    scope=Scope.GLOBAL,
    actions=("s3:GetAccountPublicAccessBlock",),
)
def s3_account_public_access_block(ctx: Context) -> Outcome:
    settings = account_block(ctx)
    off = [k for k, on in settings.items() if not on]
    if not off:
        return [passed(ctx.where, "all four Block Public Access settings are on")]
    if len(off) == len(BLOCK_SETTINGS):
        return [failed(ctx.where, "account-level S3 Block Public Access is not set")]
    return [failed(ctx.where, "account-level Block Public Access off: " + ", ".join(off))]


@check(
    "s3.bucket_public_access_block",
    "S3 buckets have Block Public Access on (bucket or account level)",
    bps=("SEC08-BP04",),
    service="s3",
    scope=Scope.GLOBAL,
    actions=(*S3_LIST, *S3_BLOCK),
    services=("s3", "s3control"),
)
def s3_bucket_public_access_block(ctx: Context) -> Outcome:
    def examine(name: str) -> Resource:
        own = bucket_block(ctx, name)
        settings = effective_block(ctx, name)
        off = [k for k, on in settings.items() if not on]
        arn = bucket_arn(ctx, name)
        if off:
            return failed(arn, "Block Public Access off: " + ", ".join(off))
        elif all(own.values()):
            return passed(arn, "Block Public Access on for the bucket")
        else:
            return passed(arn, "Block Public Access on (with the account-level settings)")

    return per_bucket(ctx, examine, ahead=("get_public_access_block",))


def bucket_policy(ctx: Context, name: str) -> Any:
    """The bucket's policy document (JSON text), or None when it has none."""
    response = ctx.call_if_exists(
        "s3", "get_bucket_policy", absent={"NoSuchBucketPolicy"}, Bucket=name
    )
    return policy_document(response, "Policy")


def bucket_policies(ctx: Context) -> list[Holder]:
    names = [name for name in bucket_names(ctx) if VALID_BUCKET.match(name)]
    holders: list[Holder] = []
    for n, name in enumerate(names):
        holders.append(Holder(bucket_arn(ctx, name), bucket_policy(ctx, name)))
        if n == 0:  # as per_bucket: the rest once the first was answered
            ctx.prefetch("s3", "get_bucket_policy", [{"Bucket": b} for b in names[1:]])
    return holders


@check(
    "s3.bucket_public",
    "No S3 bucket is public through its policy or ACL",
    bps=("SEC08-BP04", "SEC03-BP07"),
    service="s3",
    scope=Scope.GLOBAL,
    actions=(*S3_LIST, *S3_BLOCK, "s3:GetBucketPolicy", "s3:GetBucketAcl"),
    services=("s3", "s3control"),
)
def s3_bucket_public(ctx: Context) -> Outcome:
    def examine(name: str) -> Resource:
        arn = bucket_arn(ctx, name)
        block = effective_block(ctx, name)
        problems: list[str] = []
        notes: list[str] = []
        (policy,) = resource_policies.public_findings(
            ctx, [Holder(arn, bucket_policy(ctx, name))], "bucket"
        )
        if policy.status is Status.UNKNOWN:
            return policy
        if policy.status is Status.FAIL:
            if block["RestrictPublicBuckets"]:
                notes.append("its public policy is blocked by Block Public Access")
            else:
                problems.append(f"bucket policy is {policy.detail}")
        else:
            notes.append(policy.detail)
        if not block["IgnorePublicAcls"]:
            grants = ctx.call("s3", "get_bucket_acl", Bucket=name).get("Grants", [])
            groups = sorted(
                {
                    str(g["Grantee"]["URI"]).rsplit("/", 1)[-1]
                    for g in grants
                    if (g.get("Grantee") or {}).get("URI") in PUBLIC_GROUPS
                }
            )
            if groups:
                problems.append(f"ACL grants access to {' and '.join(groups)}")
        if problems:
            return failed(arn, "; ".join(problems))
        return passed(arn, "; ".join(["not public by policy or ACL", *notes]))

    # The ACL is read only where Block Public Access does not ignore ACLs: not ahead.
    return per_bucket(ctx, examine, ahead=("get_public_access_block", "get_bucket_policy"))


resource_policies.declare(
    service="s3",
    what="bucket",
    public_id=None,  # s3.bucket_public above also reads ACLs and Block Public Access
    cross_account_id="s3.bucket_cross_account",
    list_holders=bucket_policies,
    actions=(*S3_LIST, "s3:GetBucketPolicy"),
    scope=Scope.GLOBAL,
)


@check(
    "s3.classification_tag",
    "S3 buckets carry a data classification tag",
    bps=("SEC07-BP01", "SEC07-BP02"),
    service="s3",
    scope=Scope.GLOBAL,
    actions=(*S3_LIST, "s3:GetBucketTagging"),
    advisory=True,
)
def s3_classification_tag(ctx: Context) -> Outcome:
    def examine(name: str) -> Resource:
        response = ctx.call_if_exists(
            "s3", "get_bucket_tagging", absent={"NoSuchTagSet"}, Bucket=name
        )
        return _classified(bucket_arn(ctx, name), (response or {}).get("TagSet", []), "bucket")

    return per_bucket(ctx, examine, ahead=("get_bucket_tagging",))


@check(
    "s3.lifecycle",
    "S3 buckets have an enabled lifecycle rule",
    bps=("SEC07-BP04",),
    service="s3",
    scope=Scope.GLOBAL,
    actions=(*S3_LIST, "s3:GetLifecycleConfiguration"),
    advisory=True,
)
def s3_lifecycle(ctx: Context) -> Outcome:
    def examine(name: str) -> Resource:
        response = ctx.call_if_exists(
            "s3",
            "get_bucket_lifecycle_configuration",
            absent={"NoSuchLifecycleConfiguration"},
            Bucket=name,
        )
        rules = (response or {}).get("Rules", [])
        enabled = [r for r in rules if r.get("Status") == "Enabled"]
        arn = bucket_arn(ctx, name)
        if enabled:
            return passed(arn, f"{len(enabled)} enabled lifecycle rule(s)")
        elif rules:
            return failed(arn, f"{len(rules)} lifecycle rule(s), none enabled")
        else:
            return failed(arn, "no lifecycle configuration")

    return per_bucket(ctx, examine, ahead=("get_bucket_lifecycle_configuration",))
