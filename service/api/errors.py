"""Turns every failure into a defined gRPC status; callers never see a traceback."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from service.domain.errors import (
    Aborted,
    InvalidArgument,
    NotFound,
    SelfModelError,
    StoreUnavailable,
)
from service.observability import Telemetry

log = logging.getLogger(__name__)

Servicer = TypeVar("Servicer")
Request = TypeVar("Request")
Response = TypeVar("Response")
Handler = Callable[
    [Servicer, Request, grpc.aio.ServicerContext[Request, Response]], Awaitable[Response]
]

_CODES = {code.value[0]: code for code in grpc.StatusCode}
_telemetry: list[Telemetry] = []


def report_calls_to(telemetry: Telemetry) -> None:
    """Every handled call is reported to `telemetry` (log line and metrics)."""
    _telemetry[:] = [telemetry]


def _status_of(error: SelfModelError) -> status_pb2.Status:
    if isinstance(error, InvalidArgument):
        bad_request = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(
                    field=v.field, description=v.description
                )
                for v in error.violations
            ]
        )
        detail = any_pb2.Any()
        detail.Pack(bad_request)
        return status_pb2.Status(
            code=code_pb2.INVALID_ARGUMENT, message=str(error), details=[detail]
        )
    if isinstance(error, NotFound):
        return status_pb2.Status(code=code_pb2.NOT_FOUND, message=str(error))
    if isinstance(error, StoreUnavailable):
        return status_pb2.Status(
            code=code_pb2.UNAVAILABLE, message="the graph store is unavailable; retry later"
        )
    if isinstance(error, Aborted):
        return status_pb2.Status(code=code_pb2.ABORTED, message=str(error))
    return status_pb2.Status(code=code_pb2.INTERNAL, message="internal error")


def grpc_errors(
    handler: Handler[Servicer, Request, Response],
) -> Handler[Servicer, Request, Response]:
    """Wraps a handler so domain errors become their status and anything else INTERNAL."""

    @functools.wraps(handler)
    async def wrapped(
        self: Servicer, request: Request, context: grpc.aio.ServicerContext[Request, Response]
    ) -> Response:
        started = time.perf_counter()

        def finished(code: grpc.StatusCode) -> None:
            # Before the status goes out, so a caller that sees it also sees the metrics.
            for telemetry in _telemetry:
                telemetry.call_finished(handler.__name__, "", code, time.perf_counter() - started)

        try:
            response: Response = await handler(self, request, context)
        except SelfModelError as error:
            if isinstance(error, StoreUnavailable):
                log.warning("store unavailable: %s", error)
            status = _status_of(error)
            finished(_CODES[status.code])
            await context.abort_with_status(rpc_status.to_status(status))
        except asyncio.CancelledError:
            finished(grpc.StatusCode.CANCELLED)
            raise
        except Exception:
            log.exception("unexpected error in %s", handler.__name__)
            finished(grpc.StatusCode.INTERNAL)
            await context.abort(grpc.StatusCode.INTERNAL, "internal error")
        else:
            finished(grpc.StatusCode.OK)
            return response
        raise AssertionError("abort returns by raising")

    return wrapped
