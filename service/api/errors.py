"""Every failure as a defined gRPC status; callers never see a traceback."""

from __future__ import annotations

from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2

from service.api.consistency import CONSISTENCY_TOKEN_FIELD
from service.domain.errors import (
    Aborted,
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    SelfModelError,
    StoreUnavailable,
    Unauthenticated,
    UnknownBookmarks,
)

_CODES: dict[type[SelfModelError], int] = {
    NotFound: code_pb2.NOT_FOUND,
    AlreadyExists: code_pb2.ALREADY_EXISTS,
    FailedPrecondition: code_pb2.FAILED_PRECONDITION,
    Aborted: code_pb2.ABORTED,
    Unauthenticated: code_pb2.UNAUTHENTICATED,
}


def status_of(error: SelfModelError) -> status_pb2.Status:
    """The status a domain error is reported as (with BadRequest details when invalid)."""
    if isinstance(error, UnknownBookmarks):
        error = InvalidArgument.of(CONSISTENCY_TOKEN_FIELD, "names no transaction of this database")
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
    if isinstance(error, StoreUnavailable):
        return status_pb2.Status(
            code=code_pb2.UNAVAILABLE, message="the graph store is unavailable; retry later"
        )
    for error_type, code in _CODES.items():
        if isinstance(error, error_type):
            return status_pb2.Status(code=code, message=str(error))
    return status_pb2.Status(code=code_pb2.INTERNAL, message="internal error")
