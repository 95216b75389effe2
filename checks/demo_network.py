"""The simulated account's network and data-in-transit resources (checks/network.py).

eu-west-1 is the hardened side: a private VPC with an S3 gateway endpoint and a closed
default security group, an internet-facing ALB behind AWS WAF (managed rules) with an
HTTPS listener on a TLS 1.2+ policy and an HTTP listener that only redirects, a firewall
that logs, and the existing PostgreSQL database moved to a parameter group forcing TLS.
us-east-1 is the legacy side: an ALB without WAF that forwards plain HTTP and accepts
TLS 1.0, a classic load balancer on HTTP, a web ACL without managed rules, a network ACL
opening SSH to the internet, the default security group open to the world, an imported
certificate expiring in ten days, a CloudFront distribution that allows HTTP, and a VPN
that still accepts IKEv1. moto must be active (see `checks.demo.seed`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from checks.demo import _client

GOOD, BAD = "eu-west-1", "us-east-1"
VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}


def _self_signed(domain: str, days: int) -> tuple[bytes, bytes]:
    """A throwaway certificate and key for an imported-certificate example."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=355))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem_key = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), pem_key


def _vpc(region: str, cidr: str) -> tuple[str, list[str]]:
    ec2 = _client("ec2", region)
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    base = cidr.rsplit(".", 2)[0]
    subnets = [
        ec2.create_subnet(
            VpcId=vpc_id, CidrBlock=f"{base}.{n}.0/24", AvailabilityZone=f"{region}{z}"
        )["Subnet"]["SubnetId"]
        for n, z in ((1, "a"), (2, "b"))
    ]
    return vpc_id, subnets


def _alb(region: str, name: str, subnets: list[str], vpc_id: str) -> tuple[str, str]:
    elb = _client("elbv2", region)
    lb = elb.create_load_balancer(
        Name=name, Subnets=subnets, Scheme="internet-facing", Type="application"
    )["LoadBalancers"][0]["LoadBalancerArn"]
    group = elb.create_target_group(
        Name=f"{name}-tg", Protocol="HTTP", Port=8080, VpcId=vpc_id, TargetType="instance"
    )["TargetGroups"][0]["TargetGroupArn"]
    return lb, group


def _web_acl(region: str, name: str, managed: bool) -> str:
    rules: list[dict[str, Any]] = []
    if managed:
        rules.append(
            {
                "Name": "core",
                "Priority": 0,
                "Statement": {
                    "ManagedRuleGroupStatement": {
                        "VendorName": "AWS",
                        "Name": "AWSManagedRulesCommonRuleSet",
                    }
                },
                "OverrideAction": {"None": {}},
                "VisibilityConfig": VISIBILITY,
            }
        )
    else:
        rules.append(
            {
                "Name": "block-one-address",
                "Priority": 0,
                "Statement": {
                    "ByteMatchStatement": {
                        "SearchString": "/admin",
                        "FieldToMatch": {"UriPath": {}},
                        "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
                        "PositionalConstraint": "STARTS_WITH",
                    }
                },
                "Action": {"Block": {}},
                "VisibilityConfig": VISIBILITY,
            }
        )
    acl = _client("wafv2", region).create_web_acl(
        Name=name,
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        VisibilityConfig=VISIBILITY,
        Rules=rules,
    )
    return str(acl["Summary"]["ARN"])


