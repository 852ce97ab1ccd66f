"""GetOrCreateSelfModel is idempotent, also when many first calls race."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from neo4j import Driver

from selfmodel.v1 import self_model_service_pb2
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.requests import new_user_id

PARALLEL_CALLS = 16


def test_concurrent_first_calls_agree_on_one_model(
    stub: SelfModelServiceStub, neo4j_driver: Driver
) -> None:
    user = new_user_id()
    request = self_model_service_pb2.GetOrCreateSelfModelRequest(
        external_user_id=user, scope="acme-writer"
    )
    with ThreadPoolExecutor(PARALLEL_CALLS) as pool:
        names = list(pool.map(lambda _: stub.GetOrCreateSelfModel(request).name, range(32)))
    assert len(set(names)) == 1

    records, _, _ = neo4j_driver.execute_query(
        """
        MATCH (u:User {scope: 'acme-writer', external_user_id: $user})
        OPTIONAL MATCH (u)-[:HAS_SELF_MODEL]->(m:SelfModel)
        RETURN count(DISTINCT u) AS users, count(DISTINCT m) AS models
        """,
        user=user,
    )
    assert (records[0]["users"], records[0]["models"]) == (1, 1)


def test_the_same_user_in_another_scope_gets_another_model(stub: SelfModelServiceStub) -> None:
    user = new_user_id()
    first = stub.GetOrCreateSelfModel(
        self_model_service_pb2.GetOrCreateSelfModelRequest(external_user_id=user, scope="a")
    )
    second = stub.GetOrCreateSelfModel(
        self_model_service_pb2.GetOrCreateSelfModelRequest(external_user_id=user, scope="b")
    )
    again = stub.GetOrCreateSelfModel(
        self_model_service_pb2.GetOrCreateSelfModelRequest(external_user_id=user, scope="a")
    )
    assert first.name != second.name
    assert again.name == first.name
