"""Systems Manager: managed instances, patching, automation runbooks."""

from __future__ import annotations

from collections.abc import Iterator

from checks.declare import Call, Fail, Found, Judgement, Pass, Resources, per_resource
from checks.registry import Context, Outcome, Scope, check, not_applicable, passed
from checks.result import Resource
from checks.services.ec2 import INSTANCES, instance_label

RUNNING = "running"


NODES = Call("ssm", "DescribeInstanceInformation", "InstanceInformationList")


@per_resource(
    "ssm.managed_instances",
    "Running EC2 instances are Systems Manager managed nodes with a connected agent",
    bps=("SEC06-BP03", "SEC06-BP01"),
    over=INSTANCES,
    keep=lambda r: (r.get("State") or {}).get("Name") == RUNNING,
    reads=(NODES,),
    service="ssm",
    none="no running EC2 instances here",
)
def ssm_managed_instances(r: Found) -> Judgement:
    ping = {str(n.get("InstanceId")): str(n.get("PingStatus") or "") for n in r.read(NODES) or []}
    label = instance_label(r.listed)
    status = ping.get(str(r.get("InstanceId")))
    if status is None:
        return Fail(f"not a Systems Manager managed node{label}")
    if status == "Online":
        return Pass(f"managed node, agent online{label}")
    return Fail(f"managed node but agent {status}{label}")


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


@per_resource(
    "ssm.automation_runbooks",
    "The account owns Systems Manager Automation runbooks (signal)",
    bps=("SEC10-BP04", "SEC10-BP06"),
    over=Resources(
        Call(
            "ssm",
            "ListDocuments",
            "DocumentIdentifiers",
            params={
                "Filters": [
                    {"Key": "Owner", "Values": ["Self"]},
                    {"Key": "DocumentType", "Values": ["Automation"]},
                ]
            },
        ),
        id=lambda r: (
            f"arn:{r.ctx.partition}:ssm:{r.ctx.region}:{r.ctx.account_id}:document/{r.get('Name')}"
        ),
    ),
    none=(
        "no Automation documents owned by the account in this region (playbooks may "
        "live elsewhere, e.g. Step Functions)"
    ),
)
def automation_runbooks(r: Found) -> Judgement:
    return Pass("Automation runbook owned by the account")
