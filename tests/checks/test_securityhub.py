"""Tests of the securityhub checks (checks/services/securityhub.py)."""

from __future__ import annotations

from checks.demo import ACCOUNT_ID
from checks.result import Cause, Status
from checks.testing import failing_ids, not_in_place_ids

EU, US = "eu-west-1", "us-east-1"


WHERE_EU, WHERE_US = f"{ACCOUNT_ID}/{EU}", f"{ACCOUNT_ID}/{US}"


def denied(result, action: str) -> None:
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED), result
    assert result.missing_action == action


def test_security_hub_enabled(account):
    account.client("securityhub", EU).enable_security_hub()
    results = account.run("securityhub.hub_enabled")
    assert results[EU].status is Status.PASS
    assert results[EU].resources[0].id == f"arn:aws:securityhub:{EU}:{ACCOUNT_ID}:hub/default"
    assert not_in_place_ids(results[US]) == {WHERE_US}  # not enabled: the region is the finding


def test_security_hub_denied(account):
    account.deny("securityhub:DescribeHub")
    denied(account.run("securityhub.hub_enabled")[EU], "securityhub:DescribeHub")


def test_finding_aggregator_not_applicable_below_two_regions(account):
    assert account.one("securityhub.finding_aggregator").status is Status.NOT_APPLICABLE
    account.client("securityhub", EU).enable_security_hub()
    assert account.one("securityhub.finding_aggregator").status is Status.NOT_APPLICABLE


def test_finding_aggregator_pass_and_fail(account):
    account.client("securityhub", US).enable_security_hub()
    stub = account.stub("securityhub", EU)
    hub = {"HubArn": f"arn:aws:securityhub:{EU}:{ACCOUNT_ID}:hub/default"}
    aggregator = f"arn:aws:securityhub:{EU}:{ACCOUNT_ID}:finding-aggregator/1"
    stub.add_response("describe_hub", hub)
    stub.add_response("list_finding_aggregators", {"FindingAggregators": [], "NextToken": "n"})
    stub.add_response(
        "list_finding_aggregators",
        {"FindingAggregators": [{"FindingAggregatorArn": aggregator}]},
        {"NextToken": "n"},
    )
    result = account.one("securityhub.finding_aggregator")
    assert result.status is Status.PASS
    assert [r.id for r in result.resources] == [aggregator]
    stub.add_response("describe_hub", hub)
    stub.add_response("list_finding_aggregators", {"FindingAggregators": []})
    result = account.one("securityhub.finding_aggregator")
    assert result.status is Status.FAIL
    assert failing_ids(result) == {ACCOUNT_ID}
    assert "no cross-region finding aggregator" in result.failing[0].detail


def test_finding_aggregator_unknown(account):
    account.deny("securityhub:DescribeHub")
    denied(account.one("securityhub.finding_aggregator"), "securityhub:DescribeHub")


HUB = f"arn:aws:securityhub:{EU}:{ACCOUNT_ID}"


def _standards(*statuses: str) -> dict[str, object]:
    return {
        "StandardsSubscriptions": [
            {
                "StandardsSubscriptionArn": f"{HUB}:subscription/s{n}",
                "StandardsArn": f"arn:aws:securityhub:{EU}::standards/cis/v/{n}",
                "StandardsInput": {},
                "StandardsStatus": status,
            }
            for n, status in enumerate(statuses)
        ]
    }


def test_control_standards(account):
    hub, config = account.stub("securityhub", EU), account.stub("config", EU)
    hub.add_response("describe_hub", {"HubArn": f"{HUB}:hub/default"})
    hub.add_response("get_enabled_standards", {**_standards("READY"), "NextToken": "p2"})
    hub.add_response("get_enabled_standards", _standards("FAILED"), {"NextToken": "p2"})
    config.add_response("describe_conformance_packs", {"ConformancePackDetails": []})
    result = account.run("securityhub.control_standards")[EU]
    assert result.status is Status.PASS
    assert [r.id for r in result.resources] == [
        f"arn:aws:securityhub:{EU}:{ACCOUNT_ID}:subscription/s0"
    ]
    assert "Config conformance packs" in result.reason  # what was not found is said
    hub.add_client_error("describe_hub", "InvalidAccessException", "not subscribed")
    pack = {
        "ConformancePackName": "cis",
        "ConformancePackArn": f"arn:aws:config:{EU}:{ACCOUNT_ID}:conformance-pack/cis",
        "ConformancePackId": "cp-1",
    }
    config.add_response("describe_conformance_packs", {"ConformancePackDetails": [pack]})
    assert account.run("securityhub.control_standards")[EU].status is Status.PASS
    hub.add_response("describe_hub", {"HubArn": f"{HUB}:hub/default"})
    hub.add_client_error("get_enabled_standards", "InvalidAccessException", "not subscribed")
    config.add_response("describe_conformance_packs", {"ConformancePackDetails": []})
    result = account.run("securityhub.control_standards")[EU]
    assert result.status is Status.ADVISORY  # nothing measures control objectives here
    assert not_in_place_ids(result) == {WHERE_EU}


def test_control_standards_unknown(account):
    result = account.run("securityhub.control_standards")[EU]  # moto lacks both operations
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)
    account.deny("config:DescribeConformancePacks")
    denied(account.run("securityhub.control_standards")[EU], "config:DescribeConformancePacks")
