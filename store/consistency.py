"""Read-your-writes across service instances and Neo4j cluster members, with bookmarks.

A write records the bookmark of its transaction (`written`); a read given the bookmarks
of earlier writes (`read_after`) waits until the Neo4j member serving it has applied them.
Both travel in context variables of the call's task, so the gRPC layer can hand them to
and from callers (`service.api.consistency`) without every use case passing them along.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

_read_after: ContextVar[tuple[str, ...]] = ContextVar("read_after", default=())
_written: ContextVar[tuple[str, ...]] = ContextVar("written", default=())


@contextlib.contextmanager
def reading_after(bookmarks: tuple[str, ...]) -> Iterator[None]:
    """Reads (and writes) in this block see at least the writes these bookmarks name."""
    token = _read_after.set(bookmarks)
    try:
        yield
    finally:
        _read_after.reset(token)


def read_after_bookmarks(bookmarks: tuple[str, ...]) -> None:
    """As `reading_after`, for the rest of the current task."""
    _read_after.set(bookmarks)


def read_after() -> tuple[str, ...]:
    return _read_after.get()


def record_write(bookmarks: tuple[str, ...]) -> None:
    """Called by the store after a write transaction committed."""
    _written.set(bookmarks)


def written() -> tuple[str, ...]:
    """The bookmarks of the last write this task committed (empty if none)."""
    return _written.get()
