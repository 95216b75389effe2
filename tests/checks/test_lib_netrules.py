"""checks.lib.netrules: security-group and NACL rules, IPv4 and IPv6 alike."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.lib.netrules import (
    is_world,
    nacl_world_decisions,
    open_ports,
    sg_rules,
    world_rules,
)

ADMIN = {22: "SSH", 3389: "RDP"}


def group(protocol="tcp", low=None, high=None, v4=(), v6=(), prefix=(), groups=()):
    permission = {"IpProtocol": protocol}
    if low is not None:
        permission["FromPort"] = low
    if high is not None:
        permission["ToPort"] = high
    permission["IpRanges"] = [{"CidrIp": c} for c in v4]
    permission["Ipv6Ranges"] = [{"CidrIpv6": c} for c in v6]
    permission["PrefixListIds"] = [{"PrefixListId": p} for p in prefix]
    permission["UserIdGroupPairs"] = [{"GroupId": g} for g in groups]
    return {"GroupId": "sg-1", "IpPermissions": [permission]}


@pytest.mark.parametrize("cidr", ["0.0.0.0/0", "::/0", "0::/0", " 0.0.0.0/0", "10.0.0.0/0"])
def test_world(cidr):
    assert is_world(cidr)


@pytest.mark.parametrize("cidr", ["10.0.0.0/8", "::/1", "2001:db8::/32", "pl-123", "", None])
def test_not_world(cidr):
    assert not is_world(cidr)


@pytest.mark.parametrize("world", ["0.0.0.0/0", "::/0"])
def test_ipv4_and_ipv6_are_both_the_world(world):
    v4 = [world] if "." in world else []
    v6 = [world] if ":" in world else []
    assert open_ports(group("tcp", 22, 22, v4, v6), ADMIN) == [f"SSH (22) from {world}"]


@settings(deadline=None)
@given(
    st.integers(min_value=0, max_value=65535),
    st.integers(min_value=0, max_value=65535),
    st.sampled_from(["tcp", "6"]),
    st.sampled_from(["0.0.0.0/0", "::/0"]),
)
def test_a_tcp_range_opens_exactly_its_ports(a, b, protocol, world):
    low, high = min(a, b), max(a, b)
    v4, v6 = ([world], []) if "." in world else ([], [world])
    found = open_ports(group(protocol, low, high, v4, v6), ADMIN)
    expected = [
        f"{label} ({port}) from {world}" for port, label in ADMIN.items() if low <= port <= high
    ]
    assert found == expected


@pytest.mark.parametrize("protocol", ["-1", "all", -1])
def test_protocol_minus_one_is_every_port(protocol):
    rules = sg_rules(group(protocol, v4=["0.0.0.0/0"]))
    assert len(rules) == 1 and rules[0].all_traffic and rules[0].covers(3389, "udp")
    assert rules[0].ports == "all traffic"


@pytest.mark.parametrize(("low", "high"), [(None, None), (-1, -1), (22, None)])
def test_missing_ports_on_tcp_are_every_port(low, high):
    rule = sg_rules(group("tcp", low, high, ["0.0.0.0/0"]))[0]
    assert rule.all_ports and rule.covers(22)


def test_icmp_opens_no_port():
    rule = sg_rules(group("icmp", 8, 0, ["0.0.0.0/0"]))[0]
    assert not rule.covers(22) and not rule.covers(8) and rule.ports == "icmp"


def test_prefix_lists_and_groups_are_sources_but_not_the_world_unless_resolved():
    g = group("tcp", 22, 22, prefix=["pl-1"], groups=["sg-2"])
    assert {r.source for r in sg_rules(g)} == {"pl-1", "sg-2"}
    assert world_rules(g) == []
    assert open_ports(g, ADMIN, {"pl-1": ["0.0.0.0/0"]}) == ["SSH (22) from pl-1"]


def acl(*entries):
    return {
        "Entries": [
            {
                "RuleNumber": n,
                "Protocol": p,
                "RuleAction": action,
                "Egress": False,
                **({"Ipv6CidrBlock": cidr} if ":" in cidr else {"CidrBlock": cidr}),
                **({"PortRange": {"From": lo, "To": hi}} if lo is not None else {}),
            }
            for n, p, action, cidr, lo, hi in entries
        ]
    }


def test_nacl_first_matching_world_rule_decides_per_family():
    entries = acl(
        (100, "6", "deny", "0.0.0.0/0", 22, 22),
        (200, "-1", "allow", "0.0.0.0/0", None, None),
        (100, "6", "allow", "::/0", 22, 22),
    )
    decisions = {(e.ipv6, e.allow) for e in nacl_world_decisions(entries, 22)}
    assert decisions == {(False, False), (True, True)}


@settings(deadline=None)
@given(
    st.permutations(
        [(100, "6", "deny", "0.0.0.0/0", 22, 22), (200, "-1", "allow", "0.0.0.0/0", None, None)]
    )
)
def test_nacl_order_is_the_rule_number_not_the_listing(entries):
    (decision,) = nacl_world_decisions(acl(*entries), 22)
    assert decision.number == 100 and not decision.allow
