"""The use cases: get-or-create a self-model, observe, read beliefs, their history and why.

Each one validates with the domain rules, computes what needs no lock (embeddings) first,
and then runs its reads and writes in one Neo4j transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from service.domain import names, paging, validation
from service.domain.alignment import NEUTRAL_ALIGNMENT, Prediction, updated_alignment
from service.domain.beliefs import ObservationFacts, PlannedChange, plan_proposal
from service.domain.confidence import EvidenceModel
from service.domain.errors import NotFound
from service.domain.merge import statement_key
from service.domain.model import (
    Belief,
    BeliefChange,
    BeliefProposal,
    BeliefVersion,
    NewObservation,
    Observation,
    ObserveResult,
    Provenance,
    SelfModel,
)
from service.embeddings import Embedder, Vector
from store.beliefs import CandidateSearch, ChangeIds
from store.graph import GraphStore
from store.transaction import StoreTransaction


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class EngineSettings:
    """The tunable numbers of the belief engine (see docs/confidence.md)."""

    evidence: EvidenceModel = field(default_factory=EvidenceModel)
    alignment_rate: float = 0.1
    """How much one tested prediction moves the alignment score."""
    candidates: CandidateSearch = field(default_factory=CandidateSearch)


@dataclass(frozen=True)
class SelfModelRef:
    """Names a self-model by id, or by (scope, external user id)."""

    self_model_id: str | None = None
    scope: str = ""
    external_user_id: str = ""


@dataclass(frozen=True)
class BeliefRead:
    """Which beliefs a read returns."""

    context: str | None = None
    min_confidence: float = 0.0
    as_of: datetime | None = None


@dataclass(frozen=True)
class VersionPage:
    versions: tuple[BeliefVersion, ...]
    next_page_token: str


class SelfModels:
    def __init__(
        self,
        store: GraphStore,
        embedder: Embedder,
        settings: EngineSettings,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._embedder = embedder
        self._settings = settings
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

    async def get(self, ref: SelfModelRef, read: BeliefRead) -> SelfModel:
        if read.context is not None:
            validation.validate_context(read.context, "context")
        validation.validate_min_confidence(read.min_confidence, "min_confidence")
        if ref.self_model_id is None:
            validation.validate_user_key(ref.external_user_id, ref.scope)

        async def work(tx: StoreTransaction) -> SelfModel:
            model = await self._find_model(tx, ref)
            if read.as_of is None:
                beliefs = await tx.beliefs.current(
                    model.id, context=read.context, min_confidence=read.min_confidence
                )
                return replace(model, beliefs=tuple(beliefs))
            if read.as_of < model.create_time:
                raise NotFound(f"{names.self_model_name(model.id)} as of {read.as_of.isoformat()}")
            beliefs = await tx.beliefs.as_of(
                model.id, read.as_of, context=read.context, min_confidence=read.min_confidence
            )
            alignment = await tx.self_models.alignment_as_of(model.id, read.as_of)
            return replace(
                model,
                beliefs=tuple(beliefs),
                alignment_score=NEUTRAL_ALIGNMENT if alignment is None else alignment,
                update_time=max([model.create_time, *(b.update_time for b in beliefs)]),
            )

        return await self._store.read(work)

    async def observe(
        self,
        self_model_id: str,
        observation: NewObservation,
        proposals: list[BeliefProposal],
    ) -> ObserveResult:
        now = self._clock()
        validation.validate_observation(observation, proposals, now)
        embeddings = await self._embedder.embed([p.statement for p in proposals])
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
        facts = ObservationFacts(type=stored.type, occur_time=stored.occur_time, now=now)

        async def work(tx: StoreTransaction) -> ObserveResult:
            model = await tx.self_models.lock_for_update(self_model_id, now)
            if model is None:
                raise NotFound(names.self_model_name(self_model_id))
            await tx.observations.create(stored, new_context_id=names.new_id())
            changes: list[BeliefChange] = []
            predictions: list[Prediction] = []
            for proposal, embedding in zip(proposals, embeddings, strict=True):
                key = statement_key(proposal.statement)
                candidates = await tx.beliefs.merge_candidates(
                    self_model_id,
                    context=proposal.context,
                    statement_key=key,
                    embedding=embedding,
                    search=self._settings.candidates,
                )
                plan = plan_proposal(
                    proposal, embedding, candidates, facts, self._settings.evidence
                )
                for change in plan.changes:
                    belief = await self._write(tx, stored, change, key, embedding)
                    changes.append(
                        BeliefChange(belief, change.kind, change.previous_confidence, change.reason)
                    )
                predictions.extend(plan.predictions)
            alignment = model.alignment_score
            if predictions:
                alignment = updated_alignment(alignment, predictions, self._settings.alignment_rate)
                await tx.self_models.record_alignment(
                    self_model_id,
                    score=alignment,
                    observation_id=stored.id,
                    version_id=names.new_id(),
                    now=now,
                )
            return ObserveResult(
                observation=stored, changes=tuple(changes), alignment_score=alignment
            )

        return await self._store.write(work)

    async def list_versions(self, belief_name: str, page_size: int, page_token: str) -> VersionPage:
        self_model_id, belief_id = names.parse_belief_name(belief_name, "belief")
        page = paging.page_of(page_size, page_token, request_key=belief_name)

        async def work(tx: StoreTransaction) -> VersionPage:
            if await tx.beliefs.find(self_model_id, belief_id) is None:
                raise NotFound(belief_name)
            versions = await tx.beliefs.versions(
                self_model_id, belief_id, offset=page.offset, limit=page.size
            )
            return VersionPage(
                versions=tuple(versions),
                next_page_token=page.next_token(len(versions), belief_name),
            )

        return await self._store.read(work)

    async def provenance(self, belief_name: str) -> Provenance:
        self_model_id, belief_id = names.parse_belief_name(belief_name, "belief")

        async def work(tx: StoreTransaction) -> Provenance:
            found = await tx.beliefs.provenance(self_model_id, belief_id)
            if found is None:
                raise NotFound(belief_name)
            return found

        return await self._store.read(work)

    @staticmethod
    async def _find_model(tx: StoreTransaction, ref: SelfModelRef) -> SelfModel:
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
        return model

    @staticmethod
    async def _write(
        tx: StoreTransaction,
        observation: Observation,
        change: PlannedChange,
        key: str,
        embedding: Vector,
    ) -> Belief:
        if change.target is None:
            return await tx.beliefs.create(
                change,
                self_model_id=observation.self_model_id,
                statement_key=key,
                embedding=embedding,
                observation_id=observation.id,
                ids=ChangeIds(
                    belief_id=names.new_id(), version_id=names.new_id(), context_id=names.new_id()
                ),
                now=observation.create_time,
            )
        return await tx.beliefs.add_version(
            change,
            change.target,
            observation_id=observation.id,
            version_id=names.new_id(),
            now=observation.create_time,
        )
