"""Tests of the acm checks (checks/services/acm.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from checks.demo_network import _self_signed
from checks.result import Status
from checks.services.acm import certificate_finding
from checks.testing import failing_ids

EU, US = "eu-west-1", "us-east-1"


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
    # unreported status or expiry date: undecided (ok None), never a PASS
    no_status = {k: v for k, v in issued.items() if k != "Status"}
    ok, why = certificate_finding({**no_status, "NotAfter": soon + timedelta(days=300)}, now)
    assert ok is None and "status is not reported" in why
    ok, why = certificate_finding(issued, now)
    assert ok is None and "expiry date is not reported" in why


# (action denied from now on, checks that must end UNKNOWN naming it). Denials add up, so
# each check is listed where the action named is the first denied one it calls.
