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


class NotFound(SelfModelError):
    """The named resource does not exist."""

    def __init__(self, resource_name: str) -> None:
        self.resource_name = resource_name
        super().__init__(f"{resource_name} not found")


class StoreUnavailable(SelfModelError):
    """The graph store cannot be reached; the call may be retried."""
