"""Recordings: every AWS response a scan received, kept to replay the checks offline.

`pillar scan --record FILE` installs a `Recorder` on every client of the scan; `pillar
scan --replay FILE` installs a `Replayer` instead. Both hook botocore's event system, so
a replayed call runs through botocore exactly as a live one does (parameter validation,
serialization, retries, parsing, pagination, modeled errors); only the bytes on the wire
come from the file:

- `before-parameter-build` (first): the call's key, made from the account label of the
  client pool, the service, region, API operation and the parameters in canonical form
  (timestamps become `<time>`: "the last 90 days" is the same call tomorrow). Pages are
  separate calls: the paginator's token is a parameter.
- `response-received` (Recorder): the HTTP status, the body and only the response
  headers parsing needs; a connection failure is kept as its kind. Every attempt is kept
  in order (a throttle then a success, a report still being generated then complete).
- `before-send` (Replayer): returns the recorded `AWSResponse` (attempts in order, the
  last one repeating) or raises the recorded connection failure; a call the recording
  lacks raises `NotRecorded`, which the check reports as UNKNOWN "not in the recording".

No request is ever written: no signature, credential or header (so no Authorization or
X-Amz-Security-Token). Response bodies that carry credentials (STS AssumeRole and
friends, SSO GetRoleCredentials, ...) are written with every credential value replaced
by `REDACTED`; when a value would survive the redaction the body is not written at all.

A multi-account scan (`--organization`, `--account`) is recorded the same way: each
member's clients and the sts client that assumes its role carry the `Tap`, calls are keyed
by the account they went to, and the file (version 2) lists the accounts and the role
(name and session; whether an external id was given, never its value: `ExternalId` is
keyed as REDACTED). `replay_accounts_scan` scans those accounts again: each member is
reached through its recorded AssumeRole answer (credentials REDACTED, used only to sign
requests the Replayer answers before they are sent).

A recording is gzip-compressed JSON with a format name and version; `load` refuses a
file that is not one, is from a newer pillar, or is damaged or absurd, in one sentence.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import os
import re
import threading
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from checks.calls import NotRecorded
from checks.result import ScanResult

FORMAT = "pillar-recording"
VERSION = 2  # 2: a multi-account scan (accounts, role); one account's scan is still written as 1

# Limits of a file we agree to read: far above any real account, far below a bomb.
MAX_FILE_BYTES = 256 * 1024 * 1024  # compressed
MAX_JSON_BYTES = 2 * 1024 * 1024 * 1024  # decompressed
MAX_CALLS = 1_000_000
MAX_ATTEMPTS = 16  # kept per call (retries, polling)
MAX_BODY_BYTES = 64 * 1024 * 1024
MAX_HEADERS = 32
MAX_NAME = 128

_KEY = "pillar.recording"  # where the call's key travels in botocore's request context

# Response headers parsing can need (besides those the output shape binds, see `_kept`).
_HEADERS = frozenset(
    {
        "content-type",
        "x-amzn-errortype",  # JSON protocols: the error code
        "x-amzn-query-error",  # query-compatible JSON services: the legacy error code
        "x-amz-bucket-region",  # S3 region redirects
        "location",
        "smithy-protocol",
    }
)

# Connection failures, kept as their kind and raised again on replay.
_FAILURES = ("connect_timeout", "read_timeout", "connection_closed", "connection")

# Names of values that are credentials, in XML elements and JSON members alike.
_SECRET_NAMES = (
    "AccessKeyId",
    "SecretAccessKey",
    "SessionToken",
    "accessKeyId",
    "secretAccessKey",
    "sessionToken",
    "SecretKey",
    "secretKey",
    "accessToken",
    "AccessToken",
    "idToken",
    "refreshToken",
    "clientSecret",
    "authorizationToken",
    "Password",
    "password",
)
_SECRET_MARKERS = tuple(name.encode() for name in _SECRET_NAMES)
_SECRET_XML = re.compile(rb"<(" + b"|".join(_SECRET_MARKERS) + rb")>([^<]*)</\1>")
_SECRET_JSON = re.compile(rb'"(' + b"|".join(_SECRET_MARKERS) + rb')"(\s*:\s*)"(?:[^"\\]|\\.)*"')
REDACTED = "REDACTED"
# Request parameters that are shared secrets of a sort: keyed as REDACTED (sts:AssumeRole's
# ExternalId, an MFA code).
_SECRET_PARAMS = frozenset({"ExternalId", "TokenCode", "SerialNumber"})

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class RecordingError(Exception):
    """A recording that cannot be read or written (one sentence)."""

    user_error = True


# --- the file -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reply:
    """One attempt's answer: an HTTP response, or a connection failure (`failure`)."""

    status: int = 0
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    failure: str | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.failure is not None:
            return {"failure": self.failure}
        data: dict[str, Any] = {"status": self.status, "headers": dict(self.headers)}
        try:
            data["body"] = self.body.decode("utf-8")
        except UnicodeDecodeError:  # binary protocols (CBOR) and odd bytes
            data["body_base64"] = base64.b64encode(self.body).decode("ascii")
        return data


