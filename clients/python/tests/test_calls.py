"""Both clients against the scripted server (conftest.py): gRPC's own retries as the
service config says, deadlines, idempotency keys, errors, consistency tokens, pages.

Every test runs with `SelfModelClient` and with `AsyncSelfModelClient` (the `harness`
fixture's parameter, conftest.py); `done` awaits what the async client returns.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import AsyncIterable, Awaitable, Iterable
from typing import Any, TypeVar

import grpc
import pytest
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from scripted_server import MODEL, Client, Harness
from selfmodel_client import (
    DeadlineExceededError,
    InvalidArgumentError,
    NotFoundError,
    UnauthenticatedError,
    UnavailableError,
    service_config,
    supports,
)

pytestmark = pytest.mark.asyncio
T = TypeVar("T")


async def done(result: T | Awaitable[T]) -> T:
    if inspect.isawaitable(result):
        return await result
    return result


async def collect(items: Iterable[T] | AsyncIterable[T]) -> list[T]:
    if isinstance(items, AsyncIterable):
        return [item async for item in items]
    return list(items)


async def observe(client: Client, **options: Any) -> None:
    await done(
        client.observe(
            MODEL,
            "chose bullets",
            type="preference",
            beliefs=[supports("Likes bullets")],
            **options,
        )
    )


def observe_config() -> dict[str, Any]:
    """The packaged service config's entry for Observe."""
    [entry] = [
        entry
        for entry in service_config()["methodConfig"]
        if {"service": "selfmodel.v1.SelfModelService", "method": "Observe"} in entry["name"]
    ]
    return entry  # type: ignore[no-any-return]


async def test_unavailable_is_retried_with_the_same_idempotency_key_and_applied_once(
    harness: Harness,
) -> None:
    harness.service.unavailable = 2
    async with harness.client() as client:
        observed = await done(
            client.observe(MODEL, "chose bullets", type="preference", beliefs=["Likes bullets"])
        )
        assert client.consistency_token == "v1.write-1"
    assert observed.changes[0].kind == "created"
    arrivals = harness.service.arrivals
    assert len(arrivals) == 3
    assert harness.service.writes == 1
    keys = {arrival.request.observation.idempotency_key for arrival in arrivals}
    assert len(keys) == 1 and keys != {""}
    assert all(a.metadata["authorization"] == "Bearer smk_abc_secret" for a in arrivals)


async def test_each_observation_gets_its_own_idempotency_key(harness: Harness) -> None:
    async with harness.client() as client:
        await observe(client)
        await observe(client)
        await observe(client, idempotency_key="mine")
    keys = [a.request.observation.idempotency_key for a in harness.service.arrivals]
    assert len(set(keys)) == 3 and keys[2] == "mine"


async def test_retries_stop_at_the_service_configs_max_attempts(harness: Harness) -> None:
    harness.service.unavailable = 100
    async with harness.client() as client:
        with pytest.raises(UnavailableError) as raised:
            await observe(client)
    assert raised.value.code == grpc.StatusCode.UNAVAILABLE
    assert "Neo4j is not reachable" in raised.value.message
    assert len(harness.service.arrivals) == observe_config()["retryPolicy"]["maxAttempts"] == 4


async def test_a_service_config_of_ones_own_replaces_the_packaged_one(harness: Harness) -> None:
    harness.service.unavailable = 100
    config = service_config()
    for entry in config["methodConfig"]:
        if "retryPolicy" in entry:
            entry["retryPolicy"]["maxAttempts"] = 2
    async with harness.client(service_config=config) as client:
        with pytest.raises(UnavailableError):
            await observe(client)
    assert len(harness.service.arrivals) == 2


async def test_other_statuses_are_not_retried_and_keep_their_field_violations(
    harness: Harness,
) -> None:
    detail = any_pb2.Any()
    detail.Pack(
        error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(
                    field="observation.content", description="must not be empty"
                )
            ]
        )
    )
    harness.service.final = status_pb2.Status(
        code=code_pb2.INVALID_ARGUMENT, message="observation.content is empty", details=[detail]
    )
    async with harness.client() as client:
        with pytest.raises(InvalidArgumentError) as raised:
            await observe(client)
    assert len(harness.service.arrivals) == 1
    [violation] = raised.value.field_violations
    assert (violation.field, violation.description) == ("observation.content", "must not be empty")


