"""selfmodel.v1.SelfModelService over the use cases."""

from __future__ import annotations

from datetime import UTC

import grpc

from selfmodel.v1 import (
    history_pb2,
    self_model_pb2,
    self_model_service_pb2,
    self_model_service_pb2_grpc,
)
from service.api import convert
from service.api.errors import grpc_errors
from service.application import BeliefRead, SelfModelRef, SelfModels
from service.domain import names


class SelfModelServicer(self_model_service_pb2_grpc.SelfModelServiceServicer):
    def __init__(self, self_models: SelfModels) -> None:
        self._self_models = self_models

    @grpc_errors
    async def GetOrCreateSelfModel(
        self,
        request: self_model_service_pb2.GetOrCreateSelfModelRequest,
        context: grpc.aio.ServicerContext[
            self_model_service_pb2.GetOrCreateSelfModelRequest, self_model_pb2.SelfModel
        ],
    ) -> self_model_pb2.SelfModel:
        model = await self._self_models.get_or_create(
            external_user_id=request.external_user_id.strip(), scope=request.scope.strip()
        )
        return convert.self_model_message(model)

    @grpc_errors
    async def Observe(
        self,
        request: self_model_service_pb2.ObserveRequest,
        context: grpc.aio.ServicerContext[
            self_model_service_pb2.ObserveRequest, self_model_service_pb2.ObserveResponse
        ],
    ) -> self_model_service_pb2.ObserveResponse:
        self_model_id = names.parse_self_model_name(request.self_model, "self_model")
        result = await self._self_models.observe(
            self_model_id,
            convert.new_observation(request.observation),
            convert.belief_proposals(list(request.beliefs)),
        )
        return self_model_service_pb2.ObserveResponse(
            observation=convert.observation_message(result.observation),
            belief_changes=[convert.belief_change_message(c) for c in result.changes],
            alignment_score=result.alignment_score,
        )

    @grpc_errors
    async def GetSelfModel(
        self,
        request: self_model_service_pb2.GetSelfModelRequest,
        context: grpc.aio.ServicerContext[
            self_model_service_pb2.GetSelfModelRequest, self_model_pb2.SelfModel
        ],
    ) -> self_model_pb2.SelfModel:
        if request.name:
            ref = SelfModelRef(self_model_id=names.parse_self_model_name(request.name, "name"))
        else:
            ref = SelfModelRef(
                scope=request.scope.strip(), external_user_id=request.external_user_id.strip()
            )
        read = BeliefRead(
            context=request.context.strip() or None,
            min_confidence=request.min_confidence,
            as_of=request.as_of.ToDatetime(tzinfo=UTC) if request.HasField("as_of") else None,
        )
        model = await self._self_models.get(ref, read)
        return convert.self_model_message(model)

    @grpc_errors
    async def ListBeliefVersions(
        self,
        request: self_model_service_pb2.ListBeliefVersionsRequest,
        context: grpc.aio.ServicerContext[
            self_model_service_pb2.ListBeliefVersionsRequest,
            self_model_service_pb2.ListBeliefVersionsResponse,
        ],
    ) -> self_model_service_pb2.ListBeliefVersionsResponse:
        page = await self._self_models.list_versions(
            request.belief, request.page_size, request.page_token
        )
        return self_model_service_pb2.ListBeliefVersionsResponse(
            versions=[convert.belief_version_message(v) for v in page.versions],
            next_page_token=page.next_page_token,
        )

    @grpc_errors
    async def GetBeliefProvenance(
        self,
        request: self_model_service_pb2.GetBeliefProvenanceRequest,
        context: grpc.aio.ServicerContext[
            self_model_service_pb2.GetBeliefProvenanceRequest, history_pb2.BeliefProvenance
        ],
    ) -> history_pb2.BeliefProvenance:
        provenance = await self._self_models.provenance(request.belief)
        return convert.provenance_message(provenance)
