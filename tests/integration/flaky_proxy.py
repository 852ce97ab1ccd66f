"""A gRPC proxy in front of the service that loses the answer to the first attempt of a call.

It forwards every method of `selfmodel.v1.SelfModelService` as raw bytes, with the caller's
metadata (the API key, a consistency token) one way and the trailing metadata (a consistency
token, error details) the other. The first time a request arrives, byte for byte, the
service still gets it and applies it, but the caller gets UNAVAILABLE instead of the answer:
what a connection dropped after the service committed looks like. So a client that retries
and resends the same message (the same idempotency key) passes, and one that does not retry,
or records again on a retry, does not. It counts the arrivals of each method.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent import futures
from typing import Self

import grpc

from selfmodel.v1 import self_model_service_pb2

SERVICE = self_model_service_pb2.DESCRIPTOR.services_by_name["SelfModelService"]
LOST = "the proxy lost the answer to the first attempt of this call"
NO_DEADLINE = 1e9
Metadata = tuple[tuple[str, str | bytes], ...]


def _forwarded(metadata: Metadata) -> Metadata:
    """The caller's own metadata: gRPC's (user-agent, grpc-*) is the proxy's to set."""
    return tuple(
        (key, value)
        for key, value in metadata
        if key != "user-agent" and not key.startswith(("grpc-", ":"))
    )


def _timeout(context: grpc.ServicerContext) -> float | None:
    """What is left of the caller's deadline; grpc gives a call without one ~1e19 s."""
    remaining = context.time_remaining()
    return remaining if remaining is not None and remaining < NO_DEADLINE else None


class FlakyProxy:
    """Serves on 127.0.0.1 (`address`) while open; `arrivals[method]` holds the requests that
    reached it, by method name (e.g. "Observe"), in order."""

    def __init__(self, target: str) -> None:
        self._channel = grpc.insecure_channel(target)
        self._lock = threading.Lock()
        self.arrivals: defaultdict[str, list[bytes]] = defaultdict(list)
        handlers: dict[str, grpc.RpcMethodHandler[bytes, bytes]] = {
            method.name: (
                grpc.unary_stream_rpc_method_handler(self._stream(method.name))
                if method.server_streaming
                else grpc.unary_unary_rpc_method_handler(self._unary(method.name))
            )
            for method in SERVICE.methods
        }
        # Without serializers the handlers get and return the messages' bytes.
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        self._server.add_generic_rpc_handlers(
            (grpc.method_handlers_generic_handler(SERVICE.full_name, handlers),)
        )
        self.address = f"127.0.0.1:{self._server.add_insecure_port('127.0.0.1:0')}"

    def __enter__(self) -> Self:
        self._server.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.stop(grace=None)
        self._channel.close()

    def _arrive(self, name: str, request: bytes) -> bool:
        """Counts the arrival; whether these bytes arrived for the first time."""
        with self._lock:
            seen = self.arrivals[name]
            first = request not in seen
            seen.append(request)
            return first

    def _unary(self, name: str) -> Callable[[bytes, grpc.ServicerContext], bytes]:
        call: grpc.UnaryUnaryMultiCallable[bytes, bytes] = self._channel.unary_unary(
            f"/{SERVICE.full_name}/{name}"
        )

        def forward(request: bytes, context: grpc.ServicerContext) -> bytes:
            first = self._arrive(name, request)
            try:
                response, outcome = call.with_call(
                    request,
                    metadata=_forwarded(context.invocation_metadata()),
                    timeout=_timeout(context),
                )
            except grpc.RpcError as error:
                assert isinstance(error, grpc.Call)
                if first:
                    context.abort(grpc.StatusCode.UNAVAILABLE, LOST)
                context.set_trailing_metadata(error.trailing_metadata() or ())
                context.abort(error.code(), error.details() or "")
            if first:
                context.abort(grpc.StatusCode.UNAVAILABLE, LOST)
            context.set_trailing_metadata(outcome.trailing_metadata() or ())
            return response

        return forward

    def _stream(self, name: str) -> Callable[[bytes, grpc.ServicerContext], Iterator[bytes]]:
        """A stream is forwarded as it comes, never failed: retries here are about unary calls."""
        call: grpc.UnaryStreamMultiCallable[bytes, bytes] = self._channel.unary_stream(
            f"/{SERVICE.full_name}/{name}"
        )

        def forward(request: bytes, context: grpc.ServicerContext) -> Iterator[bytes]:
            self._arrive(name, request)
            yield from call(
                request,
                metadata=_forwarded(context.invocation_metadata()),
                timeout=_timeout(context),
            )

        return forward
