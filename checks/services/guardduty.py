"""GuardDuty detectors and their protection plans."""

from __future__ import annotations

from typing import Any

from checks.declare import Call, Fail, Found, Judgement, Pass, Resources, per_resource
from checks.registry import Context, Outcome, Scope, check, failed, not_applicable, passed
from checks.services.common import _plural
from checks.services.ec2 import DESCRIBE_INSTANCES, instances


def detectors(ctx: Context) -> list[tuple[str, dict[str, Any]]]:
    """(detector id, GetDetector response) for each GuardDuty detector of the region."""
    ids = ctx.call("guardduty", "list_detectors").get("DetectorIds", [])
    return [(str(i), ctx.call("guardduty", "get_detector", DetectorId=i)) for i in ids]


def _detector_arn(ctx: Context, detector_id: str) -> str:
    return f"arn:{ctx.partition}:guardduty:{ctx.region}:{ctx.account_id}:detector/{detector_id}"


@per_resource(
    "guardduty.detector_enabled",
    "Amazon GuardDuty is enabled in the region",
    bps=("SEC04-BP01", "SEC01-BP04"),
    over=Resources(
        Call("guardduty", "ListDetectors", "DetectorIds"),
        details={
            "detector": Call("guardduty", "GetDetector", each=lambda r: {"DetectorId": r.listed})
        },
        id=lambda r: _detector_arn(r.ctx, str(r.listed)),
    ),
    missing="GuardDuty has no detector in this region",
)
def guardduty_enabled(r: Found) -> Judgement:
    status = (r["detector"] or {}).get("Status", "not enabled")
    if status == "ENABLED":
        return Pass("detector enabled")
    return Fail(f"detector is {status}")


COMPUTE_FEATURES = {
    "RUNTIME_MONITORING": "Runtime Monitoring",
    "EC2_RUNTIME_MONITORING": "Runtime Monitoring",
    "EBS_MALWARE_PROTECTION": "Malware Protection for EC2",
}


def _compute_features(detector: dict[str, Any]) -> list[str]:
    names = [
        COMPUTE_FEATURES[str(f.get("Name"))]
        for f in detector.get("Features", []) or []
        if str(f.get("Name")) in COMPUTE_FEATURES and f.get("Status") == "ENABLED"
    ]
    legacy = (
        (detector.get("DataSources") or {})
        .get("MalwareProtection", {})
        .get("ScanEc2InstanceWithFindings", {})
        .get("EbsVolumes", {})
    )
    status = legacy.get("Status") if isinstance(legacy, dict) else None
    if status == "ENABLED" and "Malware Protection for EC2" not in names:
        names.append("Malware Protection for EC2")
    return sorted(set(names))


@check(
    "guardduty.compute_protection",
    "Where EC2 runs, GuardDuty is on (Runtime Monitoring / Malware Protection shown)",
    bps=("SEC06-BP05",),
    service="guardduty",
    scope=Scope.REGIONAL,
    actions=(DESCRIBE_INSTANCES, "guardduty:ListDetectors", "guardduty:GetDetector"),
    services=("guardduty", "ec2"),
)
def guardduty_compute_protection(ctx: Context) -> Outcome:
    count = len(instances(ctx))
    if not count:
        return not_applicable("no EC2 instances here")
    detectors = []
    for detector_id in ctx.call("guardduty", "list_detectors").get("DetectorIds", []):
        detector = ctx.call("guardduty", "get_detector", DetectorId=detector_id)
        if detector.get("Status") == "ENABLED":
            detectors.append((str(detector_id), detector))
    if not detectors:
        return [
            failed(
                ctx.where,
                f"GuardDuty is off where {_plural(count, 'instance')} "
                + ("runs" if count == 1 else "run"),
            )
        ]
    detector_id, detector = detectors[0]
    where = f"arn:{ctx.partition}:guardduty:{ctx.region}:{ctx.account_id}:detector/{detector_id}"
    features = _compute_features(detector)
    if features:
        return [passed(where, "GuardDuty on with " + " and ".join(features))]
    return [passed(where, "GuardDuty on, without Runtime Monitoring or Malware Protection for EC2")]
