"""Operating the service: metrics, per-call logs, health during a Neo4j outage, shutdown.

This module runs its own Neo4j and its own service (short intervals and timeouts), since it
stops both.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from neo4j.exceptions import SessionExpired, TransientError
from prometheus_client.parser import text_string_to_metric_families

from devtools.neo4j import EmbeddedNeo4j, free_port
from selfmodel.v1 import observation_pb2, self_model_service_pb2
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from service.domain.errors import Aborted, StoreUnavailable
from store.graph import GraphStore, Neo4jSettings
from store.transaction import StoreTransaction
from tests.integration.auth import create_api_key, with_key
from tests.integration.requests import SUPPORTS, create_model, get_model, observe
from tests.integration.service_process import ServiceProcess

pytestmark = pytest.mark.integration

HEALTH_INTERVAL_SECONDS = 0.5
TENANT = "operations"
MAX_RETRY_SECONDS = 2.0
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


@dataclass
class Stubs:
    service: SelfModelServiceStub
    health: health_pb2_grpc.HealthStub


@contextmanager
def connect(address: str, key: str) -> Iterator[Stubs]:
    """Every channel and stub of this module comes from here."""
    with grpc.insecure_channel(address) as channel:
        yield Stubs(
            SelfModelServiceStub(with_key(channel, key)), health_pb2_grpc.HealthStub(channel)
        )


@dataclass
class Deployment:
    neo4j: EmbeddedNeo4j
    service: ServiceProcess
    log_path: Path
    metrics_port: int
    key: str

    def metrics(self) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
        url = f"http://127.0.0.1:{self.metrics_port}/metrics"
        with urllib.request.urlopen(url, timeout=5) as response:
            text = response.read().decode()
        return {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        }

    def log_entries(self) -> list[dict[str, Any]]:
        """The service log's JSON lines (the JVM or libraries may add other lines)."""
        entries = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                with suppress(json.JSONDecodeError):
                    entries.append(json.loads(line))
        return entries

    def rpc_entries(self, method: str) -> list[dict[str, Any]]:
        return [e for e in self.log_entries() if e.get("event") == "rpc" and e["method"] == method]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    workdir = tmp_path_factory.mktemp("operations")
    neo4j = EmbeddedNeo4j(workdir / "neo4j", port=free_port())
    metrics_port = free_port()
    log_path = workdir / "service.log"
    service = ServiceProcess(
        neo4j.uri,
        log_path,
        extra_env={
            "SELFMODEL_METRICS_LISTEN": f"127.0.0.1:{metrics_port}",
            "SELFMODEL_LOG_FORMAT": "json",
            "SELFMODEL_HEALTH_INTERVAL_SECONDS": str(HEALTH_INTERVAL_SECONDS),
            "SELFMODEL_NEO4J_MAX_RETRY_SECONDS": str(MAX_RETRY_SECONDS),
            "SELFMODEL_NEO4J_CONNECT_TIMEOUT_SECONDS": "2",
            "SELFMODEL_SHUTDOWN_GRACE_SECONDS": "20",
        },
    )
    neo4j.start()
    try:
        service.start()
        key = create_api_key(neo4j.uri, TENANT)
        yield Deployment(neo4j, service, log_path, metrics_port, key)
    finally:
        service.stop()
        neo4j.stop()


def wait_for_health(stubs: Stubs, wanted: int, within: float) -> float:
    """Seconds until Health/Check answers `wanted`; fails after `within`."""
    started = time.monotonic()
    last: object = None
    while time.monotonic() - started < within:
        try:
            last = stubs.health.Check(health_pb2.HealthCheckRequest(), timeout=2).status
        except grpc.RpcError as error:
            last = error.code()
        if last == wanted:
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"health still {last} after {within}s")


