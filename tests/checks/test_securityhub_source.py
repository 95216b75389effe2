"""`--source securityhub`: findings seeded in moto (BatchImportFindings) are read back,
only active failed FSBP controls count, each mapped control becomes a FAIL result in its
own account and region, marked as coming from Security Hub; pagination by the Stubber."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from checks.demo import ACCOUNT_ID, simulated_account
from checks.result import Proposal, Source, Status
from checks.securityhub_source import (
    SOURCE_PREFIX,
    STANDARD_ID,
    VERIFIED,
    controls,
    read_findings,
)
from checks.session import Aws, AwsOptions, connect
from questions import security_pillar

OTHER = "210987654321"
NOW = "2026-01-01T00:00:00Z"


def finding(n: int, account: str, control: str, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "SchemaVersion": "2018-10-08",
        "Id": f"finding-{n}",
        "ProductArn": "arn:aws:securityhub:eu-west-1::product/aws/securityhub",
        "GeneratorId": f"security-control/{control}",
        "AwsAccountId": account,
        "Region": "eu-west-1",
        "Types": ["Software and Configuration Checks"],
        "CreatedAt": NOW,
        "UpdatedAt": NOW,
        "Severity": {"Label": "HIGH"},
        "Title": f"{control} failed [b]x[/b]",
        "Description": "d",
        "Resources": [{"Type": "AwsAccount", "Id": f"AWS::::Account:{account}/{n}"}],
        "Compliance": {
            "Status": "FAILED",
            "SecurityControlId": control,
            "AssociatedStandards": [{"StandardsId": STANDARD_ID}],
        },
        "RecordState": "ACTIVE",
        "Workflow": {"Status": "NEW"},
    }
    data.update(extra)
    return data


@pytest.fixture
def aws() -> Iterator[Aws]:
    with simulated_account():
        yield connect(AwsOptions(regions=("eu-west-1",)))


def test_findings_become_results_in_their_accounts(aws: Aws) -> None:
    hub = boto3.client("securityhub", region_name="eu-west-1")
    passed = finding(5, ACCOUNT_ID, "IAM.5")
    passed["Compliance"] = {**passed["Compliance"], "Status": "PASSED"}
    hub.batch_import_findings(
        Findings=[
            finding(1, ACCOUNT_ID, "IAM.6"),
            finding(2, OTHER, "IAM.6"),
            finding(3, OTHER, "S3.8"),
            finding(4, OTHER, "Zzz.99"),  # no mapping: counted, left out
            passed,  # passed: not a failure
            finding(6, OTHER, "IAM.5", RecordState="ARCHIVED"),
            finding(7, OTHER, "IAM.5", Workflow={"Status": "SUPPRESSED"}),
            finding(  # another standard only (CIS): not FSBP
                8,
                OTHER,
                "IAM.5",
                Compliance={
                    "Status": "FAILED",
                    "SecurityControlId": "IAM.5",
                    "AssociatedStandards": [{"StandardsId": "standards/cis/x"}],
                },
            ),
        ]
    )
    read = read_findings(aws)
    assert read.findings == 4 and read.unmapped == {"Zzz.99": 1}
    scan = read.scan
    assert scan.source is Source.SECURITY_HUB
    got = {(r.account_id, r.check_id) for r in scan.results}
    assert got == {
        (ACCOUNT_ID, "securityhub.IAM.6"),
        (OTHER, "securityhub.IAM.6"),
        (OTHER, "securityhub.S3.8"),
    }
    for result in scan.results:
        assert result.status is Status.FAIL and result.source is Source.SECURITY_HUB
        assert result.region == "eu-west-1"
        assert result.best_practices == controls()[result.check_id.split(".", 1)[1]].best_practices
    assert {a.account_id for a in scan.accounts} == {ACCOUNT_ID, OTHER}
    assert scan.proposal(security_pillar(), "SEC08-BP04") is Proposal.NOT_MET
    rollup = scan.rollup(security_pillar(), "SEC01-BP02")
    assert "securityhub.IAM.6 fails in 2 of 2 accounts" in rollup.summary()


def test_pages_are_followed(aws: Aws) -> None:
    from botocore.stub import Stubber

    client = aws.clients.get("securityhub", "eu-west-1")
    stub = Stubber(client)
    stub.add_response("get_findings", {"Findings": [finding(1, OTHER, "IAM.6")], "NextToken": "t2"})
    stub.add_response("get_findings", {"Findings": [finding(2, OTHER, "EC2.19")]})
    with stub:
        scan = read_findings(aws).scan
    assert {r.check_id for r in scan.results} == {"securityhub.IAM.6", "securityhub.EC2.19"}
    stub.assert_no_pending_responses()


def test_the_table_maps_to_bank_ids_with_verified_sources() -> None:
    table = controls()
    bank = {bp.id for bp in security_pillar().best_practices()}
    assert {"IAM.6", "S3.8", "EC2.19", "CloudTrail.1", "RDS.3"} <= set(table)
    assert "KMS.4" not in table  # a CIS/PCI/NIST control, never in FSBP findings
    for control_id, mapping in table.items():
        assert mapping.best_practices and set(mapping.best_practices) <= bank, control_id
        assert mapping.source.startswith(SOURCE_PREFIX), control_id
        anchor = control_id.lower().replace(".", "-")
        assert mapping.source.endswith(f"#{anchor}"), control_id
        assert mapping.verified in VERIFIED and mapping.evidence, control_id
        assert mapping.title and mapping.checks, control_id


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"best_practices": ["SEC99-BP01"]}, "not ids of the bank"),
        ({"best_practices": []}, "not ids of the bank"),
        ({"source": "https://example.com/iam"}, "not a Security Hub user guide page"),
        ({"verified": "docs"}, "does not say how it was verified"),
        ({"evidence": ""}, "does not say how it was verified"),
        ({"checks": ""}, "no title or no description"),
    ],
)
def test_a_row_without_a_known_bp_source_or_verification_is_refused(
    change: dict[str, Any], complaint: str
) -> None:
    from checks.securityhub_source import _mapping

    bank = {bp.id for bp in security_pillar().best_practices()}
    good = {
        "title": "Hardware MFA should be enabled for the root user",
        "checks": "whether the root user signs in with a hardware MFA device",
        "best_practices": ["SEC01-BP02"],
        "source": SOURCE_PREFIX + "iam-controls.html#iam-6",
        "verified": "aws-docs",
        "evidence": "doc_source/iam-controls.md [IAM.6]",
    }
    assert _mapping("IAM.6", good, bank).best_practices == ("SEC01-BP02",)
    with pytest.raises(ValueError, match=complaint):
        _mapping("IAM.6", {**good, **change}, bank)
    with pytest.raises(ValueError, match=r"not like IAM\.6"):
        _mapping("IAM six", good, bank)
