"""Setting up the schema when Neo4j answers, however long that takes after the service
started: orchestrators start both at once, so Neo4j may come up later than the service."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class StoreStartup:
    """`ping` sets the schema up on the first successful contact, and answers whether
    Neo4j is reachable and set up; until it is, `ready` is False and calls are refused
    as UNAVAILABLE. The health watch calls `ping`, so the attempts follow its interval."""

    def __init__(
        self, setup: Callable[[], Awaitable[None]], ping: Callable[[], Awaitable[bool]]
    ) -> None:
        self._setup = setup
        self._ping = ping
        self._ready = False
        self._failures = 0

    @property
    def ready(self) -> bool:
        return self._ready

    async def ping(self) -> bool:
        if not self._ready:
            try:
                await self._setup()
            except Exception as error:  # any failure: Neo4j is not there yet
                self._failures += 1
                if self._failures == 1:
                    log.warning(
                        "Neo4j not reachable at start (%s): not serving; retrying",
                        error,
                        extra={"event": "schema_pending"},
                    )
                return False
            self._ready = True
            log.info("schema set up", extra={"event": "schema_ready"})
        return await self._ping()
