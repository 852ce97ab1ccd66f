"""Errors the domain and the store raise; the gRPC layer maps each to one status code."""

from __future__ import annotations

from dataclasses import dataclass


class SelfModelError(Exception):
    """Base class of every error a caller may see."""


@dataclass(frozen=True)
class FieldViolation:
    """One invalid request field: its path (e.g. `observation.content`) and what is wrong."""

    field: str
    description: str


class InvalidArgument(SelfModelError):
    """The request is malformed; nothing was written."""

    def __init__(self, violations: list[FieldViolation]) -> None:
        self.violations = violations
        super().__init__("; ".join(f"{v.field}: {v.description}" for v in violations))

    @classmethod
    def of(cls, field: str, description: str) -> InvalidArgument:
        return cls([FieldViolation(field, description)])


class UnknownBookmarks(SelfModelError):
    """A call asked to see transactions (a consistency token's bookmarks) that this
    database does not know: the token came from another database."""


class NotFound(SelfModelError):
    """The named resource does not exist."""

    def __init__(self, resource_name: str) -> None:
        self.resource_name = resource_name
        super().__init__(f"{resource_name} not found")


class StoreUnavailable(SelfModelError):
    """The graph store cannot be reached; the call may be retried."""


class Unauthenticated(SelfModelError):
    """The call carries no API key, or one that is unknown or revoked."""


class AlreadyExists(SelfModelError):
    """The request would create something that exists (e.g. a reused idempotency key)."""


class FailedPrecondition(SelfModelError):
    """The system is not in a state the call needs (e.g. the self-model was deleted)."""


class Aborted(SelfModelError):
    """A concurrent change won (etag mismatch, or a conflict the store gave up retrying)."""
