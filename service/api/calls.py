"""What wraps every RPC: authentication, the error-to-status mapping, and telemetry.

A handler is written as `(servicer, request, tenant) -> response` (or an async iterator of
responses for a server stream); the decorators here authenticate the call's API key into
its tenant, turn every failure into a defined status and report one record per call.

Each call is also one server span, made here rather than by opentelemetry-instrumentation-
grpc: this wrapper already knows the call's final status (the instrumentation sees an
abort as an exception), its tenant, and is where the call's log line is written, which
must carry the span's ids; and it is one package less to keep in step with grpcio.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Protocol, TypeVar

import grpc
from grpc_status import rpc_status
from opentelemetry import propagate, trace
from opentelemetry.propagators.textmap import Getter
from opentelemetry.trace import Span, SpanKind, StatusCode

from selfmodel.v1 import self_model_service_pb2
from service.api import consistency
from service.api.consistency import CONSISTENCY_TOKEN_FIELD
from service.api.errors import status_of
from service.api.registration import Undecodable
from service.auth import Authenticator
from service.domain.errors import (
    InvalidArgument,
    SelfModelError,
    StoreUnavailable,
    Unauthenticated,
)
from service.observability import SERVER_SIDE
from store.consistency import read_after_bookmarks, reading_after, written

log = logging.getLogger(__name__)
_tracer = trace.get_tracer(__name__)

SERVICE_NAME = self_model_service_pb2.DESCRIPTOR.services_by_name["SelfModelService"].full_name

AMBIGUOUS_KEY_MESSAGE = "more than one authorization header: send exactly one API key"

Request = TypeVar("Request")
Response = TypeVar("Response")
Context = grpc.aio.ServicerContext[Request, Response]


class CallTelemetry(Protocol):
    def call_finished(
        self, method: str, tenant: str, code: grpc.StatusCode, seconds: float
    ) -> None: ...


class CallGate:
    """Authenticates calls and reports them; one per server."""

    def __init__(
        self,
        authenticator: Authenticator,
        telemetry: CallTelemetry,
        ready: Callable[[], bool] = lambda: True,
    ) -> None:
        """`ready`: whether the store is set up; until then calls are UNAVAILABLE."""
        self.authenticator = authenticator
        self.telemetry = telemetry
        self._ready = ready

    def read_after(self, context: Context[Request, Response], tenant: str) -> tuple[str, ...]:
        """The bookmarks of the consistency token the call sends, if any."""
        tokens = [
            value
            for key, value in context.invocation_metadata() or ()
            if key == CONSISTENCY_TOKEN_FIELD
        ]
        if len(tokens) > 1:
            raise InvalidArgument.of(CONSISTENCY_TOKEN_FIELD, "at most one per call")
        if not tokens or not isinstance(tokens[0], str) or not tokens[0]:
            return ()
        return consistency.bookmarks_of(tokens[0], tenant)

    @staticmethod
    def reply_token(context: Context[Request, Response], tenant: str) -> None:
        """Puts the consistency token of the call's last write in its trailing metadata."""
        bookmarks = written()
        if bookmarks:
            context.set_trailing_metadata(
                ((CONSISTENCY_TOKEN_FIELD, consistency.issue(tenant, bookmarks)),)
            )

    async def tenant_of(self, context: Context[Request, Response]) -> str:
        if not self._ready():
            raise StoreUnavailable("starting: Neo4j has not answered yet; retry")
        keys = [
            value for key, value in context.invocation_metadata() or () if key == "authorization"
        ]
        if len(keys) > 1:
            # Which one would win is an accident of the transport: refuse to guess.
            raise Unauthenticated(AMBIGUOUS_KEY_MESSAGE)
        authorization = keys[0] if keys else None
        return await self.authenticator.tenant_for(
            authorization if isinstance(authorization, str) else None
        )


class GatedServicer(Protocol):
    gate: CallGate


Servicer = TypeVar("Servicer", bound=GatedServicer)


Metadata = Sequence[tuple[str, str | bytes]]


class _MetadataGetter(Getter[Metadata]):
    """Reads a W3C `traceparent` (and `tracestate`) from the call's metadata."""

    def get(self, carrier: Metadata, key: str) -> list[str] | None:
        values = [value for name, value in carrier if name == key and isinstance(value, str)]
        return values or None

    def keys(self, carrier: Metadata) -> list[str]:
        return [name for name, _ in carrier]


_METADATA = _MetadataGetter()


