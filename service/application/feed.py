"""Wakes the watchers of a self-model when a change to it commits in this process.

Changes committed by other instances of the service are found by the watchers' periodic
poll instead; this only makes local changes arrive at once.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager


class ChangeFeed:
    def __init__(self) -> None:
        self._watchers: defaultdict[tuple[str, str], set[asyncio.Event]] = defaultdict(set)

    def publish(self, tenant: str, self_model_id: str) -> None:
        for wake in self._watchers.get((tenant, self_model_id), ()):
            wake.set()

    @contextmanager
    def subscribe(self, tenant: str, self_model_id: str) -> Iterator[asyncio.Event]:
        """An event that is set whenever a change to the model commits here."""
        key = (tenant, self_model_id)
        wake = asyncio.Event()
        self._watchers[key].add(wake)
        try:
            yield wake
        finally:
            self._watchers[key].discard(wake)
            if not self._watchers[key]:
                del self._watchers[key]
