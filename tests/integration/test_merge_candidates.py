"""Merge candidates are the model's own beliefs, even when other models crowd the index."""

from __future__ import annotations

import asyncio

import pytest
from neo4j import Driver

from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from service.application.ports import CandidateProbe, CandidateSearch
from service.domain.beliefs import Candidate
from service.domain.merge import statement_key
from store.graph import GraphStore, Neo4jSettings
from store.transaction import StoreTransaction
from tests.integration.auth import TEST_TENANT
from tests.integration.requests import SUPPORTS, create_model, observe

STATEMENT = "Maintains a popular open-source compiler"


def candidates(
    neo4j_uri: str, model_name: str, context: str, embedding: list[float], search: CandidateSearch
) -> list[Candidate]:
    async def find(tx: StoreTransaction) -> list[Candidate]:
        [found] = await tx.beliefs.merge_candidates(
            model_name.rsplit("/", 1)[1],
            [CandidateProbe(key="no such key", context=context, embedding=embedding)],
            search,
        )
        return found

    async def scenario() -> list[Candidate]:
        store = GraphStore.open(Neo4jSettings(uri=neo4j_uri))
        try:
            return await store.read(TEST_TENANT, find)
        finally:
            await store.close()

    return asyncio.run(scenario())


def test_a_crowded_index_still_yields_the_models_own_beliefs(
    stub: SelfModelServiceStub, neo4j_driver: Driver, neo4j_uri: str
) -> None:
    crowd = create_model(stub)
    for index in range(6):
        observe(stub, crowd.name, (STATEMENT, SUPPORTS, f"context-{index}"))
    mine = create_model(stub)
    own = observe(stub, mine.name, (STATEMENT, SUPPORTS, "work")).belief_changes[0].belief
    observe(stub, mine.name, (STATEMENT, SUPPORTS, "home"))
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (b:Belief {id: $id}) RETURN b.embedding AS embedding",
        id=own.name.rsplit("/", 1)[1],
    )
    embedding = list(records[0]["embedding"])

    for search in (CandidateSearch(limit=4, index_depth=2), CandidateSearch()):
        found = candidates(neo4j_uri, mine.name, "work", embedding, search)
        assert [c.belief.statement for c in found] == [STATEMENT]
        assert found[0].belief.context == "work"
        assert statement_key(found[0].belief.statement) == statement_key(STATEMENT)
        assert found[0].cosine == pytest.approx(1.0, abs=1e-4)  # its own embedding
