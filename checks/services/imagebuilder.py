"""EC2 Image Builder pipelines."""

from __future__ import annotations

from checks.declare import Call, Found, Judgement, Pass, Resources, per_resource


@per_resource(
    "imagebuilder.pipelines",
    "EC2 Image Builder pipelines build images (on a schedule)",
    bps=("SEC06-BP02",),
    over=Resources(
        Call("imagebuilder", "ListImagePipelines", "imagePipelineList"), id=("arn", "name")
    ),
    none="no EC2 Image Builder pipelines here (images may be built otherwise)",
)
def image_builder_pipelines(r: Found) -> Judgement:
    schedule = (r.get("schedule") or {}).get("scheduleExpression")
    status = str(r.get("status") or "ENABLED")
    if status != "ENABLED":
        return Pass(f"pipeline {status.lower()}")
    if schedule:
        return Pass(f"rebuilds on schedule {schedule}")
    return Pass("enabled, started by hand or by another pipeline (no schedule)")
