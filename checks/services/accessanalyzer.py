"""IAM Access Analyzer."""

from __future__ import annotations

from checks.declare import Call, Found, Judgement, Pass, Resources, per_resource


@per_resource(
    "accessanalyzer.enabled",
    "IAM Access Analyzer has an active analyzer in the region",
    bps=("SEC03-BP07",),
    over=Resources(
        Call("accessanalyzer", "ListAnalyzers", "analyzers"),
        keep=lambda r: r.get("status") == "ACTIVE",
        id="arn",
    ),
    missing="no active IAM Access Analyzer analyzer in this region",
    advisory=True,
)
def access_analyzer(r: Found) -> Judgement:
    return Pass(f"{r.get('type')} analyzer active")
