"""Small helpers shared by several service modules (lists, ARNs, short listings,
"any mechanism found" verdicts). Concepts (policies, rules, dates, secrets) live in
checks/lib."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from checks.calls import CallFailed
from checks.declare import Fail, Judgement, Pass
from checks.registry import Context, Outcome, Verdict, failed, passed
from checks.result import Resource, Status


def _first_error(errors: list[CallFailed]) -> CallFailed | None:
    return errors[0] if errors else None


def _try(errors: list[CallFailed], read: Any) -> Any:
    """Run one source of a multi-source check; an error is kept for later, not raised."""
    try:
        return read()
    except CallFailed as error:
        errors.append(error)
        return None


def _found_or_fail(
    found: list[Resource], errors: list[CallFailed], absent: Resource, missing: list[str]
) -> Outcome:
    """Any mechanism found: PASS (naming what is missing); none and an error: UNKNOWN."""
    if found:
        reason = f"{len(found)} found" + (f"; not found: {', '.join(missing)}" if missing else "")
        if errors:
            reason += f"; could not read: {', '.join(str(e.action or e.message) for e in errors)}"
        return Verdict(Status.PASS, reason, tuple(found))
    error = _first_error(errors)
    if error is not None:
        raise error
    return [absent]


def policy_document(response: dict[str, Any] | None, key: str) -> Any:
    """The policy of a "get policy" answer, for `resource_policies`: None when the call
    said the resource has none (`call_if_exists` gave None); the document otherwise; and
    when the answer holds no document at all, an unreadable one ({}), so the resource is
    undecided, never "no policy"."""
    if response is None:
        return None
    value = response.get(key)
    return {} if value is None or value == "" else value


MAX_LISTED = 5


def _list(response: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = response.get(key) or []
    return [item for item in value if isinstance(item, dict)]


def _arn(ctx: Context, service: str, kind: str, ident: str, owner: str | None = None) -> str:
    return f"arn:{ctx.partition}:{service}:{ctx.region}:{owner or ctx.account_id}:{kind}/{ident}"


def _few(items: Iterable[str]) -> str:
    items = list(dict.fromkeys(items))
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")


def _plural(count: int, word: str, plural: str = "") -> str:
    return f"{count} {word}" if count == 1 else f"{count} {plural or word + 's'}"


CLASSIFICATION_KEY = re.compile(r"classif|sensitiv", re.IGNORECASE)


def _classification(tags: Iterable[dict[str, Any]], key: str = "Key") -> str | None:
    """`key=value` of the first tag whose key names a classification or sensitivity."""
    for tag in tags:
        name = str(tag.get(key, tag.get("key", "")))
        if CLASSIFICATION_KEY.search(name):
            value = tag.get("Value", tag.get("value", ""))
            return f"{name}={value}"
    return None


def classified(tags: Iterable[dict[str, Any]], what: str) -> Judgement:
    """A resource's classification tag, judged (for `checks.declare` judges)."""
    label = _classification(tags)
    if label:
        return Pass(f"{what} tagged {label}")
    return Fail(f"{what} has no classification or sensitivity tag")


def _classified(arn: str, tags: Iterable[dict[str, Any]], what: str) -> Resource:
    label = _classification(tags)
    if label:
        return passed(arn, f"{what} tagged {label}")
    return failed(arn, f"{what} has no classification or sensitivity tag")


def across_regions(
    ctx: Context, service: str, operation: str, key: str, **params: Any
) -> tuple[list[tuple[str, dict[str, Any]]], list[CallFailed]]:
    """Items of one list call in every scanned region, and the regions' errors."""
    items: list[tuple[str, dict[str, Any]]] = []
    problems: list[CallFailed] = []
    for region in ctx.regions or (ctx.region,):
        try:
            response = ctx.call(service, operation, region=region, **params)
        except CallFailed as error:
            problems.append(error)
            continue
        items += [(region, item) for item in response.get(key, [])]
    return items, problems
