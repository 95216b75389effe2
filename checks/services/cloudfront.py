"""CloudFront distributions: HTTPS to viewers and web ACLs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks.registry import Context, Outcome, Scope, check, failed, passed
from checks.result import Resource
from checks.services.common import _list

CLOUDFRONT_OLD_TLS = {"SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016"}


def distributions(ctx: Context) -> list[dict[str, Any]]:
    listing = ctx.call("cloudfront", "list_distributions").get("DistributionList") or {}
    return _list(listing, "Items")


@check(
    "cloudfront.web_acl",
    "Enabled CloudFront distributions have an AWS WAF web ACL",
    bps=("SEC05-BP03",),
    service="cloudfront",
    scope=Scope.GLOBAL,
    actions=("cloudfront:ListDistributions",),
)
def cloudfront_web_acl(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for dist in distributions(ctx):
        ident = str(dist.get("ARN") or dist.get("Id"))
        label = str(dist.get("DomainName") or dist.get("Id"))
        if dist.get("WebACLId"):
            found.append(passed(ident, f"{label}: web ACL {dist['WebACLId']}"))
        elif dist.get("Enabled") is False:
            found.append(passed(ident, f"{label}: disabled, serves no traffic"))
        else:
            found.append(failed(ident, f"{label}: no AWS WAF web ACL"))
    return found


def _behaviors(config: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    default = config.get("DefaultCacheBehavior")
    if isinstance(default, dict):
        yield "default", default
    for behavior in _list(config.get("CacheBehaviors") or {}, "Items"):
        yield str(behavior.get("PathPattern", "?")), behavior


@check(
    "cloudfront.viewer_https",
    "CloudFront distributions require HTTPS from viewers with TLS 1.2 or later",
    bps=("SEC09-BP02",),
    service="cloudfront",
    scope=Scope.GLOBAL,
    actions=("cloudfront:ListDistributions",),
)
def viewer_https(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for dist in distributions(ctx):
        ident = str(dist.get("ARN") or dist.get("Id"))
        label = str(dist.get("DomainName") or dist.get("Id"))
        problems = [
            f"behavior {path} allows HTTP"
            for path, behavior in _behaviors(dist)
            if behavior.get("ViewerProtocolPolicy") == "allow-all"
        ]
        certificate = dist.get("ViewerCertificate") or {}
        minimum = str(certificate.get("MinimumProtocolVersion", ""))
        custom = bool(
            certificate.get("ACMCertificateArn")
            or certificate.get("IAMCertificateId")
            or certificate.get("CloudFrontDefaultCertificate") is False
        )
        if custom and minimum in CLOUDFRONT_OLD_TLS:
            problems.append(f"minimum viewer protocol {minimum}")
        if problems:
            found.append(failed(ident, f"{label}: {'; '.join(problems)}"))
        else:
            found.append(passed(ident, f"{label}: viewers use HTTPS"))
    return found