class _Call:
    """Tracks one call's tenant and final status code for its telemetry record and span."""

    def __init__(self, gate: CallGate, method: str) -> None:
        self._gate = gate
        self._method = method
        self._started = time.monotonic()
        self.tenant = ""
        self.code = grpc.StatusCode.OK
        self._finished = False
        self._span: Span = trace.INVALID_SPAN

    @contextlib.contextmanager
    def traced(self, context: Context[Request, Response]) -> Iterator[None]:
        """The call's server span, current within the block; a caller's `traceparent`
        makes it part of the caller's trace."""
        metadata: Metadata = tuple(context.invocation_metadata() or ())
        parent = propagate.extract(metadata, getter=_METADATA)
        with _tracer.start_as_current_span(
            f"{SERVICE_NAME}/{self._method}",
            context=parent,
            kind=SpanKind.SERVER,
            attributes={
                "rpc.system": "grpc",
                "rpc.service": SERVICE_NAME,
                "rpc.method": self._method,
            },
            # The status is the call's own (`finish`); an error's message may quote input.
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            self._span = span
            yield

    async def fail(self, context: Context[Request, Response], error: Exception) -> None:
        """Aborts the call with the status `error` maps to (abort raises).

        The record is written first: abort sends the status before it raises, so a
        client that reads metrics right after its failed call must already see it.
        """
        if isinstance(error, SelfModelError):
            status = rpc_status.to_status(status_of(error))
            if isinstance(error, StoreUnavailable):
                log.warning("store unavailable in %s: %s", self._method, error)
            self.code = status.code
            self.finish()
            await context.abort_with_status(status)
        log.error("unexpected error in %s", self._method, exc_info=error)
        self._span.set_attribute("error.type", type(error).__qualname__)
        self.code = grpc.StatusCode.INTERNAL
        self.finish()
        await context.abort(grpc.StatusCode.INTERNAL, "internal error")

    def cancelled(self, context: Context[Request, Response]) -> None:
        remaining = context.time_remaining()
        expired = remaining is not None and remaining <= 0
        self.code = grpc.StatusCode.DEADLINE_EXCEEDED if expired else grpc.StatusCode.CANCELLED

    def finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        if self.tenant:
            self._span.set_attribute("selfmodel.tenant", self.tenant)
        self._span.set_attribute("rpc.grpc.status_code", self.code.value[0])
        if self.code in SERVER_SIDE:  # a caller's mistake is not the service's failure
            self._span.set_status(StatusCode.ERROR, self.code.name)
        seconds = time.monotonic() - self._started
        self._gate.telemetry.call_finished(self._method, self.tenant, self.code, seconds)


def _decoded(request: Request | Undecodable) -> Request:
    """The request, or INVALID_ARGUMENT when its bytes did not parse."""
    if isinstance(request, Undecodable):
        raise InvalidArgument.of("request", request.description)
    return request


def unary(
    handler: Callable[[Servicer, Request, str], Awaitable[Response]],
) -> Callable[[Servicer, Request, Context[Request, Response]], Awaitable[Response]]:
    @functools.wraps(handler)
    async def wrapped(
        self: Servicer, request: Request, context: Context[Request, Response]
    ) -> Response:
        call = _Call(self.gate, handler.__name__)
        with call.traced(context):
            try:
                call.tenant = await self.gate.tenant_of(context)
                with reading_after(self.gate.read_after(context, call.tenant)):
                    response = await handler(self, _decoded(request), call.tenant)
                self.gate.reply_token(context, call.tenant)
                return response
            except asyncio.CancelledError:
                call.cancelled(context)
                raise
            except Exception as error:  # every failure becomes a status, never a traceback
                await call.fail(context, error)
                raise AssertionError("abort returns by raising") from error
            finally:
                call.finish()

    return wrapped


def server_stream(
    handler: Callable[[Servicer, Request, str], AsyncIterator[Response]],
) -> Callable[[Servicer, Request, Context[Request, Response]], AsyncIterator[Response]]:
    @functools.wraps(handler)
    async def wrapped(
        self: Servicer, request: Request, context: Context[Request, Response]
    ) -> AsyncIterator[Response]:
        call = _Call(self.gate, handler.__name__)
        # The span stays current across the yields: grpc drives the stream in one task.
        with call.traced(context):
            try:
                call.tenant = await self.gate.tenant_of(context)
                # Set for the rest of the stream's task (a context manager cannot span yields).
                read_after_bookmarks(self.gate.read_after(context, call.tenant))
                async for response in handler(self, _decoded(request), call.tenant):
                    yield response
            except asyncio.CancelledError:
                call.cancelled(context)
                raise
            except Exception as error:
                await call.fail(context, error)
                raise AssertionError("abort returns by raising") from error
            finally:
                call.finish()

    return wrapped
