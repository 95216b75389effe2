"""AWS Network Firewall logging."""

from __future__ import annotations

from checks.declare import Call, Fail, Found, Judgement, Pass, Resources, per_resource


@per_resource(
    "networkfirewall.logging",
    "AWS Network Firewall firewalls send their logs somewhere",
    bps=("SEC05-BP03",),
    over=Resources(Call("network-firewall", "ListFirewalls", "Firewalls"), id="FirewallArn"),
    details={
        "logging": Call(
            "network-firewall",
            "DescribeLoggingConfiguration",
            "LoggingConfiguration",
            each=lambda r: {"FirewallArn": r.id},
        )
    },
    none="no AWS Network Firewall in this region",
)
def firewall_logging(r: Found) -> Judgement:
    destinations = (r["logging"] or {}).get("LogDestinationConfigs")
    kinds = [str(d.get("LogType")) for d in destinations or [] if isinstance(d, dict)]
    if kinds:
        return Pass(f"{r.get('FirewallName')}: logs {', '.join(kinds)}")
    return Fail(f"{r.get('FirewallName')}: no logging configured")
