"""The MCP server against a stand-in of the gRPC service: which key each call carries, how
refusals reach the agent, and where the HTTP transport serves without a key."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import grpc
import httpx2
import pytest
import pytest_asyncio
from grpc_status import rpc_status
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp_types import CallToolResult, TextContent

from selfmodel.v1 import self_model_pb2
from selfmodel.v1 import self_model_service_pb2 as messages
from service.api.errors import status_of
from service.domain.errors import InvalidArgument
from service.mcp.__main__ import build_server
from service.mcp.backend import Backend, open_channel
from service.mcp.http import MCP_PATH, http_app
from service.mcp.options import Options, parse

pytestmark = pytest.mark.asyncio

MODEL = "selfModels/00000000-0000-0000-0000-000000000001"


class StandIn:
    """Answers like the service for one model, and records the metadata of every call."""

    def __init__(self) -> None:
        self.authorizations: list[str | None] = []
        self.observed: list[messages.ObserveRequest] = []

    def _record(self, context: grpc.aio.ServicerContext[Any, Any]) -> None:
        metadata = dict(context.invocation_metadata() or ())
        value = metadata.get("authorization")
        self.authorizations.append(value if isinstance(value, str) else None)

    async def GetOrCreateSelfModel(
        self,
        request: messages.GetOrCreateSelfModelRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> self_model_pb2.SelfModel:
        self._record(context)
        return self_model_pb2.SelfModel(
            name=MODEL, external_user_id=request.external_user_id, scope=request.scope
        )

    async def Observe(
        self, request: messages.ObserveRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> messages.ObserveResponse:
        self._record(context)
        if not request.observation.content:
            # What the real service sends: the status with google.rpc.BadRequest details.
            invalid = InvalidArgument.of("observation.content", "must not be empty")
            await context.abort_with_status(rpc_status.to_status(status_of(invalid)))
        self.observed.append(request)
        return messages.ObserveResponse(observation=request.observation, alignment_score=0.5)

    def handler(self) -> grpc.GenericRpcHandler:
        return grpc.method_handlers_generic_handler(
            "selfmodel.v1.SelfModelService",
            {
                "GetOrCreateSelfModel": grpc.unary_unary_rpc_method_handler(
                    self.GetOrCreateSelfModel,
                    request_deserializer=messages.GetOrCreateSelfModelRequest.FromString,
                    response_serializer=self_model_pb2.SelfModel.SerializeToString,
                ),
                "Observe": grpc.unary_unary_rpc_method_handler(
                    self.Observe,
                    request_deserializer=messages.ObserveRequest.FromString,
                    response_serializer=messages.ObserveResponse.SerializeToString,
                ),
            },
        )


@pytest_asyncio.fixture
async def service() -> AsyncIterator[tuple[StandIn, str]]:
    stand_in = StandIn()
    server = grpc.aio.server()
    server.add_generic_rpc_handlers((stand_in.handler(),))
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    yield stand_in, f"127.0.0.1:{port}"
    await server.stop(None)


@asynccontextmanager
async def connected(options: Options) -> AsyncIterator[Client]:
    channel = open_channel(options.target)
    try:
        async with Client(build_server(options, Backend(channel))) as client:
            yield client
    finally:
        await channel.close()


def text_of(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


OBSERVATION = {"external_user_id": "u-1", "scope": "writer", "type": "preference"}


async def test_stdio_sends_the_environment_key_with_every_call(
    service: tuple[StandIn, str],
) -> None:
    stand_in, target = service
    options = parse(["--target", target], {"SELFMODEL_API_KEY": "sm_key"})
    async with connected(options) as client:
        result = await client.call_tool("observe", {**OBSERVATION, "content": "Chose bullets"})

    assert not result.is_error, text_of(result)
    assert result.structured_content is not None
    assert result.structured_content["self_model"] == MODEL
    assert stand_in.authorizations == ["Bearer sm_key", "Bearer sm_key"]


async def test_stdio_without_a_key_sends_none(service: tuple[StandIn, str]) -> None:
    stand_in, target = service
    async with connected(parse(["--target", target], {})) as client:
        await client.call_tool("observe", {**OBSERVATION, "content": "Chose bullets"})
    assert stand_in.authorizations == [None, None]


async def test_each_observe_carries_a_new_idempotency_key(service: tuple[StandIn, str]) -> None:
    stand_in, target = service
    async with connected(parse(["--target", target], {})) as client:
        for _ in range(2):
            await client.call_tool("observe", {**OBSERVATION, "content": "Chose bullets"})
    keys = [request.observation.idempotency_key for request in stand_in.observed]
    assert len(set(keys)) == 2
    assert all(re.fullmatch(r"[0-9a-f-]{36}", key) for key in keys)


async def test_a_refused_call_is_a_tool_error_naming_code_and_field(
    service: tuple[StandIn, str],
) -> None:
    _, target = service
    async with connected(parse(["--target", target], {})) as client:
        result = await client.call_tool("observe", {**OBSERVATION, "content": ""})

    assert result.is_error
    text = text_of(result)
    assert "INVALID_ARGUMENT" in text
    assert "- observation.content: must not be empty" in text
    assert "Traceback" not in text


async def test_an_unreachable_service_is_a_tool_error() -> None:
    async with connected(parse(["--target", "127.0.0.1:1"], {})) as client:
        result = await client.call_tool("get_beliefs", {"external_user_id": "u", "scope": "s"})
    assert result.is_error
    assert "UNAVAILABLE" in text_of(result)


@asynccontextmanager
async def over_http(options: Options, headers: dict[str, str]) -> AsyncIterator[Client]:
    """The HTTP app in-process, with the session manager's lifespan running."""
    channel = open_channel(options.target)
    server = build_server(options, Backend(channel))
    app = http_app(server, host=options.host, bearer_required=options.bearer_required)
    http = httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://127.0.0.1:8765", headers=headers
    )
    try:
        async with (
            server.session_manager.run(),
            http,
            Client(streamable_http_client(MCP_PATH, http_client=http)) as client,
        ):
            yield client
    finally:
        await channel.close()


