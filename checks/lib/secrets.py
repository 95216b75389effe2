"""Secret-like names and values: one heuristic for every place that holds variables
(Lambda environments, CodeBuild projects, ECS task definitions, ...).

Only names and the *kind* of a value are judged; a value is looked at, never kept.
"""

from __future__ import annotations

import re
from typing import Any

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")

# A name whose last word is one of these holds a secret (DB_PASSWORD, GITHUB_TOKEN).
SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "pass",
        "passphrase",
        "secret",
        "secrets",
        "token",
        "apikey",
        "credential",
        "credentials",
        "privatekey",
        "secretkey",
        "accesskey",
    }
)
# ... or ends in "<qualifier> key" (API_KEY, PRIVATE_KEY, AWS_SECRET_ACCESS_KEY).
KEY_QUALIFIERS = frozenset(
    {"api", "private", "secret", "access", "signing", "encryption", "auth", "hmac", "jwt"}
)
# Whole names that look like a secret word but are well-known settings (the shell's PWD).
NOT_SECRETS = frozenset({"pwd", "pass"})

_NOT_A_VALUE = frozenset({"", "true", "false", "yes", "no", "on", "off", "none", "null"})
_SSM_PATH = re.compile(r"^/[\w.\-]+(/[\w.\-]+)+$")


def words(name: str) -> list[str]:
    """Lowercase words of an identifier: DB_PASSWORD, dbPassword, APIKey -> [db, password]...

    Digits are dropped (PASSWORD2 is a password)."""
    return [w.lower() for w in _WORD.findall(name) if not w.isdigit()]


def secret_like_name(name: str) -> bool:
    """True when a variable name says it holds a secret (DB_PASS, API_KEY, clientSecret).

    Names of references end in another word (SECRET_ARN, TOKEN_URL, PASSWORD_PARAM,
    KMS_KEY_ID) and do not match; neither do BYPASS, COMPASS_URL or the shell's PWD.
    """
    parts = words(name)
    if not parts or (len(parts) == 1 and parts[0] in NOT_SECRETS):
        return False
    if parts[-1] in SECRET_WORDS:
        return True
    return len(parts) >= 2 and parts[-1] == "key" and parts[-2] in KEY_QUALIFIERS


def holds_a_literal(value: Any) -> bool:
    """False when a value is empty, a flag or a reference to a secret store (an ARN, a
    `{{resolve:...}}`, an SSM parameter path); True when it may be the secret itself."""
    text = str(value or "").strip()
    if text.lower() in _NOT_A_VALUE:
        return False
    return not (text.startswith(("arn:", "{{resolve:")) or _SSM_PATH.match(text) is not None)


def plaintext_secrets(variables: Any) -> list[str]:
    """Names of the variables that look like secrets held in plain text, sorted.

    `variables` is a mapping name -> value (Lambda) or a list of {"name", "value"} /
    {"Name", "Value"} items (CodeBuild PLAINTEXT variables, ECS environment).
    """
    pairs: list[tuple[str, Any]] = []
    if isinstance(variables, dict):
        pairs = [(str(k), v) for k, v in variables.items()]
    elif isinstance(variables, list):
        for item in variables:
            if isinstance(item, dict):
                name = item.get("name", item.get("Name"))
                pairs.append((str(name or ""), item.get("value", item.get("Value"))))
    return sorted(
        {name for name, value in pairs if secret_like_name(name) and holds_a_literal(value)}
    )
