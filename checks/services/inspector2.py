"""Amazon Inspector scanning of compute."""

from __future__ import annotations

from checks.registry import Context, Outcome, Scope, check, failed, not_applicable, passed, unknown
from checks.result import Cause
from checks.services.common import _plural
from checks.services.ec2 import DESCRIBE_INSTANCES, instances
from checks.services.ecr import DESCRIBE_REPOSITORIES, repositories
from checks.services.lambda_ import LIST_FUNCTIONS, functions

INSPECTOR_ON = {"ENABLED", "ENABLING"}


@check(
    "inspector2.compute_scanning",
    "Amazon Inspector scans the EC2 instances, ECR images and Lambda functions of the region",
    bps=("SEC06-BP01", "SEC11-BP02"),
    service="inspector2",
    scope=Scope.REGIONAL,
    actions=(
        "inspector2:BatchGetAccountStatus",
        DESCRIBE_INSTANCES,
        DESCRIBE_REPOSITORIES,
        LIST_FUNCTIONS,
    ),
    services=("inspector2", "ec2", "ecr", "lambda"),
    advisory=True,
)
def inspector_compute_scanning(ctx: Context) -> Outcome:
    present = {
        "ec2": ("EC2", _plural(len(instances(ctx)), "instance")),
        "ecr": ("ECR", _plural(len(repositories(ctx)), "repository", "repositories")),
        "lambda": ("Lambda", _plural(len(functions(ctx)), "function")),
    }
    present = {k: v for k, v in present.items() if not v[1].startswith("0 ")}
    if not present:
        return not_applicable("no EC2 instances, ECR repositories or Lambda functions here")
    response = ctx.call("inspector2", "batch_get_account_status", accountIds=[ctx.account_id])
    accounts = [a for a in response.get("accounts", []) if a.get("accountId") == ctx.account_id]
    if not accounts and response.get("failedAccounts"):
        reason = response["failedAccounts"][0].get("errorMessage") or "no status returned"
        return unknown(f"Inspector did not report this account's status: {reason}", Cause.ERROR)
    states = accounts[0].get("resourceState", {}) if accounts else {}
    on = {k for k in present if states.get(k, {}).get("status") in INSPECTOR_ON}
    missing = [f"{label} ({what})" for k, (label, what) in present.items() if k not in on]
    if missing:
        return [failed(ctx.where, "Amazon Inspector is not scanning " + ", ".join(missing))]
    scanned = ", ".join(f"{label} ({what})" for label, what in present.values())
    return [passed(ctx.where, f"Amazon Inspector scans {scanned}")]
