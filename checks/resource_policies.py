"""The resource-policy check family: who a resource policy lets in, judged one way.

Lambda function policies, SQS queue policies, SNS topic policies, KMS key policies, ECR
repository policies, Secrets Manager resource policies and S3 bucket policies are all read
the same way, through `checks.lib.policy.analyze` (no other "is public" logic):

- `public_findings`: a policy that lets anyone in (`"*"`, `{"AWS": "*"}`, NotPrincipal)
  with no restricting condition (`aws:SourceAccount`, `aws:PrincipalOrgID`,
  `aws:SourceVpce`, ...) FAILs; a restricted one passes and says by what.
- `cross_account_findings`: other accounts a policy names (as principals, or in the
  account-pinning conditions of an open statement) with no organization condition FAIL
  when they are outside the organization; when the organization's accounts cannot be
  listed (a member account), such a resource is undecided (UNKNOWN, never a guess).

Each service module declares its two checks with `declare(...)` (ids
`<service>.<name>_public` / `_cross_account`, or the historical ids kept for saved
reviews): from its `checks.declare.Resources` and where each one's policy is
(`over=QUEUES, policy=lambda r: r["attributes"].get("Policy")`: the IAM actions are
derived from those calls), or from a function listing `Holder`s with its `actions`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from checks.calls import CallFailed
from checks.declare import Found, Resources
from checks.lib.policy import analyze, readable
from checks.registry import Context, Outcome, Scope, check, failed, passed, undecided
from checks.result import Resource

ORG_ACTIONS = ("organizations:DescribeOrganization", "organizations:ListAccounts")
"""What `organization_accounts` reads (add to a cross-account check's actions)."""

PUBLIC_BPS = ("SEC03-BP07",)
CROSS_ACCOUNT_BPS = ("SEC03-BP08", "SEC03-BP07")


@dataclass(frozen=True, slots=True)
class Holder:
    """One resource and its resource policy (None: it has none)."""

    arn: str
    policy: Any
    label: str = ""  # shown after the verdict, e.g. " (alias/payments)"


@dataclass(frozen=True, slots=True)
class OrgAccounts:
    """The organization's accounts as far as this account can tell."""

    accounts: frozenset[str]
    complete: bool  # False: a member account that cannot list them (only some are known)
    why: str = ""


def organization_accounts(ctx: Context) -> OrgAccounts:
    """Accounts of this account's organization: none outside an organization; all when
    organizations:ListAccounts is allowed (management or delegated administrator); else
    only this account and the management account (incomplete)."""

    home = ctx.home_region or ctx.region  # the calls GLOBAL checks make: shared with them

    def read() -> OrgAccounts:
        response = ctx.call_if_exists(
            "organizations",
            "describe_organization",
            absent={"AWSOrganizationsNotInUseException"},
            region=home,
        )
        if response is None:
            return OrgAccounts(frozenset({ctx.account_id}), True, "not in an organization")
        org = response.get("Organization", {})
        known = {ctx.account_id, str(org.get("MasterAccountId") or "")} - {""}
        try:
            listed = ctx.call("organizations", "list_accounts", region=home).get("Accounts", [])
        except CallFailed as error:
            if error.code in {"AccessDeniedException", "AccessDenied"}:
                return OrgAccounts(
                    frozenset(known),
                    False,
                    "this account cannot list the organization's accounts "
                    "(organizations:ListAccounts)",
                )
            raise
        return OrgAccounts(frozenset(known | {str(a.get("Id")) for a in listed}), True)

    # Organizations is global: asked once per scan, from whichever region asks first.
    return ctx.calls.once(("memo", "resource_policies.organization_accounts"), read)


def public_findings(ctx: Context, holders: Iterable[Holder], what: str) -> list[Resource]:
    """PASS / FAIL per resource: is it open to anyone without a restricting condition?"""
    found: list[Resource] = []
    for holder in holders:
        if holder.policy is None or holder.policy == "":
            found.append(passed(holder.arn, f"no {what} policy{holder.label}"))
            continue
        if not readable(holder.policy):
            found.append(undecided(holder.arn, f"the {what} policy could not be read"))
            continue
        access = analyze(holder.policy, ctx.account_id)
        if access.public:
            found.append(failed(holder.arn, f"public: {access.reason}{holder.label}"))
        else:
            found.append(passed(holder.arn, f"not public ({access.reason}){holder.label}"))
    return found


def cross_account_findings(ctx: Context, holders: Iterable[Holder], what: str) -> list[Resource]:
    """PASS / FAIL / undecided per resource: does it let in accounts outside the
    organization that no condition restricts?"""
    found: list[Resource] = []
    org: OrgAccounts | None = None
    for holder in holders:
        if holder.policy is None or holder.policy == "":
            found.append(passed(holder.arn, f"no {what} policy{holder.label}"))
            continue
        if not readable(holder.policy):
            found.append(undecided(holder.arn, f"the {what} policy could not be read"))
            continue
        access = analyze(holder.policy, ctx.account_id)
        if not access.accounts:
            found.append(passed(holder.arn, f"no other account ({access.reason}){holder.label}"))
            continue
        org = org or organization_accounts(ctx)
        outside = [a for a in access.accounts if a not in org.accounts]
        listed = ", ".join(access.accounts)
        if not outside:
            found.append(
                passed(holder.arn, f"other accounts in the organization: {listed}{holder.label}")
            )
        elif org.complete:
            found.append(
                failed(
                    holder.arn,
                    f"allows account(s) outside the organization: {', '.join(outside)}, "
                    f"with no condition restricting them{holder.label}",
                )
            )
        else:
            found.append(
                undecided(
                    holder.arn,
                    f"allows account(s) {', '.join(outside)} with no organization condition; "
                    f"whether they are in the organization is unknown: {org.why}",
                )
            )
    return found


Lister = Callable[[Context], Sequence[Holder]]


def declare(
    *,
    service: str,
    what: str,
    public_id: str | None,
    cross_account_id: str,
    over: Resources | None = None,
    policy: Callable[[Found], Any] | None = None,
    list_holders: Lister | None = None,
    actions: Sequence[str] = (),
    services: Sequence[str] = (),
    scope: Scope = Scope.REGIONAL,
    public_bps: Sequence[str] = PUBLIC_BPS,
    cross_account_bps: Sequence[str] = CROSS_ACCOUNT_BPS,
    public_title: str | None = None,
) -> None:
    """Register the two checks of one resource type: `public_id` and `cross_account_id`
    (`public_id=None` when the service declares a richer public check of its own, as S3
    does with ACLs and Block Public Access).

    Either `over` (the resources, declared) with `policy(found)` (its policy document,
    None when it has none), the actions derived from `over`'s calls; or
    `list_holders(ctx)` returning every resource with its policy, with the IAM `actions`
    it needs. The organization reads are added to the cross-account check."""
    if over is not None and policy is not None and list_holders is None and not actions:
        resources, read_policy = over, policy

        def from_resources(ctx: Context) -> Sequence[Holder]:
            return [Holder(r.id, read_policy(r)) for r in resources.found(ctx)]

        from_resources.__module__ = policy.__module__
        list_holders = from_resources
        actions = tuple(dict.fromkeys(c.action for c in over.calls))
        services = services or tuple(dict.fromkeys(c.service for c in over.calls))
    elif list_holders is None or not actions or over is not None or policy is not None:
        raise ValueError(
            f"{cross_account_id}: declare either over= and policy=, or list_holders= and actions="
        )
    lister = list_holders

    def public(ctx: Context) -> Outcome:
        return public_findings(ctx, lister(ctx), what)

    def cross_account(ctx: Context) -> Outcome:
        return cross_account_findings(ctx, lister(ctx), what)

    public.__module__ = cross_account.__module__ = lister.__module__
    base = tuple(services) or (service,)
    if public_id:
        check(
            public_id,
            public_title or f"No {what} policy lets anyone in without a restricting condition",
            bps=public_bps,
            service=service,
            scope=scope,
            actions=actions,
            services=base,
        )(public)
    check(
        cross_account_id,
        f"{what[0].upper()}{what[1:]} policies let in no account outside the organization "
        "without a condition",
        bps=cross_account_bps,
        service=service,
        scope=scope,
        actions=(*actions, *ORG_ACTIONS),
        services=tuple(dict.fromkeys((*base, "organizations"))),
    )(cross_account)
