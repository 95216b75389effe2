"""Tests of the ssm checks (checks/services/ssm.py)."""

from __future__ import annotations

import json

from checks.demo import ACCOUNT_ID, EXAMPLE_AMI
from checks.result import Cause, Status
from checks.testing import Harness, failing_ids
from checks.testing import assert_denied as denied

EU, US = "eu-west-1", "us-east-1"


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


def test_managed_instances_not_applicable_without_running_instances(account):
    assert account.run("ssm.managed_instances")[EU].status is Status.NOT_APPLICABLE


def test_managed_instances_unknown_where_the_endpoint_lacks_inventory(account):
    launch(account)
    result = account.run("ssm.managed_instances")[EU]
    assert (result.status, result.cause) == (Status.UNKNOWN, Cause.UNSUPPORTED)


def test_managed_instances_reads_every_page(account):
    online, lost, unmanaged = launch(account), launch(account), launch(account)
    stub = account.stub("ssm", EU)
    stub.add_response(
        "describe_instance_information",
        {
            "InstanceInformationList": [{"InstanceId": online, "PingStatus": "Online"}],
            "NextToken": "t",
        },
        {},
    )
    stub.add_response(
        "describe_instance_information",
        {"InstanceInformationList": [{"InstanceId": lost, "PingStatus": "ConnectionLost"}]},
        {"NextToken": "t"},
    )
    result = account.run("ssm.managed_instances")[EU]
    stub.assert_no_pending_responses()
    assert result.status is Status.FAIL
    assert failing_ids(result) == {instance_arn(lost), instance_arn(unmanaged)}
    details = {r.id: r.detail for r in result.resources}
    assert "ConnectionLost" in details[instance_arn(lost)]
    assert "not a Systems Manager managed node" in details[instance_arn(unmanaged)]


def test_managed_instances_pass(account):
    online = launch(account)
    stub = account.stub("ssm", EU)
    stub.add_response(
        "describe_instance_information",
        {"InstanceInformationList": [{"InstanceId": online, "PingStatus": "Online"}]},
    )
    assert account.run("ssm.managed_instances")[EU].status is Status.PASS


def test_managed_instances_denied(account):
    launch(account)
    denied(account, "ssm.managed_instances", "ssm:DescribeInstanceInformation")


def test_patching_evidence(account):
    assert account.run("ssm.patching")[EU].status is Status.NOT_APPLICABLE
    ssm = account.client("ssm", EU)
    ssm.create_maintenance_window(
        Name="weekly", Schedule="rate(7 days)", Duration=2, Cutoff=1, AllowUnassociatedTargets=False
    )
    ssm.create_patch_baseline(Name="linux", OperatingSystem="AMAZON_LINUX_2023")
    result = account.run("ssm.patching")[EU]
    assert result.status is Status.PASS
    assert len(result.resources) == 2
    assert all(r.id.startswith(f"arn:aws:ssm:{EU}:{ACCOUNT_ID}:") for r in result.resources)


def test_patching_ignores_disabled_windows_and_reads_pages(account):
    stub = account.stub("ssm", EU)
    window = {"WindowId": "mw-0123456789abcdef0", "Name": "off", "Enabled": False}
    stub.add_response(
        "describe_maintenance_windows", {"WindowIdentities": [window], "NextToken": "n"}, {}
    )
    stub.add_response(
        "describe_maintenance_windows",
        {"WindowIdentities": [{**window, "WindowId": "mw-0123456789abcdef1"}]},
        {"NextToken": "n"},
    )
    stub.add_response("describe_patch_baselines", {"BaselineIdentities": []})
    assert account.run("ssm.patching")[EU].status is Status.NOT_APPLICABLE
    stub.assert_no_pending_responses()


def test_patching_denied(account):
    denied(account, "ssm.patching", "ssm:DescribeMaintenanceWindows")


def denied_here(account: Harness, check_id: str, action: str) -> None:
    account.deny(action)
    for result in account.run(check_id).values():
        assert (result.status, result.cause) == (Status.UNKNOWN, Cause.ACCESS_DENIED)
        assert result.missing_action == action


AUTOMATION = {
    "schemaVersion": "0.3",
    "mainSteps": [{"name": "wait", "action": "aws:sleep", "inputs": {"Duration": "PT1S"}}],
}


COMMAND = {
    "schemaVersion": "2.2",
    "mainSteps": [
        {"action": "aws:runShellScript", "name": "run", "inputs": {"runCommand": ["true"]}}
    ],
}


def test_automation_runbooks(account):
    results = account.run("ssm.automation_runbooks")
    assert {r.status for r in results.values()} == {Status.NOT_APPLICABLE}
    ssm = account.client("ssm", US)
    ssm.create_document(Name="collect-logs", DocumentType="Command", Content=json.dumps(COMMAND))
    assert account.run("ssm.automation_runbooks")[US].status is Status.NOT_APPLICABLE
    ssm.create_document(
        Name="IR-Isolate", DocumentType="Automation", Content=json.dumps(AUTOMATION)
    )
    results = account.run("ssm.automation_runbooks")
    assert results[US].status is Status.PASS
    assert [r.id for r in results[US].resources] == [
        f"arn:aws:ssm:{US}:{ACCOUNT_ID}:document/IR-Isolate"
    ]
    assert results[EU].status is Status.NOT_APPLICABLE


def test_automation_runbooks_pages(account):
    stub = account.stub("ssm", EU)
    filters = [
        {"Key": "Owner", "Values": ["Self"]},
        {"Key": "DocumentType", "Values": ["Automation"]},
    ]
    stub.add_response(
        "list_documents",
        {"DocumentIdentifiers": [{"Name": "a"}], "NextToken": "t1"},
        {"Filters": filters},
    )
    stub.add_response(
        "list_documents",
        {"DocumentIdentifiers": [{"Name": "b"}]},
        {"Filters": filters, "NextToken": "t1"},
    )
    result = account.run("ssm.automation_runbooks")[EU]
    assert [r.id.rsplit("/", 1)[1] for r in result.resources] == ["a", "b"]
    stub.assert_no_pending_responses()


def test_automation_runbooks_denied(account):
    denied_here(account, "ssm.automation_runbooks", "ssm:ListDocuments")
