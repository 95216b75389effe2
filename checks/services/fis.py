"""AWS Fault Injection Service experiments (incident response game days)."""

from __future__ import annotations

from checks.declare import Call, Found, Judgement, Pass, Resources, per_resource

EXPERIMENTS = Call("fis", "ListExperiments", "experiments")


@per_resource(
    "fis.experiments",
    "AWS FIS experiment templates exist and have been run (signal: game days)",
    bps=("SEC10-BP07",),
    over=Resources(Call("fis", "ListExperimentTemplates", "experimentTemplates"), id=("arn", "id")),
    reads=(EXPERIMENTS,),
    none="no FIS experiment templates in this region (exercises may use other tools)",
)
def fis_experiments(r: Found) -> Judgement:
    template = str(r.get("id"))
    runs = sum(str(e.get("experimentTemplateId")) == template for e in r.read(EXPERIMENTS) or [])
    return Pass(f"experiment template {r.get('id')}, run {runs} time(s)")
