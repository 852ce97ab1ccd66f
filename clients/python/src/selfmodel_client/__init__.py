"""Python client of the selfmodel gRPC service.

with SelfModelClient("localhost:50051", api_key=key) as client:
    model = client.get_or_create("u-42", "acme-writer")
    client.observe(model, "Chose the bullet-point summary", type="preference",
                   beliefs=[supports("Prefers concise output formats")])
    print(client.render_context(model).text)

`AsyncSelfModelClient` is the same on asyncio (`async with`, `await client.observe(...)`).
"""

from selfmodel_client._session import service_config
from selfmodel_client.aio import AsyncSelfModelClient
from selfmodel_client.client import SelfModelClient
from selfmodel_client.errors import (
    AbortedError,
    AlreadyExistsError,
    DeadlineExceededError,
    FailedPreconditionError,
    FieldViolation,
    InvalidArgumentError,
    NotFoundError,
    ResourceExhaustedError,
    SelfModelError,
    UnauthenticatedError,
    UnavailableError,
)
from selfmodel_client.inventories import Adaptation, Inventory
from selfmodel_client.models import (
    Belief,
    BeliefChange,
    Observation,
    ObservationType,
    Observed,
    Proposal,
    RenderedContext,
    SelfModel,
    contradicts,
    supports,
)

__all__ = [
    "AbortedError",
    "Adaptation",
    "AlreadyExistsError",
    "AsyncSelfModelClient",
    "Belief",
    "BeliefChange",
    "DeadlineExceededError",
    "FailedPreconditionError",
    "FieldViolation",
    "InvalidArgumentError",
    "Inventory",
    "NotFoundError",
    "Observation",
    "ObservationType",
    "Observed",
    "Proposal",
    "RenderedContext",
    "ResourceExhaustedError",
    "SelfModel",
    "SelfModelClient",
    "SelfModelError",
    "UnauthenticatedError",
    "UnavailableError",
    "contradicts",
    "service_config",
    "supports",
]
