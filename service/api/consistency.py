"""Consistency tokens: what a write's reply carries so a later read, on any service
instance and any Neo4j cluster member, sees at least that write.

A token is opaque to callers: `v1.` and the base64url of the write's Neo4j bookmarks and
its tenant. A read refuses another tenant's token and anything this service did not issue
(INVALID_ARGUMENT); a token is not a secret (a bookmark names a transaction, not data).
"""

from __future__ import annotations

import base64
import binascii
import json

from service.domain.errors import InvalidArgument

CONSISTENCY_TOKEN_FIELD = "selfmodel-consistency-token"
"""The metadata key of a consistency token (a write's reply carries it in its trailing
metadata; any call may send one in its request metadata)."""

_PREFIX = "v1."
MAX_TOKEN_BYTES = 4096


def issue(tenant: str, bookmarks: tuple[str, ...]) -> str:
    document = json.dumps({"tenant": tenant, "bookmarks": list(bookmarks)}, separators=(",", ":"))
    return _PREFIX + base64.urlsafe_b64encode(document.encode()).decode().rstrip("=")


def bookmarks_of(token: str, tenant: str) -> tuple[str, ...]:
    """The bookmarks `token` carries, if it is one of `tenant`'s; else INVALID_ARGUMENT."""
    if len(token) > MAX_TOKEN_BYTES or not token.startswith(_PREFIX):
        raise InvalidArgument.of(CONSISTENCY_TOKEN_FIELD, "is not a token this service issued")
    body = token[len(_PREFIX) :]
    try:
        document = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (binascii.Error, ValueError) as error:
        raise InvalidArgument.of(
            CONSISTENCY_TOKEN_FIELD, "is not a token this service issued"
        ) from error
    bookmarks = document.get("bookmarks") if isinstance(document, dict) else None
    if not (
        isinstance(bookmarks, list)
        and bookmarks
        and all(isinstance(b, str) and b for b in bookmarks)
    ):
        raise InvalidArgument.of(CONSISTENCY_TOKEN_FIELD, "is not a token this service issued")
    if document.get("tenant") != tenant:
        raise InvalidArgument.of(CONSISTENCY_TOKEN_FIELD, "was issued to another tenant")
    return tuple(bookmarks)
