"""Tenants' API keys: their format, how they are hashed, how a call presents one.

A key looks like `smk_<key id>_<secret>`. The key id is public (it names the key in the
admin CLI and in logs); the secret is shown once, when the key is created, and only its
hash is stored.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass, field

from service.domain.errors import InvalidArgument

KEY_PREFIX = "smk"
TENANT_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
MAX_DESCRIPTION_CHARS = 256


@dataclass(frozen=True)
class NewApiKey:
    """A key just made; `plaintext` goes to the person who asked for it, never to the store."""

    key_id: str
    # Out of the repr, so a log line or traceback that prints the object holds no secret.
    plaintext: str = field(repr=False)


def validate_tenant(tenant: str) -> None:
    if TENANT_PATTERN.fullmatch(tenant) is None:
        raise InvalidArgument.of(
            "tenant",
            "must be 1 to 63 characters of a-z, 0-9, '_' and '-', starting with a letter or digit",
        )


def validate_description(description: str) -> None:
    # The description is shown one key per line in the admin CLI's table.
    if len(description) > MAX_DESCRIPTION_CHARS:
        raise InvalidArgument.of("description", f"longer than {MAX_DESCRIPTION_CHARS} characters")
    if any(unicodedata.category(ch) == "Cc" for ch in description):
        raise InvalidArgument.of("description", "contains control characters")


def new_api_key() -> NewApiKey:
    key_id = secrets.token_hex(6)
    # token_urlsafe uses only [A-Za-z0-9_-], so the key is safe in metadata and shells.
    return NewApiKey(key_id=key_id, plaintext=f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}")


def key_hash(plaintext: str) -> str:
    # The secret has 256 bits of entropy, so nobody can guess it from its hash however fast
    # the hash is: a plain SHA-256 is enough, and a slow password hash would only cost
    # latency on every call.
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def bearer_token(authorization: str | None) -> str | None:
    """The key in an `authorization: Bearer <key>` metadata value; None if there is none."""
    if authorization is None:
        return None
    parts = authorization.split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        return None
    return parts[1]
