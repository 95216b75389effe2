"""AWS Certificate Manager: certificate expiry and renewal."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from checks.clock import scan_now
from checks.declare import Call, Fail, Found, Judgement, Pass, Resources, Undecided, per_resource
from checks.lib.dates import Unreadable, days_left

CERT_WARN_DAYS = 30


ACM_KEY_TYPES = [
    "RSA_1024",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "EC_prime256v1",
    "EC_secp384r1",
    "EC_secp521r1",
]


def certificate_finding(cert: dict[str, Any], now: datetime) -> tuple[bool | None, str]:
    """(ok, why) for one ACM certificate description; ok is None when its expiry date
    cannot be read (the check cannot judge it)."""
    status = str(cert.get("Status", ""))
    in_use = bool(cert.get("InUseBy"))
    use = "in use" if in_use else "not in use"
    kind = "imported" if cert.get("Type") == "IMPORTED" else "ACM-issued"
    renewal = cert.get("RenewalSummary") or {}
    renewal_status = str(renewal.get("RenewalStatus", ""))
    days = days_left(cert.get("NotAfter"), now)
    if isinstance(days, Unreadable):
        return (None, f"{kind}, {use}: {days.reason}")
    if status == "EXPIRED" or (days is not None and days < 0 and status == "ISSUED"):
        return (not in_use, f"{kind}, expired, {use}")
    if status == "REVOKED":
        return (not in_use, f"{kind}, revoked, {use}")
    if not status:
        return (None, f"{kind}, {use}: its status is not reported")
    if status != "ISSUED":
        return (True, f"{kind}, status {status}, {use}")
    if days is None:
        return (None, f"{kind}, issued, {use}: its expiry date is not reported")
    if renewal_status == "FAILED" and (in_use or (days is not None and days <= CERT_WARN_DAYS)):
        reason = renewal.get("RenewalStatusReason")
        return (False, f"{kind}, managed renewal failed ({reason or 'no reason given'}), {use}")
    if days is not None and days <= CERT_WARN_DAYS:
        if renewal_status in {"PENDING_AUTO_RENEWAL", "SUCCESS"}:
            return (True, f"{kind}, expires in {days} days, renewal {renewal_status.lower()}")
        return (False, f"{kind}, expires in {days} days without a renewal in progress, {use}")
    return (True, f"{kind}, expires in {days} days, {use}")


@per_resource(
    "acm.certificate_expiry",
    f"ACM certificates are not expired, failing renewal or expiring within {CERT_WARN_DAYS} days",
    bps=("SEC09-BP01",),
    over=Resources(
        Call(
            "acm",
            "ListCertificates",
            "CertificateSummaryList",
            params={"Includes": {"keyTypes": ACM_KEY_TYPES}},
        ),
        id="CertificateArn",
    ),
    details={
        "certificate": Call(
            "acm", "DescribeCertificate", "Certificate", each=lambda r: {"CertificateArn": r.id}
        )
    },
)
def certificate_expiry(r: Found) -> Judgement:
    cert = r["certificate"] if isinstance(r["certificate"], dict) else r.listed
    ok, why = certificate_finding(cert, scan_now())
    label = f"{cert.get('DomainName') or r.get('DomainName')}: {why}"
    if ok is None:
        return Undecided(label)
    return Pass(label) if ok else Fail(label)