@dataclass(frozen=True, slots=True)
class Call:
    """Every attempt of one distinct call, in the order they were received."""

    account: str  # the client pool's account label ("" = the scan's own account)
    service: str
    region: str
    operation: str  # API name, e.g. ListUsers
    params: str  # canonical JSON (see `canonical_params`)
    replies: tuple[Reply, ...]

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.account, self.service, self.region, self.operation, self.params)

    def to_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "service": self.service,
            "region": self.region,
            "operation": self.operation,
            "params": json.loads(self.params),
            "replies": [reply.to_dict() for reply in self.replies],
        }


@dataclass(frozen=True, slots=True)
class RecordedRole:
    """The role a multi-account scan assumed in the other accounts (no external id: only
    whether one was given; the AssumeRole calls are keyed with it redacted)."""

    role_name: str
    session_name: str
    duration_s: int
    external_id: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "role_name": self.role_name,
            "session_name": self.session_name,
            "duration_s": self.duration_s,
            "external_id": self.external_id,
        }


@dataclass(frozen=True, slots=True)
class Recording:
    """What one scan received: its account, regions, when, and every call's replies; for a
    multi-account scan also the accounts scanned (id, name) and the role assumed there."""

    account_id: str
    regions: tuple[str, ...]
    home_region: str
    recorded_at: datetime
    calls: tuple[Call, ...]
    pillar_version: str = ""
    accounts: tuple[tuple[str, str], ...] = ()  # (account id, name), in scan order
    role: RecordedRole | None = None

    @property
    def multi_account(self) -> bool:
        return bool(self.accounts)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": FORMAT,
            "version": 2 if self.multi_account else 1,
            "pillar": self.pillar_version,
            "recorded_at": self.recorded_at.isoformat(),
            "account_id": self.account_id,
            "regions": list(self.regions),
            "home_region": self.home_region,
        }
        if self.multi_account:
            data["accounts"] = [{"account_id": a, "name": n} for a, n in self.accounts]
            data["role"] = self.role.to_dict() if self.role else None
        data["calls"] = [c.to_dict() for c in sorted(self.calls, key=lambda c: c.key)]
        return data

    def services(self) -> tuple[str, ...]:
        return tuple(sorted({c.service for c in self.calls}))


