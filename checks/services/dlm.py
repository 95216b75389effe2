"""Data Lifecycle Manager snapshot policies."""

from __future__ import annotations

from checks.registry import Context, Outcome, Scope, check, failed, not_applicable, passed
from checks.services.backup import backup_plans
from checks.services.ec2 import volumes


@check(
    "dlm.ebs_snapshot_policies",
    "EBS snapshots are managed by Data Lifecycle Manager (or AWS Backup)",
    bps=("SEC07-BP04",),
    service="dlm",
    scope=Scope.REGIONAL,
    actions=("dlm:GetLifecyclePolicies", "ec2:DescribeVolumes", "backup:ListBackupPlans"),
    services=("dlm", "ec2", "backup"),
    advisory=True,
)
def dlm_policies(ctx: Context) -> Outcome:
    if not volumes(ctx):
        return not_applicable("no EBS volumes in this region")
    policies = ctx.call("dlm", "get_lifecycle_policies").get("Policies", [])
    enabled = [p for p in policies if p.get("State") == "ENABLED"]
    if enabled:
        return [
            passed(
                str(p.get("PolicyArn") or p.get("PolicyId")),
                f"{p.get('PolicyType') or 'DLM'} policy: {p.get('Description') or ''}".rstrip(": "),
            )
            for p in enabled
        ]
    plans = backup_plans(ctx)
    if plans:
        names = ", ".join(str(p.get("BackupPlanName")) for p in plans)
        return not_applicable(f"no DLM policy; AWS Backup plan(s) may cover EBS: {names}")
    return [failed(ctx.where, "EBS volumes but no DLM policy and no AWS Backup plan")]