def wait_for(condition: Any, within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def calls(method: str, code: str) -> tuple[str, frozenset[tuple[str, str]]]:
    return ("selfmodel_rpc_calls_total", frozenset({("method", method), ("code", code)}))


def test_calls_are_counted_timed_and_logged_once_each(deployment: Deployment) -> None:
    before = deployment.metrics()
    logged_before = len(deployment.rpc_entries("GetSelfModel"))
    with connect(deployment.service.address, deployment.key) as stubs:
        model = create_model(stubs.service)
        observe(stubs.service, model.name, ("Prefers concise output formats", SUPPORTS, ""))
        for _ in range(3):
            get_model(stubs.service, model.name)
        with pytest.raises(grpc.RpcError) as missing:
            get_model(stubs.service, "selfModels/00000000-0000-0000-0000-000000000000")
        assert missing.value.code() == grpc.StatusCode.NOT_FOUND

    after = deployment.metrics()
    ok, not_found = calls("GetSelfModel", "OK"), calls("GetSelfModel", "NOT_FOUND")
    assert after[ok] - before.get(ok, 0) == 3
    assert after[not_found] - before.get(not_found, 0) == 1
    assert after[calls("Observe", "OK")] >= 1
    count = ("selfmodel_rpc_duration_seconds_count", frozenset({("method", "GetSelfModel")}))
    assert after[count] - before.get(count, 0) == 4
    slowest = (
        "selfmodel_rpc_duration_seconds_bucket",
        frozenset({("method", "GetSelfModel"), ("le", "10.0")}),
    )
    assert after[slowest] >= 4
    assert after[("selfmodel_neo4j_up", frozenset())] == 1

    wait_for(lambda: len(deployment.rpc_entries("GetSelfModel")) >= logged_before + 4)
    lines = deployment.rpc_entries("GetSelfModel")[logged_before:]
    assert [line["code"] for line in lines] == ["OK", "OK", "OK", "NOT_FOUND"]
    for line in lines:
        assert line["tenant"] == TENANT
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
        assert {"time", "level", "logger", "message"} <= set(line)


def test_a_request_over_the_size_limit_is_resource_exhausted(deployment: Deployment) -> None:
    with (
        connect(deployment.service.address, deployment.key) as stubs,
        pytest.raises(grpc.RpcError) as error,
    ):
        stubs.service.Observe(
            self_model_service_pb2.ObserveRequest(
                self_model="selfModels/00000000-0000-0000-0000-000000000000",
                observation=observation_pb2.Observation(content="x" * 300_000),
            ),
            timeout=10,
        )
    assert error.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


def _bytes(data: bytes) -> bytes:
    return data


def send_raw(
    channel: grpc.Channel, path: str, streaming: bool, data: bytes, authorization: str
) -> None:
    """Sends `data` as the request's bytes, as they are."""
    metadata = (("authorization", authorization),) if authorization else ()
    if streaming:
        stream = channel.unary_stream(path, request_serializer=_bytes, response_deserializer=_bytes)
        list(stream(data, metadata=metadata, timeout=10))
    else:
        unary = channel.unary_unary(path, request_serializer=_bytes, response_deserializer=_bytes)
        unary(data, metadata=metadata, timeout=10)


def _undecodable_requests() -> list[tuple[str, bool, bytes]]:
    """(method, server-streaming, bytes) for every method: bytes that are no message, and
    an Observe whose content is not UTF-8 (same length, so the framing stays valid)."""
    service = self_model_service_pb2.DESCRIPTOR.services_by_name["SelfModelService"]
    cases = [(m.name, m.server_streaming, b"\xff\xff") for m in service.methods]
    valid = self_model_service_pb2.ObserveRequest(
        self_model="selfModels/00000000-0000-0000-0000-000000000000",
        observation=observation_pb2.Observation(content="MARKER"),
    ).SerializeToString()
    cases.append(("Observe", False, valid.replace(b"MARKER", b"\xff\xfe\xfd\xfc\xfb\xfa")))
    return cases


def test_undecodable_request_bytes_are_invalid_argument_logged_and_counted(
    deployment: Deployment,
) -> None:
    cases = _undecodable_requests()
    before = deployment.metrics()
    logged_before = len(deployment.log_entries())
    with grpc.insecure_channel(deployment.service.address) as channel:
        for method, streaming, data in cases:
            path = f"/selfmodel.v1.SelfModelService/{method}"
            with pytest.raises(grpc.RpcError) as error:
                send_raw(channel, path, streaming, data, f"Bearer {deployment.key}")
            assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT, method
            assert "is not a valid selfmodel.v1." in (error.value.details() or ""), method
            # Without a key, the caller learns nothing about the request.
            with pytest.raises(grpc.RpcError) as anonymous:
                send_raw(channel, path, streaming, data, "")
            assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED

    after = deployment.metrics()
    key = calls("Observe", "INVALID_ARGUMENT")
    assert after[key] - before.get(key, 0) == 2
    wait_for(lambda: len(deployment.log_entries()) >= logged_before + 2 * len(cases))
    new = deployment.log_entries()[logged_before:]
    assert sum(1 for e in new if e.get("event") == "rpc" and e["method"] == "Observe") == 4
    assert not [e for e in new if e.get("level") == "ERROR" or "Traceback" in str(e)]
    assert "Traceback" not in deployment.log_path.read_text(errors="replace")


def test_a_neo4j_outage_is_unavailable_and_the_service_recovers_by_itself(
    deployment: Deployment,
) -> None:
    with connect(deployment.service.address, deployment.key) as stubs:
        model = create_model(stubs.service)
        observe(stubs.service, model.name, ("Works late at night", SUPPORTS, ""))
        before = get_model(stubs.service, model.name)

        deployment.neo4j.stop()
        started = time.monotonic()
        with pytest.raises(grpc.RpcError) as outage:
            get_model(stubs.service, model.name)
        to_unavailable = time.monotonic() - started
        assert outage.value.code() == grpc.StatusCode.UNAVAILABLE
        assert to_unavailable <= MAX_RETRY_SECONDS + 2 + 0.5  # the budget: retries + connect
        to_not_serving = wait_for_health(stubs, NOT_SERVING, within=6 * HEALTH_INTERVAL_SECONDS)
        assert deployment.metrics()[("selfmodel_neo4j_up", frozenset())] == 0

        deployment.neo4j.start()
        to_serving = wait_for_health(stubs, SERVING, within=30)
        after = get_model(stubs.service, model.name)
        observe(stubs.service, model.name, ("Works late at night", SUPPORTS, ""))
        print(
            f"UNAVAILABLE after {to_unavailable:.1f}s; NOT_SERVING {to_not_serving:.1f}s "
            f"later; SERVING {to_serving:.1f}s after Neo4j was back"
        )

    assert after == before
    assert len(after.beliefs) == 1
    assert deployment.metrics()[calls("GetSelfModel", "UNAVAILABLE")] >= 1
    transitions = [e["message"] for e in deployment.log_entries() if e["logger"].endswith("watch")]
    assert transitions[-2:] == [
        "Neo4j unreachable: not serving until it answers again",
        "Neo4j reachable: serving",
    ]


@pytest.mark.asyncio
async def test_the_store_reports_each_rerun_of_a_unit_of_work(deployment: Deployment) -> None:
    retries: list[None] = []
    store = GraphStore.open(
        Neo4jSettings(uri=deployment.neo4j.uri), on_retry=lambda: retries.append(None)
    )
    attempts = 0

    async def flaky(tx: StoreTransaction) -> int:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise SessionExpired("connection lost mid-transaction")
        return attempts

    try:
        assert await store.ping()
        assert await store.read(TENANT, flaky) == 2
    finally:
        await store.close()
    assert len(retries) == 1


@pytest.mark.asyncio
async def test_a_conflict_that_outlasts_the_retries_is_aborted(deployment: Deployment) -> None:
    store = GraphStore.open(Neo4jSettings(uri=deployment.neo4j.uri, max_retry_seconds=0.5))

    async def always_conflicting(tx: StoreTransaction) -> None:
        raise TransientError("deadlock detected")

    try:
        with pytest.raises(Aborted):
            await store.write(TENANT, always_conflicting)
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_retries_never_outlive_the_documented_budget(deployment: Deployment) -> None:
    # The driver alone: attempts at ~0, ~1 and ~2.6-3.6 s (backoff 1 s, doubling, +-20%),
    # the last because the second came before its 1.5 s retry time ran out.
    settings = Neo4jSettings(
        uri=deployment.neo4j.uri, max_retry_seconds=1.5, connect_timeout_seconds=0.5
    )
    store = GraphStore.open(settings)
    attempts = 0

    async def keeps_losing_its_connection(tx: StoreTransaction) -> None:
        nonlocal attempts
        attempts += 1
        raise SessionExpired("connection lost mid-transaction")

    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailable):
            await store.write(TENANT, keeps_losing_its_connection)
        assert time.monotonic() - started <= settings.retry_budget_seconds + 0.3
        assert attempts == 2
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_a_ping_of_an_unreachable_neo4j_answers_false_in_bounded_time() -> None:
    settings = Neo4jSettings(uri=f"bolt://127.0.0.1:{free_port()}", connect_timeout_seconds=1)
    store = GraphStore.open(settings)
    started = time.monotonic()
    try:
        assert not await store.ping()
    finally:
        await store.close()
    assert time.monotonic() - started < 3