def dumps(recording: Recording) -> bytes:
    """The recording as gzip-compressed JSON (stable order: same scan, same bytes)."""
    text = json.dumps(recording.to_dict(), ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def save(recording: Recording, path: Path) -> int:
    """Write the recording to `path` (atomically: a temporary file renamed); its size."""
    data = dumps(recording)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise RecordingError(
            f"cannot write the recording to {path} ({error.strerror or error})."
        ) from None
    return len(data)


def load(path: Path) -> Recording:
    """Read and validate a recording file; RecordingError (one sentence) if it is not one."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise RecordingError(
                f"{path} is {size:,} bytes, more than a recording can be "
                f"({MAX_FILE_BYTES:,}); it is not a pillar recording."
            )
        data = path.read_bytes()
    except OSError as error:
        raise RecordingError(f"cannot read {path} ({error.strerror or error}).") from None
    return loads(data, str(path))


def _decompress(data: bytes, where: str) -> bytes:
    if data[:2] != b"\x1f\x8b":
        raise RecordingError(f"{where} is not a pillar recording (not gzip-compressed).")
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            while chunk := stream.read(1024 * 1024):
                out.write(chunk)
                if out.tell() > MAX_JSON_BYTES:
                    raise RecordingError(
                        f"{where} expands to more than {MAX_JSON_BYTES:,} bytes; "
                        "it is not a pillar recording."
                    )
    except (OSError, EOFError, zlib.error):
        raise RecordingError(
            f"{where} is damaged (its compressed data is cut or corrupt)."
        ) from None
    return out.getvalue()


def loads(data: bytes, where: str = "the recording") -> Recording:
    """Parse and validate recording bytes (see `load`)."""
    raw = _decompress(data, where)
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        raise RecordingError(f"{where} is damaged (its JSON does not parse).") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise RecordingError(f"{where} is not a pillar recording (no format {FORMAT!r}).")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise RecordingError(f"{where} is damaged (its version is not a positive number).")
    if version > VERSION:
        raise RecordingError(
            f"{where} was made by a newer pillar (recording version {version}; this pillar "
            f"reads up to {VERSION}): upgrade pillar to replay it."
        )
    try:
        return _parse(document)
    except _Bad as bad:
        raise RecordingError(f"{where} is damaged or was tampered with: {bad}.") from None


class _Bad(Exception):
    pass


def _text(value: object, what: str, pattern: re.Pattern[str] | None = _NAME) -> str:
    if not isinstance(value, str):
        raise _Bad(f"{what} is not text")
    if pattern is not None and not pattern.match(value):
        raise _Bad(f"{what} {value[:40]!r} is not a valid name")
    return value


def _parse(document: dict[str, Any]) -> Recording:
    account_id = document.get("account_id")
    if not isinstance(account_id, str) or not re.fullmatch(r"\d{12}|", account_id):
        raise _Bad("the account id is not 12 digits")
    regions = document.get("regions")
    if not isinstance(regions, list) or not regions or len(regions) > 64:
        raise _Bad("the regions are not a list of 1 to 64 names")
    region_names = tuple(_text(r, "a region") for r in regions)
    home = _text(document.get("home_region"), "the home region")
    try:
        recorded_at = datetime.fromisoformat(str(document.get("recorded_at")))
    except ValueError:
        raise _Bad("the recording date is not a date") from None
    if recorded_at.tzinfo is None:
        recorded_at = recorded_at.replace(tzinfo=UTC)
    calls = document.get("calls")
    if not isinstance(calls, list):
        raise _Bad("the calls are not a list")
    if len(calls) > MAX_CALLS:
        raise _Bad(f"it holds {len(calls):,} calls (at most {MAX_CALLS:,})")
    parsed: dict[tuple[str, str, str, str, str], Call] = {}
    for index, item in enumerate(calls):
        call = _parse_call(item, index)
        if call.key in parsed:
            raise _Bad(f"call {index} repeats an earlier call")
        parsed[call.key] = call
    pillar = document.get("pillar", "")
    accounts, role = _parse_accounts(document)
    return Recording(
        account_id=account_id,
        regions=region_names,
        home_region=home,
        recorded_at=recorded_at,
        calls=tuple(parsed.values()),
        pillar_version=pillar if isinstance(pillar, str) else "",
        accounts=accounts,
        role=role,
    )


_ROLE_NAME = re.compile(r"^[\w+=,.@/-]{1,512}$")
_SESSION_NAME = re.compile(r"^[\w+=,.@-]{2,64}$")


def _parse_accounts(
    document: dict[str, Any],
) -> tuple[tuple[tuple[str, str], ...], RecordedRole | None]:
    """The accounts and role of a multi-account recording (none in a one-account one)."""
    raw = document.get("accounts")
    if raw is None:
        return (), None
    if not isinstance(raw, list) or not 1 <= len(raw) <= 10_000:
        raise _Bad("the accounts are not a list of 1 to 10,000 accounts")
    accounts: list[tuple[str, str]] = []
    for item in raw:
        if not isinstance(item, dict):
            raise _Bad("an account is not an object")
        account_id, name = item.get("account_id"), item.get("name", "")
        if not isinstance(account_id, str) or not re.fullmatch(r"\d{12}", account_id):
            raise _Bad("an account id is not 12 digits")
        if not isinstance(name, str) or len(name) > 256:
            raise _Bad("an account name is not text of at most 256 characters")
        accounts.append((account_id, name))
    if len({a for a, _ in accounts}) != len(accounts):
        raise _Bad("an account is listed twice")
    role = document.get("role")
    if not isinstance(role, dict):
        raise _Bad("a multi-account recording names no role")
    role_name, session_name = role.get("role_name"), role.get("session_name")
    duration, external_id = role.get("duration_s"), role.get("external_id", False)
    if not isinstance(role_name, str) or not _ROLE_NAME.match(role_name):
        raise _Bad("the role name is not an IAM role name")
    if not isinstance(session_name, str) or not _SESSION_NAME.match(session_name):
        raise _Bad("the role session name is not valid")
    if isinstance(duration, bool) or not isinstance(duration, int) or not 900 <= duration <= 43200:
        raise _Bad("the role session duration is not 900 to 43200 seconds")
    if not isinstance(external_id, bool):
        raise _Bad("the role's external id flag is not true or false")
    return tuple(accounts), RecordedRole(role_name, session_name, duration, external_id)


def _parse_call(item: object, index: int) -> Call:
    if not isinstance(item, dict):
        raise _Bad(f"call {index} is not an object")
    account = item.get("account", "")
    if not isinstance(account, str) or not re.fullmatch(r"\d{12}|", account):
        raise _Bad(f"call {index} has an account that is not 12 digits")
    params = item.get("params")
    if not isinstance(params, dict):
        raise _Bad(f"call {index} has parameters that are not an object")
    replies = item.get("replies")
    if not isinstance(replies, list) or not 1 <= len(replies) <= MAX_ATTEMPTS:
        raise _Bad(f"call {index} does not have 1 to {MAX_ATTEMPTS} replies")
    return Call(
        account=account,
        service=_text(item.get("service"), f"call {index}'s service"),
        region=_text(item.get("region"), f"call {index}'s region"),
        operation=_text(item.get("operation"), f"call {index}'s operation"),
        params=_dump(params),
        replies=tuple(_parse_reply(r, index) for r in replies),
    )


def _parse_reply(item: object, index: int) -> Reply:
    if not isinstance(item, dict):
        raise _Bad(f"a reply of call {index} is not an object")
    failure = item.get("failure")
    if failure is not None:
        if failure not in _FAILURES:
            raise _Bad(f"a reply of call {index} has an unknown failure {str(failure)[:40]!r}")
        return Reply(failure=str(failure))
    status = item.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise _Bad(f"a reply of call {index} has no HTTP status (100-599)")
    headers = item.get("headers", {})
    if not isinstance(headers, dict) or len(headers) > MAX_HEADERS:
        raise _Bad(f"a reply of call {index} has headers that are not a small object")
    pairs: list[tuple[str, str]] = []
    for name, value in headers.items():
        if not isinstance(value, str) or len(name) > MAX_NAME or len(value) > 4096:
            raise _Bad(f"a reply of call {index} has an invalid header")
        if any(ch in name + value for ch in "\r\n\x00"):
            raise _Bad(f"a reply of call {index} has a header with line breaks")
        pairs.append((name.lower(), value))
    if "body_base64" in item:
        encoded = item["body_base64"]
        if not isinstance(encoded, str) or len(encoded) > MAX_BODY_BYTES * 4 // 3 + 4:
            raise _Bad(f"a reply of call {index} has an invalid body")
        try:
            body = base64.b64decode(encoded, validate=True)
        except ValueError:
            raise _Bad(f"a reply of call {index} has a body that is not base64") from None
    else:
        text = item.get("body", "")
        if not isinstance(text, str) or len(text) > MAX_BODY_BYTES:
            raise _Bad(f"a reply of call {index} has an invalid body")
        body = text.encode("utf-8")
    if b"<!DOCTYPE" in body[:4096] or b"<!ENTITY" in body:
        raise _Bad(f"a reply of call {index} declares XML entities")
    return Reply(status=status, headers=tuple(pairs), body=body)


# --- canonical keys -----------------------------------------------------------------


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _canonical(value: Any, shape: Any) -> Any:
    kind = getattr(shape, "type_name", None)
    if kind == "timestamp" or isinstance(value, datetime | date):
        return "<time>"
    if isinstance(value, Mapping):
        members = getattr(shape, "members", None) if kind == "structure" else None
        inner = getattr(shape, "value", None) if kind == "map" else None
        return {
            str(k): _canonical(v, members.get(k) if members is not None else inner)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_canonical(v, getattr(shape, "member", None)) for v in value]
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def canonical_params(params: Mapping[str, Any], input_shape: Any = None) -> str:
    """The parameters of a call as stable JSON: keys sorted, timestamps as `<time>`."""
    return _dump(_canonical(dict(params), input_shape))


# --- taps: what a ClientPool installs on each client it builds ----------------------


class Tap:
    """Hooks a ClientPool installs on every client it builds (record or replay)."""

    def install(self, client: Any, service: str, region: str, account: str) -> None:
        def remember(params: Any, model: Any, context: Any, **_: Any) -> None:
            shape = model.input_shape
            keyed = params
            if _SECRET_PARAMS.intersection(params):  # never written, replayed without it
                keyed = {k: REDACTED if k in _SECRET_PARAMS else v for k, v in params.items()}
            key = (account, service, region, str(model.name), canonical_params(keyed, shape))
            context[_KEY] = (key, model)

        client.meta.events.register_first(
            "before-parameter-build", remember, unique_id="pillar-recording-key"
        )
        self._hook(client)

    def _hook(self, client: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


def _kept(model: Any, headers: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """Only the response headers parsing needs: no request id, date or anything else."""
    wanted = set(_HEADERS)
    prefixes: list[str] = []
    shape = model.output_shape
    for member in getattr(shape, "members", {}).values():
        location = member.serialization.get("location")
        name = str(member.serialization.get("name", "")).lower()
        if location == "header" and name:
            wanted.add(name)
        elif location == "headers":  # a map of headers with a prefix (x-amz-meta-)
            prefixes.append(name)
    return tuple(
        sorted(
            (name.lower(), str(value))
            for name, value in headers.items()
            if name.lower() in wanted or any(name.lower().startswith(p) for p in prefixes if p)
        )
    )


def redact(body: bytes) -> bytes:
    """Every credential value in an XML or JSON body replaced by REDACTED."""
    if not any(marker in body for marker in _SECRET_MARKERS):
        return body
    body = _SECRET_XML.sub(rb"<\1>" + REDACTED.encode() + rb"</\1>", body)
    return _SECRET_JSON.sub(rb'"\1"\2"' + REDACTED.encode() + rb'"', body)


def _secret_values(parsed: Any) -> Iterable[str]:
    """Every text value under a credential-named key (AccessKeyId, SessionToken, ...)."""
    if isinstance(parsed, Mapping):
        for key, value in parsed.items():
            if str(key) in _SECRET_NAMES and isinstance(value, str):
                if len(value) >= 4 and value != REDACTED:
                    yield value
            else:
                yield from _secret_values(value)
    elif isinstance(parsed, list | tuple):
        for value in parsed:
            yield from _secret_values(value)


def _failure_kind(error: BaseException) -> str | None:
    """The kind of a connection failure; None for anything else (not recorded)."""
    from botocore import exceptions as bx

    if not isinstance(error, bx.HTTPClientError | bx.ConnectionError):
        return None
    if isinstance(error, bx.ConnectTimeoutError):
        return "connect_timeout"
    if isinstance(error, bx.ReadTimeoutError):
        return "read_timeout"
    if isinstance(error, bx.ConnectionClosedError):
        return "connection_closed"
    return "connection"


@dataclass
class Recorder(Tap):
    """Collects every response the scan's clients receive (thread-safe)."""

    _replies: dict[tuple[str, str, str, str, str], list[Reply]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    withheld: int = 0  # bodies not written because a credential would have survived

    def _hook(self, client: Any) -> None:
        client.meta.events.register("response-received", self._received)

    def _received(
        self,
        response_dict: Mapping[str, Any] | None,
        parsed_response: Any,
        context: Mapping[str, Any],
        exception: BaseException | None,
        **_: Any,
    ) -> None:
        remembered = context.get(_KEY)
        if remembered is None:
            return
        key, model = remembered
        if response_dict is None:
            kind = None if exception is None else _failure_kind(exception)
            if kind is None:  # not an answer from AWS (e.g. an emulator's own error)
                return
            reply = Reply(failure=kind)
        else:
            body = response_dict.get("body", b"")
            if not isinstance(body, bytes):  # streaming output: never read by checks
                return
            clean = redact(body)
            if any(secret.encode() in clean for secret in _secret_values(parsed_response)):
                with self._lock:
                    self.withheld += 1
                return
            reply = Reply(
                status=int(response_dict.get("status_code", 0)),
                headers=_kept(model, response_dict.get("headers", {})),
                body=clean,
            )
        with self._lock:
            replies = self._replies.setdefault(key, [])
            if len(replies) < MAX_ATTEMPTS:
                replies.append(reply)

    def recording(
        self,
        account_id: str,
        regions: Iterable[str],
        home_region: str,
        pillar_version: str = "",
        *,
        accounts: Iterable[tuple[str, str]] = (),
        role: RecordedRole | None = None,
    ) -> Recording:
        with self._lock:
            calls = tuple(
                Call(*key, replies=tuple(replies)) for key, replies in self._replies.items()
            )
        return Recording(
            account_id=account_id,
            regions=tuple(regions),
            home_region=home_region,
            recorded_at=datetime.now(UTC),
            calls=calls,
            pillar_version=pillar_version,
            accounts=tuple(accounts),
            role=role,
        )


class _Body:
    """The raw stream botocore reads a replayed body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterable[bytes]:
        yield self._body

    def read(self, *_: Any, **__: Any) -> bytes:
        body, self._body = self._body, b""
        return body


@dataclass
class Replayer(Tap):
    """Answers every call from a recording; nothing goes to the network."""

    recording: Recording
    misses: set[tuple[str, str, str, str, str]] = field(default_factory=set)
    _index: dict[tuple[str, str, str, str, str], tuple[Reply, ...]] = field(default_factory=dict)
    _cursor: dict[tuple[str, str, str, str, str], int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._index = {call.key: call.replies for call in self.recording.calls}

    def _hook(self, client: Any) -> None:
        client.meta.events.register_first("before-send", self._answer, unique_id="pillar-replay")

    def _answer(self, request: Any, **_: Any) -> Any:
        from botocore import exceptions as bx
        from botocore.awsrequest import AWSResponse

        remembered = getattr(request, "context", {}).get(_KEY)
        if remembered is None:  # a call made without our key (should not happen)
            raise NotRecorded("this call is not in the recording")
        key, model = remembered
        with self._lock:
            replies = self._index.get(key)
            if replies is None:
                self.misses.add(key)
                raise NotRecorded(f"{key[1]} {model.name} in {key[2]} is not in the recording")
            attempt = self._cursor.get(key, 0)
            self._cursor[key] = attempt + 1
        reply = replies[min(attempt, len(replies) - 1)]
        if reply.failure is not None:
            url = str(request.url)
            failures: dict[str, Exception] = {
                "connect_timeout": bx.ConnectTimeoutError(endpoint_url=url),
                "read_timeout": bx.ReadTimeoutError(endpoint_url=url),
                "connection_closed": bx.ConnectionClosedError(endpoint_url=url),
            }
            raise failures.get(reply.failure, bx.EndpointConnectionError(endpoint_url=url))
        return AWSResponse(request.url, reply.status, dict(reply.headers), _Body(reply.body))


def replay_session(recording: Recording) -> Any:
    """A boto3 Session that needs no credentials and reads no AWS config or profile.

    Its static keys are placeholders (`pillar-replay`): requests are signed locally and
    never sent, since the Replayer answers every call before it reaches the network.
    """
    import boto3
    import botocore.session

    # No profile (AWS_PROFILE is ignored) and no config or credentials file.
    core = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
    core.set_config_variable("config_file", os.devnull)
    core.set_config_variable("credentials_file", os.devnull)
    return boto3.Session(
        aws_access_key_id="pillar-replay",
        aws_secret_access_key="pillar-replay",
        region_name=recording.home_region,
        botocore_session=core,
    )


def replay_connect(recording: Recording, options: Any = None) -> tuple[Any, Replayer]:
    """Connect to a recording as if to its account: (Aws, the Replayer answering it).

    Regions default to the recording's; asking for a region it lacks is refused. Checks
    judge ages as of the recording's time (`Aws.as_of`), so a replay is reproducible.
    """
    from dataclasses import replace as copy

    from checks.session import AwsOptions, connect

    options = options or AwsOptions()
    missing = [r for r in options.regions if r not in recording.regions]
    if missing:
        raise RecordingError(
            f"the recording has no region {', '.join(missing)}; it holds "
            f"{', '.join(recording.regions)}."
        )
    options = copy(
        options,
        profile=None,
        endpoint_url=None,
        regions=options.regions or recording.regions,
    )
    replayer = Replayer(recording)
    aws = connect(options, session=replay_session(recording), tap=replayer)
    aws.as_of = recording.recorded_at  # ages as they were when the data was recorded
    return aws, replayer


def replay_accounts_scan(
    recording: Recording, checks: Any, options: Any = None, **scan: Any
) -> tuple[ScanResult, Replayer]:
    """Run `checks` on a multi-account recording: the accounts it recorded, each member
    reached through its recorded AssumeRole answer (credentials REDACTED, never sent
    anywhere) and answered from its own calls. No network, no credentials, no AWS config.
    `scan` goes to checks.accounts.AccountsScan (concurrency, progress, cancel...).
    Returns (ScanResult, the Replayer: its `misses` are the calls the recording lacks)."""
    from checks.accounts import AccountsScan, Members, RoleOptions, Target

    if not recording.multi_account or recording.role is None:
        raise RecordingError("the recording holds one account's scan, not many.")
    aws, replayer = replay_connect(recording, options)
    recorded = recording.role
    role = RoleOptions(
        role_name=recorded.role_name,
        external_id=REDACTED if recorded.external_id else None,
        session_name=recorded.session_name,
        duration_s=recorded.duration_s,
    )
    members = Members(aws, role, tap=replayer, replaying=True)
    targets = [Target(account_id, name) for account_id, name in recording.accounts]
    result = AccountsScan(aws, targets, checks, members=members, **scan).run()
    return result, replayer
