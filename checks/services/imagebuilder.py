"""EC2 Image Builder pipelines."""

from __future__ import annotations

from checks.registry import Context, Outcome, Scope, check, not_applicable, passed
from checks.result import Resource


@check(
    "imagebuilder.pipelines",
    "EC2 Image Builder pipelines build images (on a schedule)",
    bps=("SEC06-BP02",),
    service="imagebuilder",
    scope=Scope.REGIONAL,
    actions=("imagebuilder:ListImagePipelines",),
)
def image_builder_pipelines(ctx: Context) -> Outcome:
    pipelines = ctx.call("imagebuilder", "list_image_pipelines").get("imagePipelineList", [])
    if not pipelines:
        return not_applicable("no EC2 Image Builder pipelines here (images may be built otherwise)")
    found: list[Resource] = []
    for pipeline in pipelines:
        arn = str(pipeline.get("arn") or pipeline.get("name"))
        schedule = (pipeline.get("schedule") or {}).get("scheduleExpression")
        status = str(pipeline.get("status") or "ENABLED")
        if status != "ENABLED":
            detail = f"pipeline {status.lower()}"
        elif schedule:
            detail = f"rebuilds on schedule {schedule}"
        else:
            detail = "enabled, started by hand or by another pipeline (no schedule)"
        found.append(passed(arn, detail))
    return found
