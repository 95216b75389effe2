"""Security-group and network ACL rules, read one way everywhere.

- A source is "the world" when its prefix is /0, in IPv4 (`0.0.0.0/0`) or IPv6 (`::/0`).
- Protocols are normalised: "6" -> tcp, "17" -> udp, "1" -> icmp, "58" -> icmpv6,
  "-1" / "all" -> "-1" (every protocol, every port).
- Ports: a TCP/UDP rule whose FromPort/ToPort is missing or -1 covers every port; ICMP
  "ports" are types and codes, so an ICMP rule covers no TCP/UDP port.
- Prefix lists (`pl-...`) and security groups (`sg-...`) are sources too; a prefix list
  counts as the world only if the caller knows (and passes) its CIDRs.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

ALL = "-1"
PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "all": ALL, "-1": ALL}
MAX_PORT = 65535


def is_world(cidr: Any) -> bool:
    """True for a CIDR that matches every address (0.0.0.0/0, ::/0, 0.0.0.0/0 written oddly)."""
    try:
        return ipaddress.ip_network(str(cidr).strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def protocol_name(value: Any) -> str:
    """ "tcp", "udp", "icmp", "icmpv6", "-1" (all), or the protocol number as text."""
    text = str(ALL if value is None else value).strip().lower()
    return PROTOCOLS.get(text, text)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class Rule:
    """One security-group permission (one source): protocol, port range, where from/to."""

    protocol: str  # normalised (see protocol_name)
    low: int  # first port (0 for all)
    high: int  # last port (65535 for all)
    source: str  # a CIDR, "pl-..." or "sg-..."
    description: str = ""

    @property
    def all_traffic(self) -> bool:
        return self.protocol == ALL

    @property
    def has_ports(self) -> bool:
        return self.protocol in {ALL, "tcp", "udp"}

    @property
    def all_ports(self) -> bool:
        return self.has_ports and self.low <= 0 and self.high >= MAX_PORT

    @property
    def ports(self) -> str:
        if self.all_traffic:
            return "all traffic"
        if not self.has_ports:
            return self.protocol
        if self.all_ports:
            return f"all {self.protocol} ports"
        span = f"{self.low}" if self.low == self.high else f"{self.low}-{self.high}"
        return f"{self.protocol} {span}"

    def covers(self, port: int, protocol: str = "tcp") -> bool:
        """Does the rule let `port` of `protocol` (tcp/udp) through?"""
        if self.all_traffic:
            return True
        return self.protocol == protocol and self.low <= port <= self.high

    def from_world(self, prefix_lists: Mapping[str, Sequence[str]] | None = None) -> bool:
        if self.source.startswith("pl-"):
            return any(is_world(c) for c in (prefix_lists or {}).get(self.source, ()))
        return is_world(self.source)


def _range(permission: dict[str, Any], protocol: str) -> tuple[int, int]:
    low, high = _int(permission.get("FromPort")), _int(permission.get("ToPort"))
    if protocol not in {"tcp", "udp"}:
        # all traffic covers every port; ICMP carries type/code, not ports
        return (0, MAX_PORT) if protocol == ALL else (low or 0, high or 0)
    if low is None or high is None or low < 0 or high < 0:
        return 0, MAX_PORT
    return min(low, high), max(low, high)


def sg_rules(group: dict[str, Any], *, egress: bool = False) -> list[Rule]:
    """Every (permission, source) of a security group's inbound (or outbound) rules."""
    rules: list[Rule] = []
    for permission in _as_list(group.get("IpPermissionsEgress" if egress else "IpPermissions")):
        if not isinstance(permission, dict):
            continue
        protocol = protocol_name(permission.get("IpProtocol"))
        low, high = _range(permission, protocol)

        def add(
            source: Any, description: Any, p: str = protocol, a: int = low, b: int = high
        ) -> None:
            rules.append(Rule(p, a, b, str(source), str(description or "")))

        for item in _as_list(permission.get("IpRanges")):
            add(item.get("CidrIp"), item.get("Description"))
        for item in _as_list(permission.get("Ipv6Ranges")):
            add(item.get("CidrIpv6"), item.get("Description"))
        for item in _as_list(permission.get("PrefixListIds")):
            add(item.get("PrefixListId"), item.get("Description"))
        for item in _as_list(permission.get("UserIdGroupPairs")):
            add(item.get("GroupId"), item.get("Description"))
    return rules


def world_rules(
    group: dict[str, Any], prefix_lists: Mapping[str, Sequence[str]] | None = None
) -> list[Rule]:
    """The inbound rules of a security group open to the whole internet (IPv4 or IPv6)."""
    return [r for r in sg_rules(group) if r.from_world(prefix_lists)]


def open_ports(
    group: dict[str, Any],
    ports: Mapping[int, str],
    prefix_lists: Mapping[str, Sequence[str]] | None = None,
) -> list[str]:
    """ "SSH (22) from 0.0.0.0/0"-style exposures of `ports` (port -> label) to the world."""
    found: dict[str, None] = {}
    for port, label in ports.items():
        sources = [r.source for r in world_rules(group, prefix_lists) if r.covers(port)]
        if sources:
            found[f"{label} ({port}) from {'/'.join(dict.fromkeys(sources))}"] = None
    return list(found)


# --- network ACLs -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NaclEntry:
    number: int
    protocol: str
    low: int
    high: int
    cidr: str
    allow: bool
    egress: bool

    @property
    def ipv6(self) -> bool:
        return ":" in self.cidr

    def matches(self, port: int, protocol: str = "tcp") -> bool:
        if self.protocol == ALL:
            return True
        return self.protocol == protocol and self.low <= port <= self.high

    @property
    def explicit(self) -> bool:
        """Written for specific ports (not allow-all, not a wide ephemeral port range)."""
        return self.protocol != ALL and self.high - self.low + 1 <= 1024


def nacl_entries(acl: dict[str, Any], *, egress: bool = False) -> list[NaclEntry]:
    """A network ACL's inbound (or outbound) entries in evaluation order (rule number)."""
    entries: list[NaclEntry] = []
    for entry in _as_list(acl.get("Entries")):
        if not isinstance(entry, dict) or bool(entry.get("Egress")) != egress:
            continue
        protocol = protocol_name(entry.get("Protocol"))
        ports = entry.get("PortRange") or {}
        low, high = _int(ports.get("From")), _int(ports.get("To"))
        if protocol == ALL or low is None or high is None:
            low, high = 0, MAX_PORT
        entries.append(
            NaclEntry(
                number=_int(entry.get("RuleNumber")) or 32767,
                protocol=protocol,
                low=min(low, high),
                high=max(low, high),
                cidr=str(entry.get("Ipv6CidrBlock") or entry.get("CidrBlock") or ""),
                allow=str(entry.get("RuleAction", "")).lower() == "allow",
                egress=egress,
            )
        )
    return sorted(entries, key=lambda e: e.number)


def nacl_world_decisions(
    acl: dict[str, Any], port: int, protocol: str = "tcp"
) -> Iterator[NaclEntry]:
    """For internet traffic to `port`, the entry that decides it, per address family
    (IPv4 then IPv6): the first entry (by rule number) whose CIDR is the world and whose
    protocol and ports match. A family no such entry matches is denied by the default rule."""
    for ipv6 in (False, True):
        for entry in nacl_entries(acl):
            if entry.ipv6 == ipv6 and is_world(entry.cidr) and entry.matches(port, protocol):
                yield entry
                break
