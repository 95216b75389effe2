"""Incident Manager contacts."""

from __future__ import annotations

from checks.registry import Context, Outcome, Scope, check, not_applicable, passed
from checks.services.common import across_regions


@check(
    "ssmcontacts.contacts",
    "Incident Manager holds responder contacts (signal: a paging tool may hold them)",
    bps=("SEC10-BP01",),
    service="ssm-contacts",
    scope=Scope.GLOBAL,
    actions=("ssm-contacts:ListContacts",),
)
def incident_contacts(ctx: Context) -> Outcome:
    contacts, problems = across_regions(ctx, "ssm-contacts", "list_contacts", "Contacts")
    if contacts:
        return [
            passed(str(c.get("ContactArn") or c.get("Alias")), f"{c.get('Type')} in {region}")
            for region, c in contacts
        ]
    if problems:
        raise problems[0]
    return not_applicable(
        "no Incident Manager contacts in the scanned regions (a paging tool may hold them)"
    )
