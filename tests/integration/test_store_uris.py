"""The store speaks plain Bolt to Neo4j, so routing URIs work unchanged."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from service.domain.model import SelfModel
from store.graph import GraphStore, Neo4jSettings
from store.transaction import StoreTransaction

TENANT = "store-uris"


def test_a_neo4j_routing_uri_writes_and_reads_the_graph(neo4j_uri: str) -> None:
    routing_uri = neo4j_uri.replace("bolt://", "neo4j://", 1)
    model_id = str(uuid.uuid4())

    async def create(tx: StoreTransaction) -> SelfModel:
        return await tx.self_models.get_or_create(
            scope="routing",
            external_user_id=model_id,
            new_user_id=str(uuid.uuid4()),
            new_self_model_id=model_id,
            alignment_score=0.5,
            now=datetime.now(UTC),
        )

    async def find(tx: StoreTransaction) -> SelfModel | None:
        return await tx.self_models.find(model_id)

    async def scenario() -> tuple[SelfModel, SelfModel | None]:
        store = GraphStore.open(Neo4jSettings(uri=routing_uri))
        try:
            return await store.write(TENANT, create), await store.read(TENANT, find)
        finally:
            await store.close()

    created, found = asyncio.run(scenario())
    assert created.id == model_id
    assert found == created
