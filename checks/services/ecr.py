"""ECR repositories: image scanning and pull-through cache."""

from __future__ import annotations

from typing import Any

from checks import resource_policies
from checks.registry import Context, Outcome, Scope, check, failed, not_applicable, passed
from checks.resource_policies import Holder
from checks.result import Resource
from checks.services.common import policy_document

DESCRIBE_REPOSITORIES = "ecr:DescribeRepositories"


def repositories(ctx: Context) -> list[dict[str, Any]]:
    return list(ctx.call("ecr", "describe_repositories").get("repositories", []))


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


@check(
    "ecr.image_scanning",
    "ECR repositories scan images automatically (scan on push or enhanced scanning)",
    bps=("SEC06-BP01", "SEC11-BP02"),
    service="ecr",
    scope=Scope.REGIONAL,
    actions=(DESCRIBE_REPOSITORIES, "ecr:GetRegistryScanningConfiguration"),
)
def ecr_image_scanning(ctx: Context) -> Outcome:
    repos = repositories(ctx)
    if not repos:
        return []
    config = ctx.call("ecr", "get_registry_scanning_configuration").get("scanningConfiguration", {})
    scan_type = str(config.get("scanType") or "BASIC")
    rules = list(config.get("rules") or [])
    found: list[Resource] = []
    for repo in repos:
        arn = str(repo.get("repositoryArn") or repo.get("repositoryName"))
        frequency = _registry_rule_for(str(repo.get("repositoryName", "")), rules)
        on_push = bool(repo.get("imageScanningConfiguration", {}).get("scanOnPush"))
        if frequency and scan_type == "ENHANCED":
            how = "continuous" if frequency == "CONTINUOUS_SCAN" else "on push"
            found.append(passed(arn, f"enhanced scanning (Amazon Inspector), {how}"))
        elif frequency:
            found.append(passed(arn, "basic scanning on push (registry rule)"))
        elif on_push:
            note = " (registry uses enhanced scanning without a rule for it)"
            found.append(
                passed(
                    arn,
                    "scan on push set on the repository"
                    + (note if scan_type == "ENHANCED" else ""),
                )
            )
        else:
            found.append(
                failed(arn, "images are not scanned automatically (no scan on push or scan rule)")
            )
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


def repository_policies(ctx: Context) -> list[Holder]:
    holders: list[Holder] = []
    for repo in repositories(ctx):
        response = ctx.call_if_exists(
            "ecr",
            "get_repository_policy",
            absent={"RepositoryPolicyNotFoundException"},
            repositoryName=repo["repositoryName"],
        )
        holders.append(Holder(str(repo["repositoryArn"]), policy_document(response, "policyText")))
    return holders


resource_policies.declare(
    service="ecr",
    what="repository",
    public_id="ecr.repository_policy_public",
    cross_account_id="ecr.repository_policy_cross_account",
    list_holders=repository_policies,
    actions=(DESCRIBE_REPOSITORIES, "ecr:GetRepositoryPolicy"),
)
