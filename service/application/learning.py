"""Learning from the scope's belief inventory while an observation is recorded.

Runs after the caller's proposals are planned: infers what the observation says about each
inventory entry (pure domain) and plans one change per belief it bears on, plus the
restatement of beliefs whose entry was edited since. The inventory and the beliefs that
follow it come with the observation's load; the only extra read is the first time an entry
is learned in a model, to find a belief a caller already proposed with its statement.
"""

from __future__ import annotations

from collections.abc import Sequence

from opentelemetry import trace

from service.application.inventories import InventoryIndexes
from service.application.ports import RecordingState, RecordingTransaction
from service.domain.alignment import Prediction
from service.domain.beliefs import LearnedFrom, ObservationFacts, PlannedChange
from service.domain.confidence import EvidenceModel
from service.domain.inference import InventoryIndex, infer
from service.domain.inventory import InventoryEntry
from service.domain.learning import LearnedBelief, belief_context, plan_learning
from service.domain.merge import statement_key
from service.domain.model import Belief, SelfModel, Stance
from service.domain.recording import WritePlan
from service.domain.starter import starter_inventory
from service.embeddings import Vector

_tracer = trace.get_tracer(__name__)

Place = tuple[str, str]
"""(inventory entry key, context): where a model holds at most one learned belief."""


async def learn(
    tx: RecordingTransaction,
    state: RecordingState,
    plan: WritePlan,
    facts: ObservationFacts,
    observed: Vector,
    indexes: InventoryIndexes,
    evidence_model: EvidenceModel,
) -> None:
    """Plans what the scope's inventory infers from the observation (`observed`: its
    content's embedding)."""
    model = state.model
    assert model is not None
    inventory = state.inventory or starter_inventory(model.scope)
    if not inventory.entries:
        return
    index = await indexes.index(inventory)
    observation = plan.observation
    with _tracer.start_as_current_span("infer") as span:
        inferences = infer(
            index, observation.type, observation.content, observation.context, observed
        )
        span.set_attributes(
            {
                "selfmodel.inventory.entries": len(inventory.entries),
                "selfmodel.inferences": len(inferences),
            }
        )
    learned: dict[Place, LearnedBelief] = {
        (item.learned_from.key, item.belief.context): LearnedBelief(
            plan.latest(item.belief), item.learned_from
        )
        for item in state.learned
    }
    placed = [(i, belief_context(i.entry, observation.context)) for i in inferences]
    unlearned = [(i.entry, c) for i, c in placed if (i.entry.key, c) not in learned]
    if unlearned:
        learned.update(await _adoptable(tx, model, plan, unlearned))
    done: set[Place] = set()
    for inference, context in placed:
        entry = inference.entry
        current = learned.get((entry.key, context))
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
        _add(plan, change, index)
        done.add((entry.key, context))
        if current is not None:
            favored = current.learned_from.favors_statement
            plan.predictions.append(
                Prediction(
                    current.belief.confidence,
                    confirmed=(inference.stance is Stance.SUPPORTS) == favored,
                )
            )
    revision = f"revision {inventory.revision}" if not inventory.starter else "the starter"
    for item in state.learned:
        key, context = item.learned_from.key, item.belief.context
        edited = inventory.entry(key)
        if (key, context) in done or edited is None:
            continue  # a removed entry leaves its belief as it is
        change = plan_learning(
            edited,
            learned[(key, context)],
            stance=None,
            probability=0.0,
            context=context,
            facts=facts,
            model=evidence_model,
            reason=f"{revision} of the inventory",
        )
        if change is not None:
            _add(plan, change, index)


def _add(plan: WritePlan, change: PlannedChange, index: InventoryIndex) -> None:
    learned = change.learned_from
    assert learned is not None
    plan.add(change, index.vector_of(learned.key, learned.favors_statement))


def _sides(entry: InventoryEntry) -> dict[str, bool]:
    """The statement keys of the entry's sides: True for its statement, False its opposite."""
    keys = {statement_key(entry.statement): True}
    if entry.opposite:
        keys.setdefault(statement_key(entry.opposite), False)
    return keys


async def _adoptable(
    tx: RecordingTransaction,
    model: SelfModel,
    plan: WritePlan,
    places: Sequence[tuple[InventoryEntry, str]],
) -> dict[Place, LearnedBelief]:
    """For entries the model has no belief of yet: a belief a caller proposed with the
    statement of one of the entry's sides (stored, or planned by this observation). The
    entry adopts it rather than holding a second belief that says the same."""
    keys = {key for entry, _ in places for key in _sides(entry)}
    contexts = {context for _, context in places}
    stored = await tx.unlearned_with_statement(model.id, sorted(contexts), sorted(keys))
    found = {b.id: plan.latest(b) for b in stored} | {b.id: b for b in plan.written()}
    adopted: dict[Place, LearnedBelief] = {}
    for entry, context in places:
        sides = _sides(entry)
        matching: list[Belief] = [
            b
            for b in found.values()
            if not b.inventory_key and b.context == context and statement_key(b.statement) in sides
        ]
        if matching:
            belief = min(matching, key=lambda b: b.create_time)
            adopted[(entry.key, context)] = LearnedBelief(
                belief, LearnedFrom(entry.key, sides[statement_key(belief.statement)])
            )
    return adopted
