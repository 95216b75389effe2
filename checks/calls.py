"""The shared call layer: every AWS read of a scan goes through one `CallLayer`.

- Each distinct (service, region, operation, parameters) is sent at most once per scan;
  checks asking for the same call share the answer (a second asker waits for the first).
- Operations that can paginate are always paginated and the pages merged
  (`build_full_result`), so a check never sees a truncated list.
- Every failure becomes a `CallFailed` carrying a `Cause` and one clear sentence (and,
  for AccessDenied, the IAM action that was refused). The runner turns it into an
  UNKNOWN result: a check never needs its own error handling.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from checks.result import Cause

if TYPE_CHECKING:  # pragma: no cover
    from checks.session import ClientPool

T = TypeVar("T")

# boto3 service name -> IAM action prefix, where they differ.
IAM_PREFIX = {
    "accessanalyzer": "access-analyzer",
    "sso-admin": "sso",
    "elbv2": "elasticloadbalancing",
    "elb": "elasticloadbalancing",
    "s3control": "s3",
    "resourcegroupstaggingapi": "tag",
    "stepfunctions": "states",
    "opensearch": "es",
    "apigatewayv2": "apigateway",
    "cognito-idp": "cognito-idp",
    "inspector2": "inspector2",
    "logs": "logs",
    "cloudwatch": "cloudwatch",
    "securityhub": "securityhub",
    "shield": "shield",
    "network-firewall": "network-firewall",
    "wafv2": "wafv2",
}

# (boto3 service, API operation) -> IAM action, where the action is not prefix:Operation.
ACTION_OVERRIDES = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "ListObjectsV2"): "s3:ListBucket",
    ("s3", "HeadBucket"): "s3:ListBucket",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetBucketLifecycleConfiguration"): "s3:GetLifecycleConfiguration",
    ("s3", "GetBucketReplication"): "s3:GetReplicationConfiguration",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "GetObjectLockConfiguration"): "s3:GetBucketObjectLockConfiguration",
    ("s3", "GetBucketNotificationConfiguration"): "s3:GetBucketNotification",
    ("s3", "GetBucketCors"): "s3:GetBucketCORS",
    ("s3control", "GetPublicAccessBlock"): "s3:GetAccountPublicAccessBlock",
    ("efs", "DescribeFileSystems"): "elasticfilesystem:DescribeFileSystems",
    ("ec2", "GetEbsEncryptionByDefault"): "ec2:GetEbsEncryptionByDefault",
    ("ec2", "GetEbsDefaultKmsKeyId"): "ec2:GetEbsDefaultKmsKeyId",
    ("sso-admin", "ListInstances"): "sso:ListInstances",
}


def iam_action(service: str, operation: str) -> str:
    """The IAM action that allows `operation` (API name, e.g. ListUsers) of a boto3 service."""
    override = ACTION_OVERRIDES.get((service, operation))
    if override is not None:
        return override
    return f"{IAM_PREFIX.get(service, service)}:{operation}"


class CallFailed(Exception):
    """An AWS call that did not give an answer: why (cause), what to say, which action."""

    def __init__(
        self, cause: Cause, message: str, action: str | None = None, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.cause = cause
        self.message = message
        self.action = action
        self.code = code


class NotRecorded(Exception):
    """Replay: the recording has no answer for this call (see checks.recording)."""


class Cancelled(Exception):
    """The scan was cancelled before this call was sent."""


class UndeclaredCall(Exception):
    """A check called something it did not declare (a bug in the check)."""


_ACCESS_DENIED = {
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "AuthorizationError",
    "AuthorizationErrorException",
    "Forbidden",
    "ForbiddenException",
    "NotAuthorized",
}
_THROTTLED = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottled",
    "RequestThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
    "EC2ThrottledException",
    "BandwidthLimitExceeded",
    "PriorRequestNotComplete",
    "ProvisionedThroughputExceededException",
}
_NOT_AVAILABLE = {
    "UnrecognizedClientException",
    "OptInRequired",
    "SubscriptionRequiredException",
    "InvalidAccessException",  # Security Hub not enabled
}
_NO_CREDENTIALS = {
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "AuthFailure",
    "SignatureDoesNotMatch",
    "RequestExpired",
}
_UNSUPPORTED = {
    "NotImplemented",
    "NotImplementedException",
    "UnknownOperationException",
    "InvalidAction",
    "UnsupportedOperation",
    "UnsupportedOperationException",
}


_HTML = re.compile(r"<\s*(!doctype|html|head|body|title)\b", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def one_line(text: str, limit: int = 200) -> str:
    """A message fit for one sentence: markup dropped, whitespace folded, cut at a word."""
    text = " ".join(_TAG.sub(" ", text).split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " ..."


def classify(error: BaseException, action: str) -> CallFailed:
    """Map any exception raised by a botocore call to a `CallFailed`."""
    from botocore import exceptions as bx

    if isinstance(error, CallFailed):
        return error
    if isinstance(error, NotRecorded):
        return CallFailed(Cause.NOT_RECORDED, f"{action} is not in the recording", action)
    if isinstance(error, bx.ClientError):
        info = error.response.get("Error", {})
        code = str(info.get("Code", "") or "")
        raw = str(info.get("Message", "") or "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if _HTML.search(raw) or _HTML.search(code):
            # A web page instead of an AWS error: the endpoint (an emulator, a proxy) has
            # no such operation. Never show the page itself.
            where = f" (HTTP {status or code})" if (status or code.isdigit()) else ""
            return CallFailed(
                Cause.UNSUPPORTED, f"the endpoint does not implement {action}{where}", action, code
            )
        message = one_line(raw)
        lowered = message.lower()
        if code in _ACCESS_DENIED or code.startswith("AccessDenied"):
            return CallFailed(Cause.ACCESS_DENIED, f"access denied to {action}", action, code)
        if code in _THROTTLED:
            return CallFailed(
                Cause.THROTTLED, f"{action} was throttled after retries ({code})", action, code
            )
        if code in _NO_CREDENTIALS:
            return CallFailed(
                Cause.NO_CREDENTIALS,
                f"credentials were refused for {action} ({code}): sign in again",
                action,
                code,
            )
        if code in _UNSUPPORTED or code == "501" or status == 501:
            # HTTP 501 Not Implemented: the endpoint says so itself, whatever its body.
            where = " (HTTP 501)" if code not in _UNSUPPORTED else ""
            return CallFailed(
                Cause.UNSUPPORTED, f"the endpoint does not implement {action}{where}", action, code
            )
        if (code in {"404", "NotFound"} or status == 404) and (
            "not yet implemented" in lowered or "not implemented" in lowered
        ):
            return CallFailed(
                Cause.UNSUPPORTED, f"the endpoint does not implement {action}", action, code
            )
        if (
            code in _NOT_AVAILABLE
            or "not enabled" in lowered
            or "not subscribed" in lowered
            or "opt-in" in lowered
            or "not available in" in lowered
        ):
            return CallFailed(
                Cause.NOT_AVAILABLE,
                f"{action} is not available here ({code}: {message})",
                action,
                code,
            )
        return CallFailed(Cause.ERROR, f"{action} failed ({code}: {message})", action, code)
    if isinstance(error, NotImplementedError):
        return CallFailed(Cause.UNSUPPORTED, f"the endpoint does not implement {action}", action)
    credential_errors: tuple[type[BaseException], ...] = (
        bx.NoCredentialsError,
        bx.PartialCredentialsError,
        bx.CredentialRetrievalError,
        bx.NoAuthTokenError,
        bx.TokenRetrievalError,
        bx.SSOError,
    )
    if isinstance(error, credential_errors):
        return CallFailed(
            Cause.NO_CREDENTIALS, f"no usable credentials for {action}: {error}", action
        )
    if isinstance(
        error,
        bx.ConnectTimeoutError
        | bx.ReadTimeoutError
        | bx.EndpointConnectionError
        | bx.ConnectionClosedError,
    ):
        return CallFailed(Cause.TIMEOUT, f"{action}: endpoint unreachable or too slow", action)
    from botocore.parsers import ResponseParserError

    if isinstance(error, ResponseParserError):
        # Not an AWS answer (a proxy's page, an emulator's plain text): never quote it.
        return CallFailed(
            Cause.ERROR,
            f"the endpoint's answer to {action} is not a valid AWS response",
            action,
        )
    if isinstance(error, bx.UnknownServiceError | bx.DataNotFoundError):
        return CallFailed(Cause.UNSUPPORTED, f"botocore does not know {action}", action)
    return CallFailed(
        Cause.ERROR, f"{action} failed ({type(error).__name__}: {one_line(str(error))})", action
    )


def _freeze(params: dict[str, Any]) -> str:
    return json.dumps(params, sort_keys=True, default=str)


@dataclass
class CallStats:
    """How many calls checks asked for, and how many were actually sent."""

    requested: int = 0
    sent: int = 0
    failed: int = 0


@dataclass
class CallLayer:
    """One scan's cached, paginated, error-mapped access to AWS (thread-safe)."""

    clients: ClientPool
    cancel: threading.Event = field(default_factory=threading.Event)
    stats: CallStats = field(default_factory=CallStats)
    _futures: dict[tuple[str, ...], Future[Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    ahead_workers: int = 8
    """Threads sending the per-resource calls a check will need (`prefetch`) while it
    works through them one by one: a check over 200 buckets waits for about 200 / 8
    round trips instead of 200. 0: none (calls go in the order checks make them, as a
    botocore Stubber expects)."""
    _ahead: ThreadPoolExecutor | None = None

    def once(self, key: tuple[str, ...], compute: Callable[[], T]) -> T:
        """`compute()` at most once per key per scan; concurrent askers wait for the first.

        Failures are remembered too: an AccessDenied is not asked again.
        """
        with self._lock:
            future = self._futures.get(key)
            owner = future is None
            if future is None:
                future = Future()
                self._futures[key] = future
        if owner:
            try:
                future.set_result(compute())
            except BaseException as error:
                if isinstance(error, Cancelled):  # not remembered: a later scan may retry
                    with self._lock:
                        self._futures.pop(key, None)
                future.set_exception(error)
        result: T = future.result()
        return result

    def call(
        self,
        service: str,
        region: str,
        operation: str,
        params: dict[str, Any],
        *,
        fresh: bool = False,
    ) -> dict[str, Any]:
        """The full (all pages) response of `operation`, a snake_case boto3 method name.

        `fresh=True` always sends (for polling, e.g. GenerateCredentialReport).
        """
        with self._lock:
            self.stats.requested += 1
        if fresh:
            return self._send(service, region, operation, params)
        key = ("call", service, region, operation, _freeze(params))
        return self.once(key, lambda: self._send(service, region, operation, params))

    def prefetch(
        self, service: str, region: str, operation: str, many: Iterable[dict[str, Any]]
    ) -> None:
        """Start these calls now, on the layer's own threads, without waiting: the check
        then asks for each with `call` as usual and gets the shared answer (or waits for
        it; a failure is raised there, as if it had sent the call itself). Never sends a
        call twice, and sends nothing once the scan is cancelled."""
        many = list(many)
        if not many or self.ahead_workers < 1 or self.cancel.is_set():
            return
        with self._lock:
            if self._ahead is None:
                self._ahead = ThreadPoolExecutor(self.ahead_workers, thread_name_prefix="ahead")
            ahead = self._ahead
        for params in many:
            key = ("call", service, region, operation, _freeze(params))
            with self._lock:
                if key in self._futures:
                    continue
            try:
                ahead.submit(self._ahead_of, key, service, region, operation, dict(params))
            except RuntimeError:  # closed: the scan is over
                return

    def _ahead_of(
        self, key: tuple[str, ...], service: str, region: str, operation: str, params: Any
    ) -> None:
        if self.cancel.is_set():
            return
        with contextlib.suppress(Exception):  # remembered by `once`; raised to whoever asks
            self.once(key, lambda: self._send(service, region, operation, params))

    def close(self) -> None:
        """Stop the prefetch threads (queued prefetches are dropped; the scan is over)."""
        with self._lock:
            ahead, self._ahead = self._ahead, None
        if ahead is not None:
            ahead.shutdown(wait=False, cancel_futures=True)

    def _send(
        self, service: str, region: str, operation: str, params: dict[str, Any]
    ) -> dict[str, Any]:
        if self.cancel.is_set():
            raise Cancelled()
        client = self.clients.get(service, region)
        api_name = client.meta.method_to_api_mapping.get(operation)
        if api_name is None:
            raise CallFailed(Cause.UNSUPPORTED, f"botocore has no {service}.{operation}", None)
        action = iam_action(service, api_name)
        with self._lock:
            self.stats.sent += 1
        try:
            if client.can_paginate(operation):
                response: dict[str, Any] = (
                    client.get_paginator(operation).paginate(**params).build_full_result()
                )
            else:
                response = getattr(client, operation)(**params)
        except Exception as error:
            with self._lock:
                self.stats.failed += 1
            raise classify(error, action) from error
        response.pop("ResponseMetadata", None)
        return response

    @staticmethod
    def absent(error: CallFailed, codes: Collection[str]) -> bool:
        return error.code is not None and error.code in codes
