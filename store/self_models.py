"""Cypher for users and their self-models."""

from __future__ import annotations

from datetime import datetime

from neo4j import AsyncManagedTransaction

from service.domain.model import SelfModel
from store.records import to_self_model


class SelfModelRepository:
    def __init__(self, tx: AsyncManagedTransaction) -> None:
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
        # MERGE on the uniquely constrained (scope, external_user_id) pair locks it, so
        # concurrent first calls for one user serialize here and agree on one model.
        result = await self._tx.run(
            """
            MERGE (u:User {scope: $scope, external_user_id: $external_user_id})
              ON CREATE SET u.id = $user_id, u.create_time = $now,
                            u.self_model_id = $self_model_id
            MERGE (m:SelfModel {id: u.self_model_id})
              ON CREATE SET m.scope = $scope, m.external_user_id = $external_user_id,
                            m.alignment_score = $alignment_score,
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
            "MATCH (m:SelfModel {id: $id}) RETURN m",
            id=self_model_id,
        )
        record = await result.single()
        return None if record is None else to_self_model(record["m"])

    async def find_by_user(self, *, scope: str, external_user_id: str) -> SelfModel | None:
        result = await self._tx.run(
            """
            MATCH (:User {scope: $scope, external_user_id: $external_user_id})
                  -[:HAS_SELF_MODEL]->(m:SelfModel)
            RETURN m
            """,
            scope=scope,
            external_user_id=external_user_id,
        )
        record = await result.single()
        return None if record is None else to_self_model(record["m"])

    async def lock_for_update(self, self_model_id: str, now: datetime) -> SelfModel | None:
        """Write-locks the model until the transaction ends and stamps its update time.

        Every Observe on a model takes this lock first, so concurrent observations of one
        user apply one after another and see each other's beliefs.
        """
        result = await self._tx.run(
            "MATCH (m:SelfModel {id: $id}) SET m.update_time = $now RETURN m",
            id=self_model_id,
            now=now,
        )
        record = await result.single()
        return None if record is None else to_self_model(record["m"])

    async def record_alignment(
        self,
        self_model_id: str,
        *,
        score: float,
        observation_id: str,
        version_id: str,
        now: datetime,
    ) -> None:
        """Moves the alignment score and appends the version that says why."""
        await self._tx.run(
            """
            MATCH (m:SelfModel {id: $id})
            SET m.alignment_score = $score,
                m.alignment_version = coalesce(m.alignment_version, 0) + 1
            CREATE (m)-[:HAS_ALIGNMENT_VERSION]->(:AlignmentVersion {
              id: $version_id, self_model_id: $id, version: m.alignment_version,
              score: $score, valid_from: $now, observation_id: $observation_id
            })
            """,
            id=self_model_id,
            score=score,
            observation_id=observation_id,
            version_id=version_id,
            now=now,
        )

    async def alignment_as_of(self, self_model_id: str, when: datetime) -> float | None:
        """The alignment score at `when`; None if it had not moved yet."""
        result = await self._tx.run(
            """
            MATCH (:SelfModel {id: $id})-[:HAS_ALIGNMENT_VERSION]->(v:AlignmentVersion)
            WHERE v.valid_from <= $when
            RETURN v.score AS score ORDER BY v.version DESC LIMIT 1
            """,
            id=self_model_id,
            when=when,
        )
        record = await result.single()
        return None if record is None else float(record["score"])
