"""Incident response readiness: Detective, GuardDuty coverage, protected log buckets."""

from __future__ import annotations

from typing import Any

from checks.lib.policy import denials, only_about_transport
from checks.registry import Context, Outcome, Scope, check, failed, not_applicable, passed
from checks.result import Resource
from checks.services.common import across_regions


@check(
    "ir.detective",
    "Amazon Detective is enabled in the region (a graph or an enabled membership)",
    bps=("SEC10-BP03", "SEC10-BP06"),
    service="detective",
    scope=Scope.REGIONAL,
    actions=("detective:ListGraphs", "detective:ListInvitations"),
    advisory=True,
)
def detective(ctx: Context) -> Outcome:
    graphs = ctx.call_items("detective", "list_graphs", "GraphList")
    if graphs:
        return [
            passed(str(g.get("Arn")), "Detective behavior graph (administrator)") for g in graphs
        ]
    invitations = [m for m in ctx.call_items("detective", "list_invitations", "Invitations")]
    enabled = [m for m in invitations if m.get("Status") == "ENABLED"]
    if enabled:
        return [
            passed(str(m.get("GraphArn")), f"member account of graph {m.get('GraphArn')}")
            for m in enabled
        ]
    return [failed(ctx.where, "Amazon Detective is not enabled for this account in this region")]


@check(
    "ir.guardduty",
    "GuardDuty is enabled in the region, ready for responders",
    bps=("SEC10-BP06",),
    service="guardduty",
    scope=Scope.REGIONAL,
    actions=("guardduty:ListDetectors", "guardduty:GetDetector"),
)
def guardduty(ctx: Context) -> Outcome:
    detectors = ctx.call("guardduty", "list_detectors").get("DetectorIds", [])
    found: list[Resource] = []
    for detector_id in detectors:
        status = ctx.call("guardduty", "get_detector", DetectorId=detector_id).get("Status")
        arn = f"arn:{ctx.partition}:guardduty:{ctx.region}:{ctx.account_id}:detector/{detector_id}"
        if status == "ENABLED":
            found.append(passed(arn, "detector enabled"))
        else:
            found.append(failed(arn, f"detector is {status or 'not enabled'}"))
    if not found:
        return [failed(ctx.where, "GuardDuty is not enabled in this region")]
    return found


DELETE_ACTIONS = ("s3:DeleteObject", "s3:DeleteObjectVersion")


def denies_deletes(policy_text: Any) -> bool:
    """A bucket policy statement denies object deletion (not just insecure transport)."""
    return any(
        not only_about_transport(statement)
        for action in DELETE_ACTIONS
        for statement in denials(policy_text, action)
    )


def _protection(ctx: Context, bucket: str) -> str | None:
    """How a bucket keeps logs from being deleted, or None."""
    lock = ctx.call_if_exists(
        "s3",
        "get_object_lock_configuration",
        absent={"ObjectLockConfigurationNotFoundError"},
        Bucket=bucket,
    )
    config = (lock or {}).get("ObjectLockConfiguration") or {}
    if config.get("ObjectLockEnabled") == "Enabled":
        retention = (config.get("Rule") or {}).get("DefaultRetention") or {}
        if retention:
            days = retention.get("Days") or f"{retention.get('Years')} year(s)"
            return f"Object Lock on ({retention.get('Mode')}, {days} days by default)"
        return "Object Lock on (no default retention)"
    policy = ctx.call_if_exists(
        "s3", "get_bucket_policy", absent={"NoSuchBucketPolicy"}, Bucket=bucket
    )
    if policy and denies_deletes(policy.get("Policy")):
        return "bucket policy denies object deletion"
    versioning = ctx.call("s3", "get_bucket_versioning", Bucket=bucket)
    if versioning.get("Status") == "Enabled":
        mfa = versioning.get("MFADelete") == "Enabled"
        return "versioning on" + (
            " with MFA delete"
            if mfa
            else " (deleted logs stay as old versions; Object Lock would make them immutable)"
        )
    return None


@check(
    "ir.log_bucket_protection",
    "CloudTrail log buckets in the account resist deletion (Object Lock, versioning or a "
    "deny-delete policy)",
    bps=("SEC10-BP03",),
    service="s3",
    scope=Scope.GLOBAL,
    actions=(
        "cloudtrail:DescribeTrails",
        "s3:ListAllMyBuckets",
        "s3:GetBucketObjectLockConfiguration",
        "s3:GetBucketPolicy",
        "s3:GetBucketVersioning",
    ),
    services=("s3", "cloudtrail"),
)
def log_bucket_protection(ctx: Context) -> Outcome:
    trails, problems = across_regions(ctx, "cloudtrail", "describe_trails", "trailList")
    buckets: dict[str, set[str]] = {}
    for _, trail in trails:
        if trail.get("S3BucketName"):
            buckets.setdefault(str(trail["S3BucketName"]), set()).add(str(trail.get("Name")))
    if not buckets:
        if problems:
            raise problems[0]
        return not_applicable("no CloudTrail trail delivers to S3 in the scanned regions")
    own = {str(b.get("Name")) for b in ctx.call("s3", "list_buckets").get("Buckets", [])}
    found: list[Resource] = []
    for bucket in sorted(buckets):
        if bucket not in own:
            continue
        names = ", ".join(sorted(buckets[bucket]))
        how = _protection(ctx, bucket)
        arn = f"arn:{ctx.partition}:s3:::{bucket}"
        if how:
            found.append(passed(arn, f"trail {names}: {how}"))
        else:
            found.append(
                failed(
                    arn,
                    f"trail {names}: no Object Lock, versioning or deny-delete policy; "
                    "logs can be deleted",
                )
            )
    if not found:
        return not_applicable(
            "trail buckets are in another account (a log archive): examine them there"
        )
    return found
