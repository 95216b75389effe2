"""Systems Manager: managed instances, patching, automation runbooks."""

from __future__ import annotations

from collections.abc import Iterator

from checks.registry import Context, Outcome, Scope, check, failed, not_applicable, passed
from checks.result import Resource
from checks.services.ec2 import DESCRIBE_INSTANCES, instance_arn, instance_label, instances

RUNNING = "running"


@check(
    "ssm.managed_instances",
    "Running EC2 instances are Systems Manager managed nodes with a connected agent",
    bps=("SEC06-BP03", "SEC06-BP01"),
    service="ssm",
    scope=Scope.REGIONAL,
    actions=(DESCRIBE_INSTANCES, "ssm:DescribeInstanceInformation"),
    services=("ssm", "ec2"),
)
def ssm_managed_instances(ctx: Context) -> Outcome:
    running = [i for i in instances(ctx) if i.get("State", {}).get("Name") == RUNNING]
    if not running:
        return not_applicable("no running EC2 instances here")
    nodes = ctx.call("ssm", "describe_instance_information").get("InstanceInformationList", [])
    ping = {str(n.get("InstanceId")): str(n.get("PingStatus") or "") for n in nodes}
    found: list[Resource] = []
    for instance in running:
        arn, label = instance_arn(ctx, instance), instance_label(instance)
        status = ping.get(str(instance.get("InstanceId")))
        if status is None:
            found.append(failed(arn, f"not a Systems Manager managed node{label}"))
        elif status == "Online":
            found.append(passed(arn, f"managed node, agent online{label}"))
        else:
            found.append(failed(arn, f"managed node but agent {status}{label}"))
    return found


def _patch_evidence(ctx: Context) -> Iterator[Resource]:
    arn = f"arn:{ctx.partition}:ssm:{ctx.region}:{ctx.account_id}:"
    windows = ctx.call("ssm", "describe_maintenance_windows").get("WindowIdentities", [])
    for window in windows:
        if window.get("Enabled"):
            where = f"{arn}maintenancewindow/{window.get('WindowId')}"
            schedule = window.get("Schedule") or "no schedule"
            yield passed(where, f"maintenance window {window.get('Name')!s} ({schedule})")
    baselines = ctx.call(
        "ssm", "describe_patch_baselines", Filters=[{"Key": "OWNER", "Values": ["Self"]}]
    ).get("BaselineIdentities", [])
    for baseline in baselines:
        default = " (default for its OS)" if baseline.get("DefaultBaseline") else ""
        baseline_id = str(baseline.get("BaselineId"))
        yield passed(
            baseline_id if baseline_id.startswith("arn:") else f"{arn}patchbaseline/{baseline_id}",
            f"custom patch baseline {baseline.get('BaselineName')!s} for "
            f"{baseline.get('OperatingSystem')}{default}",
        )


@check(
    "ssm.patching",
    "Systems Manager maintenance windows or custom patch baselines schedule patching",
    bps=("SEC06-BP05", "SEC06-BP01"),
    service="ssm",
    scope=Scope.REGIONAL,
    actions=("ssm:DescribeMaintenanceWindows", "ssm:DescribePatchBaselines"),
)
def ssm_patching(ctx: Context) -> Outcome:
    found = list(_patch_evidence(ctx))
    if not found:
        return not_applicable(
            "no maintenance windows or custom patch baselines here "
            "(patch policies or AWS default baselines may still patch)"
        )
    return found


@check(
    "ssm.automation_runbooks",
    "The account owns Systems Manager Automation runbooks (signal)",
    bps=("SEC10-BP04", "SEC10-BP06"),
    service="ssm",
    scope=Scope.REGIONAL,
    actions=("ssm:ListDocuments",),
)
def automation_runbooks(ctx: Context) -> Outcome:
    documents = ctx.call(
        "ssm",
        "list_documents",
        Filters=[
            {"Key": "Owner", "Values": ["Self"]},
            {"Key": "DocumentType", "Values": ["Automation"]},
        ],
    ).get("DocumentIdentifiers", [])
    if not documents:
        return not_applicable(
            "no Automation documents owned by the account in this region (playbooks may "
            "live elsewhere, e.g. Step Functions)"
        )
    return [
        passed(
            f"arn:{ctx.partition}:ssm:{ctx.region}:{ctx.account_id}:document/{d.get('Name')}",
            "Automation runbook owned by the account",
        )
        for d in documents
    ]
