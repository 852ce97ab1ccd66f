"""The connection to Neo4j: one driver per process, managed transactions, error mapping.

The service talks to Neo4j only over Bolt with the official driver, so a local embedded
DBMS, a Neo4j server, Aura or a cluster (`neo4j://` routing URIs) are interchangeable.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import LiteralString, TypeVar

from neo4j import (
    READ_ACCESS,
    WRITE_ACCESS,
    AsyncDriver,
    AsyncGraphDatabase,
    AsyncManagedTransaction,
    AsyncSession,
    Bookmarks,
)
from neo4j.exceptions import (
    ClientError,
    DatabaseUnavailable,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from service.application.ports import RecordingTransaction
from service.domain.errors import Aborted, StoreUnavailable, UnknownBookmarks
from store import consistency, queries
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
    connect_timeout_seconds: float = 5.0
    """How long opening one connection may take."""
    max_retry_seconds: float = 10.0
    """How long the driver keeps retrying a unit of work after transient failures."""

    @property
    def retry_budget_seconds(self) -> float:
        """How long after its first attempt started a unit of work may still be retrying:
        the retry time, plus one last attempt's wait for a connection."""
        return self.max_retry_seconds + self.connect_timeout_seconds


class GraphStore:
    """Runs units of work against Neo4j, each in one managed (retried) transaction."""

    def __init__(
        self,
        driver: AsyncDriver,
        database: str,
        *,
        on_retry: Callable[[], None] | None = None,
        ping_timeout: float = 5.0,
        retry_budget: float | None = None,
    ) -> None:
        """`retry_budget`: once a unit of work is retried, it fails (StoreUnavailable) at
        the latest this many seconds after its first attempt started (None: unbounded)."""
        self._driver = driver
        self._database = database
        self._on_retry = on_retry
        self._ping_timeout = ping_timeout
        self._retry_budget = retry_budget

    @classmethod
    def open(
        cls, settings: Neo4jSettings, on_retry: Callable[[], None] | None = None
    ) -> GraphStore:
        """`on_retry` is called each time the driver runs a unit of work again."""
        auth = (settings.user, settings.password) if settings.password else None
        # Notifications (e.g. "property key does not exist" on an empty graph) are for
        # people writing queries, not for a running service's log. The timeouts bound how
        # long a call waits during an outage before it fails with StoreUnavailable.
        driver = AsyncGraphDatabase.driver(
            settings.uri,
            auth=auth,
            notifications_min_severity="OFF",
            connection_timeout=settings.connect_timeout_seconds,
            # The driver's default waits up to 60 s for a pooled connection during an
            # outage, far past the retry time.
            connection_acquisition_timeout=settings.connect_timeout_seconds,
            max_transaction_retry_time=settings.max_retry_seconds,
        )
        return cls(
            driver,
            settings.database,
            on_retry=on_retry,
            ping_timeout=settings.connect_timeout_seconds,
            retry_budget=settings.retry_budget_seconds,
        )

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

    async def record(self, tenant: str, work: Callable[[RecordingTransaction], Awaitable[T]]) -> T:
        """`RecordingStore.record`: `work` loads and writes through `Neo4jRecording`."""

        async def on_store(tx: StoreTransaction) -> T:
            return await work(tx.recording)

        return await self.write(tenant, on_store)

    async def run_schema(self, statements: tuple[LiteralString, ...]) -> None:
        """Runs schema statements, each in its own auto-commit transaction (Neo4j requires it)."""
        async with self._session() as session:
            for statement in statements:
                await queries.run(session, statement)

    def _bind(
        self,
        tenant: str,
        work: Callable[[StoreTransaction], Awaitable[T]],
    ) -> Callable[[AsyncManagedTransaction], Awaitable[T]]:
        attempts = 0

        async def run(tx: AsyncManagedTransaction) -> T:
            nonlocal attempts
            attempts += 1
            if attempts > 1 and self._on_retry is not None:
                self._on_retry()
            return await work(StoreTransaction(TenantScopedTransaction(tx, tenant)))

        return run

    async def read_raw(self, work: Callable[[AsyncManagedTransaction], Awaitable[T]]) -> T:
        """Like `read`, but `work` gets the driver's transaction: for stores of their own.
        In READ access mode (a cluster serves it from any member), after the bookmarks of
        `consistency.read_after`."""
        async with self._session(READ_ACCESS) as session:
            return await self._within_budget(session.execute_read, work)

    async def write_raw(self, work: Callable[[AsyncManagedTransaction], Awaitable[T]]) -> T:
        """Like `write`, but `work` gets the driver's transaction: for stores of their own.
        Records the committed transaction's bookmark (`consistency.written`)."""
        async with self._session(WRITE_ACCESS) as session:
            result = await self._within_budget(session.execute_write, work)
            bookmarks = await session.last_bookmarks()
            consistency.record_write(tuple(sorted(bookmarks.raw_values)))
            return result

    async def _within_budget(
        self,
        execute: Callable[[Callable[[AsyncManagedTransaction], Awaitable[T]]], Awaitable[T]],
        work: Callable[[AsyncManagedTransaction], Awaitable[T]],
    ) -> T:
        """Runs `work` through the driver's retries, cut off at the retry budget once it is
        retried: the driver's backoff alone can sleep past its retry time and then start
        one more attempt (about twice the retry time in all). A first attempt, however
        long, is not cut: only retries are bounded."""
        loop = asyncio.get_running_loop()
        started: float | None = None
        try:
            async with asyncio.timeout(None) as budget:

                async def attempt(tx: AsyncManagedTransaction) -> T:
                    nonlocal started
                    if started is None:
                        started = loop.time()
                    elif self._retry_budget is not None and budget.when() is None:
                        budget.reschedule(started + self._retry_budget)
                    return await work(tx)

                return await execute(attempt)
        except TimeoutError as error:
            raise StoreUnavailable(
                f"Neo4j still failing {self._retry_budget:.0f} s after the first attempt"
            ) from error

    @contextlib.asynccontextmanager
    async def _session(self, access_mode: str = WRITE_ACCESS) -> AsyncIterator[AsyncSession]:
        """A session whose driver errors surface as the domain's store errors."""
        after = consistency.read_after()
        try:
            async with self._driver.session(
                database=self._database,
                default_access_mode=access_mode,
                bookmarks=Bookmarks.from_raw_values(after) if after else None,
            ) as session:
                yield session
        except ClientError as error:
            if after and "Bookmark" in (error.code or ""):
                raise UnknownBookmarks(str(error.message or error.code)) from error
            raise
        except (ServiceUnavailable, SessionExpired, DatabaseUnavailable) as error:
            raise StoreUnavailable(f"Neo4j unreachable: {error}") from error
        except TransientError as error:
            raise Aborted(f"gave up retrying: {error}") from error

    async def ping(self) -> bool:
        """Whether the database answers `RETURN 1` within the connect timeout; never raises.

        Not traced: the health watch pings on a timer, outside any call."""
        try:
            async with asyncio.timeout(self._ping_timeout):
                async with self._driver.session(
                    database=self._database, default_access_mode=READ_ACCESS
                ) as session:
                    result = await session.run("RETURN 1")
                    await result.consume()
        except Exception:
            return False
        return True
