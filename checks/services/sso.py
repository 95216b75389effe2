"""IAM Identity Center."""

from __future__ import annotations

from checks.calls import CallFailed
from checks.registry import Context, Outcome, Scope, check, failed, passed
from checks.result import Resource


@check(
    "sso.identity_center",
    "People sign in through IAM Identity Center or a SAML identity provider",
    bps=("SEC02-BP04",),
    service="sso-admin",
    scope=Scope.GLOBAL,
    actions=("sso:ListInstances", "iam:ListSAMLProviders"),
    services=("sso-admin", "iam"),
)
def identity_center(ctx: Context) -> Outcome:
    instances: list[Resource] = []
    problems: list[CallFailed] = []
    for region in ctx.regions or (ctx.region,):  # Identity Center lives in one region
        try:
            found = ctx.call("sso-admin", "list_instances", region=region).get("Instances", [])
        except CallFailed as error:
            problems.append(error)
            continue
        instances += [
            passed(str(i.get("InstanceArn")), f"IAM Identity Center in {region}") for i in found
        ]
    if instances:
        return instances
    if problems:  # not found, but some regions could not be asked: cannot say FAIL
        raise problems[0]
    providers = ctx.call("iam", "list_saml_providers").get("SAMLProviderList", [])
    if providers:
        return [passed(str(p.get("Arn")), "SAML identity provider") for p in providers]
    return [
        failed(
            ctx.where,
            "no IAM Identity Center instance in the scanned regions and no SAML provider",
        )
    ]
