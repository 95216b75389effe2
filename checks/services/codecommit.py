"""CodeCommit approval rules."""

from __future__ import annotations

from checks.registry import Context, Outcome, Scope, check, failed, passed
from checks.result import Resource


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
