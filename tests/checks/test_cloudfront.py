"""Tests of the cloudfront checks (checks/services/cloudfront.py)."""

from __future__ import annotations

from typing import Any

from checks.result import Status
from checks.testing import Harness, failing_ids

EU, US = "eu-west-1", "us-east-1"


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


def test_viewer_https_unreported_policies_are_undecided(account):
    # A behavior without ViewerProtocolPolicy (or a custom certificate without its
    # minimum protocol) cannot be judged: UNKNOWN, where a missing value used to PASS.
    bare = distribution(account, "bare")
    custom = distribution(
        account,
        "custom",
        ViewerCertificate={
            "ACMCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/x",
            "SSLSupportMethod": "sni-only",
            "MinimumProtocolVersion": "TLSv1.2_2021",
        },
    )

    def strip(parsed: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name != "ListDistributions":
            return
        for item in parsed.get("DistributionList", {}).get("Items", []):
            if item["Comment"] == "bare":
                item["DefaultCacheBehavior"].pop("ViewerProtocolPolicy", None)
            else:
                item["ViewerCertificate"].pop("MinimumProtocolVersion", None)

    for region in (EU, US):
        account.scan_client("cloudfront", region).meta.events.register("after-call", strip)
    result = account.one("cloudfront.viewer_https")
    assert result.status is Status.UNKNOWN
    details = {r.id: (r.status, r.detail) for r in result.resources}
    assert details[bare][0] is Status.UNKNOWN
    assert "behavior default reports no viewer protocol policy" in details[bare][1]
    assert details[custom][0] is Status.UNKNOWN
    assert "minimum protocol is not reported" in details[custom][1]
