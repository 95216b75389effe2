"""Lambda functions: code signing, secrets in environment variables."""

from __future__ import annotations

from typing import Any

from checks import resource_policies
from checks.calls import CallFailed
from checks.declare import Call, Fail, Found, Judgement, Pass, Resources, Undecided, per_resource
from checks.lib.secrets import plaintext_secrets
from checks.registry import Context
from checks.result import Cause
from checks.services.common import policy_document

# Lambda functions (configuration only: environment values are never kept).
FUNCTIONS = Resources(
    Call("lambda", "ListFunctions", "Functions"), id=("FunctionArn", "FunctionName")
)
LIST_FUNCTIONS = FUNCTIONS.listing.action


def functions(ctx: Context) -> list[dict[str, Any]]:
    return FUNCTIONS.entries(ctx)


@per_resource(
    "lambda.env_secret_names",
    "No Lambda environment variable name suggests a secret held in plain text",
    bps=("SEC02-BP03",),
    over=FUNCTIONS,
)
def lambda_env_secret_names(r: Found) -> Judgement:
    environment = r.get("Environment") or {}
    error = environment.get("Error") or {}
    if error and not environment.get("Variables"):  # e.g. the KMS key cannot decrypt them
        code = error.get("ErrorCode") or "an error"
        return Undecided(f"the environment variables could not be read ({code})")
    variables = environment.get("Variables") or {}
    if suspicious := plaintext_secrets(variables):
        return Fail(
            f"environment variable(s) {', '.join(suspicious)} look like secrets in "
            "plain text: read them from Secrets Manager or SSM SecureString at run time"
        )
    return Pass(f"{len(variables)} environment variable(s), none secret-like")


SIGNING_CONFIG = Call("lambda", "GetCodeSigningConfig", "CodeSigningConfig")


def _signing_policy(r: Found, config_arn: str) -> str | None:
    """UntrustedArtifactOnDeployment of a code signing config; None if not readable here."""
    try:
        config = r.read(SIGNING_CONFIG, CodeSigningConfigArn=config_arn) or {}
    except CallFailed as error:
        if error.cause is Cause.UNSUPPORTED:
            return None
        raise
    policies = config.get("CodeSigningPolicies", {})
    return str(policies.get("UntrustedArtifactOnDeployment") or "Warn")


@per_resource(
    "lambda.code_signing",
    "Lambda functions (zip) enforce a code signing configuration",
    bps=("SEC06-BP04", "SEC11-BP06"),
    over=FUNCTIONS,
    keep=lambda r: r.get("PackageType") != "Image",  # code signing applies to .zip only
    details={
        "signing": Call(
            "lambda",
            "GetFunctionCodeSigningConfig",
            "CodeSigningConfigArn",
            each=lambda r: {"FunctionName": r.id},
        )
    },
    reads=(SIGNING_CONFIG,),
    advisory=True,
)
def lambda_code_signing(r: Found) -> Judgement:
    if not r["signing"]:
        return Fail("no code signing configuration: unsigned code deploys")
    policy = _signing_policy(r, str(r["signing"]))
    if policy is None:
        return Undecided("code signing configuration attached, its policy cannot be read here")
    if policy == "Enforce":
        return Pass("code signing enforced")
    return Fail("code signing configuration only warns on unsigned code")


resource_policies.declare(
    service="lambda",
    what="function",
    public_id="lambda.function_policy_public",
    cross_account_id="lambda.function_policy_cross_account",
    over=Resources(
        FUNCTIONS.listing,
        details={
            "policy": Call(
                "lambda",
                "GetPolicy",
                each=lambda r: {"FunctionName": r.id},
                absent={"ResourceNotFoundException"},
            )
        },
        id=FUNCTIONS.id,
    ),
    policy=lambda r: policy_document(r["policy"], "Policy"),
)
