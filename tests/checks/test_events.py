"""Tests of the events checks (checks/services/events.py)."""

from __future__ import annotations

import json

from checks.demo import ACCOUNT_ID
from checks.result import Cause, Status
from checks.testing import Harness, not_in_place_ids

EU, US = "eu-west-1", "us-east-1"


WHERE_EU, WHERE_US = f"{ACCOUNT_ID}/{EU}", f"{ACCOUNT_ID}/{US}"


def denied(result, action: str) -> None:
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED), result
    assert result.missing_action == action


def _finding_rule(account: Harness, region: str, target: str, state: str = "ENABLED") -> str:
    events = account.client("events", region)
    pattern = {"source": ["aws.securityhub"], "detail-type": ["Security Hub Findings - Imported"]}
    arn = events.put_rule(Name="findings", EventPattern=json.dumps(pattern), State=state)
    events.put_targets(Rule="findings", Targets=[{"Id": "1", "Arn": target}])
    return str(arn["RuleArn"])


LAMBDA = f"arn:aws:lambda:{EU}:{ACCOUNT_ID}:function:enrich"


def test_finding_correlation(account):
    detective = account.stub("detective", EU)
    detective.add_response("list_graphs", {"GraphList": []})
    result = account.run("events.finding_correlation")[EU]
    assert result.status is Status.ADVISORY
    assert not_in_place_ids(result) == {WHERE_EU}
    events = account.client("events", EU)
    events.put_rule(Name="nightly", ScheduleExpression="rate(1 day)")  # not about findings
    _finding_rule(account, EU, LAMBDA, state="DISABLED")
    detective.add_response("list_graphs", {"GraphList": []})
    assert account.run("events.finding_correlation")[EU].status is Status.ADVISORY
    rule = _finding_rule(account, EU, LAMBDA)
    result = account.run("events.finding_correlation")[EU]  # moto lacks Detective: still PASS
    assert result.status is Status.PASS
    assert [r.id for r in result.resources] == [rule]


def test_finding_correlation_detective_graph_pages(account):
    detective = account.stub("detective", EU)
    graph = f"arn:aws:detective:{EU}:{ACCOUNT_ID}:graph:abc"
    detective.add_response("list_graphs", {"GraphList": [], "NextToken": "2"})
    detective.add_response("list_graphs", {"GraphList": [{"Arn": graph}]}, {"NextToken": "2"})
    result = account.run("events.finding_correlation")[EU]
    assert result.status is Status.PASS
    assert [r.id for r in result.resources] == [graph]
    detective.assert_no_pending_responses()


def test_finding_correlation_unknown(account):
    result = account.run("events.finding_correlation")[EU]
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)  # no Detective
    account.deny("events:ListRules")
    detective = account.stub("detective", US)
    detective.add_response("list_graphs", {"GraphList": []})
    denied(account.run("events.finding_correlation")[US], "events:ListRules")
