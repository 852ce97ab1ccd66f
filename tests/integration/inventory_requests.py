"""Belief inventories for the integration tests: the example YAML, as a put request."""

from __future__ import annotations

import uuid
from pathlib import Path

import yaml

from selfmodel.v1 import inventory_pb2, observation_pb2
from selfmodel.v1 import self_model_service_pb2 as messages
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "inventory-example.yaml"


def new_scope() -> str:
    return f"code-assistant-{uuid.uuid4().hex[:8]}"


def example_beliefs() -> list[inventory_pb2.InventoryBelief]:
    document = yaml.safe_load(EXAMPLE.read_text())
    beliefs = []
    for entry in document["beliefs"]:
        entry = dict(entry)
        entry["learned_via"] = [
            observation_pb2.ObservationType.Value(f"OBSERVATION_TYPE_{t.upper()}")
            for t in entry["learned_via"]
        ]
        adaptation = entry.pop("adaptation")
        beliefs.append(
            inventory_pb2.InventoryBelief(
                **entry, adaptation=inventory_pb2.AdaptationRule(**adaptation)
            )
        )
    return beliefs


def put_inventory(
    stub: SelfModelServiceStub,
    scope: str,
    beliefs: list[inventory_pb2.InventoryBelief] | None = None,
    etag: str = "",
) -> inventory_pb2.BeliefInventory:
    return stub.PutBeliefInventory(
        messages.PutBeliefInventoryRequest(
            inventory=inventory_pb2.BeliefInventory(
                scope=scope, beliefs=example_beliefs() if beliefs is None else beliefs
            ),
            etag=etag,
        )
    )


def raw_observe(
    stub: SelfModelServiceStub,
    model: str,
    content: str,
    observation_type: observation_pb2.ObservationType.ValueType,
    context: str = "",
) -> messages.ObserveResponse:
    """An observation with no proposals: what is learned is inferred."""
    return stub.Observe(
        messages.ObserveRequest(
            self_model=model,
            observation=observation_pb2.Observation(
                type=observation_type, content=content, context=context
            ),
        )
    )
