"""IAM and resource policy documents, read one way everywhere.

`analyze(document, own_account)` answers "who does this policy let in?":

- PUBLIC: an Allow statement lets anyone in (`"*"`, `{"AWS": "*"}`, or `NotPrincipal`)
  and no condition restricts it to accounts, an organization, a network or a source;
- CROSS_ACCOUNT: principals (or restricting conditions) name other accounts, listed;
- RESTRICTED: only this account, AWS services, an organization, a VPC/endpoint/IP range.

A condition restricts a statement when it *requires* a key that pins the caller
(`aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOwner`, `aws:PrincipalOrgID`,
`aws:PrincipalAccount`, `aws:SourceVpce`, `aws:SourceVpc`, `aws:SourceIp`, ...) with a
positive operator (StringEquals, ArnLike, IpAddress, ...) and no wildcard-only value. A
Deny statement for everyone with the negated form (`StringNotEquals aws:PrincipalOrgID`)
restricts the Allow statements whose actions it covers. Every finding carries its reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

ACCOUNT_ID = re.compile(r"^\d{12}$")
_ARN_ACCOUNT = re.compile(r"^arn:aws[\w-]*:[\w-]*:[\w-]*:(\d{12}):")

# Condition keys that pin who or where the caller is, and what each one means.
RESTRICTING_KEYS = {
    "aws:sourceaccount": "account",
    "aws:sourceowner": "account",
    "aws:principalaccount": "account",
    "kms:calleraccount": "account",
    "aws:resourceaccount": "account",
    "aws:sourcearn": "arn",
    "aws:principalarn": "arn",
    "aws:principalorgid": "organization",
    "aws:principalorgpaths": "organization",
    "aws:sourceorgid": "organization",
    "aws:sourceorgpaths": "organization",
    "aws:resourceorgid": "organization",
    "aws:sourcevpce": "network",
    "aws:sourcevpc": "network",
    "aws:sourceip": "network",
    "aws:vpcsourceip": "network",
    "aws:principalservicename": "service",
    "kms:viaservice": "service",
    "aws:calledvia": "service",
    "aws:userid": "arn",
    "aws:username": "arn",
}
_POSITIVE = re.compile(
    r"^(forallvalues:|foranyvalue:)?(stringequals|stringequalsignorecase|"
    r"stringlike|arnequals|arnlike|ipaddress)(ifexists)?$"
)
_NEGATIVE = re.compile(
    r"^(forallvalues:|foranyvalue:)?(stringnotequals|stringnotequalsignorecase|"
    r"stringnotlike|arnnotequals|arnnotlike|notipaddress)(ifexists)?$"
)


@lru_cache(maxsize=4096)
def _wildcard(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts = ("." if ch == "?" else ".*" if ch == "*" else re.escape(ch) for ch in pattern)
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def iam_match(pattern: str, value: str, *, ignore_case: bool = True) -> bool:
    """IAM's wildcard match: `*` any run of characters (none included), `?` exactly one,
    every other character literal (no `[...]` classes, unlike fnmatch). Actions compare
    without case (the default); ARNs and condition values with `ignore_case=False`."""
    return _wildcard(pattern, ignore_case).fullmatch(value) is not None


class Exposure(StrEnum):
    PUBLIC = "public"
    CROSS_ACCOUNT = "cross_account"
    RESTRICTED = "restricted"


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def document(value: Any) -> dict[str, Any]:
    """A policy document as a dict: botocore decodes most; key, bucket and function
    policies come as JSON text, and IAM documents may be URL-encoded. {} if unreadable."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.strip():
        for text in (value, unquote(value)):
            try:
                parsed = json.loads(text)
            except ValueError:
                continue
            return parsed if isinstance(parsed, dict) else {}
    return {}


def readable(value: Any) -> bool:
    """True when `value` is a policy document whose Statement is a statement object or a
    list of them (else a check cannot judge it: never read it as "no statements")."""
    found = document(value).get("Statement", None)
    if isinstance(found, dict):
        return True
    return isinstance(found, list) and all(isinstance(s, dict) for s in found)


