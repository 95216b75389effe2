"""AWS RAM resource shares."""

from __future__ import annotations

from checks.registry import Context, Outcome, Scope, check, failed, passed
from checks.result import Resource

_GONE = {"DELETING", "DELETED", "FAILED"}


@check(
    "ram.external_sharing",
    "AWS RAM resource shares do not allow principals outside the organization",
    bps=("SEC03-BP08",),
    service="ram",
    scope=Scope.REGIONAL,
    actions=("ram:GetResourceShares", "ram:GetResourceShareAssociations"),
)
def ram_external_sharing(ctx: Context) -> Outcome:
    shares = [
        s
        for s in ctx.call("ram", "get_resource_shares", resourceOwner="SELF").get(
            "resourceShares", []
        )
        if s.get("status") not in _GONE
    ]
    if not shares:
        return []
    associations = ctx.call(
        "ram", "get_resource_share_associations", associationType="PRINCIPAL"
    ).get("resourceShareAssociations", [])
    external: dict[str, list[str]] = {}
    for association in associations:
        if association.get("external") and association.get("status") not in {
            "DISASSOCIATED",
            "DISASSOCIATING",
            "FAILED",
        }:
            external.setdefault(str(association.get("resourceShareArn")), []).append(
                str(association.get("associatedEntity"))
            )
    found: list[Resource] = []
    for share in shares:
        arn = str(share.get("resourceShareArn"))
        outside = external.get(arn, [])
        if share.get("allowExternalPrincipals") or outside:
            detail = f"share {share.get('name')} allows principals outside the organization"
            if outside:
                detail += f"; shared with external {', '.join(sorted(outside))}"
            found.append(failed(arn, detail))
        else:
            found.append(passed(arn, f"share {share.get('name')}: organization principals only"))
    return found
