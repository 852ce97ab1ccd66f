"""Use cases that record what the user did or said, and change beliefs because of it.

Observe, AssertBelief, RetractBelief and CorrectBelief each run as one unit of work under
the self-model's write lock: one load (`RecordingRead`), planning in memory with the pure
domain (`WritePlan`), one write (`ObservationWrite`); all of it commits or none of it. A
retry with the same idempotency key returns the first result and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from opentelemetry import trace

from service.application.common import Clock, EngineSettings
from service.application.feed import ChangeFeed
from service.application.inventories import InventoryIndexes
from service.application.learning import learn
from service.application.ports import (
    CandidateProbe,
    FirstRecording,
    RecordingRead,
    RecordingState,
    RecordingStore,
    RecordingTransaction,
)
from service.domain import names, validation
from service.domain.alignment import NEUTRAL_ALIGNMENT
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
from service.domain.recording import WritePlan
from service.embeddings import Embedder, Vector

_tracer = trace.get_tracer(__name__)


@dataclass(frozen=True)
class Planning:
    """What planning an observation's belief changes works with."""

    tx: RecordingTransaction
    """For the few reads that can only follow the load (nothing is written through it)."""
    state: RecordingState
    plan: WritePlan
    facts: ObservationFacts
    belief: Belief | None
    """The belief a retraction or correction is about, as loaded and checked."""


PlanChanges = Callable[[Planning], Awaitable[None]]


@dataclass(frozen=True)
class _Recording:
    """One observation to record: on which model, what it says, and what it changes."""

    read: RecordingRead
    observation: NewObservation
    fingerprint: str
    plan_changes: PlanChanges
    belief_name: str = ""
    """The belief the recording is about (`read.belief_id`), for errors."""
    check_belief: Callable[[Belief], None] = lambda _: None
    """Refuses a change the belief's state does not allow."""
    content_for: Callable[[Belief | None], str] | None = None
    """The observation's content, once the belief is known (default: as submitted)."""


def _fingerprint(*parts: object) -> str:
    """Identifies a request, so a reused idempotency key with other content is refused."""
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def _check_etag(belief: Belief, etag: str) -> None:
    if etag and etag != belief.etag:
        raise Aborted(
            f"belief changed since it was read (etag {etag}, now {belief.etag}); read it again"
        )


def _probes(pairs: Sequence[tuple[BeliefProposal, Vector]]) -> tuple[CandidateProbe, ...]:
    return tuple(CandidateProbe(statement_key(p.statement), p.context, e) for p, e in pairs)


