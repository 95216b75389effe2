"""Lambda functions: code signing, secrets in environment variables."""

from __future__ import annotations

from typing import Any

from checks import resource_policies
from checks.calls import CallFailed
from checks.lib.secrets import plaintext_secrets
from checks.registry import Context, Outcome, Scope, check, failed, passed
from checks.resource_policies import Holder
from checks.result import Cause, Resource
from checks.services.common import policy_document


@check(
    "lambda.env_secret_names",
    "No Lambda environment variable name suggests a secret held in plain text",
    bps=("SEC02-BP03",),
    service="lambda",
    scope=Scope.REGIONAL,
    actions=("lambda:ListFunctions",),
)
def lambda_env_secret_names(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for function in ctx.call("lambda", "list_functions").get("Functions", []):
        variables = (function.get("Environment") or {}).get("Variables") or {}
        suspicious = plaintext_secrets(variables)
        arn = str(function.get("FunctionArn") or function.get("FunctionName"))
        if suspicious:
            found.append(
                failed(
                    arn,
                    f"environment variable(s) {', '.join(suspicious)} look like secrets in "
                    "plain text: read them from Secrets Manager or SSM SecureString at run time",
                )
            )
        else:
            found.append(passed(arn, f"{len(variables)} environment variable(s), none secret-like"))
    return found


LIST_FUNCTIONS = "lambda:ListFunctions"


def functions(ctx: Context) -> list[dict[str, Any]]:
    """Lambda functions (configuration only: environment values are never kept)."""
    return list(ctx.call("lambda", "list_functions").get("Functions", []))


def _signing_policy(ctx: Context, config_arn: str) -> str | None:
    """UntrustedArtifactOnDeployment of a code signing config; None if not readable here."""
    try:
        config = ctx.call("lambda", "get_code_signing_config", CodeSigningConfigArn=config_arn)
    except CallFailed as error:
        if error.cause is Cause.UNSUPPORTED:
            return None
        raise
    policies = config.get("CodeSigningConfig", {}).get("CodeSigningPolicies", {})
    return str(policies.get("UntrustedArtifactOnDeployment") or "Warn")


@check(
    "lambda.code_signing",
    "Lambda functions (zip) enforce a code signing configuration",
    bps=("SEC06-BP04", "SEC11-BP06"),
    service="lambda",
    scope=Scope.REGIONAL,
    actions=(LIST_FUNCTIONS, "lambda:GetFunctionCodeSigningConfig", "lambda:GetCodeSigningConfig"),
    advisory=True,
)
def lambda_code_signing(ctx: Context) -> Outcome:
    found: list[Resource] = []
    for function in functions(ctx):
        if function.get("PackageType") == "Image":
            continue  # code signing applies to .zip packages only
        arn = str(function.get("FunctionArn") or function.get("FunctionName"))
        response = ctx.call("lambda", "get_function_code_signing_config", FunctionName=arn)
        config_arn = response.get("CodeSigningConfigArn")
        if not config_arn:
            found.append(failed(arn, "no code signing configuration: unsigned code deploys"))
            continue
        policy = _signing_policy(ctx, str(config_arn))
        if policy is None:
            found.append(passed(arn, "code signing configuration attached (policy not readable)"))
        elif policy == "Enforce":
            found.append(passed(arn, "code signing enforced"))
        else:
            found.append(failed(arn, "code signing configuration only warns on unsigned code"))
    return found


def function_policies(ctx: Context) -> list[Holder]:
    """Every function with its resource policy (None when it has none)."""
    holders: list[Holder] = []
    for function in functions(ctx):
        arn = str(function.get("FunctionArn") or function.get("FunctionName"))
        response = ctx.call_if_exists(
            "lambda", "get_policy", absent={"ResourceNotFoundException"}, FunctionName=arn
        )
        holders.append(Holder(arn, policy_document(response, "Policy")))
    return holders


resource_policies.declare(
    service="lambda",
    what="function",
    public_id="lambda.function_policy_public",
    cross_account_id="lambda.function_policy_cross_account",
    list_holders=function_policies,
    actions=(LIST_FUNCTIONS, "lambda:GetPolicy"),
)
