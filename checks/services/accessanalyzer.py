"""IAM Access Analyzer."""

from __future__ import annotations

from checks.registry import Context, Outcome, Scope, check, failed, passed


@check(
    "accessanalyzer.enabled",
    "IAM Access Analyzer has an active analyzer in the region",
    bps=("SEC03-BP07",),
    service="accessanalyzer",
    scope=Scope.REGIONAL,
    actions=("access-analyzer:ListAnalyzers",),
    advisory=True,
)
def access_analyzer(ctx: Context) -> Outcome:
    analyzers = ctx.call("accessanalyzer", "list_analyzers").get("analyzers", [])
    active = [a for a in analyzers if a.get("status") == "ACTIVE"]
    if not active:
        return [failed(ctx.where, "no active IAM Access Analyzer analyzer in this region")]
    return [passed(str(a.get("arn")), f"{a.get('type')} analyzer active") for a in active]
