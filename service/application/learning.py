"""Learning from the scope's belief inventory while an observation is recorded.

Runs inside the observation's transaction, after the caller's proposals: reads the
inventory and the model's inventory beliefs, infers what the observation says about each
entry (pure domain), and writes one change per belief it bears on, plus the restatement
of beliefs whose entry was edited since.
"""

from __future__ import annotations

from service.application.inventories import InventoryIndexes, inventory_of
from service.application.writer import ChangeWriter
from service.domain.alignment import Prediction
from service.domain.beliefs import LearnedFrom, ObservationFacts, PlannedChange
from service.domain.confidence import EvidenceModel
from service.domain.inference import InventoryIndex, infer
from service.domain.inventory import InventoryEntry
from service.domain.learning import LearnedBelief, belief_context, plan_learning
from service.domain.merge import statement_key
from service.domain.model import Stance
from service.embeddings import Vector


async def learn(
    writer: ChangeWriter,
    facts: ObservationFacts,
    observed: Vector,
    indexes: InventoryIndexes,
    evidence_model: EvidenceModel,
) -> None:
    """Applies what the scope's inventory infers from the observation (`observed`: its
    content's embedding)."""
    inventory = await inventory_of(writer.tx, writer.model.scope)
    if not inventory.entries:
        return
    index = await indexes.index(inventory)
    observation = writer.observation
    inferences = infer(index, observation.type, observation.content, observation.context, observed)
    learned = {
        (item.learned_from.key, item.belief.context): item
        for item in await writer.tx.beliefs.learned(writer.model.id)
    }
    done: set[tuple[str, str]] = set()
    for inference in inferences:
        entry = inference.entry
        context = belief_context(entry, observation.context)
        current = learned.get((entry.key, context))
        if current is None:
            current = await _adoptable(writer, entry, context)
        change = plan_learning(
            entry,
            current,
            stance=inference.stance,
            probability=inference.probability,
            context=context,
            facts=facts,
            model=evidence_model,
            reason=inference.reason,
        )
        assert change is not None
        await _write(writer, change, index)
        done.add((entry.key, context))
        if current is not None:
            favored = current.learned_from.favors_statement
            writer.predictions.append(
                Prediction(
                    current.belief.confidence,
                    confirmed=(inference.stance is Stance.SUPPORTS) == favored,
                )
            )
    revision = f"revision {inventory.revision}" if not inventory.starter else "the starter"
    for (key, context), current in learned.items():
        edited = inventory.entry(key)
        if (key, context) in done or edited is None:
            continue  # a removed entry leaves its belief as it is
        change = plan_learning(
            edited,
            current,
            stance=None,
            probability=0.0,
            context=context,
            facts=facts,
            model=evidence_model,
            reason=f"{revision} of the inventory",
        )
        if change is not None:
            await _write(writer, change, index)


async def _write(writer: ChangeWriter, change: PlannedChange, index: InventoryIndex) -> None:
    learned = change.learned_from
    assert learned is not None
    embedding = index.vector_of(learned.key, learned.favors_statement)
    await writer.write(change, embedding)


async def _adoptable(
    writer: ChangeWriter, entry: InventoryEntry, context: str
) -> LearnedBelief | None:
    """A belief a caller proposed with the statement of one of the entry's sides: the
    entry adopts it rather than holding a second belief that says the same."""
    keys = {statement_key(entry.statement): True}
    if entry.opposite:
        keys.setdefault(statement_key(entry.opposite), False)
    found = await writer.tx.beliefs.unlearned_with_statement(writer.model.id, context, list(keys))
    if not found:
        return None
    belief = min(found, key=lambda b: b.create_time)
    return LearnedBelief(belief, LearnedFrom(entry.key, keys[statement_key(belief.statement)]))
