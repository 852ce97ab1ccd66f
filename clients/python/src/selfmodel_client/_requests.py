"""Every call of the clients as data: the request to send and how to read its reply.

`SelfModelClient` and `AsyncSelfModelClient` take their methods from the builders here
(one builder per method, with its parameters and docstring), so the two clients differ
only in how an `Rpc` goes over the wire. Nothing here does I/O.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from selfmodel_client import models
from selfmodel_client._proto.selfmodel.v1 import (
    inventory_pb2,
    observation_pb2,
    self_model_pb2,
)
from selfmodel_client._proto.selfmodel.v1 import self_model_service_pb2 as messages
from selfmodel_client.inventories import Adaptation, Inventory, inventory_to_proto

Reply = TypeVar("Reply")
Result = TypeVar("Result")
Item = TypeVar("Item")
ModelRef = models.SelfModel | str

LIST_PAGE_SIZE = 200  # the service's largest page


@dataclass(frozen=True)
class Rpc(Generic[Reply, Result]):
    """One call to make: `method` is the RPC's name (the stub's attribute)."""

    method: str
    request: Message
    parse: Callable[[Reply], Result]
    timeout: float | None
    """None: the client's default, else the service config's timeout for the method."""


@dataclass(frozen=True)
class Page(Generic[Item]):
    items: list[Item]
    next: Rpc[Any, Page[Item]] | None
    """The call for the following page; None after the last."""


def get_or_create(
    external_user_id: str, scope: str, *, timeout: float | None = None
) -> Rpc[self_model_pb2.SelfModel, models.SelfModel]:
    """The user's self-model in `scope`, created on first use (without its beliefs)."""
    request = messages.GetOrCreateSelfModelRequest(external_user_id=external_user_id, scope=scope)
    return Rpc("GetOrCreateSelfModel", request, models.SelfModel.from_proto, timeout)


def get(
    model: ModelRef,
    *,
    context: str = "",
    min_confidence: float = 0.0,
    timeout: float | None = None,
) -> Rpc[self_model_pb2.SelfModel, models.SelfModel]:
    """The self-model with its current beliefs, most confident first."""
    request = messages.GetSelfModelRequest(
        name=_name_of(model), context=context, min_confidence=min_confidence
    )
    return Rpc("GetSelfModel", request, models.SelfModel.from_proto, timeout)


def observe(
    model: ModelRef,
    content: str,
    *,
    type: models.ObservationType,
    context: str = "",
    beliefs: Iterable[models.Proposal | str] = (),
    occur_time: datetime | None = None,
    idempotency_key: str | None = None,
    timeout: float | None = None,
) -> Rpc[messages.ObserveResponse, models.Observed]:
    """Records what the user did and what it says for or against `beliefs` (a plain
    string supports its statement). Without an `idempotency_key` one is made up, and
    every retry sends the same, so a retried observation is recorded once."""
    observation = observation_pb2.Observation(
        type=models.observation_type_to_proto(type),
        content=content,
        context=context,
        idempotency_key=idempotency_key or str(uuid.uuid4()),
    )
    if occur_time is not None:
        stamp = Timestamp()
        stamp.FromDatetime(occur_time)
        observation.occur_time.CopyFrom(stamp)
    request = messages.ObserveRequest(
        self_model=_name_of(model),
        observation=observation,
        beliefs=[
            (models.Proposal(belief) if isinstance(belief, str) else belief).to_proto()
            for belief in beliefs
        ],
    )
    return Rpc("Observe", request, _observed, timeout)


def _observed(reply: messages.ObserveResponse) -> models.Observed:
    return models.Observed(
        observation=models.Observation.from_proto(reply.observation),
        changes=tuple(models.BeliefChange.from_proto(change) for change in reply.belief_changes),
        alignment_score=reply.alignment_score,
    )


def beliefs(
    model: ModelRef,
    *,
    context: str = "",
    min_confidence: float = 0.0,
    order_by: str = "",
    timeout: float | None = None,
) -> Rpc[messages.ListBeliefsResponse, Page[models.Belief]]:
    """Every current belief (all pages), most confident first unless `order_by` says
    otherwise; `timeout` applies to each page."""
    request = messages.ListBeliefsRequest(
        self_model=_name_of(model),
        context=context,
        min_confidence=min_confidence,
        order_by=order_by,
        page_size=LIST_PAGE_SIZE,
    )
    return _beliefs_page(request, timeout)


def _beliefs_page(
    request: messages.ListBeliefsRequest, timeout: float | None
) -> Rpc[messages.ListBeliefsResponse, Page[models.Belief]]:
    def parse(reply: messages.ListBeliefsResponse) -> Page[models.Belief]:
        following = None
        if reply.next_page_token:
            following = messages.ListBeliefsRequest()
            following.CopyFrom(request)
            following.page_token = reply.next_page_token
        return Page(
            [models.Belief.from_proto(belief) for belief in reply.beliefs],
            None if following is None else _beliefs_page(following, timeout),
        )

    return Rpc("ListBeliefs", request, parse, timeout)


def render_context(
    model: ModelRef,
    *,
    context: str = "",
    min_confidence: float = 0.0,
    max_beliefs: int = 0,
    timeout: float | None = None,
) -> Rpc[messages.RenderContextResponse, models.RenderedContext]:
    """The beliefs as a text block for an LLM system prompt (`max_beliefs` 0: the
    service's default of 20)."""
    request = messages.RenderContextRequest(
        self_model=_name_of(model),
        context=context,
        min_confidence=min_confidence,
        max_beliefs=max_beliefs,
    )
    return Rpc("RenderContext", request, _rendered, timeout)


def _rendered(reply: messages.RenderContextResponse) -> models.RenderedContext:
    return models.RenderedContext(
        text=reply.text,
        beliefs=tuple(models.Belief.from_proto(belief) for belief in reply.beliefs),
        adaptations=tuple(Adaptation.from_proto(a) for a in reply.adaptations),
    )


def apply_inventory(
    scope: str,
    beliefs: Sequence[Mapping[str, Any]],
    *,
    etag: str = "",
    timeout: float | None = None,
) -> Rpc[inventory_pb2.BeliefInventory, Inventory]:
    """Replaces the scope's belief inventory (the YAML file format, as mappings); with
    `etag`, only if nobody changed it since it was read."""
    request = messages.PutBeliefInventoryRequest(
        inventory=inventory_to_proto(scope, beliefs), etag=etag
    )
    return Rpc("PutBeliefInventory", request, Inventory.from_proto, timeout)


def inventory(
    scope: str, *, revision: int = 0, timeout: float | None = None
) -> Rpc[inventory_pb2.BeliefInventory, Inventory]:
    """The scope's current inventory (the starter inventory while it has none), or a
    revision."""
    request = messages.GetBeliefInventoryRequest(scope=scope, revision=revision)
    return Rpc("GetBeliefInventory", request, Inventory.from_proto, timeout)


def adaptations(
    model: ModelRef, *, context: str = "", timeout: float | None = None
) -> Rpc[messages.GetAdaptationsResponse, list[Adaptation]]:
    """What the product should do for this user here, per inventory belief."""
    request = messages.GetAdaptationsRequest(self_model=_name_of(model), context=context)
    return Rpc("GetAdaptations", request, _adaptations, timeout)


def _adaptations(reply: messages.GetAdaptationsResponse) -> list[Adaptation]:
    return [Adaptation.from_proto(a) for a in reply.adaptations]


def _name_of(model: ModelRef) -> str:
    return model if isinstance(model, str) else model.name
