"""The compact form of the common check: list resources -> judge each -> pass / fail.

Most checks list one kind of resource (sometimes fetching a detail per resource) and judge
each one. Written that way, a check states its calls as data and its judgement as a small
function; the IAM actions and boto3 services are derived from the calls (`iam_action`),
never written twice:

    QUEUES = Resources(
        Call("sqs", "ListQueues", "QueueUrls"),  # service, API operation, result key
        details={  # per-resource calls, by name: the judge reads r["attributes"]
            "attributes": Call(
                "sqs", "GetQueueAttributes", "Attributes",
                each=lambda r: {"QueueUrl": r.listed, "AttributeNames": ["All"]},
            )
        },
        id=lambda r: r["attributes"].get("QueueArn") or r.listed,  # or a key: id="TopicArn"
    )

    @per_resource("sqs.queue_encryption", "SQS queues use server-side encryption",
                  bps=("SEC08-BP02",), over=QUEUES)
    def queue_encryption(r: Found) -> Judgement:
        if r["attributes"].get("KmsMasterKeyId"):
            return Pass("SSE-KMS")
        return Fail("queue has no server-side encryption")

`per_resource` registers an ordinary `Check` through `registry.check` (same validation:
read-only actions, known best practices, id form), so the runner, the read-only guard
(`Context._declared` refuses any call outside the derived actions), the AccessDenied and
nothing-to-examine tests, advisory handling and recordings work unchanged:

- every call goes through `ctx.call` (shared, paginated, errors -> UNKNOWN with the cause;
  AccessDenied names the IAM action), `ctx.call_items` when the call follows a `token`,
  and a per-resource call with `absent` codes gives the judge `None` ("there is none");
- the judge returns `Pass(detail)`, `Fail(detail)`, `Undecided(why)` (the check is then
  UNKNOWN unless another resource fails: use it for unreadable data, never Pass), or
  `None` for a resource it does not examine (none examined: NOT_APPLICABLE, or `none=`);
- a judge that needs another call declares it in `reads=` and makes it with
  `r.read(call, **params)`; helpers written free-form that make their own calls are
  declared visibly with `extra_actions=` / `extra_services=`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from checks.calls import CallFailed, UndeclaredCall, iam_action
from checks.registry import (
    Context,
    Outcome,
    Scope,
    check,
    failed,
    not_applicable,
    passed,
    undecided,
)
from checks.result import Cause, Resource

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class Pass:
    """The resource meets the check; `detail` says why (one line)."""

    detail: str = ""


@dataclass(frozen=True, slots=True)
class Fail:
    """The resource is wrong; `detail` says what (one line)."""

    detail: str


@dataclass(frozen=True, slots=True)
class Undecided:
    """The resource cannot be judged from what AWS gave (an unreadable value): UNKNOWN."""

    why: str


Judgement = Pass | Fail | Undecided


@dataclass(frozen=True, eq=False)
class Call:
    """One AWS read, declared: boto3 `service`, API `operation` as IAM and botocore's model
    spell it ("ListQueues"), and the `key` of the response to keep (a response member, or
    a JMESPath like "Reservations[].Instances[]"; None keeps the whole response).

    - `params`: fixed parameters; `each`: the parameters of a per-resource call, from the
      resource so far (`Found`), e.g. `each=lambda r: {"QueueUrl": r.listed}`.
    - `token`: for the few operations botocore has no paginator for, the token to follow
      ("NextToken", "NextMarker", ...): every page's items under `key` are merged.
    - `absent`: error codes meaning "there is none" (NoSuchEntity...): the value is None.
    """

    service: str
    operation: str
    key: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    each: Callable[[Found], Mapping[str, Any]] | None = None
    token: str | None = None
    absent: Collection[str] = frozenset()

    @property
    def action(self) -> str:
        """The IAM action this call needs, derived (e.g. sqs:GetQueueAttributes)."""
        return iam_action(self.service, self.operation)

    @cached_property
    def method(self) -> str:
        """The boto3 method name (botocore derives its method names the same way)."""
        from botocore import xform_name

        return str(xform_name(self.operation))

    @cached_property
    def _path(self) -> Any:
        if self.key is None or _PLAIN_KEY.match(self.key):
            return None
        import jmespath

        return jmespath.compile(self.key)

    def pick(self, response: Mapping[str, Any]) -> Any:
        """The part of a response this call keeps."""
        if self.key is None:
            return response
        if self._path is None:
            return response.get(self.key)
        return self._path.search(response)

    def prefetch(self, ctx: Context, many: Iterable[Mapping[str, Any]]) -> None:
        """Start this call for each of `many` params now, several at once (`read` then
        finds them ready). Calls followed page by page (`token`) are read when asked."""
        if self.token is None:
            ctx.prefetch(self.service, self.method, [{**self.params, **params} for params in many])

    def read(self, ctx: Context, params: Mapping[str, Any], region: str | None = None) -> Any:
        """Send (or share) the call: the picked value; None for an `absent` error code."""
        merged = {**self.params, **params}
        if self.token is not None:
            return ctx.call_items(
                self.service, self.method, str(self.key), token=self.token, region=region, **merged
            )
        try:
            response = ctx.call(self.service, self.method, region=region, **merged)
        except CallFailed as error:
            if self.absent and error.code is not None and error.code in self.absent:
                return None
            raise
        return self.pick(response)


IdSpec = str | tuple[str, ...] | Callable[["Found"], str] | None


@dataclass(eq=False)
class Found:
    """One listed resource on its way to a judgement: what the listing gave (`listed`, a
    dict or a plain string such as a queue URL), its details by name (`r["attributes"]`;
    None when AWS said there is none), its resource id once named, and the `kind` label of
    the `Resources` it came from."""

    ctx: Context
    listed: Any
    kind: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    _reads: tuple[Call, ...] = ()
    _id_spec: IdSpec = None
    _id: str | None = None

    @property
    def id(self) -> str:
        """The resource id, named on first use (so a detail call's `each` can use it, and an
        id made from a detail can be named once that detail is read)."""
        if self._id is None:
            self._id = _name(self._id_spec, self)
        return self._id

    def __getitem__(self, name: str) -> Any:
        return self.details[name]

    def get(self, key: str, default: Any = None) -> Any:
        """A field of the listed entry (when it is a dict)."""
        return self.listed.get(key, default) if isinstance(self.listed, dict) else default

    def read(self, call: Call, *, region: str | None = None, **params: Any) -> Any:
        """Another call the judge needs: only one declared in `reads=` of its check."""
        if not any(call is declared for declared in self._reads):
            raise UndeclaredCall(
                f"check {self.ctx.check.id} reads {call.action} without declaring it in reads="
            )
        return call.read(self.ctx, params, region)


def _name(spec: IdSpec, found: Found) -> str:
    if spec is None:
        return str(found.listed)
    if callable(spec):
        return str(spec(found))
    keys = (spec,) if isinstance(spec, str) else spec
    value: Any = None
    for key in keys:  # the first non-empty one, as `a or b or c` would give
        value = found.get(key)
        if value:
            break
    return str(value)


@dataclass(frozen=True, eq=False)
class Resources:
    """How to list one kind of resource, shared by the checks that judge it.

    - `listing`: the call that lists them (`key` = the list in the response).
    - `details`: per-resource calls every check over these resources needs (DescribeTable
      after ListTables, GetQueueAttributes after ListQueues), by name.
    - `id`: the resource id shown (the ARN when there is one): a key of the listed entry,
      keys tried in order (the first non-empty), or a function of the `Found`; None: the
      listed entry itself (a name, a URL).
    - `keep`: which listed entries to examine (before any detail call), e.g. manual
      snapshots only.
    - `kind`: a label the judge can read as `r.kind` ("cluster", "instance").
    - `reads`: calls `id`, `keep` or the details' `each` make with `r.read`.
    - `all_regions`: list in every scanned region (a GLOBAL check over resources every
      region shows, such as CloudTrail trails and their shadow copies): once per id.
    """

    listing: Call
    details: Mapping[str, Call] = field(default_factory=dict)
    id: IdSpec = None
    keep: Callable[[Found], bool] | None = None
    kind: str = ""
    reads: Sequence[Call] = ()
    all_regions: bool = False

    @property
    def calls(self) -> tuple[Call, ...]:
        """Every call listing these resources makes (`keep`'s reads come before details)."""
        return (self.listing, *self.reads, *self.details.values())

    def entries(self, ctx: Context) -> list[Any]:
        """What the listing gives, as it gives it (no details, nothing left out); with
        `all_regions`, every scanned region's in turn."""
        regions: Sequence[str | None] = (
            (ctx.regions or (ctx.region,)) if self.all_regions else (None,)
        )
        entries: list[Any] = []
        for region in regions:
            listed = self.listing.read(ctx, {}, region)
            if listed is None:
                continue
            if not isinstance(listed, list):
                raise CallFailed(
                    Cause.ERROR,
                    f"{self.listing.action} gave no list under {self.listing.key}",
                    self.listing.action,
                )
            entries += listed
        return entries

    def found(self, ctx: Context, reads: tuple[Call, ...] = ()) -> Iterator[Found]:
        """Every resource listed that `keep` keeps, with its details (with `all_regions`,
        once per id: the first region's copy)."""
        seen: set[str] = set()
        kept: list[Found] = []
        for entry in self.entries(ctx):
            found = Found(ctx, entry, self.kind, _reads=(*self.reads, *reads), _id_spec=self.id)
            if self.all_regions:
                if found.id in seen:
                    continue
                seen.add(found.id)
            if self.keep is not None and not self.keep(found):
                continue
            kept.append(found)
        for n, found in enumerate(kept):
            for name, call in self.details.items():
                found.details[name] = call.read(ctx, call.each(found) if call.each else {})
            if n == 0:
                prefetch_details(ctx, self.details, kept[1:])
            yield found


def prefetch_details(ctx: Context, details: Mapping[str, Call], found: Sequence[Found]) -> None:
    """Start these resources' detail calls at once (a call per resource and detail).

    Callers read the first resource's details themselves before: a role refused them
    stops the check at one refused call, not one per resource."""
    if not found:
        return
    for call in details.values():
        call.prefetch(ctx, [call.each(f) if call.each else {} for f in found])


Judge = Callable[[Found], Judgement | None]
_RESOURCE = {Pass: passed, Fail: failed, Undecided: undecided}


def actions_of(*calls: Call | Resources) -> tuple[str, ...]:
    """The IAM actions of declared calls (or of everything `Resources` call), in order:
    for a check written free-form that reuses declared calls."""
    flat = [c for item in calls for c in (item.calls if isinstance(item, Resources) else (item,))]
    return tuple(dict.fromkeys(c.action for c in flat))


def per_resource(
    id: str,
    title: str,
    *,
    bps: Sequence[str],
    over: Resources | Sequence[Resources],
    details: Mapping[str, Call] | None = None,
    keep: Callable[[Found], bool] | None = None,
    reads: Sequence[Call] = (),
    scope: Scope = Scope.REGIONAL,
    service: str | None = None,
    advisory: bool = False,
    none: str | None = None,
    missing: str | None = None,
    extra_actions: Sequence[str] = (),
    extra_services: Sequence[str] = (),
) -> Callable[[Judge], Judge]:
    """Register a check that judges every resource of `over` (one `Resources`, or several
    judged alike, e.g. RDS clusters and instances) with the decorated judge.

    `details` are per-resource calls this check alone needs (after `keep`, which chooses
    the resources it examines); `reads` are calls the judge makes with `r.read`. The
    check's actions and services are those of every call declared (listing, details,
    reads, in that order) plus `extra_actions` / `extra_services` for helpers written
    free-form. `service` (shown with results) defaults to the first listing's. When
    nothing is examined: NOT_APPLICABLE ("nothing to examine", or the reason `none`), or,
    with `missing`, a FAIL of the account (region) saying what is missing, for a control
    that should exist (an analyzer, a detector: advisory=True when it is optional).
    """
    if none is not None and missing is not None:
        raise ValueError(f"check {id!r}: none= and missing= exclude each other")
    kinds = (over,) if isinstance(over, Resources) else tuple(over)
    if not kinds:
        raise ValueError(f"check {id!r}: over= names no resources")
    own = dict(details or {})
    for name, call in own.items():
        if call.each is None:
            raise ValueError(f"check {id!r}: detail {name!r} has no each= (per-resource params)")
    calls = [c for kind in kinds for c in kind.calls] + [*own.values(), *reads]
    shown = service or kinds[0].listing.service
    services = tuple(dict.fromkeys([shown, *(c.service for c in calls), *extra_services]))
    read_calls = tuple(reads)

    def register(judge: Judge) -> Judge:
        def run(ctx: Context) -> Outcome:
            found: list[Resource] = []
            for kind in kinds:
                kept = [
                    resource
                    for resource in kind.found(ctx, read_calls)
                    if keep is None or keep(resource)
                ]
                for n, resource in enumerate(kept):
                    for name, call in own.items():
                        params = call.each(resource) if call.each else {}
                        resource.details[name] = call.read(ctx, params)
                    if n == 0:
                        prefetch_details(ctx, own, kept[1:])
                    judgement = judge(resource)
                    if judgement is None:
                        continue
                    text = judgement.why if isinstance(judgement, Undecided) else judgement.detail
                    found.append(_RESOURCE[type(judgement)](resource.id, text))
            if not found and none is not None:
                return not_applicable(none)
            if not found and missing is not None:
                return [failed(ctx.where, missing)]
            return found

        run.__module__ = judge.__module__
        run.__name__ = run.__qualname__ = judge.__name__
        run.__doc__ = judge.__doc__
        check(
            id,
            title,
            bps=bps,
            service=shown,
            scope=scope,
            actions=tuple(dict.fromkeys((*actions_of(*calls), *extra_actions))),
            services=services,
            advisory=advisory,
        )(run)
        DECLARED[id] = tuple(calls)
        return judge

    return register


DECLARED: dict[str, tuple[Call, ...]] = {}
"""Every compact check's declared calls, by check id (tests check them against botocore)."""
