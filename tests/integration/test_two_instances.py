"""Stateless replicas: two service instances on one Neo4j serve the same models.

Concurrent writers through both instances lose no update and make no duplicate belief
(the model's write lock lives in Neo4j, not in a process), and a watch on one instance
sees what was written through the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import pytest
from neo4j import Driver

from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.auth import with_key
from tests.integration.requests import SUPPORTS, create_model, get_model, observe
from tests.integration.service_process import ServiceProcess
from tests.integration.test_render_and_watch import watch

WRITERS = 16
CALLS_PER_WRITER = 3


@pytest.fixture(scope="module")
def second_instance(
    neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServiceProcess]:
    service = ServiceProcess(neo4j_uri, Path(tmp_path_factory.mktemp("second")) / "service.log")
    service.start()
    yield service
    service.stop()


@pytest.fixture
def other_stub(second_instance: ServiceProcess, api_key: str) -> Iterator[SelfModelServiceStub]:
    with grpc.insecure_channel(second_instance.address) as channel:
        yield SelfModelServiceStub(with_key(channel, api_key))


def test_writers_through_two_instances_lose_nothing_and_duplicate_nothing(
    stub: SelfModelServiceStub, other_stub: SelfModelServiceStub, neo4j_driver: Driver
) -> None:
    model = create_model(stub)

    def writer(index: int) -> None:
        through = stub if index % 2 == 0 else other_stub
        for call in range(CALLS_PER_WRITER):
            observe(
                through,
                model.name,
                ("Prefers concise output formats", SUPPORTS, ""),
                (f"Works on project {index}-{call}", SUPPORTS, ""),
            )

    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(writer, range(WRITERS)))

    total = WRITERS * CALLS_PER_WRITER
    read_here, read_there = get_model(stub, model.name), get_model(other_stub, model.name)
    assert read_here == read_there
    statements = [b.statement for b in read_here.beliefs]
    assert statements.count("Prefers concise output formats") == 1
    records, _, _ = neo4j_driver.execute_query(
        """
        MATCH (m:SelfModel {id: $id})
        OPTIONAL MATCH (m)-[:HOLDS]->(b:Belief {statement: 'Prefers concise output formats'})
        RETURN m.revision AS revision, b.version AS version
        """,
        id=model.name.rsplit("/", 1)[1],
    )
    # Every observation reinforced the shared belief once: one version each, none lost.
    assert (records[0]["revision"], records[0]["version"]) == (total, total)


def test_a_watch_on_one_instance_sees_writes_through_the_other(
    stub: SelfModelServiceStub, other_stub: SelfModelServiceStub
) -> None:
    model = create_model(stub)
    first = observe(stub, model.name, ("Prefers dark mode", SUPPORTS, ""))
    watcher, call = watch(stub, model.name, after=first.observation.revision)
    try:
        second = observe(other_stub, model.name, ("Prefers dark mode", SUPPORTS, ""))
        message = watcher.next(timeout=15)  # found by polling: another process committed it
        assert not isinstance(message, grpc.RpcError), message
        assert message.observation == second.observation.name
        assert list(message.belief_changes) == list(second.belief_changes)
    finally:
        call.cancel()