@dataclass(frozen=True, slots=True)
class Condition:
    operator: str  # lowercase, e.g. "stringequals", "forallvalues:stringlike"
    key: str  # lowercase, e.g. "aws:sourceaccount"
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Statement:
    sid: str
    allow: bool
    principals: tuple[tuple[str, str], ...]  # (kind, value): ("*", "*"), ("AWS", arn), ...
    not_principal: bool
    actions: tuple[str, ...]  # lowercase
    not_action: bool
    resources: tuple[str, ...]
    conditions: tuple[Condition, ...] = field(default=())
    effect: str = ""  # lowercase as written: "allow", "deny" (anything else is neither)
    not_resource: bool = False  # `resources` are NotResource: every resource but those

    @property
    def deny(self) -> bool:
        return self.effect == "deny"

    @property
    def everyone(self) -> bool:
        """The principal is anyone: "*", {"AWS": "*"}, or an Allow with NotPrincipal."""
        if self.not_principal:
            return True
        return any(value == "*" and kind in {"*", "AWS"} for kind, value in self.principals)

    def aws_principals(self) -> list[str]:
        return [value for kind, value in self.principals if kind in {"*", "AWS"}]

    def services(self) -> list[str]:
        return [value for kind, value in self.principals if kind == "Service"]

    def allows_action(self, wanted: str) -> bool:
        """Does the statement apply to `wanted` (an IAM action, or a pattern like s3:*)?"""
        wanted = wanted.lower()
        hit = any(
            iam_match(pattern, wanted) or iam_match(wanted, pattern) for pattern in self.actions
        )
        return not hit if self.not_action else hit

    def covers_action(self, action: str) -> bool:
        """Does the statement apply to every call of the exact IAM action `action`?
        (Action: a pattern matches it; NotAction: no pattern matches it.)"""
        hit = any(iam_match(pattern, action) for pattern in self.actions)
        return not hit if self.not_action else hit

    def condition_keys(self) -> set[str]:
        return {c.key for c in self.conditions}

    def restrictions(self) -> list[Condition]:
        """Conditions that require a restricting key to match given values (positive form)."""
        return [
            c
            for c in self.conditions
            if c.key in RESTRICTING_KEYS
            and _POSITIVE.match(c.operator)
            and c.values
            and not all(v.strip() in {"*", ""} for v in c.values)
        ]

    def negated_restrictions(self) -> list[Condition]:
        """Conditions in the negated form (a Deny "unless the caller is in org o-x")."""
        return [
            c
            for c in self.conditions
            if c.key in RESTRICTING_KEYS and _NEGATIVE.match(c.operator) and c.values
        ]


def _conditions(raw: Any) -> tuple[Condition, ...]:
    found: list[Condition] = []
    if isinstance(raw, dict):
        for operator, block in raw.items():
            if not isinstance(block, dict):
                continue
            for key, values in block.items():
                found.append(
                    Condition(
                        str(operator).lower(),
                        str(key).lower(),
                        tuple(str(v) for v in as_list(values)),
                    )
                )
    return tuple(found)


def _principals(raw: Any) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        return (("*", raw.strip()),) if raw.strip() == "*" else (("AWS", raw.strip()),)
    if isinstance(raw, dict):
        return tuple(
            (str(kind), str(value).strip())
            for kind, values in raw.items()
            for value in as_list(values)
        )
    return ()


