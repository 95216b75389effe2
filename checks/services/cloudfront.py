"""CloudFront distributions: HTTPS to viewers and web ACLs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks.declare import Call, Fail, Found, Judgement, Pass, Resources, Undecided, per_resource
from checks.registry import Scope
from checks.services.common import _list

CLOUDFRONT_OLD_TLS = {"SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016"}

DISTRIBUTIONS = Resources(
    Call("cloudfront", "ListDistributions", "DistributionList.Items"), id=("ARN", "Id")
)


def _label(r: Found) -> str:
    return str(r.get("DomainName") or r.get("Id"))


@per_resource(
    "cloudfront.web_acl",
    "Enabled CloudFront distributions have an AWS WAF web ACL",
    bps=("SEC05-BP03",),
    over=DISTRIBUTIONS,
    scope=Scope.GLOBAL,
)
def cloudfront_web_acl(r: Found) -> Judgement:
    if r.get("WebACLId"):
        return Pass(f"{_label(r)}: web ACL {r.get('WebACLId')}")
    if r.get("Enabled") is False:
        return Pass(f"{_label(r)}: disabled, serves no traffic")
    return Fail(f"{_label(r)}: no AWS WAF web ACL")


def _behaviors(config: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    default = config.get("DefaultCacheBehavior")
    if isinstance(default, dict):
        yield "default", default
    for behavior in _list(config.get("CacheBehaviors") or {}, "Items"):
        yield str(behavior.get("PathPattern", "?")), behavior


@per_resource(
    "cloudfront.viewer_https",
    "CloudFront distributions require HTTPS from viewers with TLS 1.2 or later",
    bps=("SEC09-BP02",),
    over=DISTRIBUTIONS,
    scope=Scope.GLOBAL,
)
def viewer_https(r: Found) -> Judgement:
    problems = [
        f"behavior {path} allows HTTP"
        for path, behavior in _behaviors(r.listed)
        if behavior.get("ViewerProtocolPolicy") == "allow-all"
    ]
    certificate = r.get("ViewerCertificate") or {}
    minimum = str(certificate.get("MinimumProtocolVersion", ""))
    custom = bool(
        certificate.get("ACMCertificateArn")
        or certificate.get("IAMCertificateId")
        or certificate.get("CloudFrontDefaultCertificate") is False
    )
    if custom and minimum in CLOUDFRONT_OLD_TLS:
        problems.append(f"minimum viewer protocol {minimum}")
    if problems:
        return Fail(f"{_label(r)}: {'; '.join(problems)}")
    behaviors = list(_behaviors(r.listed))
    unread = [path for path, b in behaviors if not b.get("ViewerProtocolPolicy")]
    if not behaviors or unread:
        what = f"behavior {', '.join(unread)}" if unread else "no cache behavior"
        return Undecided(f"{_label(r)}: {what} reports no viewer protocol policy")
    if custom and not minimum:
        return Undecided(f"{_label(r)}: the custom certificate's minimum protocol is not reported")
    return Pass(f"{_label(r)}: viewers use HTTPS")
