"""Tests of the elbv2 checks (checks/services/elbv2.py)."""

from __future__ import annotations

from typing import Any

from checks.result import Status
from checks.testing import Harness, failing_ids

EU, US = "eu-west-1", "us-east-1"


def default_vpc(account: Harness, region: str = EU) -> str:
    ec2 = account.client("ec2", region)
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    return str(vpcs[0]["VpcId"])


def alb(account: Harness, name: str, scheme: str = "internet-facing", region: str = EU) -> str:
    ec2 = account.client("ec2", region)
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    created = account.client("elbv2", region).create_load_balancer(
        Name=name, Subnets=subnets, Scheme=scheme, Type="application"
    )
    return str(created["LoadBalancers"][0]["LoadBalancerArn"])


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


def test_tls_policy_unreadable_is_undecided(account):
    # A listener without a policy, or whose policy the endpoint cannot describe, is not
    # judged: UNKNOWN with the reason (it was silently left out, so the check could PASS).
    lb_arn = f"arn:aws:elasticloadbalancing:{EU}:123456789012:loadbalancer/app/web/1"
    stub = account.stub("elbv2", EU)
    stub.add_response(
        "describe_load_balancers",
        {"LoadBalancers": [{"LoadBalancerArn": lb_arn, "LoadBalancerName": "web"}]},
    )
    stub.add_response(
        "describe_listeners",
        {
            "Listeners": [
                {"ListenerArn": f"{lb_arn}/bare", "Protocol": "HTTPS", "Port": 443},
                {
                    "ListenerArn": f"{lb_arn}/custom",
                    "Protocol": "TLS",
                    "Port": 8443,
                    "SslPolicy": "Custom",
                },
            ]
        },
        {"LoadBalancerArn": lb_arn},
    )
    stub.add_response("describe_ssl_policies", {"SslPolicies": []}, {})
    stub.add_client_error(
        "describe_ssl_policies", "SSLPolicyNotFound", "no such policy", 400, {"Names": ["Custom"]}
    )
    result = account.run("elbv2.tls_policy")[EU]
    assert result.status is Status.UNKNOWN
    details = {r.id.rsplit("/", 1)[1]: (r.status, r.detail) for r in result.resources}
    assert details["bare"] == (
        Status.UNKNOWN,
        "web: HTTPS:443: the listener names no security policy",
    )
    assert details["custom"] == (
        Status.UNKNOWN,
        "web: TLS:8443: security policy Custom cannot be read",
    )


def test_http_listener_without_default_action_is_undecided(account):
    lb_arn = f"arn:aws:elasticloadbalancing:{EU}:123456789012:loadbalancer/app/web/1"
    stub = account.stub("elbv2", EU)
    stub.add_response(
        "describe_load_balancers",
        {"LoadBalancers": [{"LoadBalancerArn": lb_arn, "LoadBalancerName": "web"}]},
    )
    stub.add_response(
        "describe_listeners",
        {"Listeners": [{"ListenerArn": f"{lb_arn}/http", "Protocol": "HTTP", "Port": 80}]},
        {"LoadBalancerArn": lb_arn},
    )
    result = account.run("elbv2.http_redirect")[EU]
    assert result.status is Status.UNKNOWN  # was PASS "only redirects or answers"
    assert result.resources[0].detail == "web: HTTP:80 reports no default action"
