"""selfmodel.v1.SelfModelService over the use cases: proto in, domain call, proto out."""

from __future__ import annotations

from collections.abc import AsyncIterator

from google.protobuf import empty_pb2

from selfmodel.v1 import (
    history_pb2,
    inventory_pb2,
    self_model_pb2,
    self_model_service_pb2_grpc,
)
from selfmodel.v1 import (
    self_model_service_pb2 as messages,
)
from service.api import convert, convert_inventory
from service.api.calls import CallGate, server_stream, unary
from service.application.common import SelfModelRef
from service.application.lifecycle import BeliefRead
from service.application.reading import BeliefListing
from service.application.use_cases import UseCases
from service.domain import names
from service.domain.model import BeliefProposal, Stance


class SelfModelServicer(self_model_service_pb2_grpc.SelfModelServiceServicer):
    def __init__(self, use_cases: UseCases, gate: CallGate) -> None:
        self._lifecycle = use_cases.lifecycle
        self._recorder = use_cases.recorder
        self._reader = use_cases.reader
        self._watcher = use_cases.watcher
        self._inventories = use_cases.inventories
        self._adapter = use_cases.adapter
        self.gate = gate

    @unary
    async def GetOrCreateSelfModel(
        self, request: messages.GetOrCreateSelfModelRequest, tenant: str
    ) -> self_model_pb2.SelfModel:
        model = await self._lifecycle.get_or_create(
            tenant, external_user_id=request.external_user_id.strip(), scope=request.scope.strip()
        )
        return convert.self_model_message(model)

    @unary
    async def Observe(
        self, request: messages.ObserveRequest, tenant: str
    ) -> messages.ObserveResponse:
        self_model_id = names.parse_self_model_name(request.self_model, "self_model")
        result = await self._recorder.observe(
            tenant,
            self_model_id,
            convert.new_observation(request.observation),
            convert.belief_proposals(list(request.beliefs)),
        )
        return convert.observe_response(result)

    @unary
    async def GetSelfModel(
        self, request: messages.GetSelfModelRequest, tenant: str
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
            as_of=convert.time_of(request.as_of, "as_of") if request.HasField("as_of") else None,
        )
        return convert.self_model_message(await self._lifecycle.get(tenant, ref, read))

    @unary
    async def ListBeliefVersions(
        self, request: messages.ListBeliefVersionsRequest, tenant: str
    ) -> messages.ListBeliefVersionsResponse:
        page = await self._reader.list_versions(
            tenant, request.belief, request.page_size, request.page_token
        )
        return messages.ListBeliefVersionsResponse(
            versions=[convert.belief_version_message(v) for v in page.versions],
            next_page_token=page.next_page_token,
        )

    @unary
    async def GetBeliefProvenance(
        self, request: messages.GetBeliefProvenanceRequest, tenant: str
    ) -> history_pb2.BeliefProvenance:
        return convert.provenance_message(await self._reader.provenance(tenant, request.belief))

    @unary
    async def ListSelfModels(
        self, request: messages.ListSelfModelsRequest, tenant: str
    ) -> messages.ListSelfModelsResponse:
        page = await self._lifecycle.list(
            tenant,
            scope=request.scope.strip(),
            page_size=request.page_size,
            page_token=request.page_token,
        )
        return messages.ListSelfModelsResponse(
            self_models=[convert.self_model_message(m) for m in page.self_models],
            next_page_token=page.next_page_token,
        )

    @unary
    async def ListBeliefs(
        self, request: messages.ListBeliefsRequest, tenant: str
    ) -> messages.ListBeliefsResponse:
        listing = BeliefListing(
            context=request.context.strip(),
            min_confidence=request.min_confidence,
            order_by=request.order_by,
            show_retracted=request.show_retracted,
        )
        page = await self._reader.list_beliefs(
            tenant, request.self_model, listing, request.page_size, request.page_token
        )
        return messages.ListBeliefsResponse(
            beliefs=[convert.belief_message(b) for b in page.beliefs],
            next_page_token=page.next_page_token,
        )

    @unary
    async def ListObservations(
        self, request: messages.ListObservationsRequest, tenant: str
    ) -> messages.ListObservationsResponse:
        page = await self._reader.list_observations(
            tenant,
            request.self_model,
            request.context.strip(),
            request.page_size,
            request.page_token,
        )
        return messages.ListObservationsResponse(
            observations=[convert.observation_message(o) for o in page.observations],
            next_page_token=page.next_page_token,
        )

    @unary
    async def AssertBelief(
        self, request: messages.AssertBeliefRequest, tenant: str
    ) -> messages.ObserveResponse:
        self_model_id = names.parse_self_model_name(request.self_model, "self_model")
        proposal = BeliefProposal(
            statement=request.statement.strip(),
            stance=Stance.SUPPORTS,
            context=request.context.strip(),
        )
        result = await self._recorder.assert_belief(
            tenant, self_model_id, proposal, request.content.strip(), request.idempotency_key
        )
        return convert.observe_response(result)

    @unary
    async def RetractBelief(
        self, request: messages.RetractBeliefRequest, tenant: str
    ) -> messages.ObserveResponse:
        result = await self._recorder.retract(
            tenant,
            request.belief,
            request.content.strip(),
            request.etag,
            request.idempotency_key,
        )
        return convert.observe_response(result)

    @unary
    async def CorrectBelief(
        self, request: messages.CorrectBeliefRequest, tenant: str
    ) -> messages.ObserveResponse:
        result = await self._recorder.correct(
            tenant,
            request.belief,
            request.statement.strip(),
            request.content.strip(),
            request.etag,
            request.idempotency_key,
        )
        return convert.observe_response(result)

    @unary
    async def DeleteSelfModel(
        self, request: messages.DeleteSelfModelRequest, tenant: str
    ) -> empty_pb2.Empty:
        await self._lifecycle.delete(tenant, request.name)
        return empty_pb2.Empty()

    @unary
    async def DeleteUser(self, request: messages.DeleteUserRequest, tenant: str) -> empty_pb2.Empty:
        await self._lifecycle.delete_user(
            tenant, external_user_id=request.external_user_id.strip(), scope=request.scope.strip()
        )
        return empty_pb2.Empty()

    @unary
    async def ExportUser(
        self, request: messages.ExportUserRequest, tenant: str
    ) -> history_pb2.UserExport:
        export = await self._lifecycle.export(
            tenant, external_user_id=request.external_user_id.strip(), scope=request.scope.strip()
        )
        return convert.user_export_message(export)

    @unary
    async def RenderContext(
        self, request: messages.RenderContextRequest, tenant: str
    ) -> messages.RenderContextResponse:
        rendered = await self._reader.render(
            tenant,
            request.self_model,
            request.context.strip(),
            request.min_confidence,
            request.max_beliefs,
        )
        self_model_id = names.parse_self_model_name(request.self_model, "self_model")
        return messages.RenderContextResponse(
            text=rendered.text,
            beliefs=[convert.belief_message(b) for b in rendered.beliefs],
            adaptations=[
                convert_inventory.adaptation_message(self_model_id, a) for a in rendered.adaptations
            ],
        )

    @unary
    async def PutBeliefInventory(
        self, request: messages.PutBeliefInventoryRequest, tenant: str
    ) -> inventory_pb2.BeliefInventory:
        inventory = await self._inventories.put(
            tenant,
            request.inventory.scope.strip(),
            convert_inventory.inventory_entries(request.inventory),
            request.etag,
        )
        return convert_inventory.inventory_message(inventory)

    @unary
    async def GetBeliefInventory(
        self, request: messages.GetBeliefInventoryRequest, tenant: str
    ) -> inventory_pb2.BeliefInventory:
        inventory = await self._inventories.get(tenant, request.scope.strip(), request.revision)
        return convert_inventory.inventory_message(inventory)

    @unary
    async def ListBeliefInventoryRevisions(
        self, request: messages.ListBeliefInventoryRevisionsRequest, tenant: str
    ) -> messages.ListBeliefInventoryRevisionsResponse:
        page = await self._inventories.list_revisions(
            tenant, request.scope.strip(), request.page_size, request.page_token
        )
        return messages.ListBeliefInventoryRevisionsResponse(
            inventories=[convert_inventory.inventory_message(i) for i in page.inventories],
            next_page_token=page.next_page_token,
        )

    @unary
    async def GetAdaptations(
        self, request: messages.GetAdaptationsRequest, tenant: str
    ) -> messages.GetAdaptationsResponse:
        self_model_id = names.parse_self_model_name(request.self_model, "self_model")
        adaptations = await self._adapter.adaptations(
            tenant, request.self_model, request.context.strip()
        )
        return convert_inventory.adaptations_response(self_model_id, adaptations)

    @server_stream
    async def WatchSelfModel(
        self, request: messages.WatchSelfModelRequest, tenant: str
    ) -> AsyncIterator[messages.WatchSelfModelResponse]:
        start_after = (
            request.start_after_revision if request.HasField("start_after_revision") else None
        )
        async for committed in self._watcher.watch(tenant, request.self_model, start_after):
            yield convert.watch_message(committed)