def statements(value: Any) -> list[Statement]:
    """The statements of a policy document (dict, JSON text or URL-encoded JSON)."""
    found: list[Statement] = []
    for n, raw in enumerate(as_list(document(value).get("Statement"))):
        if not isinstance(raw, dict):
            continue
        not_principal = "NotPrincipal" in raw
        not_action = "NotAction" in raw
        not_resource = "NotResource" in raw and "Resource" not in raw
        effect = str(raw.get("Effect", "")).strip().lower()
        found.append(
            Statement(
                sid=str(raw.get("Sid") or f"statement {n + 1}"),
                allow=effect == "allow",
                principals=_principals(raw.get("NotPrincipal" if not_principal else "Principal")),
                not_principal=not_principal,
                actions=tuple(
                    str(a).lower()
                    for a in as_list(raw.get("NotAction" if not_action else "Action"))
                ),
                not_action=not_action,
                resources=tuple(
                    str(r) for r in as_list(raw.get("NotResource" if not_resource else "Resource"))
                ),
                conditions=_conditions(raw.get("Condition")),
                effect=effect,
                not_resource=not_resource,
            )
        )
    return found


def account_of(principal: str) -> str | None:
    """The account id of an AWS principal: "123456789012", an IAM/STS ARN, or None."""
    principal = principal.strip()
    if ACCOUNT_ID.match(principal):
        return principal
    match = _ARN_ACCOUNT.match(principal)
    return match.group(1) if match else None


def allows_everything(value: Any) -> bool:
    """True when an Allow statement grants every action ("*", "*:*") on every resource."""
    return any(
        s.allow
        and not s.not_action
        and any(a in ("*", "*:*") for a in s.actions)
        and not s.not_resource
        and "*" in s.resources
        for s in statements(value)
    )


def denials(value: Any, action: str) -> list[Statement]:
    """The Deny statements that cover `action` (an IAM action such as s3:DeleteObject:
    wildcards, case and NotAction honoured), whatever their principal and conditions."""
    return [s for s in statements(value) if s.deny and s.allows_action(action)]


TRANSPORT_KEYS = frozenset({"aws:securetransport", "s3:tlsversion"})
"""Condition keys about the connection's TLS, not about who calls or what is done."""


def only_about_transport(statement: Statement) -> bool:
    """True when a statement has conditions and all are about TLS (a "deny plain HTTP"
    statement, which denies nothing to a caller using HTTPS)."""
    return bool(statement.conditions) and statement.condition_keys() <= TRANSPORT_KEYS


def denies_insecure_transport(value: Any, service: str) -> bool:
    """True when a statement denies every `service` action to anyone over plain HTTP:
    Deny, Principal "*" (not NotPrincipal), Action "*" or "<service>:*" (not NotAction),
    and Bool / BoolIfExists aws:SecureTransport false."""
    whole = {"*", "*:*", f"{service.lower()}:*"}
    for s in statements(value):
        if not s.deny or s.not_principal or s.not_action or not s.everyone:
            continue
        if not whole.intersection(s.actions):
            continue
        if any(
            c.key == "aws:securetransport"
            and c.operator in {"bool", "boolifexists"}
            and any(v.strip().lower() == "false" for v in c.values)
            for c in s.conditions
        ):
            return True
    return False


def allowed_principals(value: Any) -> list[str]:
    """Every principal the Allow statements name ("*", account ARNs, services, federated
    providers), sorted, once each. NotPrincipal statements name no one."""
    return sorted(
        {
            principal
            for s in statements(value)
            if s.allow and not s.not_principal
            for _, principal in s.principals
        }
    )


def allows_whole_service(value: Any, service: str) -> bool:
    """True when an Allow statement grants `<service>:*` as such (AWSSupportAccess-like),
    not only through "*" (an administrator policy is not a support policy)."""
    wanted = f"{service.lower()}:*"
    return any(s.allow and not s.not_action and wanted in s.actions for s in statements(value))


@dataclass(frozen=True, slots=True)
class Access:
    """Who a policy lets in, and why (one sentence)."""

    exposure: Exposure
    accounts: tuple[str, ...] = ()  # other accounts let in (CROSS_ACCOUNT)
    reason: str = ""
    statements: tuple[str, ...] = ()  # sids of the statements that open it

    @property
    def public(self) -> bool:
        return self.exposure is Exposure.PUBLIC


