"""CodeArtifact repositories."""

from __future__ import annotations

from typing import Any

from checks.registry import Context, Outcome, Scope, check, not_applicable, passed
from checks.result import Resource


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
