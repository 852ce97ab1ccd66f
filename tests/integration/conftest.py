"""Integration fixtures: a real Neo4j (embedded DBMS over Bolt) and the real service over gRPC.

Set SELFMODEL_TEST_NEO4J_URI to use an already running Neo4j (as .ci/run does);
otherwise the tests start their own in a temporary directory.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import grpc
import pytest
from neo4j import Driver, GraphDatabase

from devtools.neo4j import EmbeddedNeo4j, free_port
from selfmodel.v1 import self_model_service_pb2_grpc
from tests.integration.auth import TEST_TENANT, create_api_key, with_key
from tests.integration.service_process import ServiceProcess


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get("SELFMODEL_TEST_NEO4J_URI")
    if external:
        yield external
        return
    with EmbeddedNeo4j(tmp_path_factory.mktemp("neo4j"), port=free_port()) as neo4j:
        yield neo4j.uri


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_uri: str) -> Iterator[Driver]:
    """Direct access to the graph, to check what the service wrote."""
    with GraphDatabase.driver(neo4j_uri) as driver:
        yield driver


@pytest.fixture(scope="session")
def shared_service(
    neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """The service most tests share, with its inspector page on: (gRPC address, inspector
    address)."""
    inspector = f"127.0.0.1:{free_port()}"
    service = ServiceProcess(
        neo4j_uri,
        tmp_path_factory.mktemp("service") / "service.log",
        extra_env={"SELFMODEL_INSPECTOR_LISTEN": inspector},
    )
    service.start()
    yield service.address, inspector
    service.stop()


@pytest.fixture(scope="session")
def service_address(shared_service: tuple[str, str]) -> str:
    return shared_service[0]


@pytest.fixture(scope="session")
def inspector_address(shared_service: tuple[str, str]) -> str:
    return shared_service[1]


@pytest.fixture(scope="session")
def api_key(neo4j_uri: str) -> str:
    """A key of TEST_TENANT: the tenant every shared-stub test works in."""
    return create_api_key(neo4j_uri, TEST_TENANT)


@pytest.fixture(scope="session")
def plain_channel(service_address: str) -> Iterator[grpc.Channel]:
    """A channel that sends no API key (health, reflection, authentication tests)."""
    with grpc.insecure_channel(service_address) as channel:
        yield channel


@pytest.fixture(scope="session")
def channel(plain_channel: grpc.Channel, api_key: str) -> grpc.Channel:
    """A channel whose calls carry TEST_TENANT's API key."""
    return with_key(plain_channel, api_key)


@pytest.fixture(scope="session")
def stub(channel: grpc.Channel) -> self_model_service_pb2_grpc.SelfModelServiceStub:
    return self_model_service_pb2_grpc.SelfModelServiceStub(channel)


@pytest.fixture(scope="session")
def stub_of_tenant(
    neo4j_uri: str, plain_channel: grpc.Channel
) -> Callable[[str], self_model_service_pb2_grpc.SelfModelServiceStub]:
    """A stub whose calls carry a new API key of the given tenant."""

    def stub_for(tenant: str) -> self_model_service_pb2_grpc.SelfModelServiceStub:
        key = create_api_key(neo4j_uri, tenant)
        return self_model_service_pb2_grpc.SelfModelServiceStub(with_key(plain_channel, key))

    return stub_for
