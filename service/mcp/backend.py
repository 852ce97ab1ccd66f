"""The gRPC side of the MCP server: one channel to the service, configured with the service
config every client shares, and the translation of failed calls into MCP tool errors."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import grpc
from google.protobuf.json_format import MessageToDict
from google.protobuf.message import Message
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from mcp.server.mcpserver.exceptions import ToolError

from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub

SERVICE_CONFIG = Path(__file__).resolve().parents[2] / "clients" / "service-config.json"
"""Retries on UNAVAILABLE and per-method timeouts, the same for every client."""

Reply = TypeVar("Reply", bound=Message)


def open_channel(target: str, service_config: Path = SERVICE_CONFIG) -> grpc.aio.Channel:
    config = json.loads(service_config.read_text(encoding="utf-8"))
    return grpc.aio.insecure_channel(
        target,
        options=[
            ("grpc.enable_retries", 1),
            ("grpc.service_config", json.dumps(config)),
        ],
    )


class Backend:
    """Calls the service with the caller's key; a failed call raises a `ToolError`."""

    def __init__(self, channel: grpc.aio.Channel) -> None:
        self.stub = SelfModelServiceStub(channel)

    async def call(
        self,
        method: Callable[..., Awaitable[Reply]],
        request: Message,
        authorization: str | None,
    ) -> Reply:
        """`authorization` is the whole `Bearer <key>` value, or None for a keyless service."""
        metadata = (("authorization", authorization),) if authorization else ()
        try:
            return await method(request, metadata=metadata)
        except grpc.aio.AioRpcError as error:
            raise ToolError(describe_error(error)) from None


def describe_error(error: grpc.aio.AioRpcError) -> str:
    """`CODE: message`, then each field the service named, for the model to act on."""
    text = f"{error.code().name}: {error.details() or 'no details'}"
    violations = field_violations(error)
    if violations:
        text += "\nfield violations:" + "".join(
            f"\n- {field}: {description}" for field, description in violations
        )
    return text


def field_violations(error: grpc.aio.AioRpcError) -> list[tuple[str, str]]:
    """The `google.rpc.BadRequest` details the service sends with INVALID_ARGUMENT."""
    try:
        status = rpc_status.from_call(error)
    except ValueError:  # details that disagree with the status are not to be trusted
        return []
    if status is None:
        return []
    found: list[tuple[str, str]] = []
    for detail in status.details:
        bad_request = error_details_pb2.BadRequest()
        if detail.Unpack(bad_request):
            found += [(v.field, v.description) for v in bad_request.field_violations]
    return found


def as_dict(message: Message) -> dict[str, Any]:
    """The message in the proto JSON mapping, with the proto's field names."""
    return MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )
