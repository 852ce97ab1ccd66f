"""A real gRPC server on loopback that fails on purpose, and both clients to call it.

The server implements the generated servicer and answers from a script: UNAVAILABLE a
given number of times, then a reply (or another status). It records what arrived, so the
tests see the key, the deadline and the idempotency key of every attempt gRPC made.
Each test runs once with `SelfModelClient` and once with `AsyncSelfModelClient`.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.rpc import status_pb2
from grpc_status import rpc_status
from selfmodel_client import AsyncSelfModelClient, SelfModelClient
from selfmodel_client._proto.selfmodel.v1 import (
    observation_pb2,
    self_model_pb2,
    self_model_service_pb2,
    self_model_service_pb2_grpc,
)

MODEL = "selfModels/0b7c6a1e-0000-4000-8000-000000000001"
Client = SelfModelClient | AsyncSelfModelClient


@dataclass
class Arrival:
    metadata: dict[str, str]
    time_remaining: float | None
    request: Any


@dataclass
class ScriptedService(self_model_service_pb2_grpc.SelfModelServiceServicer):
    """Fails `unavailable` times, then fails with `final` if set, else answers; each
    after `delay` seconds."""

    unavailable: int = 0
    delay: float = 0.0
    final: status_pb2.Status | None = None
    arrivals: list[Arrival] = field(default_factory=list)
    writes: int = 0

    def _answer(self, request: object, context: grpc.ServicerContext) -> None:
        self.arrivals.append(
            Arrival(
                {key: str(value) for key, value in context.invocation_metadata()},
                context.time_remaining(),
                request,
            )
        )
        time.sleep(self.delay)
        if len(self.arrivals) <= self.unavailable:
            context.abort(grpc.StatusCode.UNAVAILABLE, "Neo4j is not reachable")
        if self.final is not None:
            context.abort_with_status(rpc_status.to_status(self.final))

    def Observe(
        self, request: self_model_service_pb2.ObserveRequest, context: grpc.ServicerContext
    ) -> self_model_service_pb2.ObserveResponse:
        self._answer(request, context)
        self.writes += 1
        context.set_trailing_metadata((("selfmodel-consistency-token", f"v1.write-{self.writes}"),))
        belief = self_model_pb2.Belief(
            name=f"{MODEL}/beliefs/1",
            statement=request.beliefs[0].statement,
            confidence=0.6,
            version=1,
            state=self_model_pb2.BELIEF_STATE_ACTIVE,
        )
        return self_model_service_pb2.ObserveResponse(
            observation=observation_pb2.Observation(
                name=f"{MODEL}/observations/1",
                type=request.observation.type,
                content=request.observation.content,
                revision=1,
            ),
            belief_changes=[
                observation_pb2.BeliefChange(
                    belief=belief,
                    kind=observation_pb2.CHANGE_KIND_CREATED,
                    previous_confidence=0.5,
                    reason="new statement",
                )
            ],
            alignment_score=0.5,
        )

    def GetSelfModel(
        self, request: self_model_service_pb2.GetSelfModelRequest, context: grpc.ServicerContext
    ) -> self_model_pb2.SelfModel:
        self._answer(request, context)
        return self_model_pb2.SelfModel(name=request.name, scope="s", external_user_id="u")

    def ListBeliefs(
        self, request: self_model_service_pb2.ListBeliefsRequest, context: grpc.ServicerContext
    ) -> self_model_service_pb2.ListBeliefsResponse:
        """Two pages of one belief each."""
        self._answer(request, context)
        page = 2 if request.page_token == "page-2" else 1
        return self_model_service_pb2.ListBeliefsResponse(
            beliefs=[self_model_pb2.Belief(name=f"{MODEL}/beliefs/{page}", statement=f"b{page}")],
            next_page_token="page-2" if page == 1 else "",
        )


@dataclass
class Harness:
    service: ScriptedService
    address: str
    kind: str

    @asynccontextmanager
    async def client(self, **options: Any) -> AsyncIterator[Client]:
        """A client of the kind under test, with an API key unless `options` say otherwise."""
        settings: dict[str, Any] = {"api_key": "smk_abc_secret", **options}
        if self.kind == "sync":
            with SelfModelClient(self.address, **settings) as client:
                yield client
        else:
            async with AsyncSelfModelClient(self.address, **settings) as aclient:
                yield aclient
