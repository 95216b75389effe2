"""One boto3 session per scan, its clients, the account id and the regions to scan.

Credentials come from boto3's own chain (profile, environment, SSO, assumed role,
instance role). Refreshable credentials (SSO, assume-role) are refreshed by botocore
itself, so a long workshop outlives one session token. pillar never reads, copies or
writes credentials: it only hands the profile name to boto3.

Custom endpoints (`--endpoint-url` or `AWS_ENDPOINT_URL`, e.g. a moto server or
LocalStack) apply to every service. S3 uses path-style addressing there, and S3 Control
(whose host carries an `<account-id>.` prefix) is fixed by `strip_account_host_prefix`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from checks import guard
from checks.calls import CallFailed, classify
from checks.result import Cause

if TYPE_CHECKING:  # pragma: no cover
    from checks.recording import Tap

DEFAULT_REGION = "us-east-1"
AWS_DOMAINS = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws", ".c2s.ic.gov", ".sc2s.sgov.gov")


class CredentialsError(Exception):
    """No usable credentials, or they were refused: the scan cannot start."""

    user_error = True


@dataclass(frozen=True, slots=True)
class AwsOptions:
    """How to reach AWS: all optional; defaults follow the AWS CLI's."""

    profile: str | None = None
    regions: tuple[str, ...] = ()
    endpoint_url: str | None = None
    retry_mode: str = "standard"  # or "adaptive" (client-side rate limiting)
    max_attempts: int = 4  # total attempts per call, first one included
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    # Per client: the scan's 32 check threads and a layer's 8 prefetch threads may all use
    # one client (urllib3 warns, on stderr, when more connections than this are open).
    max_pool_connections: int = 48


def custom_endpoint(options: AwsOptions) -> str | None:
    """The endpoint every client uses, if not AWS's own."""
    return options.endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None


def plain_server_error(response_dict: dict[str, Any], **kwargs: Any) -> None:
    """`before-parse` handler: a 5xx whose body is plain text (an emulator's or a proxy's
    message, not an AWS error document) is parsed as botocore's generic error: its HTTP
    status as code, never the text. Without this, XML protocols fail to parse it
    (ResponseParserError quoting the body) and the status is lost."""
    body = response_dict.get("body")
    if int(response_dict.get("status_code") or 0) < 500 or not isinstance(body, bytes):
        return
    if not body.lstrip().startswith((b"<", b"{")):
        response_dict["body"] = b""


def strip_account_host_prefix(request: Any, **kwargs: Any) -> None:
    """`before-sign.s3-control` handler: drop the `<account-id>.` host label on custom hosts.

    S3 Control sends to `https://<account-id>.s3-control.<region>.amazonaws.com`; on a
    custom endpoint that becomes `123456789012.127.0.0.1:5000`, which does not resolve.
    Real AWS hosts are left alone.
    """
    parts = urlsplit(request.url)
    host = parts.hostname or ""
    label, _dot, rest = host.partition(".")
    if not (label.isdigit() and len(label) == 12 and rest):
        return
    if any(rest.endswith(domain) for domain in AWS_DOMAINS):
        return
    netloc = parts.netloc.replace(f"{label}.", "", 1)
    request.url = urlunsplit(parts._replace(netloc=netloc))


def client_config(options: AwsOptions, *, path_style: bool) -> Any:
    from botocore.config import Config

    return Config(
        retries={"mode": options.retry_mode, "total_max_attempts": options.max_attempts},
        connect_timeout=options.connect_timeout,
        read_timeout=options.read_timeout,
        max_pool_connections=options.max_pool_connections,
        user_agent_extra="pillar-review",
        s3={"addressing_style": "path"} if path_style else None,
    )


