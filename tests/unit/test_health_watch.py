from __future__ import annotations

import asyncio
import logging

import pytest
from grpc_health.v1 import health, health_pb2

from service.health_watch import Neo4jHealthWatch

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
SERVICE = "selfmodel.v1.SelfModelService"

pytestmark = pytest.mark.asyncio


class Pings:
    """Answers the watcher's pings from a script of results."""

    def __init__(self, *results: bool) -> None:
        self.results = list(results)

    async def __call__(self) -> bool:
        return self.results.pop(0) if len(self.results) > 1 else self.results[0]


def statuses(servicer: health.aio.HealthServicer) -> dict[str, int]:
    return {name: servicer._server_status[name] for name in ("", SERVICE)}


async def test_health_follows_neo4j_and_transitions_are_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    servicer = health.aio.HealthServicer()
    gauge: list[bool] = []
    watch = Neo4jHealthWatch(
        Pings(True, False, False, False, True, True),
        servicer,
        ("", SERVICE),
        interval=60,
        on_result=gauge.append,
    )
    caplog.set_level(logging.INFO, logger="service.health_watch")
    seen = []
    for _ in range(6):
        await watch.check()
        seen.append(statuses(servicer))
    assert [s[SERVICE] for s in seen] == [SERVING] + [NOT_SERVING] * 3 + [SERVING] * 2
    assert all(s[""] == s[SERVICE] for s in seen)
    assert gauge == [True, False, False, False, True, True]
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "Neo4j reachable: serving",
        "Neo4j unreachable: not serving until it answers again",
        "Neo4j reachable: serving",
    ]


async def test_the_watch_ticks_in_the_background_until_stopped() -> None:
    servicer = health.aio.HealthServicer()
    watch = Neo4jHealthWatch(Pings(True, False), servicer, ("", SERVICE), interval=0.01)
    await watch.check()
    watch.start()
    for _ in range(200):
        if watch.up is False:
            break
        await asyncio.sleep(0.01)
    await watch.stop()
    assert statuses(servicer)[SERVICE] == NOT_SERVING
