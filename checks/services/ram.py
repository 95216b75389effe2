"""AWS RAM resource shares."""

from __future__ import annotations

from checks.declare import Call, Fail, Found, Judgement, Pass, Resources, per_resource

_GONE = {"DELETING", "DELETED", "FAILED"}
PRINCIPALS = Call(
    "ram",
    "GetResourceShareAssociations",
    "resourceShareAssociations",
    params={"associationType": "PRINCIPAL"},
)


def _external_principals(r: Found) -> list[str]:
    return [
        str(a.get("associatedEntity"))
        for a in r.read(PRINCIPALS) or []
        if a.get("external")
        and a.get("status") not in {"DISASSOCIATED", "DISASSOCIATING", "FAILED"}
        and str(a.get("resourceShareArn")) == r.id
    ]


@per_resource(
    "ram.external_sharing",
    "AWS RAM resource shares do not allow principals outside the organization",
    bps=("SEC03-BP08",),
    over=Resources(
        Call("ram", "GetResourceShares", "resourceShares", params={"resourceOwner": "SELF"}),
        keep=lambda r: r.get("status") not in _GONE,
        id="resourceShareArn",
    ),
    reads=(PRINCIPALS,),
)
def ram_external_sharing(r: Found) -> Judgement:
    outside = _external_principals(r)
    if r.get("allowExternalPrincipals") or outside:
        detail = f"share {r.get('name')} allows principals outside the organization"
        if outside:
            detail += f"; shared with external {', '.join(sorted(outside))}"
        return Fail(detail)
    return Pass(f"share {r.get('name')}: organization principals only")
