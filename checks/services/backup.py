"""AWS Backup plans covering the region's data stores."""

from __future__ import annotations

from typing import Any

from checks.registry import Context, Outcome, Scope, check, failed, not_applicable, passed
from checks.result import Resource
from checks.services.ec2 import volumes
from checks.services.efs import FILE_SYSTEMS
from checks.services.rds import db_clusters, db_instances


def backup_plans(ctx: Context) -> list[dict[str, Any]]:
    return list(ctx.call("backup", "list_backup_plans").get("BackupPlansList", []))


def _region_has_data_stores(ctx: Context) -> bool:
    return bool(
        volumes(ctx)
        or db_instances(ctx)
        or db_clusters(ctx)
        or ctx.call("dynamodb", "list_tables").get("TableNames")
        or FILE_SYSTEMS.entries(ctx)
    )


DATA_STORE_ACTIONS = (
    "ec2:DescribeVolumes",
    "rds:DescribeDBInstances",
    "rds:DescribeDBClusters",
    "dynamodb:ListTables",
    "elasticfilesystem:DescribeFileSystems",
)


@check(
    "backup.plans",
    "AWS Backup plans with resources assigned protect the region's data stores",
    bps=("SEC08-BP03", "SEC07-BP04"),
    service="backup",
    scope=Scope.REGIONAL,
    actions=("backup:ListBackupPlans", "backup:ListBackupSelections", *DATA_STORE_ACTIONS),
    services=("backup", "ec2", "rds", "dynamodb", "efs"),
    advisory=True,
)
def backup_plans_assigned(ctx: Context) -> Outcome:
    plans = backup_plans(ctx)
    if not plans:
        if _region_has_data_stores(ctx):
            return [failed(ctx.where, "data stores but no AWS Backup plan in this region")]
        return not_applicable("no AWS Backup plan and no data stores in this region")
    found: list[Resource] = []
    for plan in plans:
        arn = str(plan.get("BackupPlanArn") or plan.get("BackupPlanId"))
        selections = ctx.call(
            "backup", "list_backup_selections", BackupPlanId=plan["BackupPlanId"]
        ).get("BackupSelectionsList", [])
        name = plan.get("BackupPlanName")
        if selections:
            found.append(passed(arn, f"plan {name}: {len(selections)} resource assignment(s)"))
        else:
            found.append(failed(arn, f"plan {name} has no resources assigned"))
    return found