class Recorder:
    def __init__(
        self,
        store: RecordingStore,
        embedder: Embedder,
        settings: EngineSettings,
        clock: Clock,
        feed: ChangeFeed,
        indexes: InventoryIndexes,
    ) -> None:
        self._store = store
        self._embedder = embedder
        self._settings = settings
        self._clock = clock
        self._feed = feed
        self._indexes = indexes

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
        pairs = list(zip(proposals, embeddings, strict=True))

        async def plan_changes(p: Planning) -> None:
            for (proposal, embedding), loaded in zip(pairs, p.state.candidates, strict=True):
                self._propose(p.plan, proposal, embedding, loaded, p.facts)
            await learn(
                p.tx, p.state, p.plan, p.facts, observed, self._indexes, self._settings.evidence
            )

        return await self._record(
            tenant,
            _Recording(
                read=RecordingRead(
                    self_model_id,
                    idempotency_key=observation.idempotency_key,
                    probes=_probes(pairs),
                    search=self._settings.candidates,
                ),
                observation=observation,
                fingerprint=_fingerprint(
                    "observe",
                    observation.type.value,
                    observation.content,
                    observation.context,
                    observation.occur_time,
                    [(p.statement, p.stance.value, p.context) for p in proposals],
                ),
                plan_changes=plan_changes,
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
        [embedding] = await self._embedder.embed([proposal.statement])

        async def plan_changes(p: Planning) -> None:
            [loaded] = p.state.candidates
            self._propose(p.plan, proposal, embedding, loaded, p.facts, reactivate=True)

        return await self._record(
            tenant,
            _Recording(
                read=RecordingRead(
                    self_model_id,
                    idempotency_key=idempotency_key,
                    probes=_probes([(proposal, embedding)]),
                    search=self._settings.candidates,
                ),
                observation=self._user_statement(content or proposal.statement, idempotency_key),
                fingerprint=_fingerprint("assert", content, proposal.statement, proposal.context),
                plan_changes=plan_changes,
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

        def check_belief(belief: Belief) -> None:
            _check_etag(belief, etag)
            if belief.state is BeliefState.RETRACTED:
                raise FailedPrecondition(f"{belief_name} is already retracted")

        async def plan_changes(p: Planning) -> None:
            assert p.belief is not None
            p.plan.add(plan_retraction(p.belief, p.facts, self._settings.evidence))

        return await self._record(
            tenant,
            _Recording(
                read=RecordingRead(
                    self_model_id, idempotency_key=idempotency_key, belief_id=belief_id
                ),
                observation=self._user_statement(content or "(retracted)", idempotency_key),
                fingerprint=_fingerprint("retract", belief_name, content, etag),
                plan_changes=plan_changes,
                belief_name=belief_name,
                check_belief=check_belief,
                content_for=lambda target: (
                    content or f"The user said this does not describe them: {_statement(target)}"
                ),
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
        [embedding] = await self._embedder.embed([statement])

        def check_belief(belief: Belief) -> None:
            _check_etag(belief, etag)
            if statement_key(statement) == statement_key(belief.statement):
                raise InvalidArgument.of("statement", "is already the belief's statement")

        async def plan_changes(p: Planning) -> None:
            target = p.belief
            assert target is not None
            p.plan.add(plan_restatement(target, statement, p.facts, self._settings.evidence))
            # The candidates are those of the belief's context, known once it is loaded.
            proposal = BeliefProposal(statement, Stance.SUPPORTS, target.context)
            [loaded] = await p.tx.merge_candidates(
                target.self_model_id, _probes([(proposal, embedding)]), self._settings.candidates
            )
            replacement = self._propose(
                p.plan, proposal, embedding, loaded, p.facts, reactivate=True, exclude=target.id
            )
            p.plan.link_correction(target.id, replacement.id)

        return await self._record(
            tenant,
            _Recording(
                read=RecordingRead(
                    self_model_id, idempotency_key=idempotency_key, belief_id=belief_id
                ),
                observation=self._user_statement(content or statement, idempotency_key),
                fingerprint=_fingerprint("correct", belief_name, statement, content, etag),
                plan_changes=plan_changes,
                belief_name=belief_name,
                check_belief=check_belief,
                content_for=lambda target: (
                    content or f"The user corrected {_statement(target)!r} to {statement!r}"
                ),
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

    def _propose(
        self,
        plan: WritePlan,
        proposal: BeliefProposal,
        embedding: Vector,
        loaded: Sequence[Candidate],
        facts: ObservationFacts,
        *,
        reactivate: bool = False,
        exclude: str | None = None,
    ) -> Belief:
        """Plans one proposal (`loaded`: its merge candidates as read before the observation
        changed anything); returns the belief it lands on."""
        candidates = [
            c
            for c in plan.up_to_date(loaded, proposal.context, embedding)
            if c.belief.id != exclude
        ]
        with _tracer.start_as_current_span(
            "judge", attributes={"selfmodel.candidates": len(candidates)}
        ):
            planned = plan_proposal(
                proposal, candidates, facts, self._settings.evidence, reactivate=reactivate
            )
        landed = [plan.add(change, embedding) for change in planned.changes]
        plan.predictions.extend(planned.predictions)
        return landed[0]

    async def _record(self, tenant: str, recording: _Recording) -> ObserveResult:
        now = self._clock()
        new = recording.observation
        read = recording.read

        async def work(tx: RecordingTransaction) -> ObserveResult:
            state = await tx.load(read)
            model = state.model
            if model is None:
                name = names.self_model_name(read.self_model_id)
                if state.deleted:
                    raise FailedPrecondition(f"{name} was deleted")
                raise NotFound(name)
            if state.first is not None:
                return await _replay(tx, state.first, recording)
            target = state.belief
            if read.belief_id:
                if target is None:
                    raise NotFound(recording.belief_name)
                recording.check_belief(target)
            observation = Observation(
                id=names.new_id(),
                self_model_id=model.id,
                type=new.type,
                content=new.content
                if recording.content_for is None
                else recording.content_for(target),
                context=new.context,
                occur_time=new.occur_time or now,
                idempotency_key=new.idempotency_key,
                create_time=now,
                revision=model.revision + 1,
            )
            plan = WritePlan(observation, recording.fingerprint, model.alignment_score)
            facts = ObservationFacts(type=new.type, occur_time=observation.occur_time, now=now)
            await recording.plan_changes(Planning(tx, state, plan, facts, target))
            write, result = plan.finish(self._settings.alignment_rate)
            await tx.write(write)
            return result

        result = await self._store.record(tenant, work)
        self._feed.publish(tenant, read.self_model_id)
        return result


def _statement(belief: Belief | None) -> str:
    assert belief is not None
    return belief.statement


async def _replay(
    tx: RecordingTransaction, first: FirstRecording, recording: _Recording
) -> ObserveResult:
    """The first result of a retried request."""
    if first.fingerprint != recording.fingerprint:
        key = recording.observation.idempotency_key
        raise AlreadyExists(f"idempotency_key {key!r} was already used for a different request")
    replay = await tx.replay(first.observation)
    return ObserveResult(
        observation=first.observation,
        changes=replay.changes,
        alignment_score=(
            NEUTRAL_ALIGNMENT if replay.alignment_score is None else replay.alignment_score
        ),
    )
