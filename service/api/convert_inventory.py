"""Belief inventories and adaptations: proto messages to domain values and back."""

from __future__ import annotations

from urllib.parse import quote

from selfmodel.v1 import inventory_pb2, self_model_service_pb2
from service.api.convert import OBSERVATION_TYPE_VALUES, observation_type, timestamp
from service.application.adapting import Adaptations
from service.domain import names
from service.domain.adaptation import Adaptation as EntryAdaptation
from service.domain.errors import FieldViolation, InvalidArgument
from service.domain.inventory import (
    DEFAULT_ACTIVATION_THRESHOLD,
    LEARNABLE_TYPES,
    Adaptation,
    BeliefInventory,
    InventoryEntry,
)
from service.domain.model import ObservationType


def inventory_entries(
    message: inventory_pb2.BeliefInventory, field: str = "inventory.beliefs"
) -> list[InventoryEntry]:
    """The entries of a put request; unknown observation types are refused by field."""
    entries: list[InventoryEntry] = []
    violations: list[FieldViolation] = []
    for index, belief in enumerate(message.beliefs):
        learned_via: list[ObservationType] = []
        for position, value in enumerate(belief.learned_via):
            try:
                learned_via.append(
                    observation_type(value, f"{field}[{index}].learned_via[{position}]")
                )
            except InvalidArgument as error:
                violations.extend(error.violations)
        entries.append(
            InventoryEntry(
                key=belief.key.strip(),
                statement=belief.statement.strip(),
                opposite=belief.opposite.strip(),
                learned_via=tuple(learned_via) or LEARNABLE_TYPES,
                contexts=tuple(c.strip() for c in belief.contexts),
                per_context=belief.per_context,
                signals_for=tuple(s.strip() for s in belief.signals_for),
                signals_against=tuple(s.strip() for s in belief.signals_against),
                activation_threshold=(
                    belief.activation_threshold
                    if belief.HasField("activation_threshold")
                    else DEFAULT_ACTIVATION_THRESHOLD
                ),
                used_for=belief.used_for.strip(),
                adaptation=Adaptation(
                    when_active=belief.adaptation.when_active.strip(),
                    when_opposite_active=belief.adaptation.when_opposite_active.strip(),
                    default=belief.adaptation.default.strip(),
                ),
            )
        )
    if violations:
        raise InvalidArgument(violations)
    return entries


def inventory_name(scope: str, revision: int) -> str:
    return f"inventories/{quote(scope, safe='')}/revisions/{revision}"


def inventory_message(inventory: BeliefInventory) -> inventory_pb2.BeliefInventory:
    message = inventory_pb2.BeliefInventory(
        name=inventory_name(inventory.scope, inventory.revision),
        scope=inventory.scope,
        revision=inventory.revision,
        etag=inventory.etag,
        starter=inventory.starter,
        beliefs=[
            inventory_pb2.InventoryBelief(
                key=e.key,
                statement=e.statement,
                opposite=e.opposite,
                learned_via=[OBSERVATION_TYPE_VALUES[t] for t in e.learned_via],
                contexts=list(e.contexts),
                per_context=e.per_context,
                signals_for=list(e.signals_for),
                signals_against=list(e.signals_against),
                activation_threshold=e.activation_threshold,
                used_for=e.used_for,
                adaptation=inventory_pb2.AdaptationRule(
                    when_active=e.adaptation.when_active,
                    when_opposite_active=e.adaptation.when_opposite_active,
                    default=e.adaptation.default,
                ),
            )
            for e in inventory.entries
        ],
    )
    if inventory.create_time is not None:
        message.create_time.CopyFrom(timestamp(inventory.create_time))
    return message


def adaptation_message(self_model_id: str, item: EntryAdaptation) -> inventory_pb2.Adaptation:
    return inventory_pb2.Adaptation(
        key=item.key,
        statement=item.statement,
        confidence=item.confidence,
        active=item.active,
        activation_threshold=item.activation_threshold,
        used_for=item.used_for,
        apply=item.apply,
        belief=names.belief_name(self_model_id, item.belief_id) if item.belief_id else "",
        context=item.context,
    )


def adaptations_response(
    self_model_id: str, adaptations: Adaptations
) -> self_model_service_pb2.GetAdaptationsResponse:
    return self_model_service_pb2.GetAdaptationsResponse(
        adaptations=[adaptation_message(self_model_id, a) for a in adaptations.adaptations],
        inventory_revision=adaptations.inventory_revision,
    )
