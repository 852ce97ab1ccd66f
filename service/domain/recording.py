"""Everything one recorded observation writes, planned in memory before anything is written.

A use case loads what an observation needs, plans every belief change with the pure rules
(`plan_proposal`, `plan_learning`, ...) through a `WritePlan`, and hands the finished
`ObservationWrite` to the store, which writes it in one query. The plan keeps the beliefs
it changed as they stand after each change, so later proposals of the same observation are
judged against them (two paraphrases in one call make one belief).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from service.domain import names
from service.domain.alignment import Prediction, updated_alignment
from service.domain.beliefs import Candidate, LearnedFrom, PlannedChange
from service.domain.merge import statement_key
from service.domain.merge.features import cosine_of
from service.domain.model import Belief, BeliefChange, Evidence, Observation, ObserveResult

Vector = Sequence[float]


@dataclass(frozen=True)
class BeliefWrite:
    """One change to write: a new belief (`created`) or a new version of an existing one."""

    belief: Belief
    """The belief as it stands after the change."""
    change: PlannedChange
    version_id: str
    change_index: int
    statement_key: str | None
    """Set when the statement is new to the belief (created or restated)."""
    embedding: Vector | None
    """Set with `statement_key`: the new statement's embedding."""
    adopt: LearnedFrom | None
    """An inventory entry an existing belief starts to follow."""

    @property
    def created(self) -> bool:
        return self.change.target is None


@dataclass(frozen=True)
class AlignmentWrite:
    score: float
    version_id: str


@dataclass(frozen=True)
class ObservationWrite:
    """What one observation writes, in order; all of it commits or none of it."""

    observation: Observation
    fingerprint: str
    context_id: str
    """The id of the observation's context node, should this observation create it."""
    beliefs: tuple[BeliefWrite, ...]
    conflicts: tuple[tuple[str, str], ...]
    """(belief id, id of a belief it is the opposite of)."""
    corrections: tuple[tuple[str, str], ...]
    """(corrected belief id, replacement belief id)."""
    alignment: AlignmentWrite | None


@dataclass
class WritePlan:
    """Collects the changes of one observation, and what they did, in order."""

    observation: Observation
    fingerprint: str
    alignment_score: float
    """The model's alignment score before this observation."""
    writes: list[BeliefWrite] = field(default_factory=list)
    predictions: list[Prediction] = field(default_factory=list)
    _conflicts: list[tuple[str, str]] = field(default_factory=list)
    _corrections: list[tuple[str, str]] = field(default_factory=list)
    _latest: dict[str, Belief] = field(default_factory=dict)
    """Beliefs this observation changed, as they stand now."""
    _created: dict[str, Vector] = field(default_factory=dict)
    """The embeddings of the beliefs this observation created."""

    def up_to_date(
        self, loaded: Sequence[Candidate], context: str, embedding: Vector
    ) -> list[Candidate]:
        """`loaded` (read before this observation changed anything) as the beliefs stand
        now: those it changed in their new state, plus those it created in `context`
        (compared with `embedding`, the proposal's)."""
        fresh = [Candidate(self._latest.get(c.belief.id, c.belief), c.cosine) for c in loaded]
        known = {c.belief.id for c in fresh}
        fresh.extend(
            Candidate(self._latest[id_], cosine_of(created, embedding))
            for id_, created in self._created.items()
            if id_ not in known and self._latest[id_].context == context
        )
        return fresh

    def latest(self, belief: Belief) -> Belief:
        """`belief` as this observation left it so far."""
        return self._latest.get(belief.id, belief)

    def written(self) -> list[Belief]:
        """The beliefs this observation changed so far, as they stand now."""
        return list(self._latest.values())

    def add(self, change: PlannedChange, embedding: Vector | None = None) -> Belief:
        """Plans a new belief (`change.target` None; needs its embedding) or a new version;
        returns the belief as it stands after the change."""
        now = self.observation.create_time
        target = change.target
        restated = target is None or change.statement_changed
        assert embedding is not None or not restated, "a new statement needs its embedding"
        learned = change.learned_from
        belief = Belief(
            id=names.new_id() if target is None else target.id,
            self_model_id=self.observation.self_model_id,
            statement=change.statement,
            confidence=change.confidence,
            context=change.context,
            version=change.version,
            create_time=now if target is None else target.create_time,
            update_time=now,
            evidence=Evidence(change.evidence.weight, now),
            state=change.state,
            inventory_key=(target and target.inventory_key) or (learned and learned.key) or "",
        )
        self.writes.append(
            BeliefWrite(
                belief=belief,
                change=change,
                version_id=names.new_id(),
                change_index=len(self.writes),
                statement_key=statement_key(change.statement) if restated else None,
                embedding=embedding if restated else None,
                adopt=learned if target is not None and not target.inventory_key else None,
            )
        )
        self._conflicts.extend((belief.id, other) for other in change.conflicts_with)
        self._latest[belief.id] = belief
        if target is None and embedding is not None:
            self._created[belief.id] = embedding
        return belief

    def link_correction(self, corrected_id: str, replacement_id: str) -> None:
        if corrected_id != replacement_id:
            self._corrections.append((corrected_id, replacement_id))

    def finish(self, alignment_rate: float) -> tuple[ObservationWrite, ObserveResult]:
        """What to write, and what the caller is told once it is written."""
        alignment = None
        score = self.alignment_score
        if self.predictions:
            score = updated_alignment(score, self.predictions, alignment_rate)
            alignment = AlignmentWrite(score, names.new_id())
        write = ObservationWrite(
            observation=self.observation,
            fingerprint=self.fingerprint,
            context_id=names.new_id(),
            beliefs=tuple(self.writes),
            conflicts=tuple(dict.fromkeys(self._conflicts)),
            corrections=tuple(self._corrections),
            alignment=alignment,
        )
        changes = tuple(
            BeliefChange(w.belief, w.change.kind, w.change.previous_confidence, w.change.reason)
            for w in self.writes
        )
        return write, ObserveResult(self.observation, changes, score)
