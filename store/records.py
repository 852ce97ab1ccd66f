"""Conversions from Neo4j values to domain values."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from neo4j.graph import Node
from neo4j.time import DateTime

from service.domain.model import Belief, Observation, ObservationType, SelfModel


def to_datetime(value: Any) -> datetime:
    if isinstance(value, DateTime):
        return value.to_native()
    if isinstance(value, datetime):
        return value
    raise TypeError(f"expected a DateTime, got {type(value).__name__}")


def to_self_model(node: Node) -> SelfModel:
    return SelfModel(
        id=node["id"],
        external_user_id=node["external_user_id"],
        scope=node["scope"],
        alignment_score=node["alignment_score"],
        create_time=to_datetime(node["create_time"]),
        update_time=to_datetime(node["update_time"]),
    )


def to_belief(node: Node) -> Belief:
    return Belief(
        id=node["id"],
        self_model_id=node["self_model_id"],
        statement=node["statement"],
        confidence=node["confidence"],
        context=node["context"],
        version=node["version"],
        create_time=to_datetime(node["create_time"]),
        update_time=to_datetime(node["update_time"]),
    )


def to_observation(node: Node) -> Observation:
    return Observation(
        id=node["id"],
        self_model_id=node["self_model_id"],
        type=ObservationType(node["type"]),
        content=node["content"],
        context=node["context"],
        occur_time=to_datetime(node["occur_time"]),
        idempotency_key=node["idempotency_key"],
        create_time=to_datetime(node["create_time"]),
    )
