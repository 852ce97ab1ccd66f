"""Writes the planned belief changes of one observation, in order, inside its transaction."""

from __future__ import annotations

from collections.abc import Sequence

from service.domain import names
from service.domain.alignment import Prediction
from service.domain.beliefs import Candidate, PlannedChange
from service.domain.merge import statement_key
from service.domain.model import Belief, BeliefChange, BeliefProposal, Observation, SelfModel
from service.embeddings import Vector
from store.beliefs import CandidateProbe, CandidateSearch, ChangeIds
from store.transaction import StoreTransaction


class ChangeWriter:
    """Writes the planned changes of one observation, in order, and collects predictions."""

    def __init__(
        self,
        tx: StoreTransaction,
        model: SelfModel,
        observation: Observation,
        search: CandidateSearch,
    ) -> None:
        self.tx = tx
        self.model = model
        self.observation = observation
        self._search = search
        self.changes: list[BeliefChange] = []
        self.predictions: list[Prediction] = []
        self._latest: dict[str, Belief] = {}
        """Beliefs this observation wrote, as they stand now."""
        self._created: dict[str, Vector] = {}
        """The embeddings of the beliefs this observation created."""

    async def load_candidates(
        self, proposals: Sequence[tuple[BeliefProposal, Vector]]
    ) -> list[list[Candidate]]:
        """The merge candidates of every proposal, in one query."""
        probes = [
            CandidateProbe(statement_key(p.statement), p.context, embedding)
            for p, embedding in proposals
        ]
        return await self.tx.beliefs.merge_candidates(
            self.observation.self_model_id, probes, self._search
        )

    def up_to_date(self, loaded: Sequence[Candidate], context: str) -> list[Candidate]:
        """`loaded` (read before this observation wrote anything) as the beliefs stand now:
        those it changed in their new state, plus those it created in `context`, so two
        proposals of one observation that say the same merge."""
        fresh = [Candidate(self._latest.get(c.belief.id, c.belief), c.embedding) for c in loaded]
        known = {c.belief.id for c in fresh}
        fresh.extend(
            Candidate(self._latest[id_], embedding)
            for id_, embedding in self._created.items()
            if id_ not in known and self._latest[id_].context == context
        )
        return fresh

    async def write(self, change: PlannedChange, embedding: Vector | None = None) -> Belief:
        """Creates a belief (`change.target` None; needs its embedding) or versions one."""
        observation = self.observation
        if change.target is None:
            assert embedding is not None, "a new belief needs its embedding"
            belief = await self.tx.beliefs.create(
                change,
                self_model_id=observation.self_model_id,
                statement_key=statement_key(change.statement),
                embedding=embedding,
                observation_id=observation.id,
                ids=ChangeIds(
                    belief_id=names.new_id(), version_id=names.new_id(), context_id=names.new_id()
                ),
                change_index=len(self.changes),
                now=observation.create_time,
            )
        else:
            learned = change.learned_from
            if learned is not None and not change.target.inventory_key:
                # A belief a caller proposed, adopted by the inventory entry it states.
                await self.tx.beliefs.link_to_entry(change.target.id, learned)
            restated = change.statement_changed
            assert embedding is not None or not restated, "a new statement needs its embedding"
            belief = await self.tx.beliefs.add_version(
                change,
                change.target,
                observation_id=observation.id,
                version_id=names.new_id(),
                change_index=len(self.changes),
                now=observation.create_time,
                statement_key=statement_key(change.statement) if restated else None,
                embedding=embedding if restated else None,
            )
        self.changes.append(
            BeliefChange(belief, change.kind, change.previous_confidence, change.reason)
        )
        self._latest[belief.id] = belief
        if change.target is None and embedding is not None:
            self._created[belief.id] = embedding
        return belief

    async def link_correction(self, corrected_id: str, replacement_id: str) -> None:
        await self.tx.beliefs.link_correction(
            corrected_id, replacement_id, self.observation.create_time
        )
