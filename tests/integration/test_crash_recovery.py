"""Neo4j killed mid-run: no acknowledged observation is lost, none is applied twice.

A caller sends observations, each with its own idempotency key, and retries a failed one
with the same key until it is acknowledged, as the README tells callers to. Part-way
through, the Neo4j JVM is killed (SIGKILL: no clean shutdown) and started again on the same
data. Afterwards every acknowledged observation is in the graph exactly once, with the
revision it was acknowledged with, and every belief's versions are whole.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import grpc
import pytest
from neo4j import GraphDatabase

from devtools.neo4j import EmbeddedNeo4j, free_port
from selfmodel.v1 import observation_pb2
from selfmodel.v1 import self_model_service_pb2 as messages
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.auth import create_api_key, with_key
from tests.integration.requests import create_model
from tests.integration.service_process import ServiceProcess

CALLS = 120
KILL_AFTER = 40
RETRYABLE = {
    grpc.StatusCode.UNAVAILABLE,
    grpc.StatusCode.ABORTED,
    grpc.StatusCode.DEADLINE_EXCEEDED,
}


@dataclass
class Deployment:
    neo4j: EmbeddedNeo4j
    service: ServiceProcess
    key: str


@pytest.fixture
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    workdir = tmp_path_factory.mktemp("crash")
    neo4j = EmbeddedNeo4j(workdir / "neo4j", port=free_port())
    service = ServiceProcess(
        neo4j.uri,
        workdir / "service.log",
        extra_env={
            "SELFMODEL_HEALTH_INTERVAL_SECONDS": "0.5",
            "SELFMODEL_NEO4J_MAX_RETRY_SECONDS": "2",
            "SELFMODEL_NEO4J_CONNECT_TIMEOUT_SECONDS": "2",
        },
    )
    neo4j.start()
    try:
        service.start()
        yield Deployment(neo4j, service, create_api_key(neo4j.uri, "crash"))
    finally:
        service.stop()
        neo4j.stop()


def observe_until_acknowledged(
    stub: SelfModelServiceStub, model: str, index: int
) -> messages.ObserveResponse:
    request = messages.ObserveRequest(
        self_model=model,
        observation=observation_pb2.Observation(
            type=observation_pb2.OBSERVATION_TYPE_PREFERENCE,
            content=f"Chose the short summary, time {index}",
            idempotency_key=f"crash-{index}",
        ),
        beliefs=[
            observation_pb2.BeliefProposal(
                statement="Prefers concise output formats", stance=observation_pb2.STANCE_SUPPORTS
            ),
            observation_pb2.BeliefProposal(
                statement=f"Read report number {index}", stance=observation_pb2.STANCE_SUPPORTS
            ),
        ],
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            response: messages.ObserveResponse = stub.Observe(request, timeout=20)
            return response
        except grpc.RpcError as error:
            if error.code() not in RETRYABLE or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_a_killed_neo4j_loses_no_acknowledged_observation(deployment: Deployment) -> None:
    acknowledged: dict[int, messages.ObserveResponse] = {}
    with grpc.insecure_channel(deployment.service.address) as channel:
        stub = SelfModelServiceStub(with_key(channel, deployment.key))
        model = create_model(stub).name
        killed = threading.Event()

        def kill_and_restart() -> None:
            pid = deployment.neo4j.pid
            assert pid is not None
            os.kill(pid, signal.SIGKILL)
            deployment.neo4j.stop()  # reaps the dead JVM
            killed.set()
            time.sleep(3)
            deployment.neo4j.start()  # recovers from its transaction log

        restart = threading.Thread(target=kill_and_restart)
        for index in range(CALLS):
            if index == KILL_AFTER:
                restart.start()
                killed.wait(30)
            acknowledged[index] = observe_until_acknowledged(stub, model, index)
        restart.join(60)

    model_id = model.rsplit("/", 1)[1]
    with GraphDatabase.driver(deployment.neo4j.uri) as driver:
        records, _, _ = driver.execute_query(
            """
            MATCH (:SelfModel {id: $id})-[:OBSERVED]->(o:Observation)
            RETURN o.idempotency_key AS key, o.id AS id, o.revision AS revision
            """,
            id=model_id,
        )
        stored = {record["key"]: record for record in records}
        versions, _, _ = driver.execute_query(
            """
            MATCH (:SelfModel {id: $id})-[:HOLDS]->(b:Belief)-[:HAS_VERSION]->(v)
            RETURN b.id AS belief, b.version AS version, collect(v.version) AS versions
            """,
            id=model_id,
        )

    assert len(records) == CALLS, "an observation was lost or applied twice"
    for index, response in acknowledged.items():
        record = stored[f"crash-{index}"]
        assert response.observation.name.endswith(record["id"])
        assert response.observation.revision == record["revision"]
    assert sorted(r["revision"] for r in records) == list(range(1, CALLS + 1))
    for belief in versions:
        assert sorted(belief["versions"]) == list(range(1, belief["version"] + 1))
