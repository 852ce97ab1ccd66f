"""Cypher for observations: record, find by idempotency key, list, and what each one changed."""

from __future__ import annotations

from typing import Final

from neo4j.graph import Node

from service.domain.model import Belief, BeliefChange, ChangeKind, Observation
from service.domain.paging import Cursor
from store import keyset
from store.contexts import LINK_CONTEXT
from store.keyset import Column, Kind
from store.records import to_belief_as_of, to_observation
from store.scoped import TenantScopedTransaction

OBSERVATION_ORDER: Final[tuple[Column, ...]] = (
    Column("o.create_time", descending=True, kind=Kind.TIME),
    Column("o.revision", descending=True, kind=Kind.NUMBER),
    Column("o.id", descending=False, kind=Kind.TEXT),
)
"""ListObservations' order: newest first; `observation_cursor` gives an item's key."""


class ObservationRepository:
    def __init__(self, tx: TenantScopedTransaction) -> None:
        self._tx = tx

    async def create(
        self, observation: Observation, *, fingerprint: str, new_context_id: str
    ) -> None:
        """Records the observation; `fingerprint` identifies the request for idempotent retries."""
        await self._tx.run(
            """
            MATCH (m:SelfModel {id: $self_model_id, tenant: $tenant})
            CREATE (m)-[:OBSERVED]->(n:Observation {
              id: $id, tenant: $tenant, self_model_id: $self_model_id, type: $type,
              content: $content, context: $context, occur_time: $occur_time,
              create_time: $create_time, revision: $revision, fingerprint: $fingerprint
            })
            // No key is stored as no property, so the uniqueness constraint ignores it.
            SET n.idempotency_key = CASE WHEN $idempotency_key = '' THEN NULL
                                         ELSE $idempotency_key END
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
            revision=observation.revision,
            fingerprint=fingerprint,
        )

    async def find_by_idempotency_key(
        self, self_model_id: str, idempotency_key: str
    ) -> tuple[Observation, str] | None:
        """The observation recorded with this key in this model, and its request fingerprint."""
        result = await self._tx.run(
            """
            MATCH (o:Observation {self_model_id: $self_model_id,
                                  idempotency_key: $idempotency_key, tenant: $tenant})
            RETURN o
            """,
            self_model_id=self_model_id,
            idempotency_key=idempotency_key,
        )
        record = await result.single()
        if record is None:
            return None
        node: Node = record["o"]
        return to_observation(node), node.get("fingerprint", "")

    async def page(
        self, self_model_id: str, *, context: str | None, after: Cursor | None, limit: int
    ) -> list[Observation]:
        """A page of the model's observations, newest first, after the `after` sort key
        (`OBSERVATION_ORDER`)."""
        result = await self._tx.run(
            """
            MATCH (:SelfModel {id: $self_model_id, tenant: $tenant})-[:OBSERVED]->(o:Observation)
            WHERE ($context IS NULL OR o.context = $context) AND """
            + keyset.after(OBSERVATION_ORDER)
            + " RETURN o ORDER BY "
            + keyset.order_by(OBSERVATION_ORDER)
            + " LIMIT $limit",
            self_model_id=self_model_id,
            context=context,
            after=keyset.after_parameter(OBSERVATION_ORDER, after),
            limit=limit,
        )
        return [to_observation(record["o"]) async for record in result]

    async def committed_after(
        self, self_model_id: str, revision: int, limit: int
    ) -> list[Observation]:
        """Observations committed after `revision`, in commit order."""
        result = await self._tx.run(
            """
            MATCH (:SelfModel {id: $self_model_id, tenant: $tenant})-[:OBSERVED]->(o:Observation)
            WHERE o.revision > $revision
            RETURN o ORDER BY o.revision LIMIT $limit
            """,
            self_model_id=self_model_id,
            revision=revision,
            limit=limit,
        )
        return [to_observation(record["o"]) async for record in result]

    async def changes_caused_by(self, observation: Observation) -> list[BeliefChange]:
        """The belief changes an observation caused, in the order they were made.

        Rebuilt from the versions it caused, so a retried Observe and a watcher see exactly
        what the first call returned.
        """
        result = await self._tx.run(
            """
            MATCH (o:Observation {id: $observation_id, tenant: $tenant})
                  <-[:CAUSED_BY]-(v:BeliefVersion)<-[:HAS_VERSION]-(b:Belief)
            RETURN b, v ORDER BY v.change_index, v.version
            """,
            observation_id=observation.id,
        )
        changes: list[BeliefChange] = []
        async for record in result:
            version: Node = record["v"]
            belief: Belief = to_belief_as_of(record["b"], version)
            changes.append(
                BeliefChange(
                    belief=belief,
                    kind=ChangeKind(version["change_kind"]),
                    previous_confidence=version.get("previous_confidence", belief.confidence),
                    reason=version.get("reason", ""),
                )
            )
        return changes
