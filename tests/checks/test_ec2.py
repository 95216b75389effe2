"""Tests of the ec2 checks (checks/services/ec2.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from checks.demo import ACCOUNT_ID, EXAMPLE_AMI
from checks.result import Cause, Status
from checks.testing import Harness, failing_ids
from checks.testing import assert_denied as denied_here

EU, US = "eu-west-1", "us-east-1"


def bucket(account: Harness, name: str = "trail-logs") -> str:
    account.client("s3").create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": EU}
    )
    return name


def denied(result, action: str) -> None:
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED), result
    assert result.missing_action == action


def _default_vpc(account: Harness, region: str) -> str:
    ec2 = account.client("ec2", region)
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    return str(vpcs[0]["VpcId"])


def vpc_arn(region: str, vpc: str) -> str:
    return f"arn:aws:ec2:{region}:{ACCOUNT_ID}:vpc/{vpc}"


def test_vpc_flow_logs(account):
    ec2 = account.client("ec2", EU)
    default = _default_vpc(account, EU)
    ec2.create_flow_logs(
        ResourceIds=[default],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination=f"arn:aws:s3:::{bucket(account)}",
    )
    assert account.run("ec2.vpc_flow_logs")[EU].status is Status.PASS
    workload = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    result = account.run("ec2.vpc_flow_logs")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {vpc_arn(EU, workload)}
    assert result.failing[0].detail == "no active VPC flow log"


def test_unused_default_vpc_passes_a_used_one_fails(account):
    result = account.run("ec2.vpc_flow_logs")[US]
    assert result.status is Status.PASS  # moto's default VPC: no interfaces
    assert "unused" in result.resources[0].detail
    ec2 = account.client("ec2", US)
    default = _default_vpc(account, US)
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [default]}])["Subnets"][0]
    ec2.create_network_interface(SubnetId=subnet["SubnetId"])
    result = account.run("ec2.vpc_flow_logs")[US]
    assert failing_ids(result) == {vpc_arn(US, default)}


def test_vpc_flow_logs_not_applicable_without_vpcs_and_pages_merged(account):
    stub = account.stub("ec2", EU)
    stub.add_response("describe_vpcs", {"Vpcs": []})
    assert account.run("ec2.vpc_flow_logs")[EU].status is Status.NOT_APPLICABLE
    stub.add_response("describe_vpcs", {"Vpcs": [{"VpcId": "vpc-1", "IsDefault": False}]})
    stub.add_response(
        "describe_flow_logs",
        {"FlowLogs": [{"ResourceId": "vpc-other", "FlowLogStatus": "ACTIVE"}], "NextToken": "t"},
    )
    stub.add_response(
        "describe_flow_logs",
        {"FlowLogs": [{"ResourceId": "vpc-1", "TrafficType": "REJECT", "FlowLogStatus": "ACTIVE"}]},
        {"NextToken": "t"},
    )
    result = account.run("ec2.vpc_flow_logs")[EU]
    assert result.status is Status.PASS  # the flow log on the second page counts
    stub.assert_no_pending_responses()


def test_vpc_flow_log_without_a_status_is_undecided(account):
    stub = account.stub("ec2", EU)
    stub.add_response("describe_vpcs", {"Vpcs": [{"VpcId": "vpc-1", "IsDefault": False}]})
    stub.add_response("describe_flow_logs", {"FlowLogs": [{"ResourceId": "vpc-1"}]})
    result = account.run("ec2.vpc_flow_logs")[EU]
    assert result.status is Status.UNKNOWN  # was PASS: a missing status read as ACTIVE
    assert result.resources[0].detail == "a flow log whose status is not reported"


def test_vpc_flow_logs_denied(account):
    account.deny("ec2:DescribeFlowLogs")
    denied(account.run("ec2.vpc_flow_logs")[EU], "ec2:DescribeFlowLogs")


def default_vpc(account: Harness, region: str = EU) -> str:
    ec2 = account.client("ec2", region)
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    return str(vpcs[0]["VpcId"])


def private_vpc(account: Harness, region: str = EU) -> tuple[str, list[str]]:
    ec2 = account.client("ec2", region)
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{n}.0/24", AvailabilityZone=f"{region}{z}")[
            "Subnet"
        ]["SubnetId"]
        for n, z in ((1, "a"), (2, "b"))
    ]
    return vpc, subnets


def instance(account: Harness, region: str = EU, **options: Any) -> str:
    ec2 = account.client("ec2", region)
    launched = ec2.run_instances(
        ImageId=EXAMPLE_AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro", **options
    )
    return str(launched["Instances"][0]["InstanceId"])


def sg(account: Harness, name: str, vpc: str, *rules: dict[str, Any], region: str = EU) -> str:
    ec2 = account.client("ec2", region)
    group = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    if rules:
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=list(rules))
    return str(group)


def tcp(low: int, high: int, cidr: str = "0.0.0.0/0") -> dict[str, Any]:
    ranges = (
        {"Ipv6Ranges": [{"CidrIpv6": cidr}]} if ":" in cidr else {"IpRanges": [{"CidrIp": cidr}]}
    )
    return {"IpProtocol": "tcp", "FromPort": low, "ToPort": high, **ranges}


def sg_arn(group: str, region: str = EU) -> str:
    return f"arn:aws:ec2:{region}:123456789012:security-group/{group}"


def test_instance_public_ip(account):
    assert account.run("ec2.instance_public_ip")[EU].status is Status.NOT_APPLICABLE
    public = instance(account)  # default subnet: moto maps a public IP on launch
    _, subnets = private_vpc(account)
    private = instance(account, SubnetId=subnets[0])
    result = account.run("ec2.instance_public_ip")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {f"arn:aws:ec2:{EU}:123456789012:instance/{public}"}
    passing = [r for r in result.resources if r.status is Status.PASS]
    assert [r.id.rsplit("/", 1)[1] for r in passing] == [private]
    assert account.run("ec2.instance_public_ip")[US].status is Status.NOT_APPLICABLE


def test_instance_public_ip_names_the_internet_gateway(account):
    ec2 = account.client("ec2")
    vpc, subnets = private_vpc(account)
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway)
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnets[0])
    instance(
        account,
        NetworkInterfaces=[
            {"DeviceIndex": 0, "SubnetId": subnets[0], "AssociatePublicIpAddress": True}
        ],
    )
    result = account.run("ec2.instance_public_ip")[EU]
    assert result.status is Status.FAIL
    assert gateway in result.failing[0].detail


def test_instance_public_ip_ipv6_address_with_an_ipv6_default_route(account):
    # No public IPv4, but a global IPv6 address in a subnet whose ::/0 route goes to an
    # internet gateway: reachable from the internet.
    def reservation(instance_id: str, subnet: str) -> dict[str, Any]:
        interface = {"Ipv6Addresses": [{"Ipv6Address": f"2001:db8::{instance_id[-1]}"}]}
        return {
            "Instances": [
                {
                    "InstanceId": instance_id,
                    "SubnetId": subnet,
                    "VpcId": "vpc-1",
                    "State": {"Name": "running"},
                    "NetworkInterfaces": [interface],
                }
            ]
        }

    def table(subnet: str, route: dict[str, str]) -> dict[str, Any]:
        return {"VpcId": "vpc-1", "Associations": [{"SubnetId": subnet}], "Routes": [route]}

    stub = account.stub("ec2", EU)
    stub.add_response(
        "describe_instances",
        {"Reservations": [reservation("i-1", "subnet-1"), reservation("i-2", "subnet-2")]},
    )
    stub.add_response(
        "describe_route_tables",
        {
            "RouteTables": [
                table("subnet-1", {"DestinationIpv6CidrBlock": "::/0", "GatewayId": "igw-1"}),
                table(
                    "subnet-2",
                    {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1"},
                ),
            ]
        },
    )
    result = account.run("ec2.instance_public_ip")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {f"arn:aws:ec2:{EU}:123456789012:instance/i-1"}
    assert "IPv6 address 2001:db8::1" in result.failing[0].detail


def test_default_vpc_unused(account):
    result = account.run("ec2.default_vpc_unused")[EU]
    assert result.status is Status.PASS  # exists, empty
    used = instance(account)
    result = account.run("ec2.default_vpc_unused")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {f"arn:aws:ec2:{EU}:123456789012:vpc/{default_vpc(account)}"}
    assert used in result.failing[0].detail
    assert account.run("ec2.default_vpc_unused")[US].status is Status.PASS


def test_default_vpc_absent_passes_and_never_not_applicable(account):
    ec2 = account.client("ec2", US)
    vpc = default_vpc(account, US)
    for subnet in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]:
        ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    ec2.delete_vpc(VpcId=vpc)
    result = account.run("ec2.default_vpc_unused")[US]
    assert result.status is Status.PASS
    assert result.resources[0].id == f"123456789012/{US}"
    stub = account.stub("ec2", EU)  # the check itself never returns NOT_APPLICABLE
    stub.add_response("describe_vpcs", {"Vpcs": []})
    assert account.run("ec2.default_vpc_unused")[EU].status is Status.PASS


def test_vpc_endpoints_informs_and_never_fails(account):
    assert account.run("ec2.vpc_endpoints")[EU].status is Status.NOT_APPLICABLE  # nothing used
    vpc, subnets = private_vpc(account)
    instance(account, SubnetId=subnets[0])
    result = account.run("ec2.vpc_endpoints")[EU]
    assert result.status is Status.PASS
    assert "no S3 or DynamoDB endpoint" in result.resources[0].detail
    account.client("ec2").create_vpc_endpoint(
        VpcId=vpc, ServiceName=f"com.amazonaws.{EU}.dynamodb", VpcEndpointType="Gateway"
    )
    result = account.run("ec2.vpc_endpoints")[EU]
    assert result.status is Status.PASS
    assert result.resources[0].detail == "VPC endpoints for dynamodb"


def test_sg_open_to_world(account):
    assert account.run("ec2.sg_open_to_world")[EU].status is Status.PASS  # default SG only
    vpc = default_vpc(account)
    bad = {
        sg(account, "ssh", vpc, tcp(22, 22)),
        sg(account, "rdp-v6", vpc, tcp(3389, 3389, "::/0")),
        sg(account, "all", vpc, {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}),
        sg(account, "all-tcp", vpc, tcp(0, 65535)),
    }
    db_range = sg(account, "db-range", vpc, tcp(5000, 5500))  # PostgreSQL inside
    bad.add(db_range)
    web = sg(account, "web", vpc, tcp(443, 443), tcp(80, 80))
    inside = sg(account, "inside", vpc, tcp(22, 22, "10.0.0.0/8"))
    result = account.run("ec2.sg_open_to_world")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {sg_arn(g) for g in bad}
    details = {r.id: r.detail for r in result.resources}
    assert "PostgreSQL (5432)" in details[sg_arn(db_range)]
    assert "only on tcp 443" in details[sg_arn(web)]
    assert details[sg_arn(inside)].endswith("no inbound rule from the whole internet")


def _default_sg(account: Harness, vpc: str, region: str = EU) -> dict[str, Any]:
    ec2 = account.client("ec2", region)
    return dict(
        ec2.describe_security_groups(
            Filters=[
                {"Name": "vpc-id", "Values": [vpc]},
                {"Name": "group-name", "Values": ["default"]},
            ]
        )["SecurityGroups"][0]
    )


def test_default_sg_closed(account):
    result = account.run("ec2.default_sg_closed")[EU]
    assert result.status is Status.PASS  # unused, outbound rule only
    vpc = default_vpc(account)
    group = _default_sg(account, vpc)
    instance(account)  # no security group given: the default one is used
    result = account.run("ec2.default_sg_closed")[EU]
    assert result.status is Status.FAIL
    assert "used by 1 network interface" in result.failing[0].detail
    ec2 = account.client("ec2")
    ec2.revoke_security_group_egress(
        GroupId=group["GroupId"], IpPermissions=group["IpPermissionsEgress"]
    )
    result = account.run("ec2.default_sg_closed")[EU]
    assert result.status is Status.PASS
    assert result.resources[0].detail.endswith("has no rules")
    ec2.authorize_security_group_ingress(GroupId=group["GroupId"], IpPermissions=[tcp(22, 22)])
    result = account.run("ec2.default_sg_closed")[EU]
    assert failing_ids(result) == {sg_arn(group["GroupId"])}
    assert "1 inbound rule" in result.failing[0].detail


def _nacl_entry(account: Harness, acl: str, number: int, low: int, high: int, **kw: Any) -> None:
    account.client("ec2").create_network_acl_entry(
        NetworkAclId=acl,
        RuleNumber=number,
        Protocol=kw.get("protocol", "6"),
        RuleAction=kw.get("action", "allow"),
        Egress=False,
        CidrBlock=kw.get("cidr", "0.0.0.0/0"),
        PortRange={"From": low, "To": high},
    )


def test_nacl_admin_ports(account):
    result = account.run("ec2.nacl_admin_ports")[EU]
    assert result.status is Status.PASS  # the default allow-all ACL is not a finding
    vpc, _ = private_vpc(account)
    ec2 = account.client("ec2")
    ssh = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    _nacl_entry(account, ssh, 100, 22, 22)
    ephemeral = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    _nacl_entry(account, ephemeral, 100, 1024, 65535)  # return traffic, includes 3389
    _nacl_entry(account, ephemeral, 110, 443, 443)
    guarded = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    _nacl_entry(account, guarded, 90, 3389, 3389, action="deny")
    _nacl_entry(account, guarded, 100, 3000, 3999)  # denied first
    _nacl_entry(account, guarded, 120, 22, 22, cidr="10.0.0.0/8")  # not the internet
    result = account.run("ec2.nacl_admin_ports")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {f"arn:aws:ec2:{EU}:123456789012:network-acl/{ssh}"}
    assert "rule 100 allows SSH (22) from 0.0.0.0/0" in result.failing[0].detail


def test_vpn_ikev2(account):
    assert account.run("ec2.vpn_ikev2")[EU].status is Status.NOT_APPLICABLE
    ec2 = account.client("ec2")
    gateway = ec2.create_customer_gateway(Type="ipsec.1", PublicIp="198.51.100.7", BgpAsn=65000)
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")
    vpn = ec2.create_vpn_connection(
        Type="ipsec.1",
        CustomerGatewayId=gateway["CustomerGateway"]["CustomerGatewayId"],
        VpnGatewayId=vgw["VpnGateway"]["VpnGatewayId"],
    )["VpnConnection"]["VpnConnectionId"]
    result = account.run("ec2.vpn_ikev2")[EU]
    assert result.status is Status.FAIL  # options left at the default: IKEv1 and IKEv2
    assert failing_ids(result) == {f"arn:aws:ec2:{EU}:123456789012:vpn-connection/{vpn}"}


def instance_arn(instance_id: str, region: str = EU) -> str:
    return f"arn:aws:ec2:{region}:{ACCOUNT_ID}:instance/{instance_id}"


def launch(
    account: Harness,
    region: str = EU,
    *,
    tokens: str = "required",
    endpoint: str = "enabled",
    image: str = EXAMPLE_AMI,
) -> str:
    ec2 = account.client("ec2", region)
    response = ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": endpoint},
    )
    return str(response["Instances"][0]["InstanceId"])


def instance_page(ids: list[str], token: str | None = None, **options: str) -> dict[str, object]:
    page: dict[str, object] = {
        "Reservations": [
            {
                "ReservationId": f"r-{i}",
                "Instances": [
                    {
                        "InstanceId": i,
                        "ImageId": EXAMPLE_AMI,
                        "State": {"Code": 16, "Name": "running"},
                        "MetadataOptions": {"HttpTokens": options.get("tokens", "required")},
                    }
                ],
            }
            for i in ids
        ]
    }
    if token:
        page["NextToken"] = token
    return page


def test_instance_images_show_source_and_never_fail_on_source_alone(account):
    assert account.run("ec2.instance_images")[EU].status is Status.NOT_APPLICABLE
    ec2 = account.client("ec2", EU)
    builder = launch(account)
    image = ec2.create_image(InstanceId=builder, Name="golden")["ImageId"]
    ec2.terminate_instances(InstanceIds=[builder])
    golden = launch(account, image=image)
    missing = launch(account, image="ami-00000000000000000")
    result = account.run("ec2.instance_images")[EU]
    assert result.status is Status.PASS  # Allowed AMIs off: every image is permitted
    details = {r.id: r.detail for r in result.resources}
    assert set(details) == {instance_arn(golden), instance_arn(missing)}  # terminated: gone
    assert "built in this account" in details[instance_arn(golden)]
    assert "no longer visible" in details[instance_arn(missing)]


def test_instance_images_fail_when_allowed_amis_rejects_the_image(account):
    stub = account.stub("ec2", EU)
    stub.add_response("describe_instances", instance_page(["i-1", "i-2"]))
    old = datetime.now(UTC) - timedelta(days=400)
    stub.add_response(
        "describe_images",
        {
            "Images": [
                {
                    "ImageId": EXAMPLE_AMI,
                    "OwnerId": "111122223333",
                    "Public": True,
                    "CreationDate": old.isoformat(),
                    "ImageAllowed": False,
                }
            ]
        },
        {"Filters": [{"Name": "image-id", "Values": [EXAMPLE_AMI]}]},
    )
    result = account.run("ec2.instance_images")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {instance_arn("i-1"), instance_arn("i-2")}
    detail = result.failing[0].detail
    assert "public image of account 111122223333" in detail and "400 days" in detail


def test_instance_images_denied(account):
    launch(account)
    denied_here(account, "ec2.instance_images", "ec2:DescribeImages")


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("enabled", Status.PASS),
        ("audit-mode", Status.PASS),
        ("disabled", Status.NOT_APPLICABLE),  # an SCP may restrict launches instead: no FAIL
    ],
)
def test_allowed_images(account, state, expected):
    stub = account.stub("ec2", EU)
    stub.add_response(
        "get_allowed_images_settings",
        {"State": state, "ImageCriteria": [{"ImageProviders": ["amazon"]}]},
    )
    assert account.run("ec2.allowed_images")[EU].status is expected


def test_allowed_images_unknown(account):
    result = account.run("ec2.allowed_images")[EU]  # moto does not implement it
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)
    denied_here(account, "ec2.allowed_images", "ec2:GetAllowedImagesSettings")


def test_imdsv2(account):
    assert account.run("ec2.imdsv2_required")[EU].status is Status.NOT_APPLICABLE
    good = launch(account)
    off = launch(account, tokens="optional", endpoint="disabled")
    bad = launch(account, tokens="optional")
    gone = launch(account, tokens="optional")
    account.client("ec2", EU).terminate_instances(InstanceIds=[gone])
    result = account.run("ec2.imdsv2_required")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {instance_arn(bad)}
    assert {r.id for r in result.resources} == {instance_arn(i) for i in (good, off, bad)}
    assert account.run("ec2.imdsv2_required")[US].status is Status.NOT_APPLICABLE


def test_imdsv2_reads_every_page(account):
    stub = account.stub("ec2", EU)
    stub.add_response("describe_instances", instance_page(["i-1"], token="p2"), {})
    stub.add_response(
        "describe_instances", instance_page(["i-2"], tokens="optional"), {"NextToken": "p2"}
    )
    result = account.run("ec2.imdsv2_required")[EU]
    stub.assert_no_pending_responses()
    assert failing_ids(result) == {instance_arn("i-2")}
    assert len(result.resources) == 2


def test_imdsv2_denied(account):
    denied_here(account, "ec2.imdsv2_required", "ec2:DescribeInstances")


def _group(account: Harness, name: str, *permissions: dict[str, object]) -> str:
    ec2 = account.client("ec2", EU)
    group = str(ec2.create_security_group(GroupName=name, Description=name)["GroupId"])
    if permissions:
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=list(permissions))
    return group


def _instances_in(account: Harness, **groups: str) -> dict[str, str]:
    """One instance in each security group, by name: instance ids."""
    ec2 = account.client("ec2", EU)
    return {
        name: ec2.run_instances(
            ImageId=EXAMPLE_AMI, MinCount=1, MaxCount=1, SecurityGroupIds=[group]
        )["Instances"][0]["InstanceId"]
        for name, group in groups.items()
    }


def test_instance_admin_ports(account):
    assert account.run("ec2.instance_admin_ports")[EU].status is Status.NOT_APPLICABLE
    ssh = _group(
        account,
        "ssh",
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
    )
    rdp_v6 = _group(
        account,
        "all-v6",
        {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
    )
    office = _group(
        account,
        "office",
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        {
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
        },
    )
    ec2 = account.client("ec2", EU)
    ids = {}
    for name, group in (("ssh", ssh), ("v6", rdp_v6), ("office", office)):
        ids[name] = ec2.run_instances(
            ImageId=EXAMPLE_AMI, MinCount=1, MaxCount=1, SecurityGroupIds=[group]
        )["Instances"][0]["InstanceId"]
    _group(  # open, but attached to nothing: ec2.sg_open_to_world reports it, not this check
        account,
        "unused",
        {
            "IpProtocol": "tcp",
            "FromPort": 3389,
            "ToPort": 3389,
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
        },
    )
    result = account.run("ec2.instance_admin_ports")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {instance_arn(ids["ssh"]), instance_arn(ids["v6"])}
    details = {r.id: r.detail for r in result.resources}
    assert details[instance_arn(ids["ssh"])] == f"SSH (22) from 0.0.0.0/0 via {ssh} (ssh)"
    assert "RDP (3389) from ::/0" in details[instance_arn(ids["v6"])]


@pytest.mark.parametrize(("port", "label"), [(22, "SSH"), (3389, "RDP")])
def test_instance_admin_ports_ipv6_world_on_an_admin_port(account, port, label):
    v6 = _group(account, f"v6-{port}", tcp(port, port, "::/0"))
    v6_office = _group(account, f"v6-office-{port}", tcp(port, port, "2001:db8::/32"))
    ids = _instances_in(account, open=v6, office=v6_office)
    result = account.run("ec2.instance_admin_ports")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {instance_arn(ids["open"])}
    assert result.failing[0].detail == f"{label} ({port}) from ::/0 via {v6} (v6-{port})"


def test_nacl_admin_ports_ipv6_world(account):
    vpc, _ = private_vpc(account)
    ec2 = account.client("ec2")
    acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(
        NetworkAclId=acl,
        RuleNumber=100,
        Protocol="6",
        RuleAction="allow",
        Egress=False,
        Ipv6CidrBlock="::/0",
        PortRange={"From": 3389, "To": 3389},
    )
    result = account.run("ec2.nacl_admin_ports")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {f"arn:aws:ec2:{EU}:123456789012:network-acl/{acl}"}
    assert "rule 100 allows RDP (3389) from ::/0" in result.failing[0].detail


def test_instance_admin_ports_with_an_unreadable_security_group_is_undecided(account):
    stub = account.stub("ec2", EU)
    instance = {
        "InstanceId": "i-1",
        "State": {"Name": "running"},
        "SecurityGroups": [{"GroupId": "sg-seen"}, {"GroupId": "sg-unseen"}],
    }
    stub.add_response("describe_instances", {"Reservations": [{"Instances": [instance]}]})
    closed = {"GroupId": "sg-seen", "GroupName": "closed", "IpPermissions": []}
    stub.add_response("describe_security_groups", {"SecurityGroups": [closed]})
    result = account.run("ec2.instance_admin_ports")[EU]
    assert result.status is Status.UNKNOWN  # was PASS: the unseen group was skipped
    assert "sg-unseen could not be read" in result.resources[0].detail


def test_instance_admin_ports_denied(account):
    launch(account)
    denied_here(account, "ec2.instance_admin_ports", "ec2:DescribeSecurityGroups")


def test_ebs_encryption_by_default(account):
    account.client("ec2").enable_ebs_encryption_by_default()
    results = account.run("ec2.ebs_encryption_by_default")
    assert results[EU].status is Status.PASS
    assert results[US].status is Status.FAIL
    assert failing_ids(results[US]) == {f"{ACCOUNT_ID}/{US}"}


def test_ebs_volumes_encrypted(account):
    ec2 = account.client("ec2", US)
    ec2.create_volume(AvailabilityZone=f"{US}a", Size=8, Encrypted=True)
    assert account.run("ec2.ebs_volumes_encrypted")[US].status is Status.PASS
    plain = ec2.create_volume(AvailabilityZone=f"{US}b", Size=8)["VolumeId"]
    result = account.run("ec2.ebs_volumes_encrypted")[US]
    assert failing_ids(result) == {f"arn:aws:ec2:{US}:{ACCOUNT_ID}:volume/{plain}"}


def test_ebs_snapshot_public(account):
    ec2 = account.client("ec2", US)
    volume = ec2.create_volume(AvailabilityZone=f"{US}a", Size=8)["VolumeId"]
    private = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    ec2.modify_snapshot_attribute(
        SnapshotId=private,
        Attribute="createVolumePermission",
        OperationType="add",
        UserIds=["210987654321"],
    )
    assert account.run("ec2.snapshot_public")[US].status is Status.PASS
    public = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    ec2.modify_snapshot_attribute(
        SnapshotId=public,
        Attribute="createVolumePermission",
        OperationType="add",
        GroupNames=["all"],
    )
    result = account.run("ec2.snapshot_public")[US]
    assert failing_ids(result) == {f"arn:aws:ec2:{US}::snapshot/{public}"}


def test_instance_images_invisible_image_with_allowed_amis_on_is_undecided(account):
    # Allowed AMIs is on (visible images report ImageAllowed): whether it permits an image
    # that is no longer visible cannot be read, so that instance is undecided, never PASS.
    stub = account.stub("ec2", EU)
    page = instance_page(["i-1", "i-2"])
    page["Reservations"][1]["Instances"][0]["ImageId"] = "ami-0gone0000000000"  # type: ignore[index]
    stub.add_response("describe_instances", page)
    visible = {"ImageId": EXAMPLE_AMI, "OwnerId": ACCOUNT_ID, "ImageAllowed": True}
    stub.add_response("describe_images", {"Images": [visible]})
    result = account.run("ec2.instance_images")[EU]
    assert result.status is Status.UNKNOWN
    details = {r.id: (r.status, r.detail) for r in result.resources}
    assert details[instance_arn("i-1")][0] is Status.PASS
    assert details[instance_arn("i-2")][0] is Status.UNKNOWN
    assert "ami-0gone0000000000 is no longer visible" in details[instance_arn("i-2")][1]


def _prefix_list(account: Harness, name: str, *cidrs: str) -> str:
    ec2 = account.client("ec2", EU)
    family = "IPv6" if any(":" in c for c in cidrs) else "IPv4"
    return str(
        ec2.create_managed_prefix_list(
            PrefixListName=name,
            MaxEntries=5,
            AddressFamily=family,
            Entries=[{"Cidr": c} for c in cidrs],
        )["PrefixList"]["PrefixListId"]
    )


def _via(pl: str, low: int, high: int) -> dict[str, object]:
    return {
        "IpProtocol": "tcp",
        "FromPort": low,
        "ToPort": high,
        "PrefixListIds": [{"PrefixListId": pl}],
    }


def test_a_prefix_list_holding_the_world_opens_a_security_group(account):
    world = _prefix_list(account, "anyone", "10.0.0.0/8", "0.0.0.0/0")
    office = _prefix_list(account, "offices", "192.0.2.0/24", "198.51.100.0/24")
    open_ssh = _group(account, "ssh-via-list", _via(world, 22, 22))
    office_ssh = _group(account, "ssh-from-offices", _via(office, 22, 22))
    ids = _instances_in(account, open=open_ssh, office=office_ssh)
    result = account.run("ec2.sg_open_to_world")[EU]
    details = {r.id: r.detail for r in result.resources}
    assert failing_ids(result) == {sg_arn(open_ssh)}
    assert f"from {world} (holds 0.0.0.0/0)" in details[sg_arn(open_ssh)]
    assert details[sg_arn(office_ssh)].endswith("no inbound rule from the whole internet")
    result = account.run("ec2.instance_admin_ports")[EU]
    assert failing_ids(result) == {instance_arn(ids["open"])}
    assert result.failing[0].detail == f"SSH (22) from {world} via {open_ssh} (ssh-via-list)"


def test_an_unreadable_prefix_list_is_undecided_never_closed(account):
    world = _prefix_list(account, "anyone", "0.0.0.0/0")
    group = _group(account, "ssh-via-list", _via(world, 22, 22))
    plain = _group(account, "plain", tcp(22, 22, "10.0.0.0/8"))
    account.client("ec2", EU).run_instances(
        ImageId=EXAMPLE_AMI, MinCount=1, MaxCount=1, SecurityGroupIds=[group]
    )
    account.deny("ec2:GetManagedPrefixListEntries")
    result = account.run("ec2.sg_open_to_world")[EU]
    statuses = {r.id: r.status for r in result.resources}
    assert statuses[sg_arn(group)] is Status.UNKNOWN
    assert statuses[sg_arn(plain)] is Status.PASS  # a group naming no list needs no read
    why = {r.id: r.detail for r in result.resources}[sg_arn(group)]
    assert f"{world}: access denied to ec2:GetManagedPrefixListEntries" in why
    result = account.run("ec2.instance_admin_ports")[EU]
    assert result.status is Status.UNKNOWN
    assert "could not be read" in result.resources[0].detail
