"""Belief inventories and adaptations, as plain values.

An inventory's beliefs are plain mappings in the format of the service's YAML files
(`docs/inventory-example.yaml`): key, statement, opposite, learned_via, contexts,
per_context, signals_for, signals_against, activation_threshold, used_for, adaptation
{when_active, when_opposite_active, default}. So a PM's file loads with any YAML library
and goes straight to `SelfModelClient.apply_inventory`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from selfmodel_client._proto.selfmodel.v1 import inventory_pb2, observation_pb2

_KNOWN = {
    "key",
    "statement",
    "opposite",
    "learned_via",
    "contexts",
    "per_context",
    "signals_for",
    "signals_against",
    "activation_threshold",
    "used_for",
    "adaptation",
}


@dataclass(frozen=True)
class Inventory:
    scope: str
    revision: int
    """0 for the starter inventory (the scope has none of its own)."""
    etag: str
    starter: bool
    beliefs: tuple[Mapping[str, Any], ...]

    @classmethod
    def from_proto(cls, message: inventory_pb2.BeliefInventory) -> Inventory:
        return cls(
            scope=message.scope,
            revision=message.revision,
            etag=message.etag,
            starter=message.starter,
            beliefs=tuple(_belief_mapping(b) for b in message.beliefs),
        )


@dataclass(frozen=True)
class Adaptation:
    """What the product should do for one inventory belief of one user."""

    key: str
    statement: str
    """The favored side (the statement while nothing is known)."""
    confidence: float
    active: bool
    activation_threshold: float
    used_for: str
    apply: str
    """The active side's rule, or the default while not active."""
    belief: str
    context: str

    @classmethod
    def from_proto(cls, message: inventory_pb2.Adaptation) -> Adaptation:
        return cls(
            key=message.key,
            statement=message.statement,
            confidence=message.confidence,
            active=message.active,
            activation_threshold=message.activation_threshold,
            used_for=message.used_for,
            apply=message.apply,
            belief=message.belief,
            context=message.context,
        )


def _type_name(value: observation_pb2.ObservationType.ValueType) -> str:
    return observation_pb2.ObservationType.Name(value).removeprefix("OBSERVATION_TYPE_").lower()


def _belief_mapping(belief: inventory_pb2.InventoryBelief) -> dict[str, Any]:
    return {
        "key": belief.key,
        "statement": belief.statement,
        "opposite": belief.opposite,
        "learned_via": [_type_name(t) for t in belief.learned_via],
        "contexts": list(belief.contexts),
        "per_context": belief.per_context,
        "signals_for": list(belief.signals_for),
        "signals_against": list(belief.signals_against),
        "activation_threshold": belief.activation_threshold,
        "used_for": belief.used_for,
        "adaptation": {
            "when_active": belief.adaptation.when_active,
            "when_opposite_active": belief.adaptation.when_opposite_active,
            "default": belief.adaptation.default,
        },
    }


def inventory_to_proto(
    scope: str, beliefs: Sequence[Mapping[str, Any]]
) -> inventory_pb2.BeliefInventory:
    """ValueError for a field this client does not know or an unknown observation type;
    everything else is checked by the service (INVALID_ARGUMENT naming the field)."""
    messages = []
    for index, belief in enumerate(beliefs):
        unknown = sorted(set(belief) - _KNOWN)
        if unknown:
            raise ValueError(f"beliefs[{index}]: unknown fields {', '.join(unknown)}")
        fields = dict(belief)
        fields["opposite"] = fields.get("opposite") or ""
        try:
            fields["learned_via"] = [
                observation_pb2.ObservationType.Value(f"OBSERVATION_TYPE_{t.upper()}")
                for t in fields.get("learned_via") or []
            ]
        except ValueError as error:
            raise ValueError(f"beliefs[{index}].learned_via: {error}") from None
        fields["adaptation"] = inventory_pb2.AdaptationRule(**(fields.get("adaptation") or {}))
        messages.append(
            inventory_pb2.InventoryBelief(**{k: v for k, v in fields.items() if v is not None})
        )
    return inventory_pb2.BeliefInventory(scope=scope, beliefs=messages)
