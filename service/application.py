"""The three use cases: get-or-create a self-model, observe, read beliefs.

Each one validates with the domain rules, computes what needs no lock (embeddings) first,
and then runs its reads and writes in one Neo4j transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from service.domain import names, validation
from service.domain.beliefs import plan_change
from service.domain.confidence import EvidenceModel
from service.domain.errors import NotFound
from service.domain.merge import statement_key
from service.domain.model import (
    BeliefChange,
    BeliefProposal,
    NewObservation,
    Observation,
    ObserveResult,
    SelfModel,
)
from service.embeddings import Embedder
from store.beliefs import ChangeIds
from store.graph import GraphStore
from store.transaction import StoreTransaction

NEUTRAL_ALIGNMENT = 0.5
"""The alignment score of a model that has not yet been tested by any observation."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SelfModelRef:
    """Names a self-model by id, or by (scope, external user id)."""

    self_model_id: str | None = None
    scope: str = ""
    external_user_id: str = ""


class SelfModels:
    def __init__(
        self,
        store: GraphStore,
        embedder: Embedder,
        evidence: EvidenceModel,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._embedder = embedder
        self._evidence = evidence
        self._clock = clock

    async def get_or_create(self, *, external_user_id: str, scope: str) -> SelfModel:
        validation.validate_user_key(external_user_id, scope)
        now = self._clock()

        async def work(tx: StoreTransaction) -> SelfModel:
            return await tx.self_models.get_or_create(
                scope=scope,
                external_user_id=external_user_id,
                new_user_id=names.new_id(),
                new_self_model_id=names.new_id(),
                alignment_score=NEUTRAL_ALIGNMENT,
                now=now,
            )

        return await self._store.write(work)

    async def get(
        self, ref: SelfModelRef, *, context: str | None, min_confidence: float
    ) -> SelfModel:
        if context is not None:
            validation.validate_context(context, "context")
        validation.validate_min_confidence(min_confidence, "min_confidence")
        if ref.self_model_id is None:
            validation.validate_user_key(ref.external_user_id, ref.scope)

        async def work(tx: StoreTransaction) -> SelfModel:
            if ref.self_model_id is not None:
                model = await tx.self_models.find(ref.self_model_id)
                missing = names.self_model_name(ref.self_model_id)
            else:
                model = await tx.self_models.find_by_user(
                    scope=ref.scope, external_user_id=ref.external_user_id
                )
                missing = f"self-model of user {ref.external_user_id!r} in scope {ref.scope!r}"
            if model is None:
                raise NotFound(missing)
            beliefs = await tx.beliefs.current(
                model.id, context=context, min_confidence=min_confidence
            )
            return replace(model, beliefs=tuple(beliefs))

        return await self._store.read(work)

    async def observe(
        self,
        self_model_id: str,
        observation: NewObservation,
        proposals: list[BeliefProposal],
    ) -> ObserveResult:
        validation.validate_observation(observation, proposals)
        embeddings = await self._embedder.embed([p.statement for p in proposals])
        now = self._clock()
        stored = Observation(
            id=names.new_id(),
            self_model_id=self_model_id,
            type=observation.type,
            content=observation.content,
            context=observation.context,
            occur_time=observation.occur_time or now,
            idempotency_key=observation.idempotency_key,
            create_time=now,
        )

        async def work(tx: StoreTransaction) -> ObserveResult:
            if await tx.self_models.lock_for_update(self_model_id, now) is None:
                raise NotFound(names.self_model_name(self_model_id))
            await tx.observations.create(stored, new_context_id=names.new_id())
            changes = [
                await self._apply(tx, stored, proposal, embedding, now)
                for proposal, embedding in zip(proposals, embeddings, strict=True)
            ]
            return ObserveResult(observation=stored, changes=tuple(changes))

        return await self._store.write(work)

    async def _apply(
        self,
        tx: StoreTransaction,
        observation: Observation,
        proposal: BeliefProposal,
        embedding: list[float],
        now: datetime,
    ) -> BeliefChange:
        key = statement_key(proposal.statement)
        candidates = await tx.beliefs.merge_candidates(
            observation.self_model_id, context=proposal.context, statement_key=key
        )
        change = plan_change(proposal, candidates, observation.type, self._evidence)
        if change.target is None:
            belief = await tx.beliefs.create(
                change,
                self_model_id=observation.self_model_id,
                statement_key=key,
                embedding=embedding,
                observation_id=observation.id,
                ids=ChangeIds(
                    belief_id=names.new_id(), version_id=names.new_id(), context_id=names.new_id()
                ),
                now=now,
            )
        else:
            belief = await tx.beliefs.add_version(
                change,
                change.target,
                observation_id=observation.id,
                version_id=names.new_id(),
                now=now,
            )
        return BeliefChange(
            belief=belief, kind=change.kind, previous_confidence=change.previous_confidence
        )
