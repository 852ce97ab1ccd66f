"""Conversions from Neo4j values to domain values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, LiteralString

from neo4j.graph import Node
from neo4j.time import DateTime

from service.domain.model import (
    Belief,
    BeliefState,
    BeliefVersion,
    ChangeKind,
    Evidence,
    Observation,
    ObservationType,
    SelfModel,
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_micros(node: LiteralString, name: LiteralString) -> LiteralString:
    """Cypher for a map entry `name`: the temporal property `node.name` as microseconds
    since the epoch (None when absent); `to_datetime` reads it back."""
    value: LiteralString = node + "." + name
    return name + ": " + value + ".epochSeconds * 1000000 + " + value + ".microsecond"


def to_datetime(value: Any) -> datetime:
    if type(value) is int:
        return _EPOCH + timedelta(microseconds=value)
    if isinstance(value, DateTime):
        return value.to_native()
    if isinstance(value, datetime):
        return value
    raise TypeError(f"expected a DateTime, got {type(value).__name__}")


def to_self_model(node: Node | Mapping[str, Any]) -> SelfModel:
    return SelfModel(
        id=node["id"],
        external_user_id=node["external_user_id"],
        scope=node["scope"],
        alignment_score=node["alignment_score"],
        create_time=to_datetime(node["create_time"]),
        update_time=to_datetime(node["update_time"]),
        revision=node.get("revision") or 0,
    )


def _state(node: Node | Mapping[str, Any]) -> BeliefState:
    return BeliefState(node.get("state") or BeliefState.ACTIVE.value)


def to_belief(node: Node | Mapping[str, Any]) -> Belief:
    return Belief(
        id=node["id"],
        self_model_id=node["self_model_id"],
        statement=node["statement"],
        confidence=node["confidence"],
        context=node["context"],
        version=node["version"],
        create_time=to_datetime(node["create_time"]),
        update_time=to_datetime(node["update_time"]),
        evidence=Evidence(weight=node["evidence"], as_of=to_datetime(node["evidence_time"])),
        state=_state(node),
        inventory_key=node.get("inventory_key") or "",
    )


def to_belief_as_of(belief: Node | Mapping[str, Any], version: Node | Mapping[str, Any]) -> Belief:
    """The belief as it stood at `version`."""
    valid_from = to_datetime(version["valid_from"])
    return replace(
        to_belief(belief),
        statement=version["statement"],
        confidence=version["confidence"],
        context=version["context"],
        version=version["version"],
        update_time=valid_from,
        evidence=Evidence(weight=version["evidence"], as_of=valid_from),
        state=_state(version),
    )


def to_belief_version(
    version: Node | Mapping[str, Any], self_model_id: str, valid_to: Any
) -> BeliefVersion:
    return BeliefVersion(
        belief_id=version["belief_id"],
        self_model_id=self_model_id,
        version=version["version"],
        statement=version["statement"],
        confidence=version["confidence"],
        context=version["context"],
        kind=ChangeKind(version["change_kind"]),
        valid_from=to_datetime(version["valid_from"]),
        valid_to=None if valid_to is None else to_datetime(valid_to),
        observation_id=version["observation_id"],
        state=_state(version),
        reason=version.get("reason") or "",
    )


def to_observation(node: Node | Mapping[str, Any]) -> Observation:
    return Observation(
        id=node["id"],
        self_model_id=node["self_model_id"],
        type=ObservationType(node["type"]),
        content=node["content"],
        context=node["context"],
        occur_time=to_datetime(node["occur_time"]),
        idempotency_key=node.get("idempotency_key") or "",
        create_time=to_datetime(node["create_time"]),
        revision=node.get("revision") or 0,
    )
