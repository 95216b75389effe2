"""AWS Signer signing profiles."""

from __future__ import annotations

from checks.registry import Context, Outcome, Scope, check, not_applicable, passed


@check(
    "signer.signing_profiles",
    "AWS Signer signing profiles exist for code or container images",
    bps=("SEC06-BP04",),
    service="signer",
    scope=Scope.REGIONAL,
    actions=("signer:ListSigningProfiles",),
)
def signing_profiles(ctx: Context) -> Outcome:
    profiles = ctx.call("signer", "list_signing_profiles").get("profiles", [])
    active = [p for p in profiles if str(p.get("status") or "Active") == "Active"]
    if not active:
        return not_applicable("no active AWS Signer signing profiles here")
    return [
        passed(
            str(p.get("profileVersionArn") or p.get("arn") or p.get("profileName")),
            f"signing profile for {p.get('platformDisplayName') or p.get('platformId')}",
        )
        for p in active
    ]