def test_shutdown_lets_the_call_in_flight_finish_then_closes_the_driver(
    deployment: Deployment,
) -> None:
    with connect(deployment.service.address, deployment.key) as stubs:
        model = create_model(stubs.service)
        outcome: dict[str, Any] = {}

        def slow_observe() -> None:
            proposals = [(f"Enjoys hobby number {i} on weekends", SUPPORTS, "") for i in range(32)]
            try:
                outcome["response"] = observe(stubs.service, model.name, *proposals)
            except grpc.RpcError as error:
                outcome["error"] = error

        call = threading.Thread(target=slow_observe)
        call.start()
        time.sleep(0.3)
        deployment.service.stop()
        call.join(timeout=30)

    assert "error" not in outcome, outcome.get("error")
    assert len(outcome["response"].belief_changes) == 32
    assert deployment.service.returncode == 0
    messages = [
        e["message"] if e.get("event") != "rpc" else f"rpc {e['method']} {e['code']}"
        for e in deployment.log_entries()
    ]
    shutting_down = next(i for i, m in enumerate(messages) if m.startswith("shutting down"))
    observed = len(messages) - 1 - messages[::-1].index("rpc Observe OK")
    closed = messages.index("Neo4j driver closed")
    assert shutting_down < observed < closed, messages[shutting_down - 1 :]


