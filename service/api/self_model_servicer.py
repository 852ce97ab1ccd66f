"""selfmodel.v1.SelfModelService over the use cases."""

from __future__ import annotations

import grpc

from selfmodel.v1 import self_model_pb2, self_model_service_pb2, self_model_service_pb2_grpc
from service.api import convert
from service.api.errors import grpc_errors
from service.application import SelfModelRef, SelfModels
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
        context_filter = request.context.strip() or None
        model = await self._self_models.get(
            ref, context=context_filter, min_confidence=request.min_confidence
        )
        return convert.self_model_message(model)
