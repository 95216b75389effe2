"""AWS Network Firewall logging."""

from __future__ import annotations

from checks.registry import Context, Outcome, Scope, check, failed, not_applicable, passed
from checks.result import Resource
from checks.services.common import _list


@check(
    "networkfirewall.logging",
    "AWS Network Firewall firewalls send their logs somewhere",
    bps=("SEC05-BP03",),
    service="network-firewall",
    scope=Scope.REGIONAL,
    actions=(
        "network-firewall:ListFirewalls",
        "network-firewall:DescribeLoggingConfiguration",
    ),
)
def firewall_logging(ctx: Context) -> Outcome:
    firewalls = _list(ctx.call("network-firewall", "list_firewalls"), "Firewalls")
    if not firewalls:
        return not_applicable("no AWS Network Firewall in this region")
    found: list[Resource] = []
    for firewall in firewalls:
        arn = str(firewall.get("FirewallArn"))
        config = ctx.call("network-firewall", "describe_logging_configuration", FirewallArn=arn)
        destinations = (config.get("LoggingConfiguration") or {}).get("LogDestinationConfigs")
        kinds = [str(d.get("LogType")) for d in destinations or [] if isinstance(d, dict)]
        name = firewall.get("FirewallName")
        if kinds:
            found.append(passed(arn, f"{name}: logs {', '.join(kinds)}"))
        else:
            found.append(failed(arn, f"{name}: no logging configured"))
    return found