@pytest.mark.parametrize(
    ("code", "error_type"),
    [
        (code_pb2.NOT_FOUND, NotFoundError),
        (code_pb2.UNAUTHENTICATED, UnauthenticatedError),
    ],
)
async def test_statuses_become_their_exception(
    harness: Harness, code: int, error_type: type[Exception]
) -> None:
    harness.service.final = status_pb2.Status(code=code, message="no")
    async with harness.client() as client:
        with pytest.raises(error_type):
            await done(client.get(MODEL))
    assert len(harness.service.arrivals) == 1


async def test_calls_carry_the_callers_deadline_and_no_key_without_one(
    harness: Harness,
) -> None:
    async with harness.client(api_key=None, timeout=4.0) as client:
        await done(client.get(MODEL))
        await done(client.get(MODEL, timeout=1.5))
    with_ctor, per_call = harness.service.arrivals
    assert "authorization" not in with_ctor.metadata
    # gRPC sends the timeout rounded up to its wire units, so allow a little above.
    assert with_ctor.time_remaining == pytest.approx(4.0, abs=0.5)
    assert per_call.time_remaining == pytest.approx(1.5, abs=0.5)


async def test_the_service_configs_timeout_applies_to_calls_that_set_none(
    harness: Harness,
) -> None:
    async with harness.client() as client:
        await done(client.get(MODEL))
    [arrival] = harness.service.arrivals
    config_timeout = float(observe_config()["timeout"].removesuffix("s"))
    assert arrival.time_remaining == pytest.approx(config_timeout, abs=0.5)


async def test_a_callers_timeout_may_be_longer_than_the_service_configs(
    harness: Harness,
) -> None:
    harness.service.delay = 0.6
    config = service_config()
    for entry in config["methodConfig"]:
        entry["timeout"] = "0.2s"
    async with harness.client(service_config=config) as client:
        started = time.monotonic()
        with pytest.raises(DeadlineExceededError):
            await done(client.get(MODEL))
        assert time.monotonic() - started < 0.5
        model = await done(client.get(MODEL, timeout=5.0))
    assert model.name == MODEL


async def test_the_deadline_covers_every_retry(harness: Harness) -> None:
    harness.service.unavailable = 100
    harness.service.delay = 0.4
    started = time.monotonic()
    async with harness.client(timeout=1.0) as client:
        with pytest.raises(DeadlineExceededError):
            await observe(client)
    assert time.monotonic() - started < 1.4
    arrivals = harness.service.arrivals
    assert 2 <= len(arrivals) < observe_config()["retryPolicy"]["maxAttempts"]
    # A retry carries what is left of the first attempt's deadline, not a new one.
    first, second = arrivals[0].time_remaining, arrivals[1].time_remaining
    assert first is not None and second is not None and second < first - 0.3


async def test_every_call_sends_the_token_of_the_clients_newest_write(harness: Harness) -> None:
    async with harness.client() as client:
        assert client.consistency_token is None
        await done(client.get(MODEL))
        await observe(client)
        await done(client.get(MODEL))
        await observe(client)
        await done(client.get(MODEL))
        assert client.consistency_token == "v1.write-2"
    sent = [a.metadata.get("selfmodel-consistency-token") for a in harness.service.arrivals]
    assert sent == [None, None, "v1.write-1", "v1.write-1", "v1.write-2"]


async def test_a_client_can_start_from_another_clients_token(harness: Harness) -> None:
    async with harness.client(consistency_token="v1.elsewhere") as client:
        await done(client.get(MODEL))
    assert harness.service.arrivals[0].metadata["selfmodel-consistency-token"] == "v1.elsewhere"


async def test_beliefs_follow_every_page(harness: Harness) -> None:
    async with harness.client() as client:
        listed = await done(client.beliefs(MODEL, min_confidence=0.5))
        iterated = await collect(client.iter_beliefs(MODEL))
    assert [b.statement for b in listed] == [b.statement for b in iterated] == ["b1", "b2"]
    requests = [arrival.request for arrival in harness.service.arrivals]
    assert [r.page_token for r in requests] == ["", "page-2", "", "page-2"]
    assert requests[1].min_confidence == pytest.approx(0.5)
