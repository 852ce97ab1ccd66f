"""Cypher for users and their self-models: create, find, lock, list, delete, tombstones."""

from __future__ import annotations

from datetime import datetime

from service.domain.model import SelfModel
from service.domain.paging import Cursor
from store import keyset
from store.keyset import Column, Kind
from store.records import to_self_model
from store.scoped import TenantScopedTransaction

_ORDER: tuple[Column, ...] = (
    Column("m.create_time", descending=False, kind=Kind.TIME),
    Column("m.id", descending=False, kind=Kind.TEXT),
)


class SelfModelRepository:
    def __init__(self, tx: TenantScopedTransaction) -> None:
        self._tx = tx

    async def get_or_create(
        self,
        *,
        scope: str,
        external_user_id: str,
        new_user_id: str,
        new_self_model_id: str,
        alignment_score: float,
        now: datetime,
    ) -> SelfModel:
        # MERGE on the uniquely constrained (tenant, scope, external_user_id) triple locks
        # it, so concurrent first calls for one user serialize here and agree on one model.
        result = await self._tx.run(
            """
            MERGE (u:User {tenant: $tenant, scope: $scope, external_user_id: $external_user_id})
              ON CREATE SET u.id = $user_id, u.create_time = $now,
                            u.self_model_id = $self_model_id
            MERGE (m:SelfModel {id: u.self_model_id})
              ON CREATE SET m.tenant = $tenant, m.scope = $scope,
                            m.external_user_id = $external_user_id,
                            m.alignment_score = $alignment_score, m.revision = 0,
                            m.create_time = $now, m.update_time = $now
            MERGE (u)-[:HAS_SELF_MODEL]->(m)
            RETURN m
            """,
            scope=scope,
            external_user_id=external_user_id,
            user_id=new_user_id,
            self_model_id=new_self_model_id,
            alignment_score=alignment_score,
            now=now,
        )
        record = await result.single(strict=True)
        return to_self_model(record["m"])

    async def find(self, self_model_id: str) -> SelfModel | None:
        result = await self._tx.run(
            "MATCH (m:SelfModel {id: $id, tenant: $tenant}) RETURN m",
            id=self_model_id,
        )
        record = await result.single()
        return None if record is None else to_self_model(record["m"])

    async def find_by_user(self, *, scope: str, external_user_id: str) -> SelfModel | None:
        result = await self._tx.run(
            """
            MATCH (:User {tenant: $tenant, scope: $scope, external_user_id: $external_user_id})
                  -[:HAS_SELF_MODEL]->(m:SelfModel)
            RETURN m
            """,
            scope=scope,
            external_user_id=external_user_id,
        )
        record = await result.single()
        return None if record is None else to_self_model(record["m"])

    async def page(self, *, scope: str, after: Cursor | None, limit: int) -> list[SelfModel]:
        """The tenant's self-models (of `scope`, unless empty), oldest first, after the
        `after` sort key (creation time, id)."""
        result = await self._tx.run(
            """
            MATCH (m:SelfModel {tenant: $tenant})
            WHERE ($scope = '' OR m.scope = $scope) AND """
            + keyset.after(_ORDER)
            + " RETURN m ORDER BY "
            + keyset.order_by(_ORDER)
            + " LIMIT $limit",
            scope=scope,
            after=keyset.after_parameter(_ORDER, after),
            limit=limit,
        )
        return [to_self_model(record["m"]) async for record in result]

    async def alignment_as_of(self, self_model_id: str, when: datetime) -> float | None:
        """The alignment score at `when`; None if it had not moved yet."""
        result = await self._tx.run(
            """
            MATCH (:SelfModel {id: $id, tenant: $tenant})
                  -[:HAS_ALIGNMENT_VERSION]->(v:AlignmentVersion)
            WHERE v.valid_from <= $when
            RETURN v.score AS score ORDER BY v.version DESC LIMIT 1
            """,
            id=self_model_id,
            when=when,
        )
        record = await result.single()
        return None if record is None else float(record["score"])

    async def delete(self, self_model_id: str, now: datetime) -> bool:
        """Deletes the model, its user and everything in it; leaves a content-free tombstone.

        The tombstone holds only the random model id, the tenant and the time, so later
        calls on the name can say the model was deleted (FAILED_PRECONDITION) rather than
        that it never existed. Returns False when there was no such model.
        """
        result = await self._tx.run(
            """
            MATCH (m:SelfModel {id: $id, tenant: $tenant})
            OPTIONAL MATCH (u:User)-[:HAS_SELF_MODEL]->(m)
            CALL (m) {
              OPTIONAL MATCH (m)-[:HOLDS]->(:Belief)-[:HAS_VERSION]->(v:BeliefVersion)
              RETURN collect(v) AS versions
            }
            CALL (m) {
              OPTIONAL MATCH (m)-[:OBSERVED|HOLDS|HAS_CONTEXT|HAS_ALIGNMENT_VERSION]->(n)
              RETURN collect(n) AS owned
            }
            WITH m, u, versions, owned
            FOREACH (n IN versions | DETACH DELETE n)
            FOREACH (n IN owned | DETACH DELETE n)
            FOREACH (n IN CASE WHEN u IS NULL THEN [] ELSE [u] END | DETACH DELETE n)
            DETACH DELETE m
            MERGE (:DeletedSelfModel {id: $id, tenant: $tenant, delete_time: $now})
            RETURN count(*) AS deleted
            """,
            id=self_model_id,
            now=now,
        )
        record = await result.single()
        return record is not None and record["deleted"] > 0

    async def was_deleted(self, self_model_id: str) -> bool:
        result = await self._tx.run(
            "MATCH (d:DeletedSelfModel {id: $id, tenant: $tenant}) RETURN count(d) AS n",
            id=self_model_id,
        )
        record = await result.single(strict=True)
        return bool(record["n"])
