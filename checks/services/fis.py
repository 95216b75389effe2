"""AWS Fault Injection Service experiments (incident response game days)."""

from __future__ import annotations

from checks.registry import Context, Outcome, Scope, check, not_applicable, passed


@check(
    "fis.experiments",
    "AWS FIS experiment templates exist and have been run (signal: game days)",
    bps=("SEC10-BP07",),
    service="fis",
    scope=Scope.REGIONAL,
    actions=("fis:ListExperimentTemplates", "fis:ListExperiments"),
)
def fis_experiments(ctx: Context) -> Outcome:
    templates = ctx.call("fis", "list_experiment_templates").get("experimentTemplates", [])
    if not templates:
        return not_applicable(
            "no FIS experiment templates in this region (exercises may use other tools)"
        )
    runs: dict[str, int] = {}
    for experiment in ctx.call("fis", "list_experiments").get("experiments", []):
        template = str(experiment.get("experimentTemplateId"))
        runs[template] = runs.get(template, 0) + 1
    return [
        passed(
            str(t.get("arn") or t.get("id")),
            f"experiment template {t.get('id')}, run {runs.get(str(t.get('id')), 0)} time(s)",
        )
        for t in templates
    ]
