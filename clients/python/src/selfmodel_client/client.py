"""`SelfModelClient`: the three calls (and a few more) with key, deadline and retries built in."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, TypeVar

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from selfmodel_client._proto.selfmodel.v1 import (
    observation_pb2,
    self_model_service_pb2,
    self_model_service_pb2_grpc,
)
from selfmodel_client.errors import SelfModelError, UnavailableError, error_of
from selfmodel_client.inventories import Adaptation, Inventory, inventory_to_proto
from selfmodel_client.models import (
    Belief,
    BeliefChange,
    Observation,
    ObservationType,
    Observed,
    Proposal,
    RenderedContext,
    SelfModel,
    observation_type_to_proto,
)
from selfmodel_client.retry import RetryPolicy

Request = TypeVar("Request")
Response = TypeVar("Response")
ModelRef = SelfModel | str

LIST_PAGE_SIZE = 200  # the service's largest page
CONSISTENCY_TOKEN_KEY = "selfmodel-consistency-token"
"""Metadata key of a consistency token: in a write's trailing metadata, sent by every call."""


class SelfModelClient:
    """A synchronous client of `selfmodel.v1.SelfModelService`.

    Every call sends the API key as `authorization: Bearer <key>` (none when `api_key` is
    None, as against `make run`), has a deadline (`timeout` seconds, per client or per
    call, covering all its retries), and is retried on UNAVAILABLE by `retry`. Failures
    raise `SelfModelError` subclasses. Use it as a context manager, or call `close()`.

    Read-your-writes: every call sends the consistency token of the newest write this
    client made (`consistency_token`), so a read sees that write whichever service instance
    and Neo4j cluster member serves it. Pass `consistency_token` to start from another
    client's (same API key) writes.
    """

    def __init__(
        self,
        address: str,
        *,
        api_key: str | None = None,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        credentials: grpc.ChannelCredentials | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        consistency_token: str | None = None,
    ) -> None:
        """`credentials` switches to TLS; without them the channel is plaintext.
        `sleep`, `clock` and `rng` exist for tests of the retry timing."""
        self._channel = (
            grpc.secure_channel(address, credentials)
            if credentials is not None
            else grpc.insecure_channel(address)
        )
        self._stub = self_model_service_pb2_grpc.SelfModelServiceStub(self._channel)
        self._metadata: tuple[tuple[str, str], ...] = (
            (("authorization", f"Bearer {api_key}"),) if api_key else ()
        )
        self._timeout = timeout
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._consistency_token = consistency_token

    @property
    def consistency_token(self) -> str | None:
        """The token of this client's newest write (None before its first)."""
        return self._consistency_token

    def __enter__(self) -> SelfModelClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._channel.close()

    def get_or_create(
        self, external_user_id: str, scope: str, *, timeout: float | None = None
    ) -> SelfModel:
        """The user's self-model in `scope`, created on first use (without its beliefs)."""
        request = self_model_service_pb2.GetOrCreateSelfModelRequest(
            external_user_id=external_user_id, scope=scope
        )
        return SelfModel.from_proto(self._call(self._stub.GetOrCreateSelfModel, request, timeout))

    def get(
        self,
        model: ModelRef,
        *,
        context: str = "",
        min_confidence: float = 0.0,
        timeout: float | None = None,
    ) -> SelfModel:
        """The self-model with its current beliefs, most confident first."""
        request = self_model_service_pb2.GetSelfModelRequest(
            name=_name_of(model), context=context, min_confidence=min_confidence
        )
        return SelfModel.from_proto(self._call(self._stub.GetSelfModel, request, timeout))

    def observe(
        self,
        model: ModelRef,
        content: str,
        *,
        type: ObservationType,
        context: str = "",
        beliefs: Iterable[Proposal | str] = (),
        occur_time: datetime | None = None,
        idempotency_key: str | None = None,
        timeout: float | None = None,
    ) -> Observed:
        """Records what the user did and what it says for or against `beliefs` (a plain
        string supports its statement). Without an `idempotency_key` one is made up, and
        every retry sends the same, so a retried observation is recorded once."""
        observation = observation_pb2.Observation(
            type=observation_type_to_proto(type),
            content=content,
            context=context,
            idempotency_key=idempotency_key or str(uuid.uuid4()),
        )
        if occur_time is not None:
            stamp = Timestamp()
            stamp.FromDatetime(occur_time)
            observation.occur_time.CopyFrom(stamp)
        request = self_model_service_pb2.ObserveRequest(
            self_model=_name_of(model),
            observation=observation,
            beliefs=[
                (Proposal(belief) if isinstance(belief, str) else belief).to_proto()
                for belief in beliefs
            ],
        )
        reply = self._call(self._stub.Observe, request, timeout)
        return Observed(
            observation=Observation.from_proto(reply.observation),
            changes=tuple(BeliefChange.from_proto(change) for change in reply.belief_changes),
            alignment_score=reply.alignment_score,
        )

    def beliefs(
        self,
        model: ModelRef,
        *,
        context: str = "",
        min_confidence: float = 0.0,
        order_by: str = "",
        timeout: float | None = None,
    ) -> list[Belief]:
        """Every current belief (all pages), most confident first unless `order_by` says
        otherwise; `timeout` applies to each page."""
        found: list[Belief] = []
        page_token = ""
        while True:
            request = self_model_service_pb2.ListBeliefsRequest(
                self_model=_name_of(model),
                context=context,
                min_confidence=min_confidence,
                order_by=order_by,
                page_size=LIST_PAGE_SIZE,
                page_token=page_token,
            )
            page = self._call(self._stub.ListBeliefs, request, timeout)
            found.extend(Belief.from_proto(belief) for belief in page.beliefs)
            page_token = page.next_page_token
            if not page_token:
                return found

    def render_context(
        self,
        model: ModelRef,
        *,
        context: str = "",
        min_confidence: float = 0.0,
        max_beliefs: int = 0,
        timeout: float | None = None,
    ) -> RenderedContext:
        """The beliefs as a text block for an LLM system prompt (`max_beliefs` 0: the
        service's default of 20)."""
        request = self_model_service_pb2.RenderContextRequest(
            self_model=_name_of(model),
            context=context,
            min_confidence=min_confidence,
            max_beliefs=max_beliefs,
        )
        reply = self._call(self._stub.RenderContext, request, timeout)
        return RenderedContext(
            text=reply.text,
            beliefs=tuple(Belief.from_proto(belief) for belief in reply.beliefs),
            adaptations=tuple(Adaptation.from_proto(a) for a in reply.adaptations),
        )

    def apply_inventory(
        self,
        scope: str,
        beliefs: Sequence[Mapping[str, Any]],
        *,
        etag: str = "",
        timeout: float | None = None,
    ) -> Inventory:
        """Replaces the scope's belief inventory (the YAML file format, as mappings); with
        `etag`, only if nobody changed it since it was read."""
        request = self_model_service_pb2.PutBeliefInventoryRequest(
            inventory=inventory_to_proto(scope, beliefs), etag=etag
        )
        return Inventory.from_proto(self._call(self._stub.PutBeliefInventory, request, timeout))

    def inventory(
        self, scope: str, *, revision: int = 0, timeout: float | None = None
    ) -> Inventory:
        """The scope's current inventory (the starter inventory while it has none), or a
        revision."""
        request = self_model_service_pb2.GetBeliefInventoryRequest(scope=scope, revision=revision)
        return Inventory.from_proto(self._call(self._stub.GetBeliefInventory, request, timeout))

    def adaptations(
        self, model: ModelRef, *, context: str = "", timeout: float | None = None
    ) -> list[Adaptation]:
        """What the product should do for this user here, per inventory belief."""
        request = self_model_service_pb2.GetAdaptationsRequest(
            self_model=_name_of(model), context=context
        )
        reply = self._call(self._stub.GetAdaptations, request, timeout)
        return [Adaptation.from_proto(a) for a in reply.adaptations]

    def _call(
        self,
        rpc: grpc.UnaryUnaryMultiCallable[Request, Response],
        request: Request,
        timeout: float | None,
    ) -> Response:
        """One call, retried on UNAVAILABLE while attempts and the deadline allow."""
        deadline = self._clock() + (self._timeout if timeout is None else timeout)
        retry = 0
        while True:
            token = self._consistency_token
            metadata = self._metadata + (((CONSISTENCY_TOKEN_KEY, token),) if token else ())
            try:
                response, call = rpc.with_call(
                    request, timeout=max(deadline - self._clock(), 0.0), metadata=metadata
                )
            except grpc.RpcError as failure:
                error: SelfModelError = error_of(failure)
            else:
                self._remember_token(call)
                return response
            retry += 1
            if not isinstance(error, UnavailableError) or retry >= self._retry.attempts:
                raise error
            pause = self._retry.pause(retry, self._rng)
            if self._clock() + pause >= deadline:
                raise error
            self._sleep(pause)

    def _remember_token(self, call: grpc.Call) -> None:
        for key, value in call.trailing_metadata() or ():
            if key == CONSISTENCY_TOKEN_KEY and isinstance(value, str) and value:
                self._consistency_token = value


def _name_of(model: ModelRef) -> str:
    return model if isinstance(model, str) else model.name
