"""AWS Signer signing profiles."""

from __future__ import annotations

from checks.declare import Call, Found, Judgement, Pass, Resources, per_resource


@per_resource(
    "signer.signing_profiles",
    "AWS Signer signing profiles exist for code or container images",
    bps=("SEC06-BP04",),
    over=Resources(
        Call("signer", "ListSigningProfiles", "profiles"),
        keep=lambda r: str(r.get("status") or "Active") == "Active",
        id=("profileVersionArn", "arn", "profileName"),
    ),
    none="no active AWS Signer signing profiles here",
)
def signing_profiles(r: Found) -> Judgement:
    return Pass(f"signing profile for {r.get('platformDisplayName') or r.get('platformId')}")