@dataclass
class ClientPool:
    """One guarded client per (service, region), built up front; thread-safe lookups.

    `tap` records or replays every call of its clients (checks.recording); `account`
    labels the pool's calls in a recording ("" = the scan's own account).
    """

    session: Any
    options: AwsOptions
    tap: Tap | None = None
    account: str = ""
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def build(self, pairs: Iterable[tuple[str, str]]) -> None:
        for service, region in pairs:
            self.get(service, region)

    def get(self, service: str, region: str) -> Any:
        key = (service, region)
        client = self._clients.get(key)
        if client is not None:
            return client
        with self._lock:  # boto3 session.client() is not thread-safe
            client = self._clients.get(key)
            if client is None:
                client = self._make(service, region)
                self._clients[key] = client
            return client

    def _make(self, service: str, region: str) -> Any:
        endpoint = custom_endpoint(self.options)
        client = self.session.client(
            service,
            region_name=region,
            endpoint_url=self.options.endpoint_url,
            config=client_config(self.options, path_style=endpoint is not None),
        )
        guard.install(client)
        # Load the paginator definitions now, while the pool's lock is held: botocore's
        # loader caches them, but its cache is not locked, so 32 check threads asking
        # `can_paginate` of fresh clients at once each parsed them again (and listed the
        # whole model directory again: ~20 ms of CPU per miss). `can_paginate` keeps them
        # on the client too.
        for method in client.meta.method_to_api_mapping:
            client.can_paginate(method)
            break
        client.meta.events.register("before-parse", plain_server_error)
        if service == "s3control":
            client.meta.events.register("before-sign.s3-control", strip_account_host_prefix)
        if self.tap is not None:
            self.tap.install(client, service, region, self.account)
        return client

    def __len__(self) -> int:
        return len(self._clients)


@dataclass
class Aws:
    """The AWS side of one scan: session, clients, account and regions."""

    clients: ClientPool
    account_id: str
    regions: tuple[str, ...]
    home_region: str
    notes: list[str] = field(default_factory=list)
    # The time checks judge ages against (checks.clock): None = now; a replay: when recorded.
    as_of: datetime | None = None


def connect(options: AwsOptions, session: Any = None, tap: Tap | None = None) -> Aws:
    """Open the session, prove the credentials work (sts), and settle the regions.

    `session` reuses a boto3 Session (the demo shares its loaded service models); `tap`
    records or replays every call (checks.recording).
    Raises CredentialsError with one sentence when no usable credentials are found.
    """
    import boto3
    from botocore import exceptions as bx

    try:
        session = session or boto3.Session(profile_name=options.profile)
    except bx.ProfileNotFound:
        raise CredentialsError(
            f"AWS profile {options.profile!r} is not configured; "
            "list profiles with `aws configure list-profiles`."
        ) from None
    home = (
        session.region_name
        if session.region_name and (not options.regions or session.region_name in options.regions)
        else (options.regions[0] if options.regions else DEFAULT_REGION)
    )
    pool = ClientPool(session=session, options=options, tap=tap)
    try:
        identity = pool.get("sts", home).get_caller_identity()
    except Exception as error:
        failed = classify(error, "sts:GetCallerIdentity")
        if failed.cause is Cause.TIMEOUT:
            raise CredentialsError(
                f"cannot reach AWS ({failed.message}); check the network or --endpoint-url."
            ) from None
        raise CredentialsError(
            f"no usable AWS credentials ({failed.message.rstrip('.')}). Sign in "
            "(e.g. `aws sso login`), or pass --profile, then scan again."
        ) from None
    aws = Aws(
        clients=pool,
        account_id=str(identity.get("Account", "")),
        regions=options.regions,
        home_region=home,
    )
    if not options.regions:
        aws.regions = enabled_regions(aws)
    return aws


def enabled_regions(aws: Aws) -> tuple[str, ...]:
    """The account's enabled regions (ec2:DescribeRegions); the home region if denied."""
    try:
        response = aws.clients.get("ec2", aws.home_region).describe_regions(AllRegions=False)
    except Exception as error:
        failed: CallFailed = classify(error, "ec2:DescribeRegions")
        aws.notes.append(
            f"could not list the enabled regions ({failed.message}); scanning "
            f"{aws.home_region} only: pass --region to choose."
        )
        return (aws.home_region,)
    names = sorted(
        str(r["RegionName"])
        for r in response.get("Regions", [])
        if r.get("OptInStatus", "opt-in-not-required") != "not-opted-in"
    )
    return tuple(names) or (aws.home_region,)