def _restriction_accounts(conditions: Sequence[Condition]) -> set[str] | None:
    """Accounts the account-pinning conditions allow (None if no condition pins accounts)."""
    accounts: set[str] | None = None
    for c in conditions:
        kind = RESTRICTING_KEYS[c.key]
        values: set[str] = set()
        if kind == "account":
            values = {v for v in c.values if ACCOUNT_ID.match(v.strip())}
        elif kind == "arn":
            values = {a for a in (account_of(v) for v in c.values) if a}
            if len(values) < len(c.values):
                continue  # an ARN without an account (an S3 bucket) pins a resource, not who
        else:
            continue
        accounts = values if accounts is None else accounts & values
    return accounts


def _describe(c: Condition) -> str:
    shown = ", ".join(c.values[:3]) + (" ..." if len(c.values) > 3 else "")
    return f"{c.key} {shown}"


def _deny_guards(all_statements: Sequence[Statement], action: str | None) -> list[Condition]:
    """Negated restrictions of Deny-for-everyone statements that cover `action`."""
    guards: list[Condition] = []
    for s in all_statements:
        if not s.deny or not s.everyone:
            continue
        if action is not None and not s.allows_action(action):
            continue
        if action is None and not (not s.not_action and any(a in ("*", "*:*") for a in s.actions)):
            continue
        negated = s.negated_restrictions()
        if negated and len(negated) == len(s.conditions):
            guards.extend(negated)
    return guards


def analyze(value: Any, own_account: str, *, actions: Iterable[str] = ()) -> Access:
    """Who the policy lets in. `actions` (IAM actions or patterns such as "sts:AssumeRole*")
    limits the analysis to statements that grant one of them (default: any)."""
    wanted = [a.lower() for a in actions]
    parsed = statements(value)
    public: list[tuple[str, str]] = []  # (sid, why)
    foreign: dict[str, list[str]] = {}  # account -> sids
    restricted: list[str] = []
    for s in parsed:
        if not s.allow:
            continue
        granted = [a for a in wanted if s.allows_action(a)] if wanted else [None]
        if not granted:
            continue
        limits = s.restrictions()
        guards = [g for a in granted for g in _deny_guards(parsed, a)]
        conditions = limits + guards
        if s.everyone:
            pinned = _restriction_accounts(conditions)
            if pinned is not None:
                for other in sorted(pinned - {own_account}):
                    foreign.setdefault(other, []).append(s.sid)
                restricted.append(f"{s.sid}: anyone, but only {', '.join(sorted(pinned))}")
            elif conditions:
                restricted.append(f"{s.sid}: anyone, but only with {_describe(conditions[0])}")
            else:
                who = "NotPrincipal (everyone else)" if s.not_principal else '"*"'
                public.append((s.sid, f"{s.sid} allows {who} without a restricting condition"))
            continue
        pinned = _restriction_accounts(conditions)
        for service in s.services():
            if pinned is None:
                restricted.append(f"{s.sid}: AWS service {service}")
                continue
            for other in sorted(pinned - {own_account}):
                foreign.setdefault(other, []).append(s.sid)
        for principal in s.aws_principals():
            account = account_of(principal)
            if account is None or account == own_account:
                continue
            if pinned is not None and account not in pinned:
                continue
            if any(RESTRICTING_KEYS[c.key] == "organization" for c in conditions):
                restricted.append(f"{s.sid}: {account}, within the organization condition")
                continue
            foreign.setdefault(account, []).append(s.sid)
    if public:
        return Access(
            Exposure.PUBLIC,
            tuple(sorted(foreign)),
            "; ".join(why for _, why in public),
            tuple(sid for sid, _ in public),
        )
    if foreign:
        listed = ", ".join(sorted(foreign))
        sids = tuple(dict.fromkeys(sid for sids in foreign.values() for sid in sids))
        return Access(
            Exposure.CROSS_ACCOUNT,
            tuple(sorted(foreign)),
            f"allows account(s) {listed} ({', '.join(sids)})",
            sids,
        )
    reason = "; ".join(restricted) if restricted else "only this account and AWS services"
    return Access(Exposure.RESTRICTED, (), reason)


