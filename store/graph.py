"""The connection to Neo4j: one driver per process, managed transactions, error mapping.

The service talks to Neo4j only over Bolt with the official driver, so a local embedded
DBMS, a Neo4j server, Aura or a cluster (`neo4j://` routing URIs) are interchangeable.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import LiteralString, TypeVar

from neo4j import AsyncDriver, AsyncGraphDatabase, AsyncManagedTransaction
from neo4j.exceptions import ServiceUnavailable, SessionExpired

from service.domain.errors import StoreUnavailable
from store.scoped import TenantScopedTransaction
from store.transaction import StoreTransaction

T = TypeVar("T")


@dataclass(frozen=True)
class Neo4jSettings:
    uri: str = "bolt://127.0.0.1:7687"
    user: str = "neo4j"
    password: str = ""
    """Empty means the DBMS runs without authentication."""
    database: str = "neo4j"


class GraphStore:
    """Runs units of work against Neo4j, each in one managed (retried) transaction."""

    def __init__(self, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database

    @classmethod
    def open(cls, settings: Neo4jSettings) -> GraphStore:
        auth = (settings.user, settings.password) if settings.password else None
        # Notifications (e.g. "property key does not exist" on an empty graph) are for
        # people writing queries, not for a running service's log.
        driver = AsyncGraphDatabase.driver(
            settings.uri, auth=auth, notifications_min_severity="OFF"
        )
        return cls(driver, settings.database)

    async def close(self) -> None:
        await self._driver.close()

    async def read(self, tenant: str, work: Callable[[StoreTransaction], Awaitable[T]]) -> T:
        """Runs `work` in one read transaction that sees only `tenant`'s data."""
        return await self.read_raw(self._bind(tenant, work))

    async def write(self, tenant: str, work: Callable[[StoreTransaction], Awaitable[T]]) -> T:
        """Runs `work` in one write transaction of `tenant`: all of it commits, or none of it.

        The driver retries `work` on transient errors (deadlocks, leader changes), so it
        must have no effects outside the transaction.
        """
        return await self.write_raw(self._bind(tenant, work))

    async def run_schema(self, statements: tuple[LiteralString, ...]) -> None:
        """Runs schema statements, each in its own auto-commit transaction (Neo4j requires it)."""
        try:
            async with self._driver.session(database=self._database) as session:
                for statement in statements:
                    result = await session.run(statement)
                    await result.consume()
        except (ServiceUnavailable, SessionExpired) as error:
            raise StoreUnavailable(f"Neo4j unreachable: {error}") from error

    @staticmethod
    def _bind(
        tenant: str,
        work: Callable[[StoreTransaction], Awaitable[T]],
    ) -> Callable[[AsyncManagedTransaction], Awaitable[T]]:
        async def run(tx: AsyncManagedTransaction) -> T:
            return await work(StoreTransaction(TenantScopedTransaction(tx, tenant)))

        return run

    async def read_raw(self, work: Callable[[AsyncManagedTransaction], Awaitable[T]]) -> T:
        """Like `read`, but `work` gets the driver's transaction: for stores of their own."""
        try:
            async with self._driver.session(database=self._database) as session:
                return await session.execute_read(work)
        except (ServiceUnavailable, SessionExpired) as error:
            raise StoreUnavailable(f"Neo4j unreachable: {error}") from error

    async def write_raw(self, work: Callable[[AsyncManagedTransaction], Awaitable[T]]) -> T:
        """Like `write`, but `work` gets the driver's transaction: for stores of their own."""
        try:
            async with self._driver.session(database=self._database) as session:
                return await session.execute_write(work)
        except (ServiceUnavailable, SessionExpired) as error:
            raise StoreUnavailable(f"Neo4j unreachable: {error}") from error