def seed_hardened() -> None:
    ec2 = _client("ec2", GOOD)
    vpc_id, subnets = _vpc(GOOD, "10.20.0.0/16")
    ec2.create_vpc_endpoint(
        VpcId=vpc_id, ServiceName=f"com.amazonaws.{GOOD}.s3", VpcEndpointType="Gateway"
    )
    default_sg = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"][0]
    if default_sg.get("IpPermissionsEgress"):
        ec2.revoke_security_group_egress(
            GroupId=default_sg["GroupId"], IpPermissions=default_sg["IpPermissionsEgress"]
        )
    app_sg = ec2.create_security_group(GroupName="app", Description="app tier", VpcId=vpc_id)
    ec2.run_instances(
        ImageId="ami-12c6146b",
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        SubnetId=subnets[0],
        SecurityGroupIds=[app_sg["GroupId"]],
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "app-1"}]}
        ],
    )
    cert = _client("acm", GOOD).request_certificate(
        DomainName="shop.example.com", ValidationMethod="DNS"
    )["CertificateArn"]
    lb, group = _alb(GOOD, "shop", subnets, vpc_id)
    elb = _client("elbv2", GOOD)
    elb.create_listener(
        LoadBalancerArn=lb,
        Protocol="HTTPS",
        Port=443,
        Certificates=[{"CertificateArn": cert}],
        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group}],
    )
    elb.create_listener(
        LoadBalancerArn=lb,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[
            {
                "Type": "redirect",
                "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
            }
        ],
    )
    acl = _web_acl(GOOD, "shop-protection", managed=True)
    _client("wafv2", GOOD).associate_web_acl(WebACLArn=acl, ResourceArn=lb)
    rds = _client("rds", GOOD)
    rds.create_db_parameter_group(
        DBParameterGroupName="postgres-tls",
        DBParameterGroupFamily="postgres16",
        Description="force TLS",
    )
    rds.modify_db_parameter_group(
        DBParameterGroupName="postgres-tls",
        Parameters=[
            {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}
        ],
    )
    rds.modify_db_instance(
        DBInstanceIdentifier="orders-db", DBParameterGroupName="postgres-tls", ApplyImmediately=True
    )


def seed_legacy() -> None:
    ec2 = _client("ec2", BAD)
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]
    default_sg = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [default_vpc["VpcId"]]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"][0]
    ec2.authorize_security_group_ingress(
        GroupId=default_sg["GroupId"],
        IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    vpc_id, subnets = _vpc(BAD, "10.30.0.0/16")
    acl = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    for number, port in ((100, 22), (110, 443)):
        ec2.create_network_acl_entry(
            NetworkAclId=acl,
            RuleNumber=number,
            Protocol="6",
            RuleAction="allow",
            Egress=False,
            CidrBlock="0.0.0.0/0",
            PortRange={"From": port, "To": port},
        )
    cert_pem, key_pem = _self_signed("legacy.example.com", days=10)
    acm = _client("acm", BAD)
    acm.import_certificate(Certificate=cert_pem, PrivateKey=key_pem)
    issued = acm.request_certificate(DomainName="reports.example.com", ValidationMethod="DNS")
    lb, group = _alb(BAD, "reports", subnets, vpc_id)
    elb = _client("elbv2", BAD)
    elb.create_listener(
        LoadBalancerArn=lb,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group}],
    )
    elb.create_listener(
        LoadBalancerArn=lb,
        Protocol="HTTPS",
        Port=443,
        Certificates=[{"CertificateArn": issued["CertificateArn"]}],
        SslPolicy="ELBSecurityPolicy-2016-08",
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group}],
    )
    _client("elb", BAD).create_load_balancer(
        LoadBalancerName="legacy-classic",
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 8080}],
        AvailabilityZones=[f"{BAD}a"],
    )
    _web_acl(BAD, "hand-written-only", managed=False)
    _client("cloudfront", BAD).create_distribution(
        DistributionConfig={
            "CallerReference": "legacy-site",
            "Comment": "legacy site",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "site",
                        "DomainName": "acme-public-assets.s3.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "site",
                "ViewerProtocolPolicy": "allow-all",
                "MinTTL": 0,
                "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
            },
        }
    )
    gateway = ec2.create_customer_gateway(Type="ipsec.1", PublicIp="198.51.100.7", BgpAsn=65000)
    vpn_gateway = ec2.create_vpn_gateway(Type="ipsec.1")
    ec2.create_vpn_connection(
        Type="ipsec.1",
        CustomerGatewayId=gateway["CustomerGateway"]["CustomerGatewayId"],
        VpnGatewayId=vpn_gateway["VpnGateway"]["VpnGatewayId"],
    )


def seed() -> None:
    """Seed both regions (moto must be active)."""
    seed_hardened()
    seed_legacy()
