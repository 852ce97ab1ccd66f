"""Adaptation rules: what the product should do for a user, per inventory belief."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from service.domain.inventory import InventoryEntry
from service.domain.learning import LearnedBelief, belief_context
from service.domain.model import BeliefState


@dataclass(frozen=True)
class Adaptation:
    key: str
    statement: str
    """The favored side (the statement while nothing is known)."""
    confidence: float
    active: bool
    activation_threshold: float
    used_for: str
    apply: str
    """The active side's rule, or the default (cold start) while not active."""
    belief_id: str | None
    context: str


def adaptation_for(
    entry: InventoryEntry, learned: LearnedBelief | None, prior: float
) -> Adaptation:
    """The adaptation of one entry, from the belief that follows it (None: nothing known).

    A retracted belief counts as nothing known: the user said it does not describe them.
    """
    rule = entry.adaptation
    if learned is None or learned.belief.state is BeliefState.RETRACTED:
        return Adaptation(
            key=entry.key,
            statement=entry.statement,
            confidence=prior,
            active=False,
            activation_threshold=entry.activation_threshold,
            used_for=entry.used_for,
            apply=rule.default,
            belief_id=None,
            context="",
        )
    favors_statement = learned.learned_from.favors_statement or not entry.opposite
    belief = learned.belief
    active = belief.confidence >= entry.activation_threshold
    when_active = rule.when_active if favors_statement else rule.when_opposite_active
    return Adaptation(
        key=entry.key,
        statement=entry.pole(favors_statement),
        confidence=belief.confidence,
        active=active,
        activation_threshold=entry.activation_threshold,
        used_for=entry.used_for,
        apply=when_active if active else rule.default,
        belief_id=belief.id,
        context=belief.context,
    )


def adaptations_for(
    entries: Sequence[InventoryEntry],
    learned: Mapping[tuple[str, str], LearnedBelief],
    context: str,
    prior: float,
) -> list[Adaptation]:
    """One adaptation per entry, in the inventory's order, for the product's `context`."""
    return [
        adaptation_for(entry, learned.get((entry.key, belief_context(entry, context))), prior)
        for entry in entries
    ]


def render_adaptations(adaptations: Sequence[Adaptation]) -> str:
    """The active adaptations as lines for a system prompt ('' when none is active)."""
    active = [a for a in adaptations if a.active and a.apply]
    if not active:
        return ""
    lines = ["How to adapt to this user:"]
    lines += [f"- {' '.join(a.apply.split())} ({a.used_for or a.key})" for a in active]
    return "\n".join(lines)
