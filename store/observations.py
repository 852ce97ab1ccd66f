"""Cypher for observations: record, find by idempotency key, list, and what each one changed."""

from __future__ import annotations

from typing import Final

from neo4j.graph import Node

from service.domain.model import Belief, BeliefChange, ChangeKind, Observation
from service.domain.paging import Cursor
from store import keyset
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
