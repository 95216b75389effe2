"""Tests of the wafv2 checks (checks/services/wafv2.py)."""

from __future__ import annotations

from typing import Any

from checks.result import Status
from checks.testing import Harness, failing_ids

EU, US = "eu-west-1", "us-east-1"


VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}


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


def test_alb_web_acl_unreported_scheme_is_undecided(account):
    # A load balancer whose scheme is not reported was left out (maybe internet-facing).
    lb = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/odd/1"
    elb = account.stub("elbv2", "eu-west-1")
    elb.add_response(
        "describe_load_balancers",
        {
            "LoadBalancers": [
                {"LoadBalancerArn": lb, "LoadBalancerName": "odd", "Type": "application"}
            ]
        },
    )
    account.stub("wafv2", "eu-west-1").add_response(
        "get_web_acl_for_resource", {}, {"ResourceArn": lb}
    )
    result = account.run("wafv2.alb_web_acl")["eu-west-1"]
    assert result.status is Status.UNKNOWN
    assert result.resources[0].detail == "odd: its scheme is not reported, no web ACL"
