"""Turns every failure into a defined gRPC status; callers never see a traceback."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from service.domain.errors import InvalidArgument, NotFound, SelfModelError, StoreUnavailable

log = logging.getLogger(__name__)

Servicer = TypeVar("Servicer")
Request = TypeVar("Request")
Response = TypeVar("Response")
Handler = Callable[
    [Servicer, Request, grpc.aio.ServicerContext[Request, Response]], Awaitable[Response]
]


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
    return status_pb2.Status(code=code_pb2.INTERNAL, message="internal error")


def grpc_errors(
    handler: Handler[Servicer, Request, Response],
) -> Handler[Servicer, Request, Response]:
    """Wraps a handler so domain errors become their status and anything else INTERNAL."""

    @functools.wraps(handler)
    async def wrapped(
        self: Servicer, request: Request, context: grpc.aio.ServicerContext[Request, Response]
    ) -> Response:
        try:
            response: Response = await handler(self, request, context)
            return response
        except SelfModelError as error:
            if isinstance(error, StoreUnavailable):
                log.warning("store unavailable: %s", error)
            await context.abort_with_status(rpc_status.to_status(_status_of(error)))
        except Exception:
            log.exception("unexpected error in %s", handler.__name__)
            await context.abort(grpc.StatusCode.INTERNAL, "internal error")
        raise AssertionError("abort returns by raising")

    return wrapped
