"""What the service acknowledged survives a restart of both the service and Neo4j."""

from __future__ import annotations

from pathlib import Path

from devtools.neo4j import EmbeddedNeo4j, free_port
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.auth import authenticated_channel, create_api_key
from tests.integration.requests import SUPPORTS, create_model, get_model, observe
from tests.integration.service_process import ServiceProcess


def test_beliefs_survive_restarting_service_and_neo4j(tmp_path: Path) -> None:
    neo4j = EmbeddedNeo4j(tmp_path / "neo4j", port=free_port())
    service = ServiceProcess(neo4j.uri, tmp_path / "service.log")
    neo4j.start()
    try:
        service.start()
        key = create_api_key(neo4j.uri, "durability")
        with authenticated_channel(service.address, key) as channel:
            stub = SelfModelServiceStub(channel)
            model = create_model(stub)
            observe(stub, model.name, ("Prefers concise output formats", SUPPORTS, ""))
            before = get_model(stub, model.name)
        service.stop()
        neo4j.stop()

        neo4j.start()
        service.start()
        with authenticated_channel(service.address, key) as channel:
            after = get_model(SelfModelServiceStub(channel), model.name)
    finally:
        service.stop()
        neo4j.stop()

    assert after == before
    assert len(after.beliefs) == 1
