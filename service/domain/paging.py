"""Page sizes and opaque page tokens for List calls.

A token carries the offset of the next page and a fingerprint of the request it belongs
to, so a token replayed against another request is refused instead of paging wrongly.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass

from service.domain.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_OFFSET = 1_000_000_000
"""Tokens are not secret; a forged one may ask for any offset up to this, never more."""


@dataclass(frozen=True)
class Page:
    offset: int
    size: int

    def next_token(self, returned: int, request_key: str) -> str:
        """The token of the following page, or '' when this page was the last."""
        if returned < self.size:
            return ""
        return _encode(self.offset + returned, request_key)


def page_of(page_size: int, page_token: str, request_key: str) -> Page:
    """The page a List request asks for; INVALID_ARGUMENT for a bad size or token."""
    if page_size < 0 or page_size > MAX_PAGE_SIZE:
        raise InvalidArgument.of("page_size", f"must be between 0 and {MAX_PAGE_SIZE}")
    size = page_size or DEFAULT_PAGE_SIZE
    if not page_token:
        return Page(offset=0, size=size)
    return Page(offset=_decode(page_token, request_key), size=size)


def _fingerprint(request_key: str) -> str:
    return hashlib.sha256(request_key.encode()).hexdigest()[:16]


def _encode(offset: int, request_key: str) -> str:
    payload = json.dumps({"o": offset, "r": _fingerprint(request_key)}).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def _decode(token: str, request_key: str) -> int:
    try:
        padded = token + "=" * (-len(token) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        offset = payload["o"]
        fingerprint = payload["r"]
    except (ValueError, KeyError, TypeError, RecursionError, binascii.Error):
        raise InvalidArgument.of("page_token", "not a token this service issued") from None
    # bool is an int subclass: only a real int in range is an offset.
    if type(offset) is not int or not 0 <= offset <= MAX_OFFSET:
        raise InvalidArgument.of("page_token", "not a token this service issued")
    if fingerprint != _fingerprint(request_key):
        raise InvalidArgument.of("page_token", "does not belong to this request")
    return offset


def cursor_token(position: int, request_key: str) -> str:
    """A token carrying a sort key instead of an offset (keyset paging): the next page
    starts after `position`, whatever was written in between."""
    return _encode(position, request_key)
