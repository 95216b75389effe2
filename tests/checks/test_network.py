"""Network and data-in-transit checks under moto (Stubber where moto lacks the operation):
PASS, FAIL, NOT_APPLICABLE and UNKNOWN (access denied) for every check."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from checks.demo import EXAMPLE_AMI
from checks.demo_network import _self_signed
from checks.network import certificate_finding, denies_insecure_transport
from checks.result import GLOBAL, Cause, Status
from checks.testing import Harness, failing_ids

EU, US = "eu-west-1", "us-east-1"
VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}


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


# --- SEC05-BP01 -------------------------------------------------------------------------


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


# --- SEC05-BP02 -------------------------------------------------------------------------


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


# --- SEC05-BP03 / BP04 ------------------------------------------------------------------


def alb(account: Harness, name: str, scheme: str = "internet-facing", region: str = EU) -> str:
    ec2 = account.client("ec2", region)
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    created = account.client("elbv2", region).create_load_balancer(
        Name=name, Subnets=subnets, Scheme=scheme, Type="application"
    )
    return str(created["LoadBalancers"][0]["LoadBalancerArn"])


def web_acl(account: Harness, name: str, managed: bool, region: str = EU) -> str:
    statement: dict[str, Any]
    if managed:
        statement = {
            "ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": "AWSManagedRulesSQLiRuleSet"}
        }
        extra: dict[str, Any] = {"OverrideAction": {"None": {}}}
    else:
        statement = {
            "IPSetReferenceStatement": {"ARN": f"arn:aws:wafv2:{region}:123456789012:regional/x"}
        }
        extra = {"Action": {"Block": {}}}
    rule = {"Name": "r", "Priority": 0, "Statement": statement, "VisibilityConfig": VISIBILITY}
    created = account.client("wafv2", region).create_web_acl(
        Name=name,
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        VisibilityConfig=VISIBILITY,
        Rules=[{**rule, **extra}],
    )
    return str(created["Summary"]["ARN"])


def test_alb_web_acl(account):
    assert account.run("wafv2.alb_web_acl")[EU].status is Status.NOT_APPLICABLE
    alb(account, "internal", scheme="internal")
    assert account.run("wafv2.alb_web_acl")[EU].status is Status.NOT_APPLICABLE
    bare = alb(account, "bare")
    guarded = alb(account, "guarded")
    account.client("wafv2").associate_web_acl(
        WebACLArn=web_acl(account, "acl", managed=True), ResourceArn=guarded
    )
    result = account.run("wafv2.alb_web_acl")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {bare}
    assert {r.id for r in result.resources} == {bare, guarded}


def distribution(account: Harness, ref: str, **config: Any) -> str:
    base: dict[str, Any] = {
        "CallerReference": ref,
        "Comment": ref,
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "o",
                    "DomainName": "origin.example.com",
                    "CustomOriginConfig": {
                        "HTTPPort": 80,
                        "HTTPSPort": 443,
                        "OriginProtocolPolicy": "https-only",
                    },
                }
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "o",
            "ViewerProtocolPolicy": config.pop("policy", "redirect-to-https"),
            "MinTTL": 0,
            "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
        },
    }
    created = account.client("cloudfront", US).create_distribution(
        DistributionConfig={**base, **config}
    )
    return str(created["Distribution"]["ARN"])


def test_cloudfront_web_acl(account):
    assert account.one("cloudfront.web_acl").status is Status.NOT_APPLICABLE
    bare = distribution(account, "bare")
    guarded = distribution(account, "guarded", WebACLId="arn:aws:wafv2:us-east-1:1:global/x")
    result = account.one("cloudfront.web_acl")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {bare}
    assert guarded in {r.id for r in result.resources}


def test_managed_rules(account):
    assert account.run("wafv2.managed_rules")[EU].status is Status.NOT_APPLICABLE
    good = web_acl(account, "managed", managed=True)
    bad = web_acl(account, "custom", managed=False)
    result = account.run("wafv2.managed_rules")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {bad}
    assert "AWS:AWSManagedRulesSQLiRuleSet" in {r.id: r.detail for r in result.resources}[good]


def test_managed_rules_follows_next_marker(account):
    stub = account.stub("wafv2", EU)
    arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/{}/{}"
    for name, marker, sent in (("one", "m1", None), ("two", None, "m1")):
        response: dict[str, Any] = {
            "WebACLs": [{"Name": name, "Id": f"id-{name}", "ARN": arn.format(name, name)}]
        }
        if marker:
            response["NextMarker"] = marker
        expected = {"Scope": "REGIONAL", **({"NextMarker": sent} if sent else {})}
        stub.add_response("list_web_acls", response, expected)
    for name in ("one", "two"):
        stub.add_response(
            "get_web_acl",
            {
                "WebACL": {
                    "Name": name,
                    "Id": f"id-{name}",
                    "ARN": arn.format(name, name),
                    "DefaultAction": {"Allow": {}},
                    "VisibilityConfig": VISIBILITY,
                    "Rules": [
                        {
                            "Name": "m",
                            "Priority": 0,
                            "Statement": {
                                "RateBasedStatement": {
                                    "Limit": 100,
                                    "AggregateKeyType": "IP",
                                    "ScopeDownStatement": {
                                        "ManagedRuleGroupStatement": {
                                            "VendorName": "AWS",
                                            "Name": "AWSManagedRulesBotControlRuleSet",
                                        }
                                    },
                                }
                            },
                            "VisibilityConfig": VISIBILITY,
                        }
                    ]
                    if name == "two"
                    else [],
                }
            },
            {"Name": name, "Scope": "REGIONAL", "Id": f"id-{name}"},
        )
    result = account.run("wafv2.managed_rules")[EU]
    stub.assert_no_pending_responses()
    assert result.status is Status.FAIL
    assert failing_ids(result) == {arn.format("one", "one")}
    assert len(result.resources) == 2


def firewall(account: Harness, name: str, logging: bool) -> str:
    nfw = account.client("network-firewall")
    created = nfw.create_firewall(
        FirewallName=name,
        FirewallPolicyArn=f"arn:aws:network-firewall:{EU}:123456789012:firewall-policy/p",
        VpcId="vpc-1",
        SubnetMappings=[{"SubnetId": "subnet-1"}],
    )
    if logging:
        nfw.update_logging_configuration(
            FirewallName=name,
            LoggingConfiguration={
                "LogDestinationConfigs": [
                    {
                        "LogType": "ALERT",
                        "LogDestinationType": "S3",
                        "LogDestination": {"bucketName": "logs"},
                    }
                ]
            },
        )
    return str(created["Firewall"]["FirewallArn"])


def test_network_firewall_logging(account):
    result = account.run("networkfirewall.logging")[EU]
    assert result.status is Status.NOT_APPLICABLE
    logged = firewall(account, "edge", logging=True)
    silent = firewall(account, "quiet", logging=False)
    result = account.run("networkfirewall.logging")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {silent}
    assert "ALERT" in {r.id: r.detail for r in result.resources}[logged]


def test_fms_policies_where_moto_lacks_them(account):
    result = account.run("fms.policies")[EU]  # moto has no Firewall Manager
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)
    stub = account.stub("fms", EU)
    stub.add_client_error("get_admin_account", "ResourceNotFoundException", "none", 400)
    assert account.run("fms.policies")[EU].status is Status.NOT_APPLICABLE
    stub.add_response("get_admin_account", {"AdminAccount": "210987654321"})
    result = account.run("fms.policies")[EU]
    assert result.status is Status.NOT_APPLICABLE
    assert "210987654321" in result.reason
    stub.add_response("get_admin_account", {"AdminAccount": "123456789012"})
    stub.add_response(
        "list_policies",
        {
            "PolicyList": [
                {
                    "PolicyArn": "arn:aws:fms:eu-west-1:123456789012:policy/p1",
                    "PolicyName": "baseline-waf",
                    "SecurityServiceType": "WAFV2",
                    "RemediationEnabled": True,
                }
            ],
            "NextToken": "t",
        },
    )
    stub.add_response(
        "list_policies",
        {
            "PolicyList": [
                {
                    "PolicyArn": "arn:aws:fms:eu-west-1:123456789012:policy/p2",
                    "PolicyName": "sg-audit",
                    "SecurityServiceType": "SECURITY_GROUPS_USAGE_AUDIT",
                    "RemediationEnabled": False,
                }
            ]
        },
        {"NextToken": "t"},
    )
    result = account.run("fms.policies")[EU]
    stub.assert_no_pending_responses()
    assert result.status is Status.PASS  # informative: Firewall Manager never fails
    assert len(result.resources) == 2
    stub.add_client_error("get_admin_account", "AccessDeniedException", "no", 403)
    result = account.run("fms.policies")[EU]
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
    assert result.missing_action == "fms:GetAdminAccount"


# --- SEC09-BP01 -------------------------------------------------------------------------


def test_certificate_expiry(account):
    assert account.run("acm.certificate_expiry")[EU].status is Status.NOT_APPLICABLE
    acm = account.client("acm")
    soon_pem, soon_key = _self_signed("soon.example.com", days=10)
    later_pem, later_key = _self_signed("later.example.com", days=200)
    soon = acm.import_certificate(Certificate=soon_pem, PrivateKey=soon_key)["CertificateArn"]
    later = acm.import_certificate(Certificate=later_pem, PrivateKey=later_key)["CertificateArn"]
    result = account.run("acm.certificate_expiry")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {soon}
    assert "expires in 9 days" in result.failing[0].detail
    assert later in {r.id for r in result.resources}


def test_certificate_findings():
    now = datetime.now(UTC)
    issued = {"Status": "ISSUED", "Type": "AMAZON_ISSUED", "InUseBy": ["arn:lb"]}
    soon = now + timedelta(days=5)
    assert not certificate_finding({**issued, "NotAfter": soon}, now)[0]
    renewing = {"RenewalStatus": "PENDING_AUTO_RENEWAL"}
    assert certificate_finding({**issued, "NotAfter": soon, "RenewalSummary": renewing}, now)[0]
    failing = {"RenewalStatus": "FAILED", "RenewalStatusReason": "CAA_ERROR"}
    ok, why = certificate_finding(
        {**issued, "NotAfter": now + timedelta(days=90), "RenewalSummary": failing}, now
    )
    assert not ok and "CAA_ERROR" in why
    assert not certificate_finding({**issued, "Status": "EXPIRED"}, now)[0]
    assert certificate_finding({**issued, "Status": "EXPIRED", "InUseBy": []}, now)[0]
    assert certificate_finding({"Status": "PENDING_VALIDATION"}, now)[0]


# --- SEC09-BP02 / BP03 ------------------------------------------------------------------


def listener(account: Harness, lb: str, protocol: str, port: int, **kw: Any) -> str:
    elb = account.client("elbv2")
    if "actions" in kw:
        actions = kw.pop("actions")
    else:
        vpc = default_vpc(account)
        group = elb.create_target_group(
            Name=f"tg-{port}-{protocol.lower()}", Protocol="HTTP", Port=8080, VpcId=vpc
        )["TargetGroups"][0]["TargetGroupArn"]
        actions = [{"Type": "forward", "TargetGroupArn": group}]
    if protocol == "HTTPS":
        cert = account.client("acm").request_certificate(DomainName="x.example.com")
        kw["Certificates"] = [{"CertificateArn": cert["CertificateArn"]}]
    created = elb.create_listener(
        LoadBalancerArn=lb, Protocol=protocol, Port=port, DefaultActions=actions, **kw
    )
    return str(created["Listeners"][0]["ListenerArn"])


REDIRECT = [
    {
        "Type": "redirect",
        "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
    }
]


def test_http_redirect(account):
    assert account.run("elbv2.http_redirect")[EU].status is Status.NOT_APPLICABLE
    good = alb(account, "good")
    redirect = listener(account, good, "HTTP", 80, actions=REDIRECT)
    listener(account, good, "HTTPS", 443)
    result = account.run("elbv2.http_redirect")[EU]
    assert result.status is Status.PASS
    assert {r.id for r in result.resources} == {redirect}
    bad = alb(account, "bad")
    plain = listener(account, bad, "HTTP", 80)
    result = account.run("elbv2.http_redirect")[EU]
    assert failing_ids(result) == {plain}
    assert "forwards without HTTPS redirect" in result.failing[0].detail


def test_http_redirect_rules_and_classic(account):
    lb = alb(account, "mixed")
    redirect = listener(account, lb, "HTTP", 80, actions=REDIRECT)
    elb = account.client("elbv2")
    group = elb.create_target_group(
        Name="legacy", Protocol="HTTP", Port=8080, VpcId=default_vpc(account)
    )["TargetGroups"][0]["TargetGroupArn"]
    elb.create_rule(
        ListenerArn=redirect,
        Priority=5,
        Conditions=[{"Field": "path-pattern", "Values": ["/legacy/*"]}],
        Actions=[{"Type": "forward", "TargetGroupArn": group}],
    )
    account.client("elb", US).create_load_balancer(
        LoadBalancerName="classic",
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}],
        AvailabilityZones=[f"{US}a"],
    )
    results = account.run("elbv2.http_redirect")
    assert failing_ids(results[EU]) == {redirect}
    assert "rule(s) 5 forward over HTTP" in results[EU].failing[0].detail
    assert failing_ids(results[US]) == {
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/classic"
    }


def test_tls_policy(account):
    assert account.run("elbv2.tls_policy")[EU].status is Status.NOT_APPLICABLE
    lb = alb(account, "web")
    modern = listener(account, lb, "HTTPS", 443, SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06")
    result = account.run("elbv2.tls_policy")[EU]
    assert result.status is Status.PASS
    old = listener(account, lb, "HTTPS", 8443, SslPolicy="ELBSecurityPolicy-2016-08")
    result = account.run("elbv2.tls_policy")[EU]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {old}
    assert "TLSv1.1, TLSv1" in result.failing[0].detail
    assert modern in {r.id for r in result.resources}


TLS_ONLY = {
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def test_denies_insecure_transport():
    assert denies_insecure_transport({"Statement": [TLS_ONLY]})
    assert denies_insecure_transport({"Statement": {**TLS_ONLY, "Principal": "*"}})
    assert denies_insecure_transport(
        {"Statement": [{**TLS_ONLY, "Condition": {"Bool": {"aws:SecureTransport": [False]}}}]}
    )
    assert not denies_insecure_transport({"Statement": [{**TLS_ONLY, "Action": "s3:GetObject"}]})
    assert not denies_insecure_transport({"Statement": [{**TLS_ONLY, "Effect": "Allow"}]})
    assert not denies_insecure_transport(
        {"Statement": [{**TLS_ONLY, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}
    )


def test_bucket_tls_only(account):
    assert account.one("s3.bucket_tls_only").status is Status.NOT_APPLICABLE
    s3 = account.client("s3")
    where = {"LocationConstraint": EU}
    for name in ("tls-only", "no-policy", "allow-only"):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration=where)
    tls = {**TLS_ONLY, "Resource": ["arn:aws:s3:::tls-only", "arn:aws:s3:::tls-only/*"]}
    s3.put_bucket_policy(
        Bucket="tls-only", Policy=json.dumps({"Version": "2012-10-17", "Statement": [tls]})
    )
    read = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::allow-only/*",
    }
    s3.put_bucket_policy(
        Bucket="allow-only", Policy=json.dumps({"Version": "2012-10-17", "Statement": [read]})
    )
    result = account.one("s3.bucket_tls_only")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {"arn:aws:s3:::no-policy", "arn:aws:s3:::allow-only"}


def test_viewer_https(account):
    assert account.one("cloudfront.viewer_https").status is Status.NOT_APPLICABLE
    good = distribution(account, "good")
    result = account.one("cloudfront.viewer_https")
    assert (result.status, {r.id for r in result.resources}) == (Status.PASS, {good})
    http = distribution(account, "http", policy="allow-all")
    old_tls = distribution(
        account,
        "old-tls",
        ViewerCertificate={
            "ACMCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/x",
            "SSLSupportMethod": "sni-only",
            "MinimumProtocolVersion": "TLSv1_2016",
        },
    )
    result = account.one("cloudfront.viewer_https")
    assert failing_ids(result) == {http, old_tls}
    details = {r.id: r.detail for r in result.resources}
    assert "behavior default allows HTTP" in details[http]
    assert "minimum viewer protocol TLSv1_2016" in details[old_tls]


def db(account: Harness, name: str, engine: str, region: str = EU, **kw: Any) -> str:
    created = account.client("rds", region).create_db_instance(
        DBInstanceIdentifier=name,
        DBInstanceClass="db.t3.micro",
        Engine=engine,
        MasterUsername="app",
        MasterUserPassword="not-a-real-password",
        AllocatedStorage=20,
        **kw,
    )
    return str(created["DBInstance"]["DBInstanceArn"])


def test_rds_require_tls(account):
    assert account.run("rds.require_tls")[EU].status is Status.NOT_APPLICABLE
    rds = account.client("rds")
    rds.create_db_parameter_group(
        DBParameterGroupName="pg-tls", DBParameterGroupFamily="postgres14", Description="tls"
    )
    rds.modify_db_parameter_group(
        DBParameterGroupName="pg-tls",
        Parameters=[
            {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}
        ],
    )
    forced = db(account, "forced", "postgres", DBParameterGroupName="pg-tls")
    modern = db(account, "modern", "postgres", EngineVersion="16.3")  # on by default
    result = account.run("rds.require_tls")[EU]
    assert result.status is Status.PASS
    assert {r.id for r in result.resources} == {forced, modern}
    legacy = db(account, "legacy", "mysql")
    old_pg = db(account, "old-pg", "postgres", EngineVersion="13.7")
    result = account.run("rds.require_tls")[EU]
    assert failing_ids(result) == {legacy, old_pg}
    assert "require_secure_transport is not set" in {r.id: r.detail for r in result.failing}[legacy]


def test_rds_require_tls_aurora_cluster(account):
    account.client("rds", US).create_db_cluster(
        DBClusterIdentifier="aurora",
        Engine="aurora-mysql",
        MasterUsername="app",
        MasterUserPassword="not-a-real-password",
    )
    result = account.run("rds.require_tls")[US]
    assert result.status is Status.FAIL
    assert failing_ids(result) == {"arn:aws:rds:us-east-1:123456789012:cluster:aurora"}


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


# --- access denied: every check ends UNKNOWN naming the refused action ------------------

# (action denied from now on, checks that must end UNKNOWN naming it). Denials add up, so
# each check is listed where the action named is the first denied one it calls.
DENIALS = [
    ("ec2:DescribeRouteTables", ["ec2.instance_public_ip"]),
    ("ec2:DescribeVpcEndpoints", ["ec2.vpc_endpoints"]),
    ("ec2:DescribeNetworkInterfaces", ["ec2.default_vpc_unused", "ec2.default_sg_closed"]),
    ("ec2:DescribeSecurityGroups", ["ec2.sg_open_to_world"]),
    ("ec2:DescribeNetworkAcls", ["ec2.nacl_admin_ports"]),
    ("ec2:DescribeVpnConnections", ["ec2.vpn_ikev2"]),
    ("wafv2:GetWebACLForResource", ["wafv2.alb_web_acl"]),
    ("wafv2:GetWebACL", ["wafv2.managed_rules"]),
    ("cloudfront:ListDistributions", ["cloudfront.web_acl", "cloudfront.viewer_https"]),
    ("network-firewall:DescribeLoggingConfiguration", ["networkfirewall.logging"]),
    ("fms:GetAdminAccount", ["fms.policies"]),
    ("acm:DescribeCertificate", ["acm.certificate_expiry"]),
    ("elasticloadbalancing:DescribeRules", ["elbv2.http_redirect"]),
    ("elasticloadbalancing:DescribeSSLPolicies", ["elbv2.tls_policy"]),
    ("s3:GetBucketPolicy", ["s3.bucket_tls_only"]),
    ("rds:DescribeDBParameters", ["rds.require_tls"]),
    ("elasticloadbalancing:DescribeLoadBalancers", ["wafv2.alb_web_acl", "elbv2.tls_policy"]),
]


def test_every_network_check_is_unknown_when_denied(account):
    """One account for all denials (building the denying clients is the slow part)."""
    from checks.registry import all_checks

    instance(account)  # default VPC: an instance, its interface, the default SG in use
    _, subnets = private_vpc(account)
    instance(account, SubnetId=subnets[0])
    lb = alb(account, "web")
    listener(account, lb, "HTTP", 80, actions=REDIRECT)
    listener(account, lb, "HTTPS", 443, SslPolicy="ELBSecurityPolicy-2016-08")
    web_acl(account, "acl", managed=True)
    firewall(account, "edge", logging=True)
    account.client("s3").create_bucket(
        Bucket="some-bucket", CreateBucketConfiguration={"LocationConstraint": EU}
    )
    db(account, "legacy", "mysql")
    network = {c.id for c in all_checks() if c.module == "checks.network"}
    assert network == {check for _, checks in DENIALS for check in checks}
    for action, checks in DENIALS:
        account.deny(action)
        for check_id in checks:
            results = account.run(check_id)
            result = results.get(EU) or results[GLOBAL]
            assert (result.status, result.cause, result.missing_action) == (
                Status.UNKNOWN,
                Cause.ACCESS_DENIED,
                action,
            ), (check_id, result)
