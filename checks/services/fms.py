"""Firewall Manager policies."""

from __future__ import annotations

from checks.registry import Context, Outcome, Scope, check, not_applicable, passed
from checks.services.common import _list


@check(
    "fms.policies",
    "AWS Firewall Manager policies apply network protection (informative: never fails)",
    bps=("SEC05-BP04",),
    service="fms",
    scope=Scope.REGIONAL,
    actions=("fms:GetAdminAccount", "fms:ListPolicies"),
)
def fms_policies(ctx: Context) -> Outcome:
    admin = ctx.call_if_exists("fms", "get_admin_account", absent={"ResourceNotFoundException"})
    account = (admin or {}).get("AdminAccount")
    if not account:
        return not_applicable("no Firewall Manager administrator account is set")
    if str(account) != ctx.account_id:
        return not_applicable(
            f"Firewall Manager is administered from account {account}: review it there"
        )
    policies = _list(ctx.call("fms", "list_policies"), "PolicyList")
    if not policies:
        return not_applicable("this Firewall Manager administrator has no policies here")
    return [
        passed(
            str(p.get("PolicyArn") or p.get("PolicyId")),
            f"{p.get('PolicyName')}: {p.get('SecurityServiceType')}, "
            f"remediation {'on' if p.get('RemediationEnabled') else 'off (audit only)'}",
        )
        for p in policies
    ]