def trusted_accounts(value: Any, own_account: str) -> tuple[bool, dict[str, bool]]:
    """(anyone, {account: requires sts:ExternalId}) of a role trust policy.

    `anyone`: an Allow of sts:AssumeRole* to "*" that no condition restricts. Accounts:
    other accounts trusted by an Allow that no organization/account condition limits.
    """
    anyone = False
    accounts: dict[str, bool] = {}
    for s in statements(value):
        if not s.allow or not s.allows_action("sts:assumerole*"):
            continue
        if s.restrictions():
            continue
        external_id = "sts:externalid" in s.condition_keys()
        for principal in s.aws_principals():
            if principal == "*":
                anyone = True
                continue
            account = account_of(principal)
            if account is None or account == own_account:
                continue
            accounts[account] = accounts.get(account, True) and external_id
    return anyone, accounts


# --- Deny guardrails (service control policies) -------------------------------------

# Condition keys that describe who calls: judged on probe principals of the account.
_PRINCIPAL_KEYS = frozenset(
    {
        "aws:principalarn",
        "aws:principalaccount",
        "aws:principalorgid",
        "aws:principaltype",
        "aws:userid",
        "aws:username",
        "aws:principalisawsservice",
        "aws:principalservicename",
    }
)
PROBE_NAME = "pillar-probe-principal"


def probe_principals(
    account_id: str, organization_id: str = "", partition: str = "aws"
) -> tuple[dict[str, str], ...]:
    """The request context of an ordinary role and an ordinary user of `account_id`, named
    so that no narrow exemption (a named admin role, a break-glass user) matches them."""
    common = {"aws:principalaccount": account_id, "aws:principalisawsservice": "false"}
    if organization_id:
        common["aws:principalorgid"] = organization_id
    role = {
        **common,
        "aws:principalarn": f"arn:{partition}:iam::{account_id}:role/{PROBE_NAME}",
        "aws:principaltype": "AssumedRole",
        "aws:userid": f"AROAPILLARPROBE:{PROBE_NAME}",
    }
    user = {
        **common,
        "aws:principalarn": f"arn:{partition}:iam::{account_id}:user/{PROBE_NAME}",
        "aws:principaltype": "User",
        "aws:userid": "AIDAPILLARPROBE",
        "aws:username": PROBE_NAME,
    }
    return (role, user)


_OPERATOR = re.compile(r"^(forallvalues:|foranyvalue:)?([a-z]+?)(ifexists)?$")


def condition_matches(condition: Condition, context: dict[str, str]) -> bool | None:
    """Does `condition` hold for a request with these (single-valued) context keys? IAM's
    rules for a missing key: Null "true", ...IfExists, ForAllValues and the negated
    operators hold; the rest do not. None for an operator this cannot judge (numeric,
    date, IP address, binary)."""
    match = _OPERATOR.match(condition.operator)
    if match is None:
        return None
    set_prefix, base, if_exists = match.groups()
    value = context.get(condition.key)
    wanted = condition.values
    if base == "null":
        present = value is not None
        return any((v.lower() == "true") != present for v in wanted)
    negated = base in {
        "stringnotequals",
        "stringnotequalsignorecase",
        "stringnotlike",
        "arnnotequals",
        "arnnotlike",
    }
    if value is None:
        return bool(if_exists) or set_prefix == "forallvalues:" or negated
    positive = base.replace("not", "", 1) if negated else base
    if positive == "stringequals":
        hit = value in wanted
    elif positive == "stringequalsignorecase":
        hit = value.lower() in {v.lower() for v in wanted}
    elif positive in {"stringlike", "arnequals", "arnlike"}:
        hit = any(iam_match(v, value, ignore_case=False) for v in wanted)
    elif positive == "bool" and not negated:
        hit = value.lower() in {v.lower() for v in wanted}
    else:
        return None
    return not hit if negated else hit


def _arn_parts(pattern: str) -> list[str] | None:
    parts = pattern.split(":", 5)
    return parts if len(parts) == 6 and parts[0] == "arn" else None


