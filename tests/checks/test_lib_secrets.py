"""checks.lib.secrets: one secret-name heuristic for every service."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.lib.secrets import (
    SECRET_WORDS,
    holds_a_literal,
    plaintext_secrets,
    secret_like_name,
    words,
)

SECRETS = [
    "DB_PASSWORD",
    "DB_PASS",
    "db_pass",
    "MYSQL_PWD",
    "dbPassword",
    "API_KEY",
    "apiKey",
    "STRIPE_API_KEY",
    "GITHUB_TOKEN",
    "githubToken",
    "slackToken",
    "NPM_TOKEN",
    "CLIENT_SECRET",
    "client-secret",
    "JWT_SECRET",
    "PRIVATE_KEY",
    "AWS_SECRET_ACCESS_KEY",
    "APIKEY",
    "SERVICE_CREDENTIALS",
    "passwd",
    "PASSWORD2",
]
NOT_SECRETS = [
    "DB_SECRET_ARN",
    "DB_PASSWORD_ARN",
    "SECRET_NAME",
    "TOKEN_URL",
    "PASSWORD_PARAMETER",
    "API_KEY_SSM_PATH",
    "PASSWORD_MIN_LENGTH",
    "TOKEN_TTL",
    "BYPASS",
    "COMPASS_URL",
    "PRIMARY_KEY",
    "LOG_LEVEL",
    "KMS_KEY_ID",
    "NODE_ENV",
    "PWD",
    "PASS",
    "KEYBOARD",
    "AUTHOR",
    "",
]


@pytest.mark.parametrize("name", SECRETS)
def test_secret_like_names(name):
    assert secret_like_name(name)


@pytest.mark.parametrize("name", NOT_SECRETS)
def test_reference_and_plain_names_are_not_secrets(name):
    assert not secret_like_name(name)


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("hunter2", True),
        ("", False),
        (None, False),
        ("true", False),
        ("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db", False),
        ("{{resolve:secretsmanager:db}}", False),
        ("/prod/db/password", False),
    ],
)
def test_values_are_only_classified(value, literal):
    assert holds_a_literal(value) is literal


_word = st.sampled_from(["db", "app", "prod", "my", "stripe", "github", "service"])
_secret = st.sampled_from(sorted(SECRET_WORDS - {"pwd", "pass"}))
_reference = st.sampled_from(["arn", "name", "id", "url", "path", "param", "ttl", "length"])
_style = st.sampled_from(["upper", "lower", "camel", "kebab"])


def _spell(parts: list[str], style: str) -> str:
    if style == "upper":
        return "_".join(p.upper() for p in parts)
    if style == "lower":
        return "_".join(parts)
    if style == "kebab":
        return "-".join(parts)
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


@settings(deadline=None)
@given(st.lists(_word, max_size=3), _secret, _style)
def test_any_name_ending_in_a_secret_word_is_a_secret(prefix, secret, style):
    assert secret_like_name(_spell([*prefix, secret], style))


@settings(deadline=None)
@given(st.lists(_word, max_size=3), _secret, _reference, _style)
def test_a_reference_to_a_secret_is_not_a_secret(prefix, secret, reference, style):
    assert not secret_like_name(_spell([*prefix, secret, reference], style))


@settings(deadline=None)
@given(st.lists(st.sampled_from(["db", "pass", "password", "key", "api"]), max_size=4), _style)
def test_spelling_does_not_change_the_verdict(parts, style):
    if not parts:
        return
    assert secret_like_name(_spell(parts, style)) == secret_like_name(_spell(parts, "upper"))
    assert words(_spell(parts, style)) == parts


def test_one_verdict_for_every_shape_of_variables():
    mapping = {"DB_PASS": "x1", "STAGE": "prod", "API_TOKEN": "/ci/token"}
    listed = [{"name": k, "value": v} for k, v in mapping.items()]
    ecs = [{"Name": k, "Value": v} for k, v in mapping.items()]
    assert plaintext_secrets(mapping) == plaintext_secrets(listed) == plaintext_secrets(ecs)
    assert plaintext_secrets(mapping) == ["DB_PASS"]
    assert plaintext_secrets(None) == []
