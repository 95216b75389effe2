"""CodeBuild projects: builds in use, privileged mode, secrets in plain text."""

from __future__ import annotations

import re
from typing import Any

from checks.lib import secrets
from checks.registry import Context, Outcome, Scope, check, failed, not_applicable, passed
from checks.result import Resource

CODEBUILD_READ = ("codebuild:ListProjects", "codebuild:BatchGetProjects")


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


def project_arn(project: dict[str, Any]) -> str:
    return str(project.get("arn") or project.get("name"))


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
        suspicious = secrets.plaintext_secrets(
            [v for v in variables if str(v.get("type") or "PLAINTEXT") == "PLAINTEXT"]
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