def _every_resource(pattern: str, service: str, account_id: str) -> bool:
    """Does this Resource pattern match every resource of `service` in the account?"""
    if pattern.strip() == "*":
        return True
    parts = _arn_parts(pattern.strip())
    if parts is None:
        return False
    _, _, svc, region, account, resource = parts
    return (
        iam_match(svc, service)
        and region in {"*", ""}
        and (account in {"*", ""} or iam_match(account, account_id))
        and (resource == "*" or re.fullmatch(r"[A-Za-z0-9_.-]+[/:]\*", resource) is not None)
    )


def _may_name_a_resource(pattern: str, service: str) -> bool:
    """Could this NotResource pattern match some resource of `service`?"""
    parts = _arn_parts(pattern.strip())
    return parts is None or iam_match(parts[2], service)


@dataclass(frozen=True, slots=True)
class DenyFinding:
    """How one Deny statement stops an action for the principals of an account."""

    sid: str
    holds: bool  # denied to ordinary principals of the account, on every resource
    exemptions: tuple[str, ...] = ()  # narrow exemptions it makes (a named admin role...)
    why_not: str = ""  # when it does not hold: one phrase


def _shown(c: Condition) -> str:
    return f"{c.operator} {_describe(c)}"


def _judge_deny(
    s: Statement, action: str, probes: Sequence[dict[str, str]], account_id: str
) -> DenyFinding:
    service = action.split(":", 1)[0].lower()
    if s.not_resource:
        if any(_may_name_a_resource(p, service) for p in s.resources):
            kept = ", ".join(s.resources[:2])
            return DenyFinding(s.sid, False, why_not=f"{s.sid} leaves out NotResource {kept}")
    elif s.resources and not any(_every_resource(p, service, account_id) for p in s.resources):
        kept = ", ".join(s.resources[:2])
        return DenyFinding(s.sid, False, why_not=f"{s.sid} covers only Resource {kept}")
    exemptions: list[str] = []
    for c in s.conditions:
        if c.key not in _PRINCIPAL_KEYS and not c.key.startswith("aws:principaltag/"):
            return DenyFinding(s.sid, False, why_not=f"{s.sid} denies only when {_shown(c)}")
        verdicts = [condition_matches(c, probe) for probe in probes]
        if any(v is None for v in verdicts):
            return DenyFinding(s.sid, False, why_not=f"{s.sid} has a condition {_shown(c)}")
        if not all(verdicts):
            return DenyFinding(
                s.sid, False, why_not=f"{s.sid} exempts ordinary principals ({_shown(c)})"
            )
        # It holds for ordinary principals; a negated, Null or IfExists form still leaves
        # out the principals it names (or that carry the key): worth saying.
        if _NEGATIVE.match(c.operator) or c.operator == "null" or c.operator.endswith("ifexists"):
            exemptions.append(_describe(c))
    return DenyFinding(s.sid, True, tuple(exemptions))


def deny_finding(
    value: Any,
    action: str,
    *,
    account_id: str,
    organization_id: str = "",
    partition: str = "aws",
) -> DenyFinding | None:
    """Does the policy deny `action` (an exact IAM action) to the principals of
    `account_id`? Only statements with `Effect: Deny` whose Action (or NotAction) covers
    it count; they must cover every resource of the service, and their conditions may
    only exempt some principals: a condition on anything else (region, MFA, source), or
    one that exempts an ordinary role or user of the account, means it does not hold.

    The statement that holds with the fewest exemptions; else the first that covers the
    action but does not hold (with why); None when no Deny statement covers it."""
    probes = probe_principals(account_id, organization_id, partition)
    found = [
        _judge_deny(s, action.lower(), probes, account_id)
        for s in statements(value)
        if s.deny and s.covers_action(action)
    ]
    holding = sorted((f for f in found if f.holds), key=lambda f: len(f.exemptions))
    if holding:
        return holding[0]
    return found[0] if found else None
