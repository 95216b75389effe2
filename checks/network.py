"""Network protection and data in transit (SEC05, SEC09).

- Layers (SEC05-BP01, a signal): instances with public addresses, the default VPC in use,
  VPC endpoints for S3 and DynamoDB (informative only: never fails).
- Traffic control (SEC05-BP02): security groups open to the internet on administrative,
  database or all ports; default security groups with rules; network ACLs that open SSH
  or RDP to the internet with an explicit rule (a default allow-all network ACL is not a
  failure: security groups do the filtering, network ACLs are a coarse backstop).
- Inspection (SEC05-BP03/BP04): AWS WAF on internet-facing ALBs and CloudFront
  distributions; managed rule groups in web ACLs; Network Firewall logging; Firewall
  Manager policies (informative only: never fails). API Gateway stages are not read: their
  IAM action is `apigateway:GET`, which the registry's read validation does not accept.
- Data in transit (SEC09): ACM certificates near expiry or failing renewal, HTTP listeners
  that do not redirect to HTTPS, listener TLS policies allowing TLS 1.0/1.1, S3 bucket
  policies without an aws:SecureTransport deny, CloudFront viewer protocol and minimum TLS,
  RDS parameter groups that do not require TLS, Site-to-Site VPN tunnels allowing IKEv1.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from checks.clock import scan_now
from checks.registry import (
    Context,
    Outcome,
    Scope,
    Verdict,
    check,
    failed,
    not_applicable,
    passed,
)
from checks.result import Cause, Resource, Status

# Ports that must never be open to the whole internet (administration, databases, file
# sharing, caches and search engines).
RISKY_PORTS: dict[int, str] = {
    20: "FTP data",
    21: "FTP",
    22: "SSH",
    23: "Telnet",
    135: "RPC",
    139: "NetBIOS",
    445: "SMB",
    1433: "SQL Server",
    1521: "Oracle",
    2049: "NFS",
    2375: "Docker API",
    2376: "Docker API",
    3306: "MySQL",
    3389: "RDP",
    5432: "PostgreSQL",
    5439: "Redshift",
    5601: "Kibana",
    5984: "CouchDB",
    5985: "WinRM",
    5986: "WinRM",
    6379: "Redis",
    7199: "Cassandra",
    8020: "HDFS",
    9042: "Cassandra",
    9092: "Kafka",
    9200: "Elasticsearch",
    9300: "Elasticsearch",
    11211: "Memcached",
    27017: "MongoDB",
    27018: "MongoDB",
}
ADMIN_PORTS: dict[int, str] = {22: "SSH", 3389: "RDP"}
CERT_WARN_DAYS = 30
OLD_TLS = ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1")
CLOUDFRONT_OLD_TLS = {"SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016"}
ACM_KEY_TYPES = [
    "RSA_1024",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "EC_prime256v1",
    "EC_secp384r1",
    "EC_secp521r1",
]
LIVE_INSTANCE_STATES = {"pending", "running", "stopping", "stopped"}
MAX_LISTED = 5


# --- shared readers ------------------------------------------------------------------


def _list(response: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = response.get(key) or []
    return [item for item in value if isinstance(item, dict)]


def security_groups(ctx: Context) -> list[dict[str, Any]]:
    return _list(ctx.call("ec2", "describe_security_groups"), "SecurityGroups")


def network_interfaces(ctx: Context) -> list[dict[str, Any]]:
    return _list(ctx.call("ec2", "describe_network_interfaces"), "NetworkInterfaces")


def instances(ctx: Context) -> list[dict[str, Any]]:
    found = []
    for reservation in _list(ctx.call("ec2", "describe_instances"), "Reservations"):
        for instance in _list(reservation, "Instances"):
            if instance.get("State", {}).get("Name", "running") in LIVE_INSTANCE_STATES:
                found.append(instance)
    return found


def vpcs(ctx: Context) -> list[dict[str, Any]]:
    return _list(ctx.call("ec2", "describe_vpcs"), "Vpcs")


def route_tables(ctx: Context) -> list[dict[str, Any]]:
    return _list(ctx.call("ec2", "describe_route_tables"), "RouteTables")


def load_balancers(ctx: Context) -> list[dict[str, Any]]:
    return _list(ctx.call("elbv2", "describe_load_balancers"), "LoadBalancers")


def listeners(ctx: Context, load_balancer_arn: str) -> list[dict[str, Any]]:
    response = ctx.call("elbv2", "describe_listeners", LoadBalancerArn=load_balancer_arn)
    return _list(response, "Listeners")


def classic_load_balancers(ctx: Context) -> list[dict[str, Any]]:
    return _list(ctx.call("elb", "describe_load_balancers"), "LoadBalancerDescriptions")


def distributions(ctx: Context) -> list[dict[str, Any]]:
    listing = ctx.call("cloudfront", "list_distributions").get("DistributionList") or {}
    return _list(listing, "Items")


def _arn(ctx: Context, service: str, kind: str, ident: str, owner: str | None = None) -> str:
    return f"arn:{ctx.partition}:{service}:{ctx.region}:{owner or ctx.account_id}:{kind}/{ident}"


def _name_tag(resource: dict[str, Any]) -> str:
    for tag in resource.get("Tags") or resource.get("TagSet") or []:
        if isinstance(tag, dict) and tag.get("Key") == "Name":
            return str(tag.get("Value", ""))
    return ""


def _named(ident: str, name: str) -> str:
    return f"{ident} ({name})" if name else ident


def _few(items: Iterable[str]) -> str:
    items = list(dict.fromkeys(items))
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")


def _is_world(cidr: Any) -> bool:
    """True for a CIDR that matches every address (0.0.0.0/0, ::/0)."""
    try:
        return ipaddress.ip_network(str(cidr), strict=False).prefixlen == 0
    except ValueError:
        return False


def _subnet_route_tables(ctx: Context) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """(subnet id -> route table, vpc id -> main route table)."""
    by_subnet: dict[str, dict[str, Any]] = {}
    main: dict[str, Any] = {}
    for table in route_tables(ctx):
        for association in _list(table, "Associations"):
            if association.get("SubnetId"):
                by_subnet[str(association["SubnetId"])] = table
            if association.get("Main"):
                main[str(table.get("VpcId"))] = table
    return by_subnet, main


def internet_gateway_route(ctx: Context, subnet_id: str | None, vpc_id: str | None) -> str | None:
    """The internet gateway a subnet's default route points to, if any."""
    by_subnet, main = ctx.once("network.route_tables", lambda: _subnet_route_tables(ctx))
    table = by_subnet.get(subnet_id or "") or main.get(vpc_id or "")
    if not table:
        return None
    for route in _list(table, "Routes"):
        gateway = str(route.get("GatewayId") or "")
        if not gateway.startswith("igw-") or route.get("State") == "blackhole":
            continue
        if _is_world(route.get("DestinationCidrBlock")) or _is_world(
            route.get("DestinationIpv6CidrBlock")
        ):
            return gateway
    return None


