"""The client's exceptions: one class per gRPC status the service answers with.

Every failed call raises a `SelfModelError` (never a bare `grpc.RpcError`), carrying the
status code, the service's message and, for INVALID_ARGUMENT, the fields it named.
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc
import grpc.aio
from google.rpc import error_details_pb2
from grpc_status import rpc_status


@dataclass(frozen=True)
class FieldViolation:
    field: str
    description: str


class SelfModelError(Exception):
    """A call the service (or the network) refused."""

    def __init__(
        self,
        code: grpc.StatusCode,
        message: str,
        field_violations: tuple[FieldViolation, ...] = (),
    ) -> None:
        super().__init__(f"{code.name}: {message}")
        self.code = code
        self.message = message
        self.field_violations = field_violations


class InvalidArgumentError(SelfModelError):
    """The request is malformed; `field_violations` names the fields."""


class NotFoundError(SelfModelError):
    pass


class AlreadyExistsError(SelfModelError):
    pass


class FailedPreconditionError(SelfModelError):
    """E.g. the self-model was deleted."""


class AbortedError(SelfModelError):
    """An etag no longer matched, or a conflict outlasted the service's retries."""


class UnauthenticatedError(SelfModelError):
    """The API key is missing, unknown or revoked."""


class ResourceExhaustedError(SelfModelError):
    pass


class UnavailableError(SelfModelError):
    """The service (or its Neo4j) could not be reached, also after the client's retries."""


class DeadlineExceededError(SelfModelError):
    pass


_BY_CODE: dict[grpc.StatusCode, type[SelfModelError]] = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgumentError,
    grpc.StatusCode.NOT_FOUND: NotFoundError,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExistsError,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPreconditionError,
    grpc.StatusCode.ABORTED: AbortedError,
    grpc.StatusCode.UNAUTHENTICATED: UnauthenticatedError,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhaustedError,
    grpc.StatusCode.UNAVAILABLE: UnavailableError,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceededError,
}


# Both answer code(), details() and trailing_metadata() (aio's are plain methods too).
_FAILED_CALLS = (grpc.Call, grpc.aio.AioRpcError)


def error_of(error: grpc.RpcError) -> SelfModelError:
    """The exception for a failed call (a `grpc.Call` as raised by a stub, or grpc.aio's
    `AioRpcError`)."""
    call = error if isinstance(error, _FAILED_CALLS) else None
    code = call.code() if call is not None else grpc.StatusCode.UNKNOWN
    message = (call.details() if call is not None else None) or str(error)
    return _BY_CODE.get(code, SelfModelError)(code, message, _field_violations(error))


def _field_violations(error: grpc.RpcError) -> tuple[FieldViolation, ...]:
    if not isinstance(error, _FAILED_CALLS):
        return ()
    try:
        status = rpc_status.from_call(error)
    except ValueError:  # the details do not agree with the status: ignore them
        return ()
    if status is None:
        return ()
    violations: list[FieldViolation] = []
    for detail in status.details:
        request = error_details_pb2.BadRequest()
        if detail.Unpack(request):
            violations.extend(
                FieldViolation(violation.field, violation.description)
                for violation in request.field_violations
            )
    return tuple(violations)
