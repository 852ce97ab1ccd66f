"""Keyset paging in Cypher: ORDER BY a list of columns, and start after a cursor.

A page starts after the sort key of the previous page's last item (`service.domain.paging`),
so writes between two pages neither repeat nor skip items, as SKIP would.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, LiteralString

from service.domain.errors import InvalidArgument
from service.domain.paging import Cursor
from store.records import to_datetime


class Kind(enum.Enum):
    TIME = "time"
    NUMBER = "number"
    TEXT = "text"


@dataclass(frozen=True)
class Column:
    expression: LiteralString
    descending: bool
    kind: Kind


_INDEXES: tuple[LiteralString, ...] = ("0", "1", "2", "3")


def order_by(columns: Sequence[Column]) -> LiteralString:
    return ", ".join(c.expression + (" DESC" if c.descending else "") for c in columns)


def after(columns: Sequence[Column]) -> LiteralString:
    """A predicate: the row sorts after `$after` (always true when `$after` is null)."""
    predicate: LiteralString = ""
    for index in reversed(range(len(columns))):
        column = columns[index]
        bound: LiteralString = "$after[" + _INDEXES[index] + "]"
        beyond: LiteralString = column.expression + (" < " if column.descending else " > ")
        strictly: LiteralString = beyond + bound
        if predicate:
            predicate = (
                "("
                + strictly
                + " OR ("
                + column.expression
                + " = "
                + bound
                + " AND "
                + predicate
                + "))"
            )
        else:
            predicate = "(" + strictly + ")"
    return "($after IS NULL OR " + predicate + ")"


def after_parameter(columns: Sequence[Column], cursor: Cursor | None) -> list[Any] | None:
    """The `$after` parameter for `cursor`; INVALID_ARGUMENT if it does not fit the list."""
    if cursor is None:
        return None
    if len(cursor) != len(columns):
        raise InvalidArgument.of("page_token", "does not belong to this request")
    values: list[Any] = []
    for column, part in zip(columns, cursor, strict=True):
        fits = {
            Kind.TIME: type(part) is int,
            Kind.NUMBER: type(part) in (int, float),
            Kind.TEXT: type(part) is str,
        }[column.kind]
        if not fits:
            raise InvalidArgument.of("page_token", "does not belong to this request")
        values.append(_time(part) if column.kind is Kind.TIME else part)
    return values


def _time(micros: Any) -> datetime:
    try:
        return to_datetime(micros)
    except OverflowError:
        raise InvalidArgument.of("page_token", "not a token this service issued") from None
