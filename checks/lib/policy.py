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
from fnmatch import fnmatchcase
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
            fnmatchcase(wanted, pattern) or fnmatchcase(pattern, wanted) for pattern in self.actions
        )
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
        found.append(
            Statement(
                sid=str(raw.get("Sid") or f"statement {n + 1}"),
                allow=str(raw.get("Effect", "")).lower() == "allow",
                principals=_principals(raw.get("NotPrincipal" if not_principal else "Principal")),
                not_principal=not_principal,
                actions=tuple(
                    str(a).lower()
                    for a in as_list(raw.get("NotAction" if not_action else "Action"))
                ),
                not_action=not_action,
                resources=tuple(str(r) for r in as_list(raw.get("Resource"))),
                conditions=_conditions(raw.get("Condition")),
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
        and "*" in s.resources
        for s in statements(value)
    )


def denials(value: Any, action: str) -> list[Statement]:
    """The Deny statements that cover `action` (an IAM action such as s3:DeleteObject:
    wildcards, case and NotAction honoured), whatever their principal and conditions."""
    return [s for s in statements(value) if not s.allow and s.allows_action(action)]


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
        if s.allow or s.not_principal or s.not_action or not s.everyone:
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
        if s.allow or not s.everyone:
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
