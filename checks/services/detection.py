"""Threat detection services across GuardDuty, Security Hub, Inspector and Access Analyzer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks.calls import CallFailed
from checks.registry import Context, Outcome, Scope, check, failed, passed
from checks.result import Resource
from checks.services.common import _found_or_fail, _try
from checks.services.guardduty import _detector_arn, detectors
from checks.services.securityhub import hub


def _threat_services(ctx: Context) -> Iterator[tuple[str, Any]]:
    """(service name, reader returning a list of enabled resources) per service."""

    def guardduty() -> list[Resource]:
        return [
            passed(_detector_arn(ctx, d), "GuardDuty detector enabled")
            for d, detail in detectors(ctx)
            if detail.get("Status") == "ENABLED"
        ]

    def securityhub() -> list[Resource]:
        found = hub(ctx)
        return [] if found is None else [passed(str(found.get("HubArn")), "Security Hub enabled")]

    def inspector() -> list[Resource]:
        response = ctx.call("inspector2", "batch_get_account_status", accountIds=[ctx.account_id])
        found = []
        for account in response.get("accounts", []):
            if account.get("state", {}).get("status") in {"ENABLED", "ENABLING"}:
                scans = sorted(
                    k
                    for k, v in account.get("resourceState", {}).items()
                    if v.get("status") == "ENABLED"
                )
                found.append(
                    passed(
                        f"{ctx.where}/inspector2",
                        f"Inspector enabled ({', '.join(scans) or 'no resource type'})",
                    )
                )
        return found

    def analyzer() -> list[Resource]:
        analyzers = ctx.call("accessanalyzer", "list_analyzers").get("analyzers", [])
        return [
            passed(str(a.get("arn")), f"IAM Access Analyzer {a.get('type')} analyzer")
            for a in analyzers
            if a.get("status") == "ACTIVE"
        ]

    yield "GuardDuty", guardduty
    yield "Security Hub", securityhub
    yield "Inspector", inspector
    yield "IAM Access Analyzer", analyzer


@check(
    "detection.threat_services",
    "Managed threat detection services are adopted (GuardDuty, Security Hub, Inspector, "
    "IAM Access Analyzer)",
    bps=("SEC01-BP04", "SEC01-BP08"),
    service="guardduty",
    scope=Scope.REGIONAL,
    actions=(
        "guardduty:ListDetectors",
        "guardduty:GetDetector",
        "securityhub:DescribeHub",
        "inspector2:BatchGetAccountStatus",
        "access-analyzer:ListAnalyzers",
    ),
    services=("guardduty", "securityhub", "inspector2", "accessanalyzer"),
    advisory=True,
)
def threat_services(ctx: Context) -> Outcome:
    errors: list[CallFailed] = []
    found: list[Resource] = []
    missing: list[str] = []
    for name, read in _threat_services(ctx):
        enabled = _try(errors, read)
        if enabled == []:
            missing.append(name)
        found += enabled or []
    return _found_or_fail(
        found,
        errors,
        failed(
            ctx.where,
            "none of GuardDuty, Security Hub, Inspector, IAM Access Analyzer is enabled here",
        ),
        missing,
    )
