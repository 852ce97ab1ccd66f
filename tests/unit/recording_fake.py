"""The recording port in memory: what the use cases load and write, without Neo4j.

A unit of work sees a copy of the committed state and commits it only when the work
returns, so a failure anywhere leaves nothing behind, as a Neo4j transaction does.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TypeVar

from service.application.ports import (
    CandidateProbe,
    CandidateSearch,
    FirstRecording,
    RecordingRead,
    RecordingState,
    RecordingTransaction,
    Replay,
)
from service.domain.beliefs import Candidate, LearnedFrom
from service.domain.inventory import BeliefInventory
from service.domain.learning import LearnedBelief
from service.domain.merge import statement_key
from service.domain.merge.features import cosine_of
from service.domain.model import (
    Belief,
    BeliefChange,
    Observation,
    SelfModel,
)
from service.domain.recording import ObservationWrite

T = TypeVar("T")


@dataclass
class StoredBelief:
    belief: Belief
    embedding: Sequence[float]
    learned_from: LearnedFrom | None = None
    history: list[BeliefChange] = field(default_factory=list)


@dataclass
class Graph:
    """What is committed."""

    models: dict[str, SelfModel] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    beliefs: dict[str, StoredBelief] = field(default_factory=dict)
    observations: dict[str, tuple[Observation, str]] = field(default_factory=dict)
    changes: dict[str, list[BeliefChange]] = field(default_factory=dict)
    """By observation id, the changes it caused."""
    alignments: list[tuple[str, datetime, float]] = field(default_factory=list)
    conflicts: set[tuple[str, str]] = field(default_factory=set)
    corrections: set[tuple[str, str]] = field(default_factory=set)
    inventories: dict[str, BeliefInventory] = field(default_factory=dict)


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


class FakeRecording:
    """`RecordingTransaction` on a private copy of the graph; counts what it was asked."""

    def __init__(self, graph: Graph, fail_write: Exception | None) -> None:
        self.graph = graph
        self._fail_write = fail_write
        self.loads = 0
        self.writes = 0

    async def load(self, read: RecordingRead) -> RecordingState:
        self.loads += 1
        model = self.graph.models.get(read.self_model_id)
        if model is None:
            return RecordingState(model=None, deleted=read.self_model_id in self.graph.deleted)
        first = next(
            (
                FirstRecording(o, fingerprint)
                for o, fingerprint in self.graph.observations.values()
                if read.idempotency_key
                and o.self_model_id == model.id
                and o.idempotency_key == read.idempotency_key
            ),
            None,
        )
        stored = self.graph.beliefs.get(read.belief_id)
        own = [s for s in self.graph.beliefs.values() if s.belief.self_model_id == model.id]
        return RecordingState(
            model=model,
            first=first,
            belief=stored.belief if stored and stored.belief.self_model_id == model.id else None,
            candidates=tuple(
                tuple(c) for c in await self.merge_candidates(model.id, read.probes, read.search)
            ),
            inventory=self.graph.inventories.get(model.scope),
            learned=tuple(
                LearnedBelief(s.belief, s.learned_from) for s in own if s.learned_from is not None
            ),
        )

    async def merge_candidates(
        self, self_model_id: str, probes: Sequence[CandidateProbe], search: CandidateSearch
    ) -> list[list[Candidate]]:
        found = []
        for probe in probes:
            own = [
                s
                for s in self.graph.beliefs.values()
                if s.belief.self_model_id == self_model_id and s.belief.context == probe.context
            ]
            nearest = sorted(own, key=lambda s: -_cosine(s.embedding, probe.embedding))
            chosen = nearest[: search.limit] + [
                s for s in own if statement_key(s.belief.statement) == probe.key
            ]
            unique = {
                s.belief.id: Candidate(s.belief, cosine_of(s.embedding, probe.embedding))
                for s in chosen
            }
            found.append(list(unique.values()))
        return found

    async def unlearned_with_statement(
        self, self_model_id: str, contexts: Sequence[str], statement_keys: Sequence[str]
    ) -> list[Belief]:
        return [
            s.belief
            for s in self.graph.beliefs.values()
            if s.belief.self_model_id == self_model_id
            and s.learned_from is None
            and s.belief.context in contexts
            and statement_key(s.belief.statement) in statement_keys
        ]

    async def replay(self, first: Observation) -> Replay:
        score = next(
            (
                score
                for model_id, when, score in reversed(self.graph.alignments)
                if model_id == first.self_model_id and when <= first.create_time
            ),
            None,
        )
        return Replay(tuple(self.graph.changes.get(first.id, [])), score)

    async def write(self, write: ObservationWrite) -> None:
        self.writes += 1
        if self._fail_write is not None:
            raise self._fail_write
        observation = write.observation
        graph = self.graph
        graph.observations[observation.id] = (observation, write.fingerprint)
        model = graph.models[observation.self_model_id]
        changes = graph.changes.setdefault(observation.id, [])
        for item in write.beliefs:
            stored = graph.beliefs.get(item.belief.id)
            assert (stored is None) == item.created, "a belief is created once, then versioned"
            if stored is None:
                assert item.embedding is not None
                stored = graph.beliefs[item.belief.id] = StoredBelief(item.belief, item.embedding)
            assert item.belief.version == stored.belief.version + (0 if item.created else 1)
            stored.belief = item.belief
            if item.embedding is not None:
                stored.embedding = item.embedding
            learned = item.change.learned_from
            if learned is not None and (item.created or item.adopt or stored.learned_from):
                stored.learned_from = learned
            change = BeliefChange(
                item.belief, item.change.kind, item.change.previous_confidence, item.change.reason
            )
            stored.history.append(change)
            changes.append(change)
        graph.conflicts.update(write.conflicts)
        graph.corrections.update(write.corrections)
        score = model.alignment_score
        if write.alignment is not None:
            score = write.alignment.score
            graph.alignments.append((model.id, observation.create_time, score))
        graph.models[model.id] = replace(
            model, revision=observation.revision, alignment_score=score
        )


class InMemoryRecordings:
    """`RecordingStore` in memory. `fail_next_write` makes the next unit of work fail
    when it writes; `units` keeps each unit of work's transaction, to count its trips."""

    def __init__(self) -> None:
        self.graph = Graph()
        self.fail_next_write: Exception | None = None
        self.units: list[FakeRecording] = []

    async def record(self, tenant: str, work: Callable[[RecordingTransaction], Awaitable[T]]) -> T:
        unit = FakeRecording(copy.deepcopy(self.graph), self.fail_next_write)
        self.fail_next_write = None
        self.units.append(unit)
        result = await work(unit)
        self.graph = unit.graph
        return result
