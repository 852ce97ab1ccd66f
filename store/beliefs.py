"""Cypher for beliefs, their versions and the evidence behind them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import LiteralString

from neo4j import AsyncManagedTransaction

from service.domain.beliefs import PlannedChange
from service.domain.model import Belief, Stance
from store.contexts import LINK_CONTEXT
from store.records import to_belief

# Relationship types cannot be parameters: one literal clause per stance.
_EVIDENCE_EDGE: dict[Stance, LiteralString] = {
    Stance.SUPPORTS: "CREATE (o)-[:SUPPORTS {weight: $weight, create_time: $now}]->(b)\n",
    Stance.CONTRADICTS: "CREATE (o)-[:CONTRADICTS {weight: $weight, create_time: $now}]->(b)\n",
}

_VERSION_PROPERTIES: LiteralString = """{
  id: $version_id, belief_id: $belief_id, version: $version, statement: $statement,
  confidence: $confidence, context: $context, change_kind: $change_kind,
  valid_from: $now, observation_id: $observation_id
}"""


@dataclass(frozen=True)
class ChangeIds:
    """Ids minted for the nodes one change may create."""

    belief_id: str
    version_id: str
    context_id: str


class BeliefRepository:
    def __init__(self, tx: AsyncManagedTransaction) -> None:
        self._tx = tx

    async def current(
        self, self_model_id: str, *, context: str | None, min_confidence: float
    ) -> list[Belief]:
        """Current beliefs, most confident first; with a context, that context's and global ones."""
        result = await self._tx.run(
            """
            MATCH (:SelfModel {id: $self_model_id})-[:HOLDS]->(b:Belief)
            WHERE ($context IS NULL OR b.context = '' OR b.context = $context)
              AND b.confidence >= $min_confidence
            RETURN b ORDER BY b.confidence DESC, b.create_time, b.id
            """,
            self_model_id=self_model_id,
            context=context,
            min_confidence=min_confidence,
        )
        return [to_belief(record["b"]) async for record in result]

    async def merge_candidates(
        self, self_model_id: str, *, context: str, statement_key: str
    ) -> list[Belief]:
        """Beliefs of the model in `context` that a proposal could be the same belief as."""
        result = await self._tx.run(
            """
            MATCH (b:Belief {self_model_id: $self_model_id, statement_key: $statement_key})
            WHERE b.context = $context
            RETURN b ORDER BY b.create_time, b.id
            """,
            self_model_id=self_model_id,
            context=context,
            statement_key=statement_key,
        )
        return [to_belief(record["b"]) async for record in result]

    async def create(
        self,
        change: PlannedChange,
        *,
        self_model_id: str,
        statement_key: str,
        embedding: Sequence[float],
        observation_id: str,
        ids: ChangeIds,
        now: datetime,
    ) -> Belief:
        """A new belief with its first version, its evidence and its embedding."""
        query: LiteralString = (
            """
            MATCH (m:SelfModel {id: $self_model_id})
            MATCH (o:Observation {id: $observation_id})
            CREATE (m)-[:HOLDS]->(b:Belief {
              id: $belief_id, self_model_id: $self_model_id, statement: $statement,
              statement_key: $statement_key, context: $context, confidence: $confidence,
              version: $version, create_time: $now, update_time: $now
            })
            CREATE (b)-[:HAS_VERSION]->(v:BeliefVersion """
            + _VERSION_PROPERTIES
            + """)
            CREATE (v)-[:CAUSED_BY]->(o)
            """
            + _EVIDENCE_EDGE[change.stance]
            + """
            WITH m, b AS n
            CALL db.create.setNodeVectorProperty(n, 'embedding', $embedding)
            """
            + LINK_CONTEXT
            + "RETURN n"
        )
        result = await self._tx.run(
            query,
            self_model_id=self_model_id,
            observation_id=observation_id,
            belief_id=ids.belief_id,
            version_id=ids.version_id,
            context_id=ids.context_id,
            statement=change.statement,
            statement_key=statement_key,
            context=change.context,
            confidence=change.confidence,
            version=change.version,
            change_kind=change.kind.value,
            weight=change.weight,
            embedding=list(embedding),
            now=now,
        )
        record = await result.single(strict=True)
        return to_belief(record["n"])

    async def add_version(
        self,
        change: PlannedChange,
        target: Belief,
        *,
        observation_id: str,
        version_id: str,
        now: datetime,
    ) -> Belief:
        """Appends a version to `target` and moves its current state; older versions stay."""
        query: LiteralString = (
            """
            MATCH (b:Belief {id: $belief_id})-[:HAS_VERSION]->(previous:BeliefVersion)
            WHERE previous.version = b.version
            MATCH (o:Observation {id: $observation_id})
            SET b.confidence = $confidence, b.version = $version, b.update_time = $now
            CREATE (b)-[:HAS_VERSION]->(v:BeliefVersion """
            + _VERSION_PROPERTIES
            + """)-[:PREVIOUS_VERSION]->(previous)
            CREATE (v)-[:CAUSED_BY]->(o)
            """
            + _EVIDENCE_EDGE[change.stance]
            + "RETURN b"
        )
        result = await self._tx.run(
            query,
            belief_id=target.id,
            observation_id=observation_id,
            version_id=version_id,
            statement=change.statement,
            context=change.context,
            confidence=change.confidence,
            version=change.version,
            change_kind=change.kind.value,
            weight=change.weight,
            now=now,
        )
        record = await result.single(strict=True)
        return to_belief(record["b"])
