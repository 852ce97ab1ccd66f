"""Keeps the gRPC health status in step with Neo4j: NOT_SERVING while it cannot be reached."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from grpc_health.v1 import health_pb2

log = logging.getLogger(__name__)

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


class HealthStatus(Protocol):
    """What the watcher needs of grpc_health's HealthServicer."""

    async def set(self, service: str, status: Any) -> None: ...


class Neo4jHealthWatch:
    """Pings Neo4j every `interval` seconds and sets each named service's health to match.

    Transitions are logged once, not on every tick; `on_result` (e.g. a metrics gauge)
    hears every result.
    """

    def __init__(
        self,
        ping: Callable[[], Awaitable[bool]],
        health: HealthStatus,
        services: Sequence[str],
        interval: float,
        on_result: Callable[[bool], None] = lambda up: None,
    ) -> None:
        self._ping = ping
        self._health = health
        self._services = tuple(services)
        self._interval = interval
        self._on_result = on_result
        self._up: bool | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def up(self) -> bool | None:
        """The last result; None before the first check."""
        return self._up

    async def check(self) -> bool:
        """Pings once and publishes the result."""
        up = await self._ping()
        self._on_result(up)
        if up != self._up:
            if up:
                log.info("Neo4j reachable: serving", extra={"event": "neo4j_up"})
            else:
                log.warning(
                    "Neo4j unreachable: not serving until it answers again",
                    extra={"event": "neo4j_down"},
                )
            for service in self._services:
                await self._health.set(service, SERVING if up else NOT_SERVING)
            self._up = up
        return up

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="neo4j-health-watch")

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.check()
            except Exception:
                log.exception("health check of Neo4j failed")
