"""Cypher for observations."""

from __future__ import annotations

from neo4j import AsyncManagedTransaction

from service.domain.model import Observation
from store.contexts import LINK_CONTEXT


class ObservationRepository:
    def __init__(self, tx: AsyncManagedTransaction) -> None:
        self._tx = tx

    async def create(self, observation: Observation, *, new_context_id: str) -> None:
        await self._tx.run(
            """
            MATCH (m:SelfModel {id: $self_model_id})
            CREATE (m)-[:OBSERVED]->(n:Observation {
              id: $id, self_model_id: $self_model_id, type: $type, content: $content,
              context: $context, occur_time: $occur_time,
              idempotency_key: $idempotency_key, create_time: $create_time
            })
            """
            + LINK_CONTEXT,
            id=observation.id,
            self_model_id=observation.self_model_id,
            type=observation.type.value,
            content=observation.content,
            context=observation.context,
            context_id=new_context_id,
            occur_time=observation.occur_time,
            idempotency_key=observation.idempotency_key,
            create_time=observation.create_time,
        )
