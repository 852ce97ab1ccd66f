"""Use cases that record what the user did or said, and change beliefs because of it.

Observe, AssertBelief, RetractBelief and CorrectBelief each record one observation and all
the belief changes it causes in one transaction, under the self-model's write lock. A
retry with the same idempotency key returns the first result and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from service.application.common import Dependencies, lock_model
from service.application.feed import ChangeFeed
from service.application.inventories import InventoryIndexes
from service.application.learning import learn
from service.application.writer import ChangeWriter
from service.domain import names, validation
from service.domain.alignment import NEUTRAL_ALIGNMENT, updated_alignment
from service.domain.beliefs import (
    Candidate,
    ObservationFacts,
    plan_proposal,
    plan_restatement,
    plan_retraction,
)
from service.domain.errors import (
    Aborted,
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
)
from service.domain.merge import statement_key
from service.domain.model import (
    Belief,
    BeliefProposal,
    BeliefState,
    NewObservation,
    Observation,
    ObservationType,
    ObserveResult,
    Stance,
)
from service.embeddings import Vector
from store.transaction import StoreTransaction

Target = TypeVar("Target")


@dataclass(frozen=True)
class _Recording(Generic[Target]):
    """One observation to record: on which model, what it says, and what it changes."""

    self_model_id: str
    observation: NewObservation
    fingerprint: str
    find_target: Callable[[StoreTransaction], Awaitable[Target]]
    """Runs under the lock before anything is written (e.g. finds and checks a belief)."""
    content_for: Callable[[Target], str]
    """The observation's content, once the target is known."""
    apply: Callable[[ChangeWriter, Target, ObservationFacts], Awaitable[None]]


def _fingerprint(*parts: object) -> str:
    """Identifies a request, so a reused idempotency key with other content is refused."""
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


async def _no_target(tx: StoreTransaction) -> None:
    return None


def _check_etag(belief: Belief, etag: str) -> None:
    if etag and etag != belief.etag:
        raise Aborted(
            f"belief changed since it was read (etag {etag}, now {belief.etag}); read it again"
        )


