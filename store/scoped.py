"""A transaction that only runs queries scoped to one tenant.

Every query a repository runs goes through `TenantScopedTransaction.run`, which refuses a
query that does not use `$tenant` and always binds it to the caller's tenant: a query
cannot forget the tenant, and a caller cannot choose another one. It runs in a span named
after the repository method (`store.queries`).
"""

from __future__ import annotations

from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from store import queries


class UnscopedQuery(RuntimeError):
    """A programming error: a repository query does not filter by `$tenant`."""


class TenantScopedTransaction:
    def __init__(self, tx: AsyncManagedTransaction, tenant: str) -> None:
        if not tenant:
            raise ValueError("a tenant is required")
        self._tx = tx
        self.tenant = tenant

    async def run(self, query: LiteralString, **parameters: Any) -> queries.QueryResult:
        if "$tenant" not in query:
            raise UnscopedQuery(f"query does not filter by $tenant: {query.strip()[:80]}")
        if "tenant" in parameters:
            raise UnscopedQuery("the tenant is bound by the transaction, not by the query")
        return await queries.run(
            self._tx, query, {**parameters, "tenant": self.tenant}, name=queries.caller_name()
        )
