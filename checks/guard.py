"""The read-only guard: a botocore `before-call` hook that refuses every non-read.

It runs inside botocore after parameters are built and before the request is signed or
sent, on every client pillar builds, so a write can never leave the machine whatever a
check does.

What counts as a read (strict on purpose):

- Prefixes `Describe`, `List`, `Get`, `Head`, `BatchGet` and `Lookup` (CloudTrail's
  LookupEvents): AWS's own naming convention for operations without side effects, and
  the verbs of the AWS managed `ReadOnlyAccess`/`SecurityAudit` policies.
- NOT `Search`, `Scan`, `Query`, `Select`, `Filter`: they read customer *data* (table
  items, log lines, objects), never configuration; no check needs them.
- Reads that return data or secrets are refused even though their name is a read:
  secret values, parameters, objects, items, records, passwords, tokens and temporary
  credentials (`SECRET_READS`). Evidence holds settings, never secret values.
- One exception by name: `GenerateCredentialReport` (IAM). It only asks IAM to build the
  account's credential report (who has passwords, MFA, keys, last use), which
  `GetCredentialReport` then reads; it changes no configuration. It is the only way to
  read root MFA and root keys. Nothing else outside the prefixes is allowed.
- `sts:AssumeRole`, on one client only: a multi-account scan reaches each member account
  by assuming a role there (`checks.accounts`). It is not a read, so `is_read` refuses it
  and no check can declare it; the one sts client that refreshes the members' credentials
  is built with `install(client, also_allowed={"AssumeRole"})`, and no other client is.
"""

from __future__ import annotations

from typing import Any

READ_PREFIXES = ("Describe", "List", "Get", "Head", "BatchGet", "Lookup")
ALLOWED_BY_NAME = frozenset({"GenerateCredentialReport"})
SECRET_READS = frozenset(
    {
        "GetSecretValue",
        "BatchGetSecretValue",
        "GetParameter",
        "GetParameters",
        "GetParametersByPath",
        "GetParameterHistory",
        "GetObject",
        "GetObjectTorrent",
        "GetItem",
        "BatchGetItem",
        "GetRecords",
        "GetShardIterator",
        "GetMedia",
        "GetPasswordData",
        "GetConsoleOutput",
        "GetConsoleScreenshot",
        "GetSessionToken",
        "GetFederationToken",
        "GetAuthorizationToken",
        "GetRoleCredentials",
        "GetClusterCredentials",
        "GetClusterCredentialsWithIAM",
        "GetCredentialsForIdentity",
        "GetOpenIdToken",
        "GetOpenIdTokenForDeveloperIdentity",
        "GetDataKey",
        "GetQueryResults",
        "GetLogEvents",
        "GetLogRecord",
        "GetFunction",  # returns environment variables and a signed code URL
        "GetDownloadUrlForLayer",
        "GetSigninToken",
        "GetServiceBearerToken",
        "GetCertificate",  # ACM: returns the certificate chain (public, but not needed)
    }
)


class WriteRefused(Exception):
    """pillar refused to send an operation that is not a read."""

    user_error = True

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(
            f"pillar only reads: it refused to call {service} {operation}, which is not a read"
        )
        self.service = service
        self.operation = operation


def is_read(operation: str) -> bool:
    """True when an API operation (or IAM action verb) name is an allowed read."""
    if operation in ALLOWED_BY_NAME:
        return True
    if operation in SECRET_READS:
        return False
    return operation.startswith(READ_PREFIXES)


def refuse_writes(model: Any, **_: Any) -> None:
    """botocore `before-call` handler: raise before anything is signed or sent."""
    name = str(model.name)
    if not is_read(name):
        raise WriteRefused(str(model.service_model.service_name), name)


ASSUME_ROLE = frozenset({"AssumeRole"})
"""What the member-credentials client may call besides reads (see the module docstring)."""


def install(client: Any, also_allowed: frozenset[str] = frozenset()) -> None:
    """Install the guard on one botocore client (every client pillar builds gets it).

    `also_allowed` names non-read operations this one client may send: only
    `ASSUME_ROLE`, on the sts client of `checks.accounts` (refused anywhere else).
    """
    if also_allowed and (
        also_allowed - ASSUME_ROLE or client.meta.service_model.service_name != "sts"
    ):
        raise ValueError(f"only sts may be allowed {sorted(ASSUME_ROLE)}, nothing else")
    handler = refuse_writes
    if also_allowed:

        def handler(model: Any, **kwargs: Any) -> None:
            if str(model.name) not in also_allowed:
                refuse_writes(model, **kwargs)

    # register_first: the guard runs before any other before-call handler (even a Stubber).
    client.meta.events.register_first("before-call", handler, unique_id="pillar-read-only")
