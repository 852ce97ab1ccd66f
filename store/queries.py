"""Where every store query runs: one span per query, named after the store function.

The span is named after the function that runs the query (`store.Neo4jRecording.load`):
stable, and never the Cypher or its parameters, which hold what users said. The records
are fetched inside the span, so it covers the query's whole time, not just its start.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import AsyncIterator
from typing import Any, Literal, LiteralString, overload

from neo4j import AsyncManagedTransaction, AsyncSession, EagerResult, Record, ResultSummary
from neo4j.exceptions import Neo4jError, ResultNotSingleError
from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode

_tracer = trace.get_tracer(__name__)


def caller_name(frames_up: int = 1) -> str:
    """`store.<Class>.<method>` of the function `frames_up` calls above the one asking
    (a local function is named after the function it is defined in)."""
    code = sys._getframe(frames_up + 1).f_code
    return "store." + code.co_qualname.split(".<locals>", 1)[0]


async def run(
    tx: AsyncManagedTransaction | AsyncSession,
    query: LiteralString,
    parameters: dict[str, Any] | None = None,
    *,
    name: str | None = None,
) -> QueryResult:
    """Runs `query` and fetches all its records in a span `name` (by default the caller's
    `caller_name`)."""
    name = name or caller_name()
    with _tracer.start_as_current_span(
        name,
        kind=SpanKind.CLIENT,
        attributes={
            "db.system": "neo4j",
            "db.system.name": "neo4j",
            "db.operation.name": name.removeprefix("store."),
        },
        # Driver messages can quote values (a constraint violation names the value):
        # only the error's type and Neo4j code are recorded.
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        try:
            result = await tx.run(query, parameters)
            eager = await result.to_eager_result()
        except Exception as error:
            span.set_status(StatusCode.ERROR, type(error).__name__)
            span.set_attribute("error.type", type(error).__qualname__)
            if isinstance(error, Neo4jError) and error.code:
                span.set_attribute("db.response.status_code", error.code)
            raise
        span.set_attribute("db.response.returned_rows", len(eager.records))
        return QueryResult(eager)


class QueryResult:
    """A query's records and summary, all fetched; read like the driver's AsyncResult (the
    part the repositories use), so they read a result the same way traced or not."""

    def __init__(self, eager: EagerResult) -> None:
        self._eager = eager

    def __aiter__(self) -> AsyncIterator[Record]:
        return self._each()

    async def _each(self) -> AsyncIterator[Record]:
        for record in self._eager.records:
            yield record

    @overload
    async def single(self, strict: Literal[False] = False) -> Record | None: ...

    @overload
    async def single(self, strict: Literal[True]) -> Record: ...

    async def single(self, strict: bool = False) -> Record | None:
        """The only record; as the driver's: None when there is none (strict: raises), the
        first with a warning when there are more (strict: raises)."""
        records = self._eager.records
        if len(records) == 1 or (records and not strict):
            if len(records) > 1:
                warnings.warn(
                    "Expected a result with a single record, but found multiple.", stacklevel=2
                )
            return records[0]
        if not strict:
            return None
        raise ResultNotSingleError(self, f"expected exactly one record, found {len(records)}")

    async def consume(self) -> ResultSummary:
        return self._eager.summary
