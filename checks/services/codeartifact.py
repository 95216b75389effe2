"""CodeArtifact repositories."""

from __future__ import annotations

from typing import Any

from checks.declare import Call, Found, Judgement, Pass, Resources, per_resource


def _repository(r: Found) -> dict[str, Any]:
    params = {"domain": r.get("domainName"), "repository": r.get("name")}
    return {**params, "domainOwner": r.get("domainOwner")} if r.get("domainOwner") else params


@per_resource(
    "codeartifact.repositories",
    "CodeArtifact repositories serve packages (external connections and upstreams shown)",
    bps=("SEC11-BP05",),
    over=Resources(
        Call("codeartifact", "ListRepositories", "repositories"),
        details={
            "repository": Call("codeartifact", "DescribeRepository", "repository", each=_repository)
        },
        id=lambda r: (r["repository"] or {}).get("arn") or r.get("arn") or r.get("name"),
    ),
    none="no CodeArtifact repositories here",
)
def codeartifact_repositories(r: Found) -> Judgement:
    repo = r["repository"] or {}
    external = [str(c.get("externalConnectionName")) for c in repo.get("externalConnections", [])]
    upstream = [str(u.get("repositoryName")) for u in repo.get("upstreams", [])]
    parts = []
    if external:
        parts.append("proxies " + ", ".join(external))
    if upstream:
        parts.append("upstreams " + ", ".join(upstream))
    return Pass("; ".join(parts) or "internal packages only (no upstream)")
