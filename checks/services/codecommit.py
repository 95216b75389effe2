"""CodeCommit approval rules."""

from __future__ import annotations

from checks.declare import Call, Fail, Found, Judgement, Pass, Resources, per_resource


@per_resource(
    "codecommit.approval_rules",
    "CodeCommit repositories have an approval rule template (reviews before merge)",
    bps=("SEC11-BP04",),
    over=Resources(
        Call("codecommit", "ListRepositories", "repositories"),
        id=lambda r: (
            f"arn:{r.ctx.partition}:codecommit:{r.ctx.region}:{r.ctx.account_id}:"
            f"{r.get('repositoryName')}"
        ),
    ),
    details={
        "templates": Call(
            "codecommit",
            "ListAssociatedApprovalRuleTemplatesForRepository",
            "approvalRuleTemplateNames",
            each=lambda r: {"repositoryName": str(r.get("repositoryName"))},
        )
    },
)
def approval_rules(r: Found) -> Judgement:
    if templates := r["templates"]:
        return Pass("approval rule templates: " + ", ".join(map(str, templates)))
    return Fail("no approval rule template: changes can merge unreviewed")
