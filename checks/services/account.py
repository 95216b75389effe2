"""AWS account settings (alternate contacts)."""

from __future__ import annotations

from checks.registry import Context, Outcome, Scope, check, failed, passed


@check(
    "account.security_contact",
    "The account has a security alternate contact",
    bps=("SEC10-BP01",),
    service="account",
    scope=Scope.GLOBAL,
    actions=("account:GetAlternateContact",),
    advisory=True,
)
def security_contact(ctx: Context) -> Outcome:
    response = ctx.call_if_exists(
        "account",
        "get_alternate_contact",
        absent={"ResourceNotFoundException"},
        AlternateContactType="SECURITY",
    )
    if response is None or not response.get("AlternateContact"):
        return [failed(ctx.where, "no security alternate contact: AWS cannot reach your team")]
    return [passed(ctx.where, "security alternate contact is set")]
