"""How an inference from a belief inventory changes the belief that follows its entry.

A model holds at most one belief per inventory entry (per context, for an entry learned
per context). The belief states the side of the entry the evidence favors, with that
side's confidence: evidence for the opposite first weakens the belief and, once it tips
below even odds, restates it as the opposite (a version with kind RESTATED), so reads never
show both sides of an entry. An entry whose text was edited restates its belief at the
next observation of the model. Evidence weighs what its observation type weighs, scaled
by how sure the inference is.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.domain.beliefs import LearnedFrom, ObservationFacts, PlannedChange
from service.domain.confidence import (
    EvidenceModel,
    aged,
    confidence_of,
    logit,
    observation_weight,
)
from service.domain.inventory import InventoryEntry
from service.domain.model import Belief, BeliefState, ChangeKind, Evidence, Stance


@dataclass(frozen=True)
class LearnedBelief:
    """A belief of the model that follows an inventory entry."""

    belief: Belief
    learned_from: LearnedFrom


def _evidence_for_statement(
    learned: LearnedBelief | None, facts: ObservationFacts, model: EvidenceModel
) -> float:
    """The belief's evidence, aged to now, seen from the entry's statement."""
    if learned is None:
        return 0.0
    weight = aged(learned.belief.evidence, facts.now, model)
    if learned.learned_from.favors_statement:
        return weight
    return _flip(weight, model)


def _flip(weight: float, model: EvidenceModel) -> float:
    """Evidence for one side as evidence for the other: confidences add up to one."""
    return -weight - 2.0 * logit(model.prior)


def plan_learning(
    entry: InventoryEntry,
    learned: LearnedBelief | None,
    *,
    stance: Stance | None,
    probability: float,
    context: str,
    facts: ObservationFacts,
    model: EvidenceModel,
    reason: str,
) -> PlannedChange | None:
    """The change an inference (`stance` towards the entry's statement) makes; with `stance`
    None, only the restatement an edited entry needs (None when there is nothing to do)."""
    weight = 0.0
    if stance is not None:
        weight = observation_weight(facts.type, facts.occur_time, facts.now, model) * probability
    signed = weight if stance is Stance.SUPPORTS else -weight
    for_statement = _evidence_for_statement(learned, facts, model) + signed
    favors_statement = not entry.opposite or confidence_of(for_statement, model) >= 0.5
    statement = entry.pole(favors_statement)
    evidence = for_statement if favors_statement else _flip(for_statement, model)
    target = None if learned is None else learned.belief
    if target is not None and stance is None and target.statement == statement:
        return None
    if target is None:
        kind = ChangeKind.CREATED
    elif target.statement != statement:
        kind = ChangeKind.RESTATED
        flipped = learned is not None and learned.learned_from.favors_statement != favors_statement
        reason = (
            f"{reason}; the evidence now favors {statement!r}"
            if flipped
            else f"inventory entry {entry.key!r} was edited: it now says {statement!r}"
            + (f" ({reason})" if reason else "")
        )
    else:
        edge = stance if favors_statement else _opposite(stance)
        kind = ChangeKind.REINFORCED if edge is Stance.SUPPORTS else ChangeKind.WEAKENED
    # The evidence edge is drawn to the belief as it stands after the change.
    edge_stance = stance if favors_statement else _opposite(stance)
    return PlannedChange(
        target=target,
        statement=statement,
        context=context if target is None else target.context,
        kind=kind,
        stance=edge_stance or Stance.SUPPORTS,
        weight=weight,
        previous_confidence=model.prior if target is None else target.confidence,
        evidence=Evidence(weight=evidence, as_of=facts.now),
        confidence=confidence_of(evidence, model),
        merged_statement=None,
        conflicts_with=(),
        reason=reason,
        state=BeliefState.ACTIVE if target is None else target.state,
        learned_from=LearnedFrom(entry.key, favors_statement),
        evidence_edge=stance is not None,
    )


def _opposite(stance: Stance | None) -> Stance | None:
    if stance is None:
        return None
    return Stance.CONTRADICTS if stance is Stance.SUPPORTS else Stance.SUPPORTS


def belief_context(entry: InventoryEntry, observation_context: str) -> str:
    """Where the entry's belief lives: the observation's context when learned per context."""
    return observation_context if entry.per_context else ""