def test_a_service_started_before_neo4j_waits_for_it_then_serves(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    workdir = tmp_path_factory.mktemp("neo4j-later")
    neo4j = EmbeddedNeo4j(workdir / "neo4j", port=free_port())
    service = ServiceProcess(
        neo4j.uri,
        workdir / "service.log",
        extra_env={
            "SELFMODEL_HEALTH_INTERVAL_SECONDS": "0.5",
            "SELFMODEL_NEO4J_CONNECT_TIMEOUT_SECONDS": "1",
        },
    )
    service.start(wait_until_serving=False)
    try:
        with grpc.insecure_channel(service.address) as channel:
            stubs = Stubs(SelfModelServiceStub(channel), health_pb2_grpc.HealthStub(channel))
            wait_for_health(stubs, health_pb2.HealthCheckResponse.NOT_SERVING, within=60)
            # Alive, though not ready: a liveness probe must not restart it for Neo4j.
            liveness = stubs.health.Check(health_pb2.HealthCheckRequest(service="liveness"))
            assert liveness.status == health_pb2.HealthCheckResponse.SERVING
            with pytest.raises(grpc.RpcError) as early:
                stubs.service.GetOrCreateSelfModel(
                    self_model_service_pb2.GetOrCreateSelfModelRequest(
                        external_user_id="u-1", scope="s"
                    ),
                    timeout=10,
                )
            assert early.value.code() == grpc.StatusCode.UNAVAILABLE
            time.sleep(2)
            assert service.returncode is None, service.log_tail()

            neo4j.start()
            wait_for_health(stubs, health_pb2.HealthCheckResponse.SERVING, within=30)
            key = create_api_key(neo4j.uri, TENANT)
        with connect(service.address, key) as ready:
            model = create_model(ready.service)
            observe(ready.service, model.name, ("Prefers concise output formats", SUPPORTS, ""))
    finally:
        service.stop()
        neo4j.stop()
    assert "Traceback" not in (workdir / "service.log").read_text(errors="replace")
