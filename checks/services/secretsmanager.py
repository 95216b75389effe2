"""Secrets Manager: secrets in use and their rotation."""

from __future__ import annotations

from typing import Any

from checks import resource_policies
from checks.clock import scan_now
from checks.lib.dates import Unreadable, age_days
from checks.registry import (
    Context,
    Outcome,
    Scope,
    check,
    failed,
    not_applicable,
    passed,
    undecided,
)
from checks.resource_policies import Holder
from checks.result import Resource


@check(
    "secretsmanager.in_use",
    "Secrets Manager holds secrets in the region (signal: secrets live in a managed store)",
    bps=("SEC02-BP03",),
    service="secretsmanager",
    scope=Scope.REGIONAL,
    actions=("secretsmanager:ListSecrets",),
)
def secrets_manager_in_use(ctx: Context) -> Outcome:
    secrets = ctx.call("secretsmanager", "list_secrets").get("SecretList", [])
    if not secrets:
        return not_applicable("no secrets in Secrets Manager in this region")
    return [
        passed(
            str(s.get("ARN") or s.get("Name")),
            "held in Secrets Manager"
            + (", rotation on" if s.get("RotationEnabled") else ", rotation off"),
        )
        for s in secrets
    ]


ROTATION_SLACK_DAYS = 2  # rotation runs inside a window: allow a little lateness


def _rotation_window_days(secret: dict[str, Any]) -> int | None:
    rules = secret.get("RotationRules") or {}
    days = rules.get("AutomaticallyAfterDays")
    return int(days) if days else None


@check(
    "secretsmanager.rotation",
    "Secrets Manager secrets rotate automatically and on time",
    bps=("SEC02-BP05", "SEC02-BP03"),
    service="secretsmanager",
    scope=Scope.REGIONAL,
    actions=("secretsmanager:ListSecrets",),
)
def secrets_rotation(ctx: Context) -> Outcome:
    found: list[Resource] = []
    now = scan_now()
    for secret in ctx.call("secretsmanager", "list_secrets").get("SecretList", []):
        arn = str(secret.get("ARN") or secret.get("Name"))
        if not secret.get("RotationEnabled"):
            found.append(failed(arn, "automatic rotation is off"))
            continue
        window = _rotation_window_days(secret)
        age = age_days(secret.get("LastRotatedDate"), now)
        if isinstance(age, Unreadable):
            found.append(undecided(arn, f"rotation on, but the last rotation date: {age.reason}"))
        elif window is not None and age is not None and age > window + ROTATION_SLACK_DAYS:
            found.append(failed(arn, f"last rotated {age} days ago (rotation every {window} days)"))
        elif age is not None:
            found.append(passed(arn, f"rotation on, last rotated {age} days ago"))
        else:
            found.append(passed(arn, "rotation on"))
    return found


def secret_policies(ctx: Context) -> list[Holder]:
    holders: list[Holder] = []
    for secret in ctx.call("secretsmanager", "list_secrets").get("SecretList", []):
        arn = str(secret.get("ARN") or secret.get("Name"))
        response = ctx.call("secretsmanager", "get_resource_policy", SecretId=arn)
        holders.append(Holder(arn, response.get("ResourcePolicy")))
    return holders


resource_policies.declare(
    service="secretsmanager",
    what="secret",
    public_id="secretsmanager.resource_policy_public",
    cross_account_id="secretsmanager.resource_policy_cross_account",
    list_holders=secret_policies,
    actions=("secretsmanager:ListSecrets", "secretsmanager:GetResourcePolicy"),
    public_bps=("SEC03-BP07", "SEC08-BP04"),
)
