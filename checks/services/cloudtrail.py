"""CloudTrail trails: multi-region logging, validation, encryption, CloudWatch Logs."""

from __future__ import annotations

from typing import Any

from checks.calls import CallFailed
from checks.declare import Call, Fail, Found, Judgement, Pass, Resources, per_resource
from checks.registry import Context, Outcome, Scope, check, failed, passed
from checks.result import Resource
from checks.services.common import _first_error, _try


def trails(ctx: Context) -> list[dict[str, Any]]:
    """Every trail seen from the scanned regions (shadow copies included), once per ARN."""
    seen: dict[str, dict[str, Any]] = {}
    for region in ctx.regions or (ctx.region,):
        for trail in ctx.call("cloudtrail", "describe_trails", region=region).get("trailList", []):
            arn = str(trail.get("TrailARN") or trail.get("Name"))
            seen.setdefault(arn, trail)
    return [seen[arn] for arn in sorted(seen)]


def _trail_id(trail: dict[str, Any]) -> str:
    return str(trail.get("TrailARN") or trail.get("Name"))


def _trail_status(ctx: Context, trail: dict[str, Any]) -> dict[str, Any]:
    """GetTrailStatus in the trail's home region: by name for our own trails, else by ARN."""
    arn = str(trail.get("TrailARN", ""))
    home = str(trail.get("HomeRegion") or ctx.region)
    owner = arn.split(":")[4] if arn.count(":") >= 5 else ctx.account_id
    name = trail.get("Name") if owner == ctx.account_id and trail.get("Name") else arn
    return ctx.call("cloudtrail", "get_trail_status", region=home, Name=name)


@check(
    "cloudtrail.multi_region_logging",
    "A multi-region CloudTrail trail is logging",
    bps=("SEC04-BP01",),
    service="cloudtrail",
    scope=Scope.GLOBAL,
    actions=("cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"),
)
def multi_region_logging(ctx: Context) -> Outcome:
    all_trails = trails(ctx)
    if not all_trails:
        return [failed(ctx.where, "no CloudTrail trail in the scanned regions")]
    good: list[Resource] = []
    bad: list[Resource] = []
    errors: list[CallFailed] = []
    for trail in all_trails:
        home = trail.get("HomeRegion", "?")
        if not trail.get("IsMultiRegionTrail"):
            bad.append(failed(_trail_id(trail), f"single-region trail (only {home})"))
            continue
        status = _try(errors, lambda t=trail: _trail_status(ctx, t))
        if status is None:
            continue
        if status.get("IsLogging"):
            org = ", organization trail" if trail.get("IsOrganizationTrail") else ""
            good.append(passed(_trail_id(trail), f"multi-region trail, logging{org}"))
        else:
            bad.append(failed(_trail_id(trail), "multi-region trail is not logging (stopped)"))
    if good:
        return good
    error = _first_error(errors)
    if error is not None:
        raise error
    return bad


# Every trail seen from the scanned regions (shadow copies included), once per ARN.
TRAILS = Resources(
    Call("cloudtrail", "DescribeTrails", "trailList"), id=("TrailARN", "Name"), all_regions=True
)


@per_resource(
    "cloudtrail.log_file_validation",
    "CloudTrail trails have log file validation enabled",
    bps=("SEC04-BP01",),
    over=TRAILS,
    scope=Scope.GLOBAL,
)
def log_file_validation(r: Found) -> Judgement:
    if r.get("LogFileValidationEnabled"):
        return Pass("log file validation enabled")
    return Fail("log file validation is disabled (log files can be altered)")


@per_resource(
    "cloudtrail.kms_encryption",
    "CloudTrail trails encrypt log files with a KMS key",
    bps=("SEC04-BP01",),
    over=TRAILS,
    scope=Scope.GLOBAL,
)
def kms_encryption(r: Found) -> Judgement:
    if key := r.get("KmsKeyId"):
        return Pass(f"SSE-KMS with {key}")
    return Fail("log files are not encrypted with a KMS key (SSE-KMS)")


@per_resource(
    "cloudtrail.cloudwatch_logs",
    "CloudTrail trails deliver to CloudWatch Logs",
    bps=("SEC04-BP02",),
    over=TRAILS,
    scope=Scope.GLOBAL,
)
def cloudwatch_logs(r: Found) -> Judgement:
    if group := r.get("CloudWatchLogsLogGroupArn"):
        return Pass(f"delivers to {group}")
    return Fail("trail does not deliver to CloudWatch Logs")
