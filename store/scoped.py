"""A transaction that only runs queries scoped to one tenant.

Every query a repository runs goes through `TenantScopedTransaction.run`, which refuses a
query that does not use `$tenant` and always binds it to the caller's tenant: a query
cannot forget the tenant, and a caller cannot choose another one.
"""

from __future__ import annotations

from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction, AsyncResult


class UnscopedQuery(RuntimeError):
    """A programming error: a repository query does not filter by `$tenant`."""


class TenantScopedTransaction:
    def __init__(self, tx: AsyncManagedTransaction, tenant: str) -> None:
        if not tenant:
            raise ValueError("a tenant is required")
        self._tx = tx
        self.tenant = tenant

    async def run(self, query: LiteralString, **parameters: Any) -> AsyncResult:
        if "$tenant" not in query:
            raise UnscopedQuery(f"query does not filter by $tenant: {query.strip()[:80]}")
        if "tenant" in parameters:
            raise UnscopedQuery("the tenant is bound by the transaction, not by the query")
        return await self._tx.run(query, parameters, tenant=self.tenant)
