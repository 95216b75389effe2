"""Secrets Manager: secrets in use and their rotation."""

from __future__ import annotations

from typing import Any

from checks import resource_policies
from checks.clock import scan_now
from checks.declare import Call, Fail, Found, Judgement, Pass, Resources, Undecided, per_resource
from checks.lib.dates import Unreadable, age_days

SECRETS = Resources(Call("secretsmanager", "ListSecrets", "SecretList"), id=("ARN", "Name"))


@per_resource(
    "secretsmanager.in_use",
    "Secrets Manager holds secrets in the region (signal: secrets live in a managed store)",
    bps=("SEC02-BP03",),
    over=SECRETS,
    none="no secrets in Secrets Manager in this region",
)
def secrets_manager_in_use(r: Found) -> Judgement:
    rotation = ", rotation on" if r.get("RotationEnabled") else ", rotation off"
    return Pass("held in Secrets Manager" + rotation)


ROTATION_SLACK_DAYS = 2  # rotation runs inside a window: allow a little lateness


def _rotation_window_days(secret: dict[str, Any]) -> int | None:
    rules = secret.get("RotationRules") or {}
    days = rules.get("AutomaticallyAfterDays")
    return int(days) if days else None


@per_resource(
    "secretsmanager.rotation",
    "Secrets Manager secrets rotate automatically and on time",
    bps=("SEC02-BP05", "SEC02-BP03"),
    over=SECRETS,
)
def secrets_rotation(r: Found) -> Judgement:
    if not r.get("RotationEnabled"):
        return Fail("automatic rotation is off")
    window = _rotation_window_days(r.listed)
    age = age_days(r.get("LastRotatedDate"), scan_now())
    if isinstance(age, Unreadable):
        return Undecided(f"rotation on, but the last rotation date: {age.reason}")
    if window is not None and age is not None and age > window + ROTATION_SLACK_DAYS:
        return Fail(f"last rotated {age} days ago (rotation every {window} days)")
    if age is not None:
        return Pass(f"rotation on, last rotated {age} days ago")
    # Never rotated: judged from its creation (rotation starts when it is turned on).
    created = age_days(r.get("CreatedDate"), scan_now())
    if not isinstance(created, int):
        why = created.reason if isinstance(created, Unreadable) else "no creation date reported"
        return Undecided(f"rotation on, never rotated, and its age is unknown: {why}")
    if window is None:
        return Undecided(f"rotation on, never rotated in {created} days; no period to compare")
    if created > window + ROTATION_SLACK_DAYS:
        return Fail(f"rotation on but never rotated in the {created} days since it was created")
    return Pass(f"rotation on, not rotated yet (created {created} days ago)")


resource_policies.declare(
    service="secretsmanager",
    what="secret",
    public_id="secretsmanager.resource_policy_public",
    cross_account_id="secretsmanager.resource_policy_cross_account",
    over=Resources(
        SECRETS.listing,
        details={
            "policy": Call(
                "secretsmanager",
                "GetResourcePolicy",
                "ResourcePolicy",
                each=lambda r: {"SecretId": r.id},
            )
        },
        id=SECRETS.id,
    ),
    policy=lambda r: r["policy"],
    public_bps=("SEC03-BP07", "SEC08-BP04"),
)
