"""EC2 and VPC: instances, images, IMDS, security groups, network ACLs, VPCs, flow logs,
endpoints, EBS encryption and snapshots, VPN."""

from __future__ import annotations

from typing import Any

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


@check(
    "ec2.vpc_flow_logs",
    "VPCs have an active VPC flow log (an unused default VPC is not required to)",
    bps=("SEC04-BP01",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=("ec2:DescribeVpcs", "ec2:DescribeFlowLogs", "ec2:DescribeNetworkInterfaces"),
)
def vpc_flow_logs(ctx: Context) -> Outcome:
    vpcs = ctx.call("ec2", "describe_vpcs").get("Vpcs", [])
    if not vpcs:
        return []
    logs: dict[str, list[dict[str, Any]]] = {}
    unreported: set[str] = set()  # VPCs with a flow log whose status is not given
    for flow in ctx.call("ec2", "describe_flow_logs").get("FlowLogs", []):
        if flow.get("FlowLogStatus") == "ACTIVE":
            logs.setdefault(str(flow.get("ResourceId")), []).append(flow)
        elif not flow.get("FlowLogStatus"):
            unreported.add(str(flow.get("ResourceId")))
    found: list[Resource] = []
    for vpc in vpcs:
        vpc_id = str(vpc["VpcId"])
        arn = f"arn:{ctx.partition}:ec2:{ctx.region}:{vpc.get('OwnerId') or ctx.account_id}"
        arn += f":vpc/{vpc_id}"
        flows = logs.get(vpc_id, [])
        if flows:
            kinds = sorted(
                {
                    f"{f.get('TrafficType', '?')} to "
                    f"{f.get('LogDestinationType', 'cloud-watch-logs')}"
                    for f in flows
                }
            )
            broken = [f for f in flows if f.get("DeliverLogsStatus") == "FAILED"]
            note = (
                f" (delivery failing: {broken[0].get('DeliverLogsErrorMessage', '?')})"
                if broken
                else ""
            )
            found.append(passed(arn, f"flow log {', '.join(kinds)}{note}"))
            continue
        if vpc_id in unreported:
            found.append(undecided(arn, "a flow log whose status is not reported"))
            continue
        if vpc.get("IsDefault"):
            interfaces = ctx.call(
                "ec2",
                "describe_network_interfaces",
                Filters=[{"Name": "vpc-id", "Values": [vpc_id]}],
            ).get("NetworkInterfaces", [])
            if not interfaces:
                found.append(passed(arn, "default VPC without flow log, unused (no interfaces)"))
                continue
        found.append(failed(arn, "no active VPC flow log"))
    return found


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


def open_to_world(group: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(risky exposures, other exposures) of a security group's inbound rules from the
    whole internet (IPv4 or IPv6), grouped by protocol and port range."""
    by_range: dict[tuple[str, int, int], list[str]] = {}
    for rule in netrules.world_rules(group):
        by_range.setdefault((rule.protocol, rule.low, rule.high), []).append(rule.source)
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
        opened = [
            f"rule {entry.number} allows {label} ({port}) from {entry.cidr}"
            for port, label in ADMIN_PORTS.items()
            for entry in netrules.nacl_world_decisions(acl, port)
            if entry.allow and entry.explicit
        ]
        subnets = len(_list(acl, "Associations"))
        if opened:
            found.append(failed(ident, f"{'; '.join(dict.fromkeys(opened))} ({subnets} subnet(s))"))
        else:
            found.append(passed(ident, "no rule written to open SSH or RDP to the internet"))
    return found


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


GONE = {"terminated", "shutting-down"}


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


@check(
    "ec2.instance_admin_ports",
    "No EC2 instance accepts SSH (22) or RDP (3389) from the whole internet",
    bps=("SEC06-BP03",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=(DESCRIBE_INSTANCES, "ec2:DescribeSecurityGroups"),
)
def instance_admin_ports(ctx: Context) -> Outcome:
    live = instances(ctx)
    if not live:
        return []
    groups = {
        str(g.get("GroupId")): g
        for g in ctx.call("ec2", "describe_security_groups").get("SecurityGroups", [])
    }
    found: list[Resource] = []
    for instance in live:
        arn, label = instance_arn(ctx, instance), instance_label(instance)
        attached = [str(g.get("GroupId")) for g in instance.get("SecurityGroups", []) or []]
        for interface in instance.get("NetworkInterfaces", []) or []:
            attached += [str(g.get("GroupId")) for g in interface.get("Groups", []) or []]
        exposures = [
            f"{exposure} via {group_id} ({groups[group_id].get('GroupName')})"
            for group_id in dict.fromkeys(attached)
            if group_id in groups
            for exposure in netrules.open_ports(groups[group_id], ADMIN_PORTS)
        ]
        unseen = [g for g in dict.fromkeys(attached) if g not in groups]
        if exposures:
            found.append(failed(arn, "; ".join(exposures) + label))
        elif unseen:
            why = f"security group {_few(unseen)} could not be read (not described here)"
            found.append(undecided(arn, why + label))
        else:
            found.append(passed(arn, f"no security group opens SSH or RDP to the internet{label}"))
    return found


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


@check(
    "ec2.imdsv2_required",
    "EC2 instances require IMDSv2 (session tokens) or have the metadata service off",
    bps=("SEC06-BP05",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=(DESCRIBE_INSTANCES,),
)
def imdsv2_required(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for instance in instances(ctx):
        arn, label = instance_arn(ctx, instance), instance_label(instance)
        options = instance.get("MetadataOptions") or {}
        tokens = options.get("HttpTokens")
        if options.get("HttpEndpoint") == "disabled":
            found.append(passed(arn, f"instance metadata service disabled{label}"))
        elif tokens == "required":
            found.append(passed(arn, f"IMDSv2 required{label}"))
        else:
            found.append(
                failed(arn, f"IMDSv1 allowed (HttpTokens {tokens or 'not reported'}){label}")
            )
    return found


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


@check(
    "ec2.ebs_volumes_encrypted",
    "EBS volumes are encrypted",
    bps=("SEC08-BP02",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=("ec2:DescribeVolumes",),
)
def ebs_volumes_encrypted(ctx: Context) -> Outcome:
    return [
        passed(volume_arn(ctx, v["VolumeId"]), "encrypted")
        if v.get("Encrypted")
        else failed(volume_arn(ctx, v["VolumeId"]), "volume is not encrypted")
        for v in volumes(ctx)
    ]


@check(
    "ec2.snapshot_public",
    "No EBS snapshot owned by the account is public",
    bps=("SEC08-BP04",),
    service="ec2",
    scope=Scope.REGIONAL,
    actions=("ec2:DescribeSnapshots", "ec2:DescribeSnapshotAttribute"),
)
def ebs_snapshot_public(ctx: Context) -> Outcome:
    found: list[Resource] = []
    snapshots = ctx.call("ec2", "describe_snapshots", OwnerIds=["self"]).get("Snapshots", [])
    for snapshot in snapshots:
        snapshot_id = snapshot["SnapshotId"]
        arn = f"arn:{ctx.partition}:ec2:{ctx.region}::snapshot/{snapshot_id}"
        permissions = ctx.call(
            "ec2",
            "describe_snapshot_attribute",
            SnapshotId=snapshot_id,
            Attribute="createVolumePermission",
        ).get("CreateVolumePermissions", [])
        if any(p.get("Group") == "all" for p in permissions):
            found.append(failed(arn, "snapshot is public (anyone can create a volume from it)"))
        else:
            shared = len([p for p in permissions if p.get("UserId")])
            found.append(passed(arn, f"private (shared with {shared} account(s))"))
    return found
