"""Writes the planned belief changes of one observation, in order, inside its transaction."""

from __future__ import annotations

from service.domain import names
from service.domain.alignment import Prediction
from service.domain.beliefs import Candidate, PlannedChange
from service.domain.merge import statement_key
from service.domain.model import Belief, BeliefChange, Observation, SelfModel
from service.embeddings import Vector
from store.beliefs import CandidateSearch, ChangeIds
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

    async def candidates(self, statement: str, context: str, embedding: Vector) -> list[Candidate]:
        return await self.tx.beliefs.merge_candidates(
            self.observation.self_model_id,
            context=context,
            statement_key=statement_key(statement),
            embedding=embedding,
            search=self._search,
        )

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
        return belief

    async def link_correction(self, corrected_id: str, replacement_id: str) -> None:
        await self.tx.beliefs.link_correction(
            corrected_id, replacement_id, self.observation.create_time
        )
