"""Page sizes and opaque page tokens for List calls: keyset (cursor) paging.

A token carries the sort key of the last item of the page before (a *cursor*) and a
fingerprint of the request it belongs to. The next page starts after that key, whatever
was written in between: an item added or removed before the cursor neither repeats nor
skips one after it, as an offset would. A token replayed against another request is
refused instead of paging wrongly.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from service.domain.errors import InvalidArgument
from service.domain.model import Belief, BeliefOrder

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_CURSOR_PARTS = 4
MAX_CURSOR_TEXT = 256

CursorPart = int | float | str
Cursor = tuple[CursorPart, ...]
"""The sort key of an item; times as microseconds since the epoch."""

BELIEF_SORT_KEYS: dict[BeliefOrder, tuple[str, ...]] = {
    BeliefOrder.CONFIDENCE_DESC: ("confidence", "create_time", "id"),
    BeliefOrder.CONFIDENCE: ("confidence", "create_time", "id"),
    BeliefOrder.UPDATE_TIME_DESC: ("update_time", "id"),
    BeliefOrder.UPDATE_TIME: ("update_time", "id"),
    BeliefOrder.CREATE_TIME_DESC: ("create_time", "id"),
    BeliefOrder.CREATE_TIME: ("create_time", "id"),
}
"""Which of a belief's attributes ListBeliefs sorts by, in order (the id breaks ties)."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(moment: datetime) -> int:
    """A time as a cursor part: whole microseconds since the epoch."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def belief_cursor(belief: Belief, order: BeliefOrder) -> Cursor:
    parts: list[CursorPart] = []
    for attribute in BELIEF_SORT_KEYS[order]:
        value = getattr(belief, attribute)
        parts.append(micros(value) if isinstance(value, datetime) else value)
    return tuple(parts)


@dataclass(frozen=True)
class Page:
    after: Cursor | None
    """The sort key the page starts after; None for the first page."""
    size: int

    def next_token(self, returned: int, last: Cursor | None, request_key: str) -> str:
        """The token of the following page (`last`: the key of this page's last item), or
        '' when this page was the last."""
        if returned < self.size or last is None:
            return ""
        return cursor_token(last, request_key)


def page_of(page_size: int, page_token: str, request_key: str) -> Page:
    """The page a List request asks for; INVALID_ARGUMENT for a bad size or token."""
    if page_size < 0 or page_size > MAX_PAGE_SIZE:
        raise InvalidArgument.of("page_size", f"must be between 0 and {MAX_PAGE_SIZE}")
    size = page_size or DEFAULT_PAGE_SIZE
    if not page_token:
        return Page(after=None, size=size)
    return Page(after=_decode(page_token, request_key), size=size)


def cursor_token(cursor: Sequence[CursorPart], request_key: str) -> str:
    payload = json.dumps({"k": list(cursor), "r": _fingerprint(request_key)}).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def _fingerprint(request_key: str) -> str:
    return hashlib.sha256(request_key.encode()).hexdigest()[:16]


def _is_part(value: object) -> bool:
    # bool is an int subclass: not a sort key any list uses.
    if type(value) is int:
        return abs(value) < 2**63
    if type(value) is float:
        return value == value and abs(value) != float("inf")
    return type(value) is str and len(value) <= MAX_CURSOR_TEXT


def _decode(token: str, request_key: str) -> Cursor:
    not_ours = InvalidArgument.of("page_token", "not a token this service issued")
    try:
        padded = token + "=" * (-len(token) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        cursor = payload["k"]
        fingerprint = payload["r"]
    except (ValueError, KeyError, TypeError, RecursionError, binascii.Error):
        raise not_ours from None
    if (
        type(cursor) is not list
        or not 0 < len(cursor) <= MAX_CURSOR_PARTS
        or not all(_is_part(part) for part in cursor)
    ):
        raise not_ours
    if fingerprint != _fingerprint(request_key):
        raise InvalidArgument.of("page_token", "does not belong to this request")
    return tuple(cursor)
