"""Tests of the networkfirewall checks (checks/services/networkfirewall.py)."""

from __future__ import annotations

from checks.result import Status
from checks.testing import Harness, failing_ids

EU, US = "eu-west-1", "us-east-1"


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
