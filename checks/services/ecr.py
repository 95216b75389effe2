"""ECR repositories: image scanning and pull-through cache."""

from __future__ import annotations

from typing import Any

from checks import resource_policies
from checks.declare import Call, Fail, Found, Judgement, Pass, Resources, per_resource
from checks.registry import Context
from checks.services.common import policy_document

REPOSITORIES = Resources(
    Call("ecr", "DescribeRepositories", "repositories"), id=("repositoryArn", "repositoryName")
)
DESCRIBE_REPOSITORIES = REPOSITORIES.listing.action


def repositories(ctx: Context) -> list[dict[str, Any]]:
    return REPOSITORIES.entries(ctx)


def _wildcard_match(pattern: str, name: str) -> bool:
    """ECR scan filters: `*` matches any run of characters, everything else is literal."""
    parts = pattern.split("*")
    if len(parts) == 1:
        return pattern == name
    if not name.startswith(parts[0]) or not name.endswith(parts[-1]):
        return False
    position = len(parts[0])
    end = len(name) - len(parts[-1])
    for part in parts[1:-1]:
        found = name.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return position <= end


def _registry_rule_for(name: str, rules: list[dict[str, Any]]) -> str | None:
    """The scan frequency a registry rule applies to a repository, if any rule matches."""
    for rule in rules:
        frequency = str(rule.get("scanFrequency", ""))
        if frequency not in {"SCAN_ON_PUSH", "CONTINUOUS_SCAN"}:
            continue
        filters = rule.get("repositoryFilters") or [{"filter": "*"}]
        if any(_wildcard_match(str(f.get("filter", "")), name) for f in filters):
            return frequency
    return None


SCANNING = Call("ecr", "GetRegistryScanningConfiguration", "scanningConfiguration")


@per_resource(
    "ecr.image_scanning",
    "ECR repositories scan images automatically (scan on push or enhanced scanning)",
    bps=("SEC06-BP01", "SEC11-BP02"),
    over=REPOSITORIES,
    reads=(SCANNING,),
)
def ecr_image_scanning(r: Found) -> Judgement:
    config = r.read(SCANNING) or {}
    scan_type = str(config.get("scanType") or "BASIC")
    frequency = _registry_rule_for(
        str(r.get("repositoryName", "")), list(config.get("rules") or [])
    )
    if frequency and scan_type == "ENHANCED":
        how = "continuous" if frequency == "CONTINUOUS_SCAN" else "on push"
        return Pass(f"enhanced scanning (Amazon Inspector), {how}")
    if frequency:
        return Pass("basic scanning on push (registry rule)")
    if (r.get("imageScanningConfiguration") or {}).get("scanOnPush"):
        note = " (registry uses enhanced scanning without a rule for it)"
        return Pass(
            "scan on push set on the repository" + (note if scan_type == "ENHANCED" else "")
        )
    return Fail("images are not scanned automatically (no scan on push or scan rule)")


@per_resource(
    "ecr.pull_through_cache",
    "ECR pull through cache rules proxy public container registries",
    bps=("SEC11-BP05", "SEC06-BP02"),
    over=Resources(
        Call("ecr", "DescribePullThroughCacheRules", "pullThroughCacheRules"),
        id=lambda r: f"{r.ctx.where}/{r.get('ecrRepositoryPrefix')}",
    ),
    none="no ECR pull through cache rules here",
)
def pull_through_cache(r: Found) -> Judgement:
    return Pass(f"caches {r.get('upstreamRegistryUrl') or r.get('upstreamRegistry')}")


resource_policies.declare(
    service="ecr",
    what="repository",
    public_id="ecr.repository_policy_public",
    cross_account_id="ecr.repository_policy_cross_account",
    over=Resources(
        REPOSITORIES.listing,
        details={
            "policy": Call(
                "ecr",
                "GetRepositoryPolicy",
                each=lambda r: {"repositoryName": r.get("repositoryName")},
                absent={"RepositoryPolicyNotFoundException"},
            )
        },
        id="repositoryArn",
    ),
    policy=lambda r: policy_document(r["policy"], "policyText"),
)