# --- SEC05-BP01: network layers --------------------------------------------------------


@check(
    "ec2.instance_public_ip",
    "EC2 instances have no public IP address",
    bps=("SEC05-BP01",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=("ec2:DescribeInstances", "ec2:DescribeRouteTables"),
)
def instance_public_ip(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for instance in instances(ctx):
        ident = _arn(ctx, "ec2", "instance", str(instance.get("InstanceId")))
        name = _name_tag(instance)
        public_ip = instance.get("PublicIpAddress")
        ipv6 = [
            str(address.get("Ipv6Address"))
            for interface in _list(instance, "NetworkInterfaces")
            for address in _list(interface, "Ipv6Addresses")
            if address.get("Ipv6Address")
        ]
        gateway = internet_gateway_route(ctx, instance.get("SubnetId"), instance.get("VpcId"))
        route = (
            f"its subnet routes to internet gateway {gateway}"
            if gateway
            else "its subnet has no default route to an internet gateway"
        )
        label = f"{name}: " if name else ""
        if public_ip:
            found.append(failed(ident, f"{label}public IP {public_ip}; {route}"))
        elif ipv6 and gateway:
            found.append(failed(ident, f"{label}IPv6 address {ipv6[0]}; {route}"))
        else:
            found.append(passed(ident, f"{label}no public IP address"))
    return found


@check(
    "ec2.default_vpc_unused",
    "The default VPC holds no resources",
    bps=("SEC05-BP01",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=("ec2:DescribeVpcs", "ec2:DescribeNetworkInterfaces"),
)
def default_vpc_unused(ctx: Context) -> Outcome:
    defaults = [vpc for vpc in vpcs(ctx) if vpc.get("IsDefault")]
    if not defaults:
        return [passed(ctx.where, "no default VPC in this region")]
    found: list[Resource] = []
    interfaces = network_interfaces(ctx)
    for vpc in defaults:
        vpc_id = str(vpc.get("VpcId"))
        ident = _arn(ctx, "ec2", "vpc", vpc_id, vpc.get("OwnerId"))
        used = [i for i in interfaces if i.get("VpcId") == vpc_id]
        if not used:
            found.append(passed(ident, "default VPC holds no network interfaces"))
            continue
        users = [
            str(
                (i.get("Attachment") or {}).get("InstanceId")
                or i.get("Description")
                or i.get("NetworkInterfaceId")
            )
            for i in used
        ]
        found.append(
            failed(
                ident,
                f"default VPC (public subnets only) holds {len(used)} network interface(s): "
                f"{_few(users)}",
            )
        )
    return found


def _endpoint_service(name: str) -> str | None:
    for service in ("s3", "dynamodb"):
        if name.endswith(f".{service}"):
            return service
    return None


@check(
    "ec2.vpc_endpoints",
    "VPCs in use reach S3 and DynamoDB through VPC endpoints (informative: never fails)",
    bps=("SEC05-BP01",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=(
        "ec2:DescribeVpcs",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeVpcEndpoints",
    ),
)
def vpc_endpoints(ctx: Context) -> Outcome:
    in_use = {str(i.get("VpcId")) for i in network_interfaces(ctx)}
    endpoints = _list(ctx.call("ec2", "describe_vpc_endpoints"), "VpcEndpoints")
    found: list[Resource] = []
    for vpc in vpcs(ctx):
        vpc_id = str(vpc.get("VpcId"))
        if vpc_id not in in_use:
            continue
        services = sorted(
            {
                service
                for endpoint in endpoints
                if endpoint.get("VpcId") == vpc_id
                and str(endpoint.get("State", "available")).lower() not in {"deleted", "failed"}
                and (service := _endpoint_service(str(endpoint.get("ServiceName", ""))))
            }
        )
        ident = _arn(ctx, "ec2", "vpc", vpc_id, vpc.get("OwnerId"))
        if services:
            found.append(passed(ident, f"VPC endpoints for {', '.join(services)}"))
        else:
            found.append(
                passed(ident, "no S3 or DynamoDB endpoint: calls to them leave through NAT or IGW")
            )
    return found


# --- SEC05-BP02: traffic control -------------------------------------------------------


def _port_range(rule: dict[str, Any]) -> tuple[str, int, int]:
    protocol = str(rule.get("IpProtocol", "-1")).lower()
    protocol = {"6": "tcp", "17": "udp", "all": "-1"}.get(protocol, protocol)
    low = rule.get("FromPort")
    high = rule.get("ToPort")
    if protocol == "-1" or low is None or high is None or int(low) < 0:
        return protocol, 0, 65535
    return protocol, int(low), int(high)


def _world_sources(rule: dict[str, Any]) -> list[str]:
    sources = [str(r.get("CidrIp")) for r in _list(rule, "IpRanges") if _is_world(r.get("CidrIp"))]
    sources += [
        str(r.get("CidrIpv6")) for r in _list(rule, "Ipv6Ranges") if _is_world(r.get("CidrIpv6"))
    ]
    return sources


def open_to_world(group: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(risky exposures, other exposures) of a security group's inbound rules."""
    risky: list[str] = []
    other: list[str] = []
    for rule in _list(group, "IpPermissions"):
        sources = _world_sources(rule)
        if not sources:
            continue
        where = "/".join(dict.fromkeys(sources))
        protocol, low, high = _port_range(rule)
        if protocol == "-1":
            risky.append(f"all traffic from {where}")
            continue
        if protocol not in {"tcp", "udp"}:
            other.append(f"{protocol} from {where}")
            continue
        ports = f"{low}" if low == high else f"{low}-{high}"
        if low == 0 and high >= 65535:
            risky.append(f"all {protocol} ports from {where}")
            continue
        hits = [f"{label} ({port})" for port, label in RISKY_PORTS.items() if low <= port <= high]
        if hits:
            risky.append(f"{protocol} {ports} from {where}: {_few(hits)}")
        else:
            other.append(f"{protocol} {ports} from {where}")
    return risky, other


@check(
    "ec2.sg_open_to_world",
    "No security group allows the internet to administrative, database or all ports",
    bps=("SEC05-BP02",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=("ec2:DescribeSecurityGroups",),
)
def sg_open_to_world(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for group in security_groups(ctx):
        ident = _arn(ctx, "ec2", "security-group", str(group.get("GroupId")), group.get("OwnerId"))
        name = str(group.get("GroupName", ""))
        risky, other = open_to_world(group)
        if risky:
            found.append(failed(ident, f"{name}: inbound {'; '.join(risky)}"))
        elif other:
            found.append(passed(ident, f"{name}: open to the internet only on {'; '.join(other)}"))
        else:
            found.append(passed(ident, f"{name}: no inbound rule from the whole internet"))
    return found


def _rule_count(group: dict[str, Any], key: str) -> int:
    count = 0
    for rule in _list(group, key):
        sources = (
            len(_list(rule, "IpRanges"))
            + len(_list(rule, "Ipv6Ranges"))
            + len(_list(rule, "UserIdGroupPairs"))
            + len(_list(rule, "PrefixListIds"))
        )
        count += max(sources, 1)
    return count


@check(
    "ec2.default_sg_closed",
    "Default security groups allow no inbound traffic (and no outbound while in use)",
    bps=("SEC05-BP02",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=("ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces"),
)
def default_sg_closed(ctx: Context) -> Outcome:
    defaults = [g for g in security_groups(ctx) if g.get("GroupName") == "default"]
    if not defaults:
        return []
    attached: dict[str, int] = {}
    for interface in network_interfaces(ctx):
        for group in _list(interface, "Groups"):
            key = str(group.get("GroupId"))
            attached[key] = attached.get(key, 0) + 1
    found: list[Resource] = []
    for group in defaults:
        group_id = str(group.get("GroupId"))
        ident = _arn(ctx, "ec2", "security-group", group_id, group.get("OwnerId"))
        vpc = group.get("VpcId", "")
        inbound = _rule_count(group, "IpPermissions")
        outbound = _rule_count(group, "IpPermissionsEgress")
        users = attached.get(group_id, 0)
        if inbound:
            found.append(
                failed(ident, f"default security group of {vpc} has {inbound} inbound rule(s)")
            )
        elif outbound and users:
            found.append(
                failed(
                    ident,
                    f"default security group of {vpc} allows outbound traffic and is used by "
                    f"{users} network interface(s)",
                )
            )
        elif outbound:
            found.append(
                passed(
                    ident,
                    f"default security group of {vpc}: no inbound rules, unused "
                    f"({outbound} outbound rule(s) left)",
                )
            )
        else:
            found.append(passed(ident, f"default security group of {vpc} has no rules"))
    return found


def _entry_allows_world(entry: dict[str, Any], port: int, ipv6: bool) -> bool | None:
    """None if the entry does not match internet traffic to `port`, else whether it allows."""
    cidr = entry.get("Ipv6CidrBlock") if ipv6 else entry.get("CidrBlock")
    if not _is_world(cidr):
        return None
    protocol = str(entry.get("Protocol", "-1"))
    if protocol not in {"-1", "6", "tcp"}:
        return None
    if protocol != "-1":
        ports = entry.get("PortRange") or {}
        low, high = int(ports.get("From", 0)), int(ports.get("To", 65535))
        if not low <= port <= high:
            return None
    return str(entry.get("RuleAction", "")).lower() == "allow"


def _explicit_opening(entry: dict[str, Any]) -> bool:
    """A rule written for specific ports (not allow-all, not an ephemeral port range)."""
    if str(entry.get("Protocol", "-1")) == "-1":
        return False
    ports = entry.get("PortRange") or {}
    low, high = int(ports.get("From", 0)), int(ports.get("To", 65535))
    return high - low + 1 <= 1024


@check(
    "ec2.nacl_admin_ports",
    "No network ACL has a rule opening SSH or RDP to the internet",
    bps=("SEC05-BP02",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=("ec2:DescribeNetworkAcls",),
)
def nacl_admin_ports(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for acl in _list(ctx.call("ec2", "describe_network_acls"), "NetworkAcls"):
        ident = _arn(ctx, "ec2", "network-acl", str(acl.get("NetworkAclId")), acl.get("OwnerId"))
        inbound = sorted(
            (e for e in _list(acl, "Entries") if not e.get("Egress")),
            key=lambda e: int(e.get("RuleNumber", 32767)),
        )
        opened: list[str] = []
        for port, label in ADMIN_PORTS.items():
            for ipv6 in (False, True):
                for entry in inbound:
                    allows = _entry_allows_world(entry, port, ipv6)
                    if allows is None:
                        continue
                    if allows and _explicit_opening(entry):
                        source = "::/0" if ipv6 else "0.0.0.0/0"
                        opened.append(
                            f"rule {entry.get('RuleNumber')} allows {label} ({port}) from {source}"
                        )
                    break
        subnets = len(_list(acl, "Associations"))
        if opened:
            found.append(failed(ident, f"{'; '.join(dict.fromkeys(opened))} ({subnets} subnet(s))"))
        else:
            found.append(passed(ident, "no rule written to open SSH or RDP to the internet"))
    return found


# --- SEC05-BP03 / BP04: inspection -----------------------------------------------------


def _web_acl_for(ctx: Context, resource_arn: str) -> dict[str, Any] | None:
    response = ctx.call_if_exists(
        "wafv2",
        "get_web_acl_for_resource",
        absent={"WAFNonexistentItemException"},
        ResourceArn=resource_arn,
    )
    acl = (response or {}).get("WebACL")
    return acl if isinstance(acl, dict) and acl else None


@check(
    "wafv2.alb_web_acl",
    "Internet-facing Application Load Balancers have an AWS WAF web ACL",
    bps=("SEC05-BP03",),
    service="wafv2",
    services=("wafv2", "elbv2"),
    scope=Scope.REGIONAL,
    actions=("elasticloadbalancing:DescribeLoadBalancers", "wafv2:GetWebACLForResource"),
)
def alb_web_acl(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for lb in load_balancers(ctx):
        if lb.get("Type", "application") != "application" or lb.get("Scheme") != "internet-facing":
            continue
        arn = str(lb.get("LoadBalancerArn"))
        acl = _web_acl_for(ctx, arn)
        if acl:
            found.append(passed(arn, f"{lb.get('LoadBalancerName')}: web ACL {acl.get('Name')}"))
        else:
            found.append(
                failed(arn, f"{lb.get('LoadBalancerName')}: internet-facing, no AWS WAF web ACL")
            )
    return found


@check(
    "cloudfront.web_acl",
    "Enabled CloudFront distributions have an AWS WAF web ACL",
    bps=("SEC05-BP03",),
    service="cloudfront",
    scope=Scope.GLOBAL,
    actions=("cloudfront:ListDistributions",),
)
def cloudfront_web_acl(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for dist in distributions(ctx):
        ident = str(dist.get("ARN") or dist.get("Id"))
        label = str(dist.get("DomainName") or dist.get("Id"))
        if dist.get("WebACLId"):
            found.append(passed(ident, f"{label}: web ACL {dist['WebACLId']}"))
        elif dist.get("Enabled") is False:
            found.append(passed(ident, f"{label}: disabled, serves no traffic"))
        else:
            found.append(failed(ident, f"{label}: no AWS WAF web ACL"))
    return found


def web_acls(ctx: Context, scope: str) -> list[dict[str, Any]]:
    """Every web ACL summary of a scope (wafv2 has no paginator: follow NextMarker)."""
    found = ctx.call_items("wafv2", "list_web_acls", "WebACLs", token="NextMarker", Scope=scope)
    return [acl for acl in found if isinstance(acl, dict)]


def _statements(value: Any) -> Iterator[dict[str, Any]]:
    """Every statement nested anywhere in a rule (and/or/not, scope-down, ...)."""
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _statements(child)
    elif isinstance(value, list):
        for child in value:
            yield from _statements(child)


def managed_groups(acl: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for key in (
        "Rules",
        "PreProcessFirewallManagerRuleGroups",
        "PostProcessFirewallManagerRuleGroups",
    ):
        for statement in _statements(acl.get(key) or []):
            group = statement.get("ManagedRuleGroupStatement")
            if isinstance(group, dict):
                names.append(f"{group.get('VendorName')}:{group.get('Name')}")
    return list(dict.fromkeys(names))


@check(
    "wafv2.managed_rules",
    "AWS WAF web ACLs use managed rule groups (kept current by their vendor)",
    bps=("SEC05-BP03", "SEC05-BP04"),
    service="wafv2",
    scope=Scope.REGIONAL,
    actions=("wafv2:ListWebACLs", "wafv2:GetWebACL"),
)
def managed_rules(ctx: Context) -> Outcome:
    scopes = ["REGIONAL"] + (["CLOUDFRONT"] if ctx.region == "us-east-1" else [])
    found: list[Resource] = []
    for scope in scopes:
        for summary in web_acls(ctx, scope):
            response = ctx.call(
                "wafv2",
                "get_web_acl",
                Name=str(summary.get("Name")),
                Scope=scope,
                Id=str(summary.get("Id")),
            )
            acl = response.get("WebACL") or {}
            ident = str(summary.get("ARN") or acl.get("ARN"))
            groups = managed_groups(acl)
            if groups:
                found.append(passed(ident, f"{summary.get('Name')}: managed {_few(groups)}"))
            else:
                found.append(failed(ident, f"{summary.get('Name')}: no managed rule group"))
    return found


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


@check(
    "fms.policies",
    "AWS Firewall Manager policies apply network protection (informative: never fails)",
    bps=("SEC05-BP04",),
    service="fms",
    scope=Scope.REGIONAL,
    actions=("fms:GetAdminAccount", "fms:ListPolicies"),
)
def fms_policies(ctx: Context) -> Outcome:
    admin = ctx.call_if_exists("fms", "get_admin_account", absent={"ResourceNotFoundException"})
    account = (admin or {}).get("AdminAccount")
    if not account:
        return not_applicable("no Firewall Manager administrator account is set")
    if str(account) != ctx.account_id:
        return not_applicable(
            f"Firewall Manager is administered from account {account}: review it there"
        )
    policies = _list(ctx.call("fms", "list_policies"), "PolicyList")
    if not policies:
        return not_applicable("this Firewall Manager administrator has no policies here")
    return [
        passed(
            str(p.get("PolicyArn") or p.get("PolicyId")),
            f"{p.get('PolicyName')}: {p.get('SecurityServiceType')}, "
            f"remediation {'on' if p.get('RemediationEnabled') else 'off (audit only)'}",
        )
        for p in policies
    ]


# --- SEC09-BP01: certificates ----------------------------------------------------------


def _when(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def certificate_finding(cert: dict[str, Any], now: datetime) -> tuple[bool, str]:
    """(ok, why) for one ACM certificate description."""
    status = str(cert.get("Status", ""))
    in_use = bool(cert.get("InUseBy"))
    use = "in use" if in_use else "not in use"
    kind = "imported" if cert.get("Type") == "IMPORTED" else "ACM-issued"
    renewal = cert.get("RenewalSummary") or {}
    renewal_status = str(renewal.get("RenewalStatus", ""))
    not_after = _when(cert.get("NotAfter"))
    days = (not_after - now).days if not_after else None
    if status == "EXPIRED" or (days is not None and days < 0 and status == "ISSUED"):
        return (not in_use, f"{kind}, expired, {use}")
    if status == "REVOKED":
        return (not in_use, f"{kind}, revoked, {use}")
    if status != "ISSUED":
        return (True, f"{kind}, status {status or 'unknown'}, {use}")
    if renewal_status == "FAILED" and (in_use or (days is not None and days <= CERT_WARN_DAYS)):
        reason = renewal.get("RenewalStatusReason")
        return (False, f"{kind}, managed renewal failed ({reason or 'no reason given'}), {use}")
    if days is not None and days <= CERT_WARN_DAYS:
        if renewal_status in {"PENDING_AUTO_RENEWAL", "SUCCESS"}:
            return (True, f"{kind}, expires in {days} days, renewal {renewal_status.lower()}")
        return (False, f"{kind}, expires in {days} days without a renewal in progress, {use}")
    left = f"expires in {days} days" if days is not None else "no expiry date given"
    return (True, f"{kind}, {left}, {use}")


@check(
    "acm.certificate_expiry",
    f"ACM certificates are not expired, failing renewal or expiring within {CERT_WARN_DAYS} days",
    bps=("SEC09-BP01",),
    service="acm",
    scope=Scope.REGIONAL,
    actions=("acm:ListCertificates", "acm:DescribeCertificate"),
)
def certificate_expiry(ctx: Context) -> Outcome:
    summaries = _list(
        ctx.call("acm", "list_certificates", Includes={"keyTypes": ACM_KEY_TYPES}),
        "CertificateSummaryList",
    )
    now = scan_now()
    found: list[Resource] = []
    for summary in summaries:
        arn = str(summary.get("CertificateArn"))
        cert = ctx.call("acm", "describe_certificate", CertificateArn=arn).get("Certificate")
        cert = cert if isinstance(cert, dict) else summary
        ok, why = certificate_finding(cert, now)
        label = f"{cert.get('DomainName') or summary.get('DomainName')}: {why}"
        found.append(passed(arn, label) if ok else failed(arn, label))
    return found


# --- SEC09-BP02: encryption in transit -------------------------------------------------


def _redirects_to_https(actions: list[dict[str, Any]]) -> bool:
    return any(
        a.get("Type") == "redirect"
        and str((a.get("RedirectConfig") or {}).get("Protocol", "")).upper() == "HTTPS"
        for a in actions
    )


_PASSES_TRAFFIC = {"forward", "authenticate-oidc", "authenticate-cognito"}


@check(
    "elbv2.http_redirect",
    "Load balancer HTTP listeners only redirect to HTTPS",
    bps=("SEC09-BP02",),
    service="elbv2",
    services=("elbv2", "elb"),
    scope=Scope.REGIONAL,
    actions=(
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeRules",
    ),
)
def http_redirect(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for lb in load_balancers(ctx):
        name = lb.get("LoadBalancerName")
        for listener in listeners(ctx, str(lb.get("LoadBalancerArn"))):
            if listener.get("Protocol") != "HTTP":
                continue
            arn = str(listener.get("ListenerArn"))
            port = listener.get("Port")
            default = _list(listener, "DefaultActions")
            if not _redirects_to_https(default) and {a.get("Type") for a in default} & (
                _PASSES_TRAFFIC
            ):
                found.append(failed(arn, f"{name}: HTTP:{port} forwards without HTTPS redirect"))
                continue
            rules = _list(ctx.call("elbv2", "describe_rules", ListenerArn=arn), "Rules")
            forwarding = [
                str(r.get("Priority"))
                for r in rules
                if not r.get("IsDefault")
                and not _redirects_to_https(_list(r, "Actions"))
                and {a.get("Type") for a in _list(r, "Actions")} & _PASSES_TRAFFIC
            ]
            if forwarding:
                found.append(
                    failed(arn, f"{name}: HTTP:{port} rule(s) {_few(forwarding)} forward over HTTP")
                )
            else:
                found.append(passed(arn, f"{name}: HTTP:{port} only redirects or answers"))
    for lb in classic_load_balancers(ctx):
        name = str(lb.get("LoadBalancerName"))
        ident = _arn(ctx, "elasticloadbalancing", "loadbalancer", name)
        plain = [
            str((d.get("Listener") or {}).get("LoadBalancerPort"))
            for d in _list(lb, "ListenerDescriptions")
            if str((d.get("Listener") or {}).get("Protocol", "")).upper() == "HTTP"
        ]
        if plain:
            found.append(
                failed(ident, f"{name}: classic load balancer serves plain HTTP on {_few(plain)}")
            )
    return found


def _known_policy_protocols(ctx: Context) -> dict[str, list[str]]:
    policies = _list(ctx.call("elbv2", "describe_ssl_policies"), "SslPolicies")
    return {str(p.get("Name")): [str(v) for v in p.get("SslProtocols") or []] for p in policies}


def policy_protocols(ctx: Context, name: str) -> list[str] | None:
    known = ctx.once("network.ssl_policies", lambda: _known_policy_protocols(ctx))
    if name in known:
        return known[name]
    response = ctx.call_if_exists(
        "elbv2", "describe_ssl_policies", absent={"SSLPolicyNotFound"}, Names=[name]
    )
    for policy in _list(response or {}, "SslPolicies"):
        if policy.get("Name") == name:
            return [str(v) for v in policy.get("SslProtocols") or []]
    return None


@check(
    "elbv2.tls_policy",
    "HTTPS and TLS listeners use a security policy without TLS 1.0 or 1.1",
    bps=("SEC09-BP02",),
    service="elbv2",
    scope=Scope.REGIONAL,
    actions=(
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeSSLPolicies",
    ),
)
def tls_policy(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for lb in load_balancers(ctx):
        name = lb.get("LoadBalancerName")
        for listener in listeners(ctx, str(lb.get("LoadBalancerArn"))):
            if listener.get("Protocol") not in {"HTTPS", "TLS"}:
                continue
            arn = str(listener.get("ListenerArn"))
            policy = str(listener.get("SslPolicy") or "")
            where = f"{name}: {listener.get('Protocol')}:{listener.get('Port')}"
            protocols = policy_protocols(ctx, policy) if policy else None
            if protocols is None:
                continue  # a policy the endpoint cannot describe: not examined
            old = [p for p in protocols if p in OLD_TLS]
            if old:
                found.append(failed(arn, f"{where} policy {policy} allows {', '.join(old)}"))
            else:
                found.append(passed(arn, f"{where} policy {policy} ({', '.join(protocols)})"))
    return found


def _is_false(value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(str(v).lower() == "false" for v in values)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def denies_insecure_transport(policy: dict[str, Any]) -> bool:
    """True when a statement denies every S3 action to everyone over plain HTTP."""
    for statement in _as_list(policy.get("Statement", [])):
        if not isinstance(statement, dict) or statement.get("Effect") != "Deny":
            continue
        principal = statement.get("Principal")
        if principal != "*" and not (
            isinstance(principal, dict) and "*" in _as_list(principal.get("AWS"))
        ):
            continue
        if not any(a in ("*", "s3:*") for a in _as_list(statement.get("Action", []))):
            continue
        condition = statement.get("Condition") or {}
        for operator in ("Bool", "BoolIfExists"):
            block = condition.get(operator) if isinstance(condition, dict) else None
            if not isinstance(block, dict):
                continue
            for key, value in block.items():
                if str(key).lower() == "aws:securetransport" and _is_false(value):
                    return True
    return False


VALID_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.\-_]{1,254}$", re.IGNORECASE)


@check(
    "s3.bucket_tls_only",
    "S3 bucket policies deny requests without TLS (aws:SecureTransport false)",
    bps=("SEC09-BP02",),
    service="s3",
    scope=Scope.GLOBAL,
    actions=("s3:ListAllMyBuckets", "s3:GetBucketPolicy"),
)
def bucket_tls_only(ctx: Context) -> Outcome:
    found: list[Resource] = []
    odd: list[str] = []
    for bucket in _list(ctx.call("s3", "list_buckets"), "Buckets"):
        name = str(bucket.get("Name", ""))
        if not VALID_BUCKET.match(name):
            odd.append(name)  # no real bucket has such a name (emulators only)
            continue
        ident = f"arn:{ctx.partition}:s3:::{name}"
        response = ctx.call_if_exists(
            "s3",
            "get_bucket_policy",
            absent={"NoSuchBucketPolicy"},
            region=str(bucket.get("BucketRegion") or ctx.region),
            Bucket=name,
        )
        if response is None:
            found.append(failed(ident, "no bucket policy: plain HTTP requests are not denied"))
            continue
        try:
            document = json.loads(str(response.get("Policy") or "{}"))
        except ValueError:
            document = {}
        if isinstance(document, dict) and denies_insecure_transport(document):
            found.append(passed(ident, "bucket policy denies aws:SecureTransport false"))
        else:
            found.append(failed(ident, "bucket policy does not deny requests without TLS"))
    if not odd:
        return found
    skipped = f"{len(odd)} bucket(s) not examined, their names are invalid: {_few(odd)}"
    failing = [r for r in found if r.status is Status.FAIL]
    if failing:
        return Verdict(
            Status.FAIL, f"{len(failing)} of {len(found)} failing; {skipped}", tuple(found)
        )
    return Verdict(Status.UNKNOWN, skipped, tuple(found), Cause.UNSUPPORTED)


def _behaviors(config: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    default = config.get("DefaultCacheBehavior")
    if isinstance(default, dict):
        yield "default", default
    for behavior in _list(config.get("CacheBehaviors") or {}, "Items"):
        yield str(behavior.get("PathPattern", "?")), behavior


@check(
    "cloudfront.viewer_https",
    "CloudFront distributions require HTTPS from viewers with TLS 1.2 or later",
    bps=("SEC09-BP02",),
    service="cloudfront",
    scope=Scope.GLOBAL,
    actions=("cloudfront:ListDistributions",),
)
def viewer_https(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for dist in distributions(ctx):
        ident = str(dist.get("ARN") or dist.get("Id"))
        label = str(dist.get("DomainName") or dist.get("Id"))
        problems = [
            f"behavior {path} allows HTTP"
            for path, behavior in _behaviors(dist)
            if behavior.get("ViewerProtocolPolicy") == "allow-all"
        ]
        certificate = dist.get("ViewerCertificate") or {}
        minimum = str(certificate.get("MinimumProtocolVersion", ""))
        custom = bool(
            certificate.get("ACMCertificateArn")
            or certificate.get("IAMCertificateId")
            or certificate.get("CloudFrontDefaultCertificate") is False
        )
        if custom and minimum in CLOUDFRONT_OLD_TLS:
            problems.append(f"minimum viewer protocol {minimum}")
        if problems:
            found.append(failed(ident, f"{label}: {'; '.join(problems)}"))
        else:
            found.append(passed(ident, f"{label}: viewers use HTTPS"))
    return found


# Engines whose parameter groups can require TLS, the parameter, and its default.
TLS_PARAMETERS: dict[str, tuple[str, Callable[[str], bool | None]]] = {
    "postgres": ("rds.force_ssl", lambda version: _major(version) >= 15),
    "mysql": ("require_secure_transport", lambda version: False),
    "mariadb": ("require_secure_transport", lambda version: False),
    "sqlserver": ("rds.force_ssl", lambda version: False),
    "aurora-mysql": ("require_secure_transport", lambda version: False),
    "aurora-postgresql": ("rds.force_ssl", lambda version: None),  # default varies: not judged
}
TRUE_VALUES = {"1", "on", "true"}


def _major(version: str) -> int:
    match = re.match(r"(\d+)", version or "")
    return int(match.group(1)) if match else 0


def _engine_key(engine: str) -> str | None:
    engine = engine.lower()
    if engine.startswith("sqlserver"):
        return "sqlserver"
    return engine if engine in TLS_PARAMETERS else None


def _parameter(ctx: Context, operation: str, group_key: str, group: str, name: str) -> str | None:
    response = ctx.call_if_exists(
        "rds",
        operation,
        absent={"DBParameterGroupNotFound", "DBParameterGroupNotFoundFault"},
        **{group_key: group},
    )
    for parameter in _list(response or {}, "Parameters"):
        if parameter.get("ParameterName") == name and parameter.get("ParameterValue") is not None:
            return str(parameter["ParameterValue"])
    return None


def _tls_finding(
    engine: str, version: str, group: str, value: str | None
) -> tuple[bool, str] | None:
    key = _engine_key(engine)
    if key is None:
        return None
    parameter, default = TLS_PARAMETERS[key]
    if value is not None:
        on = value.strip().lower() in TRUE_VALUES
        return on, f"{engine}: {parameter} = {value} in {group}"
    by_default = default(version)
    if by_default is None:
        return None
    if by_default:
        return True, f"{engine} {version}: {parameter} is on by default ({group})"
    return False, f"{engine} {version}: {parameter} is not set in {group} (off by default)"


@check(
    "rds.require_tls",
    "RDS and Aurora parameter groups require TLS connections",
    bps=("SEC09-BP02",),
    service="rds",
    scope=Scope.REGIONAL,
    actions=(
        "rds:DescribeDBInstances",
        "rds:DescribeDBParameters",
        "rds:DescribeDBClusters",
        "rds:DescribeDBClusterParameters",
    ),
)
def rds_require_tls(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for db in _list(ctx.call("rds", "describe_db_instances"), "DBInstances"):
        engine = str(db.get("Engine", ""))
        key = _engine_key(engine)
        if db.get("DBClusterIdentifier") or key is None:
            continue  # Aurora members follow their cluster's parameter group
        groups = _list(db, "DBParameterGroups")
        group = str(groups[0].get("DBParameterGroupName")) if groups else ""
        value = (
            _parameter(
                ctx,
                "describe_db_parameters",
                "DBParameterGroupName",
                group,
                TLS_PARAMETERS[key][0],
            )
            if group
            else None
        )
        finding = _tls_finding(engine, str(db.get("EngineVersion", "")), group, value)
        if finding:
            ident = str(db.get("DBInstanceArn") or db.get("DBInstanceIdentifier"))
            ok, why = finding
            found.append(passed(ident, why) if ok else failed(ident, why))
    for cluster in _list(ctx.call("rds", "describe_db_clusters"), "DBClusters"):
        engine = str(cluster.get("Engine", ""))
        key = _engine_key(engine)
        if key is None or not engine.startswith("aurora"):
            continue
        group = str(cluster.get("DBClusterParameterGroup") or "")
        value = (
            _parameter(
                ctx,
                "describe_db_cluster_parameters",
                "DBClusterParameterGroupName",
                group,
                TLS_PARAMETERS[key][0],
            )
            if group
            else None
        )
        finding = _tls_finding(engine, str(cluster.get("EngineVersion", "")), group, value)
        if finding:
            ident = str(cluster.get("DBClusterArn") or cluster.get("DBClusterIdentifier"))
            ok, why = finding
            found.append(passed(ident, why) if ok else failed(ident, why))
    return found


# --- SEC09-BP03: authenticated connections ---------------------------------------------


@check(
    "ec2.vpn_ikev2",
    "Site-to-Site VPN tunnels accept IKEv2 only",
    bps=("SEC09-BP03",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=("ec2:DescribeVpnConnections",),
)
def vpn_ikev2(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for vpn in _list(ctx.call("ec2", "describe_vpn_connections"), "VpnConnections"):
        if vpn.get("State") in {"deleted", "deleting"}:
            continue
        vpn_id = str(vpn.get("VpnConnectionId"))
        ident = _arn(ctx, "ec2", "vpn-connection", vpn_id)
        tunnels = _list(vpn.get("Options") or {}, "TunnelOptions")
        allowing = []
        for index, tunnel in enumerate(tunnels or [{}], start=1):
            versions = {str(v.get("Value")) for v in _list(tunnel, "IkeVersions")}
            if not versions or "ikev1" in versions:  # unset means the default: ikev1 and ikev2
                allowing.append(str(tunnel.get("OutsideIpAddress") or f"tunnel {index}"))
        label = _named(vpn_id, _name_tag(vpn))
        if allowing:
            found.append(failed(ident, f"{label}: IKEv1 allowed on {_few(allowing)}"))
        else:
            found.append(passed(ident, f"{label}: IKEv2 only"))
    return found
