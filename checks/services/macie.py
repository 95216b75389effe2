"""Amazon Macie sensitive data discovery."""

from __future__ import annotations

from checks.calls import CallFailed
from checks.registry import Context, Outcome, Scope, check, failed, passed


def _macie_not_enabled(error: CallFailed) -> bool:
    """Macie answers GetMacieSession with an error when it is off in the region."""
    if error.code == "ResourceNotFoundException":
        return True
    cause = error.__cause__
    message = ""
    if cause is not None and hasattr(cause, "response"):
        message = str(cause.response.get("Error", {}).get("Message", ""))
    return error.code == "AccessDeniedException" and "not enabled" in message.lower()


@check(
    "macie.sensitive_data_discovery",
    "Amazon Macie runs automated discovery or classification jobs",
    bps=("SEC07-BP03",),
    service="macie2",
    scope=Scope.REGIONAL,
    actions=(
        "macie2:GetMacieSession",
        "macie2:GetAutomatedDiscoveryConfiguration",
        "macie2:ListClassificationJobs",
    ),
    advisory=True,
)
def macie_discovery(ctx: Context) -> Outcome:
    try:
        session = ctx.call("macie2", "get_macie_session")
    except CallFailed as error:
        if _macie_not_enabled(error):
            return [failed(ctx.where, "Amazon Macie is not enabled in this region")]
        raise
    status = session.get("status")
    if status != "ENABLED":
        return [failed(ctx.where, f"Amazon Macie is {status or 'not enabled'} in this region")]
    automated = ctx.call("macie2", "get_automated_discovery_configuration")
    if automated.get("status") == "ENABLED":
        return [passed(ctx.where, "Macie automated sensitive data discovery is on")]
    jobs = ctx.call("macie2", "list_classification_jobs").get("items", [])
    active = [j for j in jobs if j.get("jobStatus") not in ("CANCELLED", "USER_PAUSED", "PAUSED")]
    if active:
        return [
            passed(
                f"arn:{ctx.partition}:macie2:{ctx.region}:{ctx.account_id}:classification-job/"
                f"{j.get('jobId')}",
                f"classification job {j.get('name')} ({j.get('jobStatus')})",
            )
            for j in active
        ]
    detail = "Macie is on but automated discovery is off and no classification job runs"
    return [failed(ctx.where, detail)]