async def test_http_forwards_each_request_bearer(service: tuple[StandIn, str]) -> None:
    stand_in, target = service
    options = parse(["--transport", "http", "--target", target], {"SELFMODEL_API_KEY": "env"})
    async with over_http(options, {"Authorization": "Bearer sm_request"}) as client:
        result = await client.call_tool("observe", {**OBSERVATION, "content": "Chose bullets"})
    assert not result.is_error, text_of(result)
    assert stand_in.authorizations == ["Bearer sm_request", "Bearer sm_request"]


async def test_http_on_loopback_forwards_no_key_when_none_came(
    service: tuple[StandIn, str],
) -> None:
    stand_in, target = service
    options = parse(["--transport", "http", "--target", target], {})
    async with over_http(options, {}) as client:
        await client.call_tool("observe", {**OBSERVATION, "content": "Chose bullets"})
    assert stand_in.authorizations == [None, None]


@pytest.mark.parametrize(
    ("bearer", "headers"),
    [
        ("required", {}),
        ("required", {"Authorization": "Basic dXNlcjpwYXNz"}),
        ("optional", {"Authorization": "Bearer "}),
    ],
)
async def test_http_answers_401_without_a_usable_bearer(
    bearer: str, headers: dict[str, str]
) -> None:
    options = parse(["--transport", "http", "--bearer", bearer], {})
    app = http_app(
        build_server(options, Backend(open_channel(options.target))),
        host="127.0.0.1",
        bearer_required=options.bearer_required,
    )
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://127.0.0.1:8765"
    ) as http:
        response = await http.post(
            MCP_PATH,
            headers={**headers, "Accept": "application/json, text/event-stream"},
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
        )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
