"""A store query cannot forget the tenant, and a caller cannot pick another one."""

import asyncio
from typing import Any, cast

import pytest
from neo4j import AsyncManagedTransaction, EagerResult

from store.scoped import TenantScopedTransaction, UnscopedQuery


class NoRecords:
    async def to_eager_result(self) -> EagerResult:
        return EagerResult([], cast(Any, None), [])


class RecordingTransaction:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any], dict[str, Any]]] = []

    async def run(self, query: str, parameters: dict[str, Any], **kwargs: Any) -> NoRecords:
        self.calls.append((query, parameters, kwargs))
        return NoRecords()


def scoped(tenant: str = "acme") -> tuple[TenantScopedTransaction, RecordingTransaction]:
    raw = RecordingTransaction()
    return TenantScopedTransaction(cast(AsyncManagedTransaction, raw), tenant), raw


def test_every_query_runs_with_the_transactions_tenant() -> None:
    tx, raw = scoped("acme")
    asyncio.run(tx.run("MATCH (m:SelfModel {id: $id, tenant: $tenant}) RETURN m", id="x"))
    assert raw.calls == [
        (
            "MATCH (m:SelfModel {id: $id, tenant: $tenant}) RETURN m",
            {"id": "x", "tenant": "acme"},
            {},
        )
    ]


def test_a_query_without_the_tenant_is_refused() -> None:
    tx, raw = scoped()
    with pytest.raises(UnscopedQuery):
        asyncio.run(tx.run("MATCH (m:SelfModel {id: $id}) RETURN m", id="x"))
    assert raw.calls == []


def test_a_caller_cannot_override_the_tenant() -> None:
    tx, raw = scoped("acme")
    with pytest.raises(UnscopedQuery):
        asyncio.run(tx.run("MATCH (m {tenant: $tenant}) RETURN m", tenant="globex"))
    assert raw.calls == []


def test_a_transaction_needs_a_tenant() -> None:
    with pytest.raises(ValueError):
        scoped("")
