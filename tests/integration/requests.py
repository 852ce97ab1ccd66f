"""Request builders shared by the integration tests."""

from __future__ import annotations

import uuid

from selfmodel.v1 import inventory_pb2, observation_pb2, self_model_pb2, self_model_service_pb2
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub

SUPPORTS = observation_pb2.STANCE_SUPPORTS
CONTRADICTS = observation_pb2.STANCE_CONTRADICTS
PREFERENCE = observation_pb2.OBSERVATION_TYPE_PREFERENCE


def new_user_id() -> str:
    return f"user-{uuid.uuid4()}"


def create_model(
    stub: SelfModelServiceStub, scope: str = "acme-writer", *, inference: bool = False
) -> self_model_pb2.SelfModel:
    """A new user's model. Unless `inference`, its scope has an empty inventory, so only
    the beliefs a test proposes change (inference has tests of its own)."""
    if not inference:
        stub.PutBeliefInventory(
            self_model_service_pb2.PutBeliefInventoryRequest(
                inventory=inventory_pb2.BeliefInventory(scope=scope)
            )
        )
    return stub.GetOrCreateSelfModel(
        self_model_service_pb2.GetOrCreateSelfModelRequest(
            external_user_id=new_user_id(), scope=scope
        )
    )


def observe(
    stub: SelfModelServiceStub,
    model_name: str,
    *beliefs: tuple[str, observation_pb2.Stance.ValueType, str],
    content: str = "User chose bullet-point summary over narrative format",
    context: str = "report-settings",
    observation_type: observation_pb2.ObservationType.ValueType = PREFERENCE,
) -> self_model_service_pb2.ObserveResponse:
    """Observe with (statement, stance, context) proposals."""
    return stub.Observe(
        self_model_service_pb2.ObserveRequest(
            self_model=model_name,
            observation=observation_pb2.Observation(
                type=observation_type, content=content, context=context
            ),
            beliefs=[
                observation_pb2.BeliefProposal(statement=s, stance=stance, context=c)
                for s, stance, c in beliefs
            ],
        )
    )


def get_model(
    stub: SelfModelServiceStub, name: str, context: str = "", min_confidence: float = 0.0
) -> self_model_pb2.SelfModel:
    return stub.GetSelfModel(
        self_model_service_pb2.GetSelfModelRequest(
            name=name, context=context, min_confidence=min_confidence
        )
    )
