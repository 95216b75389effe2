"""EC2 and VPC: instances, images, IMDS, security groups, network ACLs, VPCs, flow logs,
endpoints, EBS encryption and snapshots, VPN."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from checks.calls import CallFailed
from checks.declare import (
    Call,
    Fail,
    Found,
    Judgement,
    Pass,
    Resources,
    Undecided,
    per_resource,
)
from checks.lib import netrules
from checks.lib.dates import age_days
from checks.registry import (
    Context,
    Outcome,
    Scope,
    check,
    failed,
    not_applicable,
    passed,
    undecided,
)
from checks.result import Resource
from checks.services.common import _arn, _few, _list, _plural

FLOW_LOGS = Call("ec2", "DescribeFlowLogs", "FlowLogs")
INTERFACES = Call("ec2", "DescribeNetworkInterfaces", "NetworkInterfaces")


def _vpc_arn(r: Found) -> str:
    owner = r.get("OwnerId") or r.ctx.account_id
    return f"arn:{r.ctx.partition}:ec2:{r.ctx.region}:{owner}:vpc/{r.get('VpcId')}"


VPCS = Resources(Call("ec2", "DescribeVpcs", "Vpcs"), id=_vpc_arn)


@per_resource(
    "ec2.vpc_flow_logs",
    "VPCs have an active VPC flow log (an unused default VPC is not required to)",
    bps=("SEC04-BP01",),
    over=VPCS,
    reads=(FLOW_LOGS, INTERFACES),
)
def vpc_flow_logs(r: Found) -> Judgement:
    vpc_id = str(r.get("VpcId"))
    mine = [f for f in r.read(FLOW_LOGS) or [] if str(f.get("ResourceId")) == vpc_id]
    flows = [f for f in mine if f.get("FlowLogStatus") == "ACTIVE"]
    if flows:
        kinds = sorted(
            {
                f"{f.get('TrafficType', '?')} to {f.get('LogDestinationType', 'cloud-watch-logs')}"
                for f in flows
            }
        )
        broken = [f for f in flows if f.get("DeliverLogsStatus") == "FAILED"]
        note = (
            f" (delivery failing: {broken[0].get('DeliverLogsErrorMessage', '?')})"
            if broken
            else ""
        )
        return Pass(f"flow log {', '.join(kinds)}{note}")
    if any(not f.get("FlowLogStatus") for f in mine):
        return Undecided("a flow log whose status is not reported")
    # The region's interfaces, read once for every check, filtered here (a per-VPC
    # filtered call would send DescribeNetworkInterfaces a second time).
    if r.get("IsDefault") and not any(
        str(i.get("VpcId")) == vpc_id for i in r.read(INTERFACES) or []
    ):
        return Pass("default VPC without flow log, unused (no interfaces)")
    return Fail("no active VPC flow log")


GONE = {"terminated", "shutting-down"}
# Every instance of the region that still exists (not terminated or shutting down).
INSTANCES = Resources(
    Call("ec2", "DescribeInstances", "Reservations[].Instances[]"),
    keep=lambda r: (r.get("State") or {}).get("Name") not in GONE,
    id=lambda r: instance_arn(r.ctx, r.listed),
)


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


def security_groups(ctx: Context) -> list[dict[str, Any]]:
    return _list(ctx.call("ec2", "describe_security_groups"), "SecurityGroups")


def network_interfaces(ctx: Context) -> list[dict[str, Any]]:
    return _list(ctx.call("ec2", "describe_network_interfaces"), "NetworkInterfaces")


def vpcs(ctx: Context) -> list[dict[str, Any]]:
    return _list(ctx.call("ec2", "describe_vpcs"), "Vpcs")


ROUTE_TABLES = Call("ec2", "DescribeRouteTables", "RouteTables")


def route_tables(ctx: Context) -> list[dict[str, Any]]:
    return _list(ctx.call("ec2", "describe_route_tables"), "RouteTables")


def _name_tag(resource: dict[str, Any]) -> str:
    for tag in resource.get("Tags") or resource.get("TagSet") or []:
        if isinstance(tag, dict) and tag.get("Key") == "Name":
            return str(tag.get("Value", ""))
    return ""


def _named(ident: str, name: str) -> str:
    return f"{ident} ({name})" if name else ident


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
        if netrules.is_world(route.get("DestinationCidrBlock")) or netrules.is_world(
            route.get("DestinationIpv6CidrBlock")
        ):
            return gateway
    return None


@per_resource(
    "ec2.instance_public_ip",
    "EC2 instances have no public IP address",
    bps=("SEC05-BP01",),
    over=INSTANCES,
    reads=(ROUTE_TABLES,),  # through internet_gateway_route
)
def instance_public_ip(r: Found) -> Judgement:
    name = _name_tag(r.listed)
    public_ip = r.get("PublicIpAddress")
    ipv6 = [
        str(address.get("Ipv6Address"))
        for interface in _list(r.listed, "NetworkInterfaces")
        for address in _list(interface, "Ipv6Addresses")
        if address.get("Ipv6Address")
    ]
    gateway = internet_gateway_route(r.ctx, r.get("SubnetId"), r.get("VpcId"))
    route = (
        f"its subnet routes to internet gateway {gateway}"
        if gateway
        else "its subnet has no default route to an internet gateway"
    )
    label = f"{name}: " if name else ""
    if public_ip:
        return Fail(f"{label}public IP {public_ip}; {route}")
    if ipv6 and gateway:
        return Fail(f"{label}IPv6 address {ipv6[0]}; {route}")
    return Pass(f"{label}no public IP address")


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


ENDPOINTS = Call("ec2", "DescribeVpcEndpoints", "VpcEndpoints")


@per_resource(
    "ec2.vpc_endpoints",
    "VPCs in use reach S3 and DynamoDB through VPC endpoints (informative: never fails)",
    bps=("SEC05-BP01",),
    over=Resources(
        VPCS.listing, id=lambda r: _arn(r.ctx, "ec2", "vpc", str(r.get("VpcId")), r.get("OwnerId"))
    ),
    keep=lambda r: str(r.get("VpcId")) in {str(i.get("VpcId")) for i in r.read(INTERFACES) or []},
    reads=(INTERFACES, ENDPOINTS),
)
def vpc_endpoints(r: Found) -> Judgement:
    services = sorted(
        {
            service
            for endpoint in r.read(ENDPOINTS) or []
            if endpoint.get("VpcId") == r.get("VpcId")
            and str(endpoint.get("State", "available")).lower() not in {"deleted", "failed"}
            and (service := _endpoint_service(str(endpoint.get("ServiceName", ""))))
        }
    )
    if services:
        return Pass(f"VPC endpoints for {', '.join(services)}")
    return Pass("no S3 or DynamoDB endpoint: calls to them leave through NAT or IGW")


# A customer-managed prefix list is a source like a CIDR: one holding 0.0.0.0/0 or ::/0
# opens the rule to the whole internet. Read only for groups whose rules name one.
PREFIX_LIST_ENTRIES = Call("ec2", "GetManagedPrefixListEntries", "Entries")


@dataclass
class PrefixLists:
    """The CIDRs of the prefix lists some security groups name, and those not readable."""

    cidrs: dict[str, list[str]] = field(default_factory=dict)
    unread: dict[str, str] = field(default_factory=dict)  # id -> why

    def label(self, source: str) -> str:
        """'0.0.0.0/0', or 'pl-1234 (holds 0.0.0.0/0)' for a prefix list."""
        world = [c for c in self.cidrs.get(source, []) if netrules.is_world(c)]
        return f"{source} (holds {'/'.join(world)})" if world else source

    def unread_of(self, group: dict[str, Any]) -> list[str]:
        named = {rule.source for rule in netrules.sg_rules(group)}
        return [f"{pl}: {why}" for pl, why in self.unread.items() if pl in named]


def prefix_lists(r: Found, groups: list[dict[str, Any]]) -> PrefixLists:
    """Read the entries of every prefix list the groups' inbound rules name (once each);
    a list that cannot be read is remembered with the reason, never taken as closed."""
    found = PrefixLists()
    for group in groups:
        for rule in netrules.sg_rules(group):
            pl = rule.source
            if not pl.startswith("pl-") or pl in found.cidrs or pl in found.unread:
                continue
            try:
                entries = r.read(PREFIX_LIST_ENTRIES, PrefixListId=pl) or []
            except CallFailed as error:
                found.unread[pl] = error.message
                continue
            found.cidrs[pl] = [str(e.get("Cidr")) for e in entries if isinstance(e, dict)]
    return found


def open_to_world(
    group: dict[str, Any], lists: PrefixLists | None = None
) -> tuple[list[str], list[str]]:
    """(risky exposures, other exposures) of a security group's inbound rules from the
    whole internet (IPv4 or IPv6, directly or through a prefix list), grouped by protocol
    and port range."""
    lists = lists or PrefixLists()
    by_range: dict[tuple[str, int, int], list[str]] = {}
    for rule in netrules.world_rules(group, lists.cidrs):
        by_range.setdefault((rule.protocol, rule.low, rule.high), []).append(
            lists.label(rule.source)
        )
    risky: list[str] = []
    other: list[str] = []
    for (protocol, low, high), sources in by_range.items():
        where = "/".join(dict.fromkeys(sources))
        rule = netrules.Rule(protocol, low, high, where)
        if rule.all_traffic or rule.all_ports:
            risky.append(f"{rule.ports} from {where}")
            continue
        if not rule.has_ports:
            other.append(f"{protocol} from {where}")
            continue
        hits = [
            f"{label} ({port})"
            for port, label in RISKY_PORTS.items()
            if rule.covers(port, protocol)
        ]
        if hits:
            risky.append(f"{rule.ports} from {where}: {_few(hits)}")
        else:
            other.append(f"{rule.ports} from {where}")
    return risky, other


SECURITY_GROUPS = Resources(
    Call("ec2", "DescribeSecurityGroups", "SecurityGroups"),
    id=lambda r: _arn(r.ctx, "ec2", "security-group", str(r.get("GroupId")), r.get("OwnerId")),
)


@per_resource(
    "ec2.sg_open_to_world",
    "No security group allows the internet to administrative, database or all ports",
    bps=("SEC05-BP02",),
    over=SECURITY_GROUPS,
    reads=(PREFIX_LIST_ENTRIES,),
)
def sg_open_to_world(r: Found) -> Judgement:
    name = str(r.get("GroupName", ""))
    lists = prefix_lists(r, [r.listed])
    risky, other = open_to_world(r.listed, lists)
    if risky:
        return Fail(f"{name}: inbound {'; '.join(risky)}")
    unread = lists.unread_of(r.listed)
    if unread:
        return Undecided(f"{name}: a prefix list it allows could not be read ({_few(unread)})")
    if other:
        return Pass(f"{name}: open to the internet only on {'; '.join(other)}")
    return Pass(f"{name}: no inbound rule from the whole internet")


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


@per_resource(
    "ec2.default_sg_closed",
    "Default security groups allow no inbound traffic (and no outbound while in use)",
    bps=("SEC05-BP02",),
    over=SECURITY_GROUPS,
    keep=lambda r: r.get("GroupName") == "default",
    reads=(INTERFACES,),
)
def default_sg_closed(r: Found) -> Judgement:
    group_id = str(r.get("GroupId"))
    vpc = r.get("VpcId", "")
    inbound = _rule_count(r.listed, "IpPermissions")
    outbound = _rule_count(r.listed, "IpPermissionsEgress")
    users = sum(
        str(group.get("GroupId")) == group_id
        for interface in r.read(INTERFACES) or []
        for group in _list(interface, "Groups")
    )
    if inbound:
        return Fail(f"default security group of {vpc} has {inbound} inbound rule(s)")
    if outbound and users:
        return Fail(
            f"default security group of {vpc} allows outbound traffic and is used by "
            f"{users} network interface(s)"
        )
    if outbound:
        return Pass(
            f"default security group of {vpc}: no inbound rules, unused "
            f"({outbound} outbound rule(s) left)"
        )
    return Pass(f"default security group of {vpc} has no rules")


@per_resource(
    "ec2.nacl_admin_ports",
    "No network ACL has a rule opening SSH or RDP to the internet",
    bps=("SEC05-BP02",),
    over=Resources(
        Call("ec2", "DescribeNetworkAcls", "NetworkAcls"),
        id=lambda r: _arn(
            r.ctx, "ec2", "network-acl", str(r.get("NetworkAclId")), r.get("OwnerId")
        ),
    ),
)
def nacl_admin_ports(r: Found) -> Judgement:
    opened = [
        f"rule {entry.number} allows {label} ({port}) from {entry.cidr}"
        for port, label in ADMIN_PORTS.items()
        for entry in netrules.nacl_world_decisions(r.listed, port)
        if entry.allow and entry.explicit
    ]
    if opened:
        subnets = len(_list(r.listed, "Associations"))
        return Fail(f"{'; '.join(dict.fromkeys(opened))} ({subnets} subnet(s))")
    return Pass("no rule written to open SSH or RDP to the internet")


@per_resource(
    "ec2.vpn_ikev2",
    "Site-to-Site VPN tunnels accept IKEv2 only",
    bps=("SEC09-BP03",),
    over=Resources(
        Call("ec2", "DescribeVpnConnections", "VpnConnections"),
        keep=lambda r: r.get("State") not in {"deleted", "deleting"},
        id=lambda r: _arn(r.ctx, "ec2", "vpn-connection", str(r.get("VpnConnectionId"))),
    ),
)
def vpn_ikev2(r: Found) -> Judgement:
    tunnels = _list(r.get("Options") or {}, "TunnelOptions")
    allowing = []
    for index, tunnel in enumerate(tunnels or [{}], start=1):
        versions = {str(v.get("Value")) for v in _list(tunnel, "IkeVersions")}
        if not versions or "ikev1" in versions:  # unset means the default: ikev1 and ikev2
            allowing.append(str(tunnel.get("OutsideIpAddress") or f"tunnel {index}"))
    label = _named(str(r.get("VpnConnectionId")), _name_tag(r.listed))
    if allowing:
        return Fail(f"{label}: IKEv1 allowed on {_few(allowing)}")
    return Pass(f"{label}: IKEv2 only")


DESCRIBE_INSTANCES = "ec2:DescribeInstances"


def instances(ctx: Context, region: str | None = None) -> list[dict[str, Any]]:
    """Every instance of the region that still exists (not terminated or shutting down)."""
    response = ctx.call("ec2", "describe_instances", region=region)
    return [
        instance
        for reservation in response.get("Reservations", [])
        for instance in reservation.get("Instances", [])
        if instance.get("State", {}).get("Name") not in GONE
    ]


def instance_arn(ctx: Context, instance: dict[str, Any]) -> str:
    return (
        f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account_id}:instance/"
        f"{instance.get('InstanceId')}"
    )


def instance_label(instance: dict[str, Any]) -> str:
    """' (Name: x)' when the instance has a Name tag (untrusted text: kept as is)."""
    for tag in instance.get("Tags", []) or []:
        if tag.get("Key") == "Name" and tag.get("Value"):
            return f" (Name: {tag['Value']})"
    return ""


@per_resource(
    "ec2.instance_admin_ports",
    "No EC2 instance accepts SSH (22) or RDP (3389) from the whole internet",
    bps=("SEC06-BP03",),
    over=INSTANCES,
    reads=(SECURITY_GROUPS.listing, PREFIX_LIST_ENTRIES),
)
def instance_admin_ports(r: Found) -> Judgement:
    groups = {str(g.get("GroupId")): g for g in r.read(SECURITY_GROUPS.listing) or []}
    attached = [str(g.get("GroupId")) for g in r.get("SecurityGroups", []) or []]
    for interface in r.get("NetworkInterfaces", []) or []:
        attached += [str(g.get("GroupId")) for g in interface.get("Groups", []) or []]
    mine = [groups[g] for g in dict.fromkeys(attached) if g in groups]
    lists = prefix_lists(r, mine)
    exposures = [
        f"{exposure} via {group.get('GroupId')} ({group.get('GroupName')})"
        for group in mine
        for exposure in netrules.open_ports(group, ADMIN_PORTS, lists.cidrs)
    ]
    unseen = [g for g in dict.fromkeys(attached) if g not in groups]
    unread = [u for group in mine for u in lists.unread_of(group)]
    label = instance_label(r.listed)
    if exposures:
        return Fail("; ".join(exposures) + label)
    if unread:
        return Undecided(
            f"a prefix list its security groups allow could not be read ({_few(unread)}){label}"
        )
    if unseen:
        return Undecided(
            f"security group {_few(unseen)} could not be read (not described here){label}"
        )
    return Pass(f"no security group opens SSH or RDP to the internet{label}")


def _images(ctx: Context, image_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Images by id, looked up with a filter (an id that no longer exists is no error)."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(image_ids), 100):
        chunk = image_ids[start : start + 100]
        response = ctx.call(
            "ec2", "describe_images", Filters=[{"Name": "image-id", "Values": chunk}]
        )
        for image in response.get("Images", []):
            found[str(image.get("ImageId"))] = image
    return found


def _image_source(ctx: Context, image: dict[str, Any]) -> str:
    owner = str(image.get("OwnerId", ""))
    alias = image.get("ImageOwnerAlias")
    if owner == ctx.account_id:
        return "built in this account"
    if alias:
        return f"published by {alias}"
    if image.get("Public"):
        return f"public image of account {owner}"
    return f"shared by account {owner}"


@check(
    "ec2.instance_images",
    "Instances run from images the Allowed AMIs setting permits (source and age shown)",
    bps=("SEC06-BP02",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=(DESCRIBE_INSTANCES, "ec2:DescribeImages"),
)
def instance_images(ctx: Context) -> Outcome:
    running = instances(ctx)
    if not running:
        return []
    images = _images(ctx, sorted({str(i.get("ImageId")) for i in running if i.get("ImageId")}))
    setting_on = any("ImageAllowed" in image for image in images.values())
    found: list[Resource] = []
    for instance in running:
        arn, label = instance_arn(ctx, instance), instance_label(instance)
        image_id = str(instance.get("ImageId"))
        image = images.get(image_id)
        if image is None:
            gone = f"image {image_id} is no longer visible (deregistered?){label}"
            # With Allowed AMIs on (visible images report ImageAllowed), whether it
            # permits this one cannot be read; with it off, every image is permitted.
            found.append(undecided(arn, gone) if setting_on else passed(arn, gone))
            continue
        age = age_days(image.get("CreationDate"))
        detail = f"image {image_id} {_image_source(ctx, image)}"
        if isinstance(age, int):
            detail += f", created {age} days ago"
        if image.get("ImageAllowed") is False:
            found.append(failed(arn, f"{detail}: not allowed by the Allowed AMIs setting{label}"))
        else:
            found.append(passed(arn, detail + label))
    return found


@check(
    "ec2.allowed_images",
    "The EC2 Allowed AMIs setting restricts launches to approved image sources",
    bps=("SEC06-BP02",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=("ec2:GetAllowedImagesSettings",),
)
def allowed_images(ctx: Context) -> Outcome:
    response = ctx.call("ec2", "get_allowed_images_settings")
    state = str(response.get("State") or "disabled")
    criteria = len(response.get("ImageCriteria", []) or [])
    if state == "enabled":
        return [
            passed(
                ctx.where, f"Allowed AMIs enforced ({_plural(criteria, 'criterion', 'criteria')})"
            )
        ]
    if state == "audit-mode":
        return [passed(ctx.where, "Allowed AMIs in audit mode (reports, does not block)")]
    return not_applicable(
        "the Allowed AMIs setting is off here (an SCP on ec2:Owner may restrict launches)"
    )


@per_resource(
    "ec2.imdsv2_required",
    "EC2 instances require IMDSv2 (session tokens) or have the metadata service off",
    bps=("SEC06-BP05",),
    over=INSTANCES,
)
def imdsv2_required(r: Found) -> Judgement:
    label = instance_label(r.listed)
    options = r.get("MetadataOptions") or {}
    tokens = options.get("HttpTokens")
    if options.get("HttpEndpoint") == "disabled":
        return Pass(f"instance metadata service disabled{label}")
    if tokens == "required":
        return Pass(f"IMDSv2 required{label}")
    return Fail(f"IMDSv1 allowed (HttpTokens {tokens or 'not reported'}){label}")


def volumes(ctx: Context) -> list[dict[str, Any]]:
    return list(ctx.call("ec2", "describe_volumes").get("Volumes", []))


def volume_arn(ctx: Context, volume_id: str) -> str:
    return f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account_id}:volume/{volume_id}"


@check(
    "ec2.ebs_encryption_by_default",
    "EBS encryption by default is on",
    bps=("SEC08-BP02",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=("ec2:GetEbsEncryptionByDefault",),
)
def ebs_encryption_by_default(ctx: Context) -> Outcome:
    if ctx.call("ec2", "get_ebs_encryption_by_default").get("EbsEncryptionByDefault"):
        return [passed(ctx.where, "new EBS volumes are encrypted by default")]
    return [failed(ctx.where, "EBS encryption by default is off in this region")]


@per_resource(
    "ec2.ebs_volumes_encrypted",
    "EBS volumes are encrypted",
    bps=("SEC08-BP02",),
    over=Resources(
        Call("ec2", "DescribeVolumes", "Volumes"),
        id=lambda r: volume_arn(r.ctx, r.listed["VolumeId"]),
    ),
)
def ebs_volumes_encrypted(r: Found) -> Judgement:
    return Pass("encrypted") if r.get("Encrypted") else Fail("volume is not encrypted")


@per_resource(
    "ec2.snapshot_public",
    "No EBS snapshot owned by the account is public",
    bps=("SEC08-BP04",),
    over=Resources(
        Call("ec2", "DescribeSnapshots", "Snapshots", params={"OwnerIds": ["self"]}),
        id=lambda r: f"arn:{r.ctx.partition}:ec2:{r.ctx.region}::snapshot/{r.listed['SnapshotId']}",
    ),
    details={
        "permissions": Call(
            "ec2",
            "DescribeSnapshotAttribute",
            "CreateVolumePermissions",
            each=lambda r: {
                "SnapshotId": r.listed["SnapshotId"],
                "Attribute": "createVolumePermission",
            },
        )
    },
)
def ebs_snapshot_public(r: Found) -> Judgement:
    permissions = r["permissions"] or []
    if any(p.get("Group") == "all" for p in permissions):
        return Fail("snapshot is public (anyone can create a volume from it)")
    shared = len([p for p in permissions if p.get("UserId")])
    return Pass(f"private (shared with {shared} account(s))")
