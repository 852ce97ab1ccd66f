"""Registers a servicer so that request bytes which are not a valid message become a
clear INVALID_ARGUMENT from the handler, never an UNKNOWN from inside gRPC.

gRPC's own deserialization failure answers UNKNOWN with the exception class in the
message, logs a traceback and skips the handler (so no call log line, no metric). Here a
request that does not parse (truncated bytes, invalid UTF-8 in a string field) is handed
to the handler as `Undecodable`, and the call decorators (`service.api.calls`) turn it
into INVALID_ARGUMENT like any other bad input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf.descriptor import ServiceDescriptor
from google.protobuf.message import DecodeError, Message
from google.protobuf.message_factory import GetMessageClass


@dataclass(frozen=True)
class Undecodable:
    """What a request becomes when its bytes are not a `message` message."""

    message: str

    @property
    def description(self) -> str:
        return f"is not a valid {self.message} message"


def _lenient(request: type[Message]) -> Callable[[bytes], Message | Undecodable]:
    def deserialize(data: bytes) -> Message | Undecodable:
        try:
            return request.FromString(data)
        except DecodeError:
            return Undecodable(request.DESCRIPTOR.full_name)

    return deserialize


def add_servicer(servicer: Any, service: ServiceDescriptor, server: grpc.aio.Server) -> None:
    """Serves `service`'s methods from `servicer`'s methods of the same names."""
    handlers = {}
    for method in service.methods:
        request = GetMessageClass(method.input_type)
        response = GetMessageClass(method.output_type)
        make = (
            grpc.unary_stream_rpc_method_handler
            if method.server_streaming
            else grpc.unary_unary_rpc_method_handler
        )
        handlers[method.name] = make(
            getattr(servicer, method.name),
            request_deserializer=_lenient(request),
            response_serializer=response.SerializeToString,
        )
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler(service.full_name, handlers),)
    )
    server.add_registered_method_handlers(service.full_name, handlers)