class Recorder:
    def __init__(
        self, dependencies: Dependencies, feed: ChangeFeed, indexes: InventoryIndexes
    ) -> None:
        self._indexes = indexes
        self._store = dependencies.store
        self._embedder = dependencies.embedder
        self._settings = dependencies.settings
        self._clock = dependencies.clock
        self._feed = feed

    async def observe(
        self,
        tenant: str,
        self_model_id: str,
        observation: NewObservation,
        proposals: list[BeliefProposal],
    ) -> ObserveResult:
        validation.validate_observation(observation, proposals, self._clock())
        *embeddings, observed = await self._embedder.embed(
            [p.statement for p in proposals] + [observation.content]
        )

        async def apply(writer: ChangeWriter, _: None, facts: ObservationFacts) -> None:
            pairs = list(zip(proposals, embeddings, strict=True))
            loaded = await writer.load_candidates(pairs)
            for (proposal, embedding), candidates in zip(pairs, loaded, strict=True):
                await self._propose(writer, proposal, embedding, candidates, facts)
            await learn(writer, facts, observed, self._indexes, self._settings.evidence)

        return await self._record(
            tenant,
            _Recording(
                self_model_id=self_model_id,
                observation=observation,
                fingerprint=_fingerprint(
                    "observe",
                    observation.type.value,
                    observation.content,
                    observation.context,
                    observation.occur_time,
                    [(p.statement, p.stance.value, p.context) for p in proposals],
                ),
                find_target=_no_target,
                content_for=lambda _: observation.content,
                apply=apply,
            ),
        )

    async def assert_belief(
        self,
        tenant: str,
        self_model_id: str,
        proposal: BeliefProposal,
        content: str,
        idempotency_key: str,
    ) -> ObserveResult:
        """The user stated `proposal` when asked directly; reactivates it if it was retracted."""
        validation.validate_user_statement(
            content=content,
            idempotency_key=idempotency_key,
            statement=proposal.statement,
            context=proposal.context,
        )
        observation = self._user_statement(content or proposal.statement, idempotency_key)
        [embedding] = await self._embedder.embed([proposal.statement])

        async def apply(writer: ChangeWriter, _: None, facts: ObservationFacts) -> None:
            [candidates] = await writer.load_candidates([(proposal, embedding)])
            await self._propose(writer, proposal, embedding, candidates, facts, reactivate=True)

        return await self._record(
            tenant,
            _Recording(
                self_model_id=self_model_id,
                observation=observation,
                fingerprint=_fingerprint("assert", content, proposal.statement, proposal.context),
                find_target=_no_target,
                content_for=lambda _: observation.content,
                apply=apply,
            ),
        )

    async def retract(
        self, tenant: str, belief_name: str, content: str, etag: str, idempotency_key: str
    ) -> ObserveResult:
        """The user says the belief is not them: it is retracted, its history kept."""
        self_model_id, belief_id = names.parse_belief_name(belief_name, "belief")
        validation.validate_user_statement(
            content=content, idempotency_key=idempotency_key, statement=None, context=""
        )
        observation = self._user_statement(content or "(retracted)", idempotency_key)

        async def find_target(tx: StoreTransaction) -> Belief:
            belief = await self._find_belief(tx, self_model_id, belief_id, belief_name, etag)
            if belief.state is BeliefState.RETRACTED:
                raise FailedPrecondition(f"{belief_name} is already retracted")
            return belief

        async def apply(writer: ChangeWriter, target: Belief, facts: ObservationFacts) -> None:
            await writer.write(plan_retraction(target, facts, self._settings.evidence))

        return await self._record(
            tenant,
            _Recording(
                self_model_id=self_model_id,
                observation=observation,
                fingerprint=_fingerprint("retract", belief_name, content, etag),
                find_target=find_target,
                content_for=lambda target: (
                    content or f"The user said this does not describe them: {target.statement}"
                ),
                apply=apply,
            ),
        )

    async def correct(
        self,
        tenant: str,
        belief_name: str,
        statement: str,
        content: str,
        etag: str,
        idempotency_key: str,
    ) -> ObserveResult:
        """The user replaced the belief's statement: old contradicted, new supported, linked."""
        self_model_id, belief_id = names.parse_belief_name(belief_name, "belief")
        validation.validate_user_statement(
            content=content, idempotency_key=idempotency_key, statement=statement, context=""
        )
        observation = self._user_statement(content or statement, idempotency_key)
        [embedding] = await self._embedder.embed([statement])

        async def find_target(tx: StoreTransaction) -> Belief:
            belief = await self._find_belief(tx, self_model_id, belief_id, belief_name, etag)
            if statement_key(statement) == statement_key(belief.statement):
                raise InvalidArgument.of("statement", "is already the belief's statement")
            return belief

        async def apply(writer: ChangeWriter, target: Belief, facts: ObservationFacts) -> None:
            await writer.write(plan_restatement(target, statement, facts, self._settings.evidence))
            proposal = BeliefProposal(statement, Stance.SUPPORTS, target.context)
            [candidates] = await writer.load_candidates([(proposal, embedding)])
            replacement = await self._propose(
                writer, proposal, embedding, candidates, facts, reactivate=True, exclude=target.id
            )
            await writer.link_correction(target.id, replacement.id)

        return await self._record(
            tenant,
            _Recording(
                self_model_id=self_model_id,
                observation=observation,
                fingerprint=_fingerprint("correct", belief_name, statement, content, etag),
                find_target=find_target,
                content_for=lambda target: (
                    content or f"The user corrected {target.statement!r} to {statement!r}"
                ),
                apply=apply,
            ),
        )

    def _user_statement(self, content: str, idempotency_key: str) -> NewObservation:
        return NewObservation(
            type=ObservationType.ASSERTION,
            content=content,
            context="",
            occur_time=None,
            idempotency_key=idempotency_key,
        )

    @staticmethod
    async def _find_belief(
        tx: StoreTransaction, self_model_id: str, belief_id: str, belief_name: str, etag: str
    ) -> Belief:
        belief = await tx.beliefs.find(self_model_id, belief_id)
        if belief is None:
            raise NotFound(belief_name)
        _check_etag(belief, etag)
        return belief

    async def _propose(
        self,
        writer: ChangeWriter,
        proposal: BeliefProposal,
        embedding: Vector,
        loaded: list[Candidate],
        facts: ObservationFacts,
        *,
        reactivate: bool = False,
        exclude: str | None = None,
    ) -> Belief:
        """Lands one proposal on the model (`loaded`: its merge candidates as read before
        the observation wrote anything); returns the belief it landed on."""
        candidates = [
            c for c in writer.up_to_date(loaded, proposal.context) if c.belief.id != exclude
        ]
        plan = plan_proposal(
            proposal,
            embedding,
            candidates,
            facts,
            self._settings.evidence,
            reactivate=reactivate,
        )
        landed = [await writer.write(change, embedding) for change in plan.changes]
        writer.predictions.extend(plan.predictions)
        return landed[0]

    async def _record(self, tenant: str, recording: _Recording[Target]) -> ObserveResult:
        now = self._clock()
        new = recording.observation

        async def work(tx: StoreTransaction) -> ObserveResult:
            model = await lock_model(tx, recording.self_model_id)
            if new.idempotency_key:
                replay = await self._replay(tx, recording)
                if replay is not None:
                    return replay
            target = await recording.find_target(tx)
            revision = await tx.self_models.advance_revision(model.id, now)
            observation = Observation(
                id=names.new_id(),
                self_model_id=model.id,
                type=new.type,
                content=recording.content_for(target),
                context=new.context,
                occur_time=new.occur_time or now,
                idempotency_key=new.idempotency_key,
                create_time=now,
                revision=revision,
            )
            await tx.observations.create(
                observation, fingerprint=recording.fingerprint, new_context_id=names.new_id()
            )
            writer = ChangeWriter(tx, model, observation, self._settings.candidates)
            facts = ObservationFacts(type=new.type, occur_time=observation.occur_time, now=now)
            await recording.apply(writer, target, facts)
            alignment = model.alignment_score
            if writer.predictions:
                alignment = updated_alignment(
                    alignment, writer.predictions, self._settings.alignment_rate
                )
                await tx.self_models.record_alignment(
                    model.id,
                    score=alignment,
                    observation_id=observation.id,
                    version_id=names.new_id(),
                    now=now,
                )
            return ObserveResult(
                observation=observation, changes=tuple(writer.changes), alignment_score=alignment
            )

        result = await self._store.write(tenant, work)
        self._feed.publish(tenant, recording.self_model_id)
        return result

    @staticmethod
    async def _replay(tx: StoreTransaction, recording: _Recording[Target]) -> ObserveResult | None:
        """The first result of a retried request, or None if the key is new."""
        key = recording.observation.idempotency_key
        found = await tx.observations.find_by_idempotency_key(recording.self_model_id, key)
        if found is None:
            return None
        first, fingerprint = found
        if fingerprint != recording.fingerprint:
            raise AlreadyExists(f"idempotency_key {key!r} was already used for a different request")
        changes = await tx.observations.changes_caused_by(first)
        alignment = await tx.self_models.alignment_as_of(first.self_model_id, first.create_time)
        return ObserveResult(
            observation=first,
            changes=tuple(changes),
            alignment_score=NEUTRAL_ALIGNMENT if alignment is None else alignment,
        )
