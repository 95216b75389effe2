"""Application security: automated testing, reviews, package sources, pipelines (SEC11).

Every SEC11 best practice the checks inform is partly about process (`signal` in the
bank): a PASS never proposes "met", and where absence proves nothing (no CodeArtifact:
packages may come through another proxy; no CodePipeline: another CI system may deploy)
the check says "nothing to examine" instead of failing. FAILs are kept for facts that are
wrong wherever they appear: secret-like build variables in plain text, privileged builds
that build no images, administrator pipeline roles, CodeCommit repositories without an
approval rule template.

Build environment variables are read for their NAMES and types only; values are never kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

from checks.identity import ADMIN_POLICY_SUFFIX, allows_everything, authorization_details
from checks.registry import Context, Outcome, Scope, check, failed, not_applicable, passed
from checks.result import Resource

CODEBUILD_READ = ("codebuild:ListProjects", "codebuild:BatchGetProjects")
PIPELINE_READ = ("codepipeline:ListPipelines", "codepipeline:GetPipeline")


# --- shared readers ------------------------------------------------------------------


def codebuild_projects(ctx: Context, region: str | None = None) -> list[dict[str, Any]]:
    """Every CodeBuild project of a region, with its settings (100 names per batch)."""
    names = [
        str(n) for n in ctx.call("codebuild", "list_projects", region=region).get("projects", [])
    ]
    projects: list[dict[str, Any]] = []
    for start in range(0, len(names), 100):
        response = ctx.call(
            "codebuild", "batch_get_projects", region=region, names=names[start : start + 100]
        )
        projects.extend(response.get("projects", []))
    return projects


def pipelines(ctx: Context, region: str | None = None) -> list[dict[str, Any]]:
    """Every CodePipeline pipeline of a region: its structure plus `metadata`."""
    found = []
    for summary in ctx.call("codepipeline", "list_pipelines", region=region).get("pipelines", []):
        response = ctx.call("codepipeline", "get_pipeline", region=region, name=summary["name"])
        found.append({**response.get("pipeline", {}), "metadata": response.get("metadata", {})})
    return found


def pipeline_arn(ctx: Context, name: str, region: str | None = None) -> str:
    return f"arn:{ctx.partition}:codepipeline:{region or ctx.region}:{ctx.account_id}:{name}"


def project_arn(project: dict[str, Any]) -> str:
    return str(project.get("arn") or project.get("name"))


# --- SEC11-BP02 automated testing ----------------------------------------------------


@check(
    "codebuild.projects",
    "CodeBuild projects build and test code automatically (signal)",
    bps=("SEC11-BP02",),
    service="codebuild",
    scope=Scope.REGIONAL,
    actions=CODEBUILD_READ,
)
def build_projects(ctx: Context) -> Outcome:
    projects = codebuild_projects(ctx)
    if not projects:
        return not_applicable("no CodeBuild projects here (builds may run in another CI system)")
    return [
        passed(
            project_arn(p),
            f"builds from {(p.get('source') or {}).get('type') or 'an unknown source'}",
        )
        for p in projects
    ]


# --- SEC11-BP04 code review ----------------------------------------------------------


@check(
    "codecommit.approval_rules",
    "CodeCommit repositories have an approval rule template (reviews before merge)",
    bps=("SEC11-BP04",),
    service="codecommit",
    scope=Scope.REGIONAL,
    actions=(
        "codecommit:ListRepositories",
        "codecommit:ListAssociatedApprovalRuleTemplatesForRepository",
    ),
)
def approval_rules(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for repo in ctx.call("codecommit", "list_repositories").get("repositories", []):
        name = str(repo.get("repositoryName"))
        arn = f"arn:{ctx.partition}:codecommit:{ctx.region}:{ctx.account_id}:{name}"
        templates = ctx.call(
            "codecommit",
            "list_associated_approval_rule_templates_for_repository",
            repositoryName=name,
        ).get("approvalRuleTemplateNames", [])
        if templates:
            found.append(passed(arn, "approval rule templates: " + ", ".join(map(str, templates))))
        else:
            found.append(failed(arn, "no approval rule template: changes can merge unreviewed"))
    return found


# --- SEC11-BP05 central package sources ----------------------------------------------


@check(
    "codeartifact.repositories",
    "CodeArtifact repositories serve packages (external connections and upstreams shown)",
    bps=("SEC11-BP05",),
    service="codeartifact",
    scope=Scope.REGIONAL,
    actions=("codeartifact:ListRepositories", "codeartifact:DescribeRepository"),
)
def codeartifact_repositories(ctx: Context) -> Outcome:
    repos = ctx.call("codeartifact", "list_repositories").get("repositories", [])
    if not repos:
        return not_applicable("no CodeArtifact repositories here")
    found: list[Resource] = []
    for summary in repos:
        params: dict[str, Any] = {
            "domain": summary.get("domainName"),
            "repository": summary.get("name"),
        }
        if summary.get("domainOwner"):
            params["domainOwner"] = summary["domainOwner"]
        repo = ctx.call("codeartifact", "describe_repository", **params).get("repository", {})
        external = [
            str(c.get("externalConnectionName")) for c in repo.get("externalConnections", [])
        ]
        upstream = [str(u.get("repositoryName")) for u in repo.get("upstreams", [])]
        parts = []
        if external:
            parts.append("proxies " + ", ".join(external))
        if upstream:
            parts.append("upstreams " + ", ".join(upstream))
        arn = str(repo.get("arn") or summary.get("arn") or summary.get("name"))
        found.append(passed(arn, "; ".join(parts) or "internal packages only (no upstream)"))
    return found


@check(
    "ecr.pull_through_cache",
    "ECR pull through cache rules proxy public container registries",
    bps=("SEC11-BP05", "SEC06-BP02"),
    service="ecr",
    scope=Scope.REGIONAL,
    actions=("ecr:DescribePullThroughCacheRules",),
)
def pull_through_cache(ctx: Context) -> Outcome:
    rules = ctx.call("ecr", "describe_pull_through_cache_rules").get("pullThroughCacheRules", [])
    if not rules:
        return not_applicable("no ECR pull through cache rules here")
    return [
        passed(
            f"{ctx.where}/{r.get('ecrRepositoryPrefix')}",
            f"caches {r.get('upstreamRegistryUrl') or r.get('upstreamRegistry')}",
        )
        for r in rules
    ]


# --- SEC11-BP06 programmatic deployment ----------------------------------------------


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


# --- SEC11-BP07 pipeline security ----------------------------------------------------


IMAGE_BUILD = re.compile(r"\b(docker|buildah|podman|kaniko|buildx|finch)\b", re.IGNORECASE)


@check(
    "codebuild.privileged_mode",
    "CodeBuild projects run privileged only to build container images",
    bps=("SEC11-BP07",),
    service="codebuild",
    scope=Scope.REGIONAL,
    actions=CODEBUILD_READ,
)
def privileged_mode(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for project in codebuild_projects(ctx):
        arn = project_arn(project)
        if not (project.get("environment") or {}).get("privilegedMode"):
            found.append(passed(arn, "privileged mode off"))
            continue
        buildspec = str((project.get("source") or {}).get("buildspec") or "")
        if IMAGE_BUILD.search(buildspec):
            found.append(passed(arn, "privileged mode to build container images"))
        else:
            found.append(
                failed(arn, "privileged mode on (root Docker access; only needed to build images)")
            )
    return found


SECRET_WORDS = {
    "password",
    "passwd",
    "passphrase",
    "secret",
    "secrets",
    "token",
    "apikey",
    "credential",
    "credentials",
    "privatekey",
}
SECRET_PAIRS = {("api", "key"), ("private", "key"), ("access", "key"), ("signing", "key")}
REFERENCE_SUFFIXES = {
    "arn",
    "name",
    "id",
    "path",
    "url",
    "uri",
    "param",
    "parameter",
    "ref",
    "file",
    "region",
    "endpoint",
    "type",
    "length",
    "ttl",
    "expiry",
    "header",
    "version",
}


def _words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w.lower() for w in re.split(r"[^A-Za-z0-9]+", spaced) if w]


def secret_like(name: str) -> bool:
    """True when a variable NAME suggests it holds a secret (its value is never looked at).

    Names that end like a reference to a secret (`DB_PASSWORD_ARN`, `SECRET_NAME`,
    `TOKEN_URL`) are not secrets themselves.
    """
    words = _words(name)
    if not words or words[-1] in REFERENCE_SUFFIXES:
        return False
    if any(w in SECRET_WORDS for w in words):
        return True
    return any(pair in SECRET_PAIRS for pair in pairwise(words))


@check(
    "codebuild.plaintext_secrets",
    "CodeBuild projects keep no secret-like variables in plain text",
    bps=("SEC11-BP07",),
    service="codebuild",
    scope=Scope.REGIONAL,
    actions=CODEBUILD_READ,
)
def plaintext_secrets(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for project in codebuild_projects(ctx):
        variables = (project.get("environment") or {}).get("environmentVariables") or []
        suspicious = sorted(
            {
                str(v.get("name"))
                for v in variables
                if str(v.get("type") or "PLAINTEXT") == "PLAINTEXT"
                and secret_like(str(v.get("name") or ""))
            }
        )
        arn = project_arn(project)
        if suspicious:
            found.append(
                failed(
                    arn,
                    "plaintext variables with secret-like names: "
                    + ", ".join(suspicious)
                    + " (use SECRETS_MANAGER or PARAMETER_STORE)",
                )
            )
        else:
            found.append(
                passed(arn, f"{len(variables)} variable(s), none secret-like in plain text")
            )
    return found


def _admin_policy_arns(details: dict[str, Any]) -> set[str]:
    """Customer managed policies whose default version allows everything."""
    return {
        str(policy.get("Arn"))
        for policy in details.get("Policies", [])
        for version in policy.get("PolicyVersionList", [])
        if version.get("IsDefaultVersion") and allows_everything(version.get("Document"))
    }


def _role_admin_reason(role: dict[str, Any], admin_arns: set[str]) -> str | None:
    for attached in role.get("AttachedManagedPolicies", []):
        arn = str(attached.get("PolicyArn", ""))
        if arn.endswith(ADMIN_POLICY_SUFFIX):
            return "AdministratorAccess attached"
        if arn in admin_arns:
            return f"policy {attached.get('PolicyName')} allows *:* on *"
    for inline in role.get("RolePolicyList", []):
        if allows_everything(inline.get("PolicyDocument")):
            return f"inline policy {inline.get('PolicyName')} allows *:* on *"
    return None


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
    admin_arns = _admin_policy_arns(details)
    by_arn = {str(r.get("Arn")): r for r in details.get("RoleDetailList", [])}
    by_name = {str(r.get("RoleName")): r for r in details.get("RoleDetailList", [])}
    found: list[Resource] = []
    for role_ref, uses in sorted(users.items()):
        role = by_arn.get(role_ref) or by_name.get(role_ref.rsplit("/", 1)[-1])
        used_by = "; ".join(sorted(set(uses)))
        if role is None:
            found.append(passed(role_ref, f"role not in this account (not examined); {used_by}"))
            continue
        reason = _role_admin_reason(role, admin_arns)
        arn = str(role.get("Arn"))
        if reason:
            found.append(failed(arn, f"{reason}; used by {used_by}"))
        else:
            found.append(passed(arn, f"no administrator policy; used by {used_by}"))
    return found
