"""CI/CD pipelines: programmatic deployment and the permissions of pipeline roles."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks.lib.policy import account_of
from checks.registry import (
    Context,
    Outcome,
    Scope,
    check,
    failed,
    not_applicable,
    passed,
    undecided,
)
from checks.result import Resource
from checks.services.codebuild import CODEBUILD_READ, codebuild_projects
from checks.services.iam import (
    admin_policy_arns,
    admin_reason,
    authorization_details,
    unreadable_policies,
    unreadable_policy_arns,
)

PIPELINE_READ = ("codepipeline:ListPipelines", "codepipeline:GetPipeline")


def pipelines(ctx: Context, region: str | None = None) -> list[dict[str, Any]]:
    """Every CodePipeline pipeline of a region: its structure plus `metadata`."""
    found = []
    listed = ctx.call("codepipeline", "list_pipelines", region=region).get("pipelines", [])
    for n, summary in enumerate(listed):
        response = ctx.call("codepipeline", "get_pipeline", region=region, name=summary["name"])
        if n == 0:  # the others ahead, once the first is answered
            rest = [{"name": s["name"]} for s in listed[1:]]
            ctx.prefetch("codepipeline", "get_pipeline", rest, region=region)
        found.append({**response.get("pipeline", {}), "metadata": response.get("metadata", {})})
    return found


def pipeline_arn(ctx: Context, name: str, region: str | None = None) -> str:
    return f"arn:{ctx.partition}:codepipeline:{region or ctx.region}:{ctx.account_id}:{name}"


@check(
    "cicd.programmatic_deployment",
    "Pipelines, CodeDeploy applications or CloudFormation stacks deploy software (signal)",
    bps=("SEC11-BP06",),
    service="codepipeline",
    scope=Scope.REGIONAL,
    actions=(
        "codepipeline:ListPipelines",
        "codedeploy:ListApplications",
        "cloudformation:ListStacks",
    ),
    services=("codepipeline", "codedeploy", "cloudformation"),
)
def programmatic_deployment(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for summary in ctx.call("codepipeline", "list_pipelines").get("pipelines", []):
        name = str(summary.get("name"))
        found.append(passed(pipeline_arn(ctx, name), "CodePipeline pipeline"))
    for name in ctx.call("codedeploy", "list_applications").get("applications", []):
        arn = f"arn:{ctx.partition}:codedeploy:{ctx.region}:{ctx.account_id}:application:{name}"
        found.append(passed(arn, "CodeDeploy application"))
    for stack in ctx.call("cloudformation", "list_stacks").get("StackSummaries", []):
        status = str(stack.get("StackStatus", ""))
        if status == "DELETE_COMPLETE":
            continue
        found.append(passed(str(stack.get("StackId") or stack.get("StackName")), f"stack {status}"))
    if not found:
        return not_applicable(
            "no pipelines, CodeDeploy applications or CloudFormation stacks here "
            "(another CI/CD system or Terraform may deploy)"
        )
    return found


def _pipeline_roles(ctx: Context) -> Iterator[tuple[str, str]]:
    """(role ARN or name, "what uses it") for every build project and pipeline, all regions."""
    for region in ctx.regions or (ctx.region,):
        for project in codebuild_projects(ctx, region):
            if project.get("serviceRole"):
                yield str(project["serviceRole"]), f"CodeBuild {project.get('name')} ({region})"
        for pipeline in pipelines(ctx, region):
            what = f"CodePipeline {pipeline.get('name')} ({region})"
            if pipeline.get("roleArn"):
                yield str(pipeline["roleArn"]), what
            for stage in pipeline.get("stages", []):
                for action in stage.get("actions", []):
                    if action.get("roleArn"):
                        yield str(action["roleArn"]), f"{what} action {action.get('name')}"


@check(
    "cicd.admin_roles",
    "CodeBuild and CodePipeline service roles have no administrator (*:*) permissions",
    bps=("SEC11-BP07",),
    service="iam",
    scope=Scope.GLOBAL,
    actions=(*CODEBUILD_READ, *PIPELINE_READ, "iam:GetAccountAuthorizationDetails"),
    services=("iam", "codebuild", "codepipeline"),
)
def admin_roles(ctx: Context) -> Outcome:
    users: dict[str, list[str]] = {}
    for role_ref, what in _pipeline_roles(ctx):
        users.setdefault(role_ref, []).append(what)
    if not users:
        return []
    details = authorization_details(ctx)
    admin_arns, unreadable_arns = admin_policy_arns(details), unreadable_policy_arns(details)
    by_arn = {str(r.get("Arn")): r for r in details.get("RoleDetailList", [])}
    by_name = {str(r.get("RoleName")): r for r in details.get("RoleDetailList", [])}
    found: list[Resource] = []
    for role_ref, uses in sorted(users.items()):
        owner = account_of(role_ref)
        role = by_arn.get(role_ref)
        if role is None and owner in (None, ctx.account_id):  # a name, or a path/ARN variant
            role = by_name.get(role_ref.rsplit("/", 1)[-1])
        used_by = "; ".join(sorted(set(uses)))
        if role is None:
            where = f"account {owner}" if owner and owner != ctx.account_id else "this account"
            found.append(
                undecided(
                    role_ref,
                    f"role not found in {where}: its permissions were not examined; {used_by}",
                )
            )
            continue
        reason = admin_reason(role, admin_arns, "RolePolicyList")
        arn = str(role.get("Arn"))
        if reason:
            found.append(failed(arn, f"{reason}; used by {used_by}"))
        elif why := unreadable_policies(role, unreadable_arns, "RolePolicyList"):
            found.append(undecided(arn, f"{why}; used by {used_by}"))
        else:
            found.append(passed(arn, f"no administrator policy; used by {used_by}"))
    return found
