"""Cypher for tenants' API keys: `(:ApiKey {id, tenant, hash, description, create_time,
revoke_time})`. Only a key's hash is stored; its plaintext never reaches the graph."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime
from typing import LiteralString

from neo4j import AsyncManagedTransaction, Record

from service.domain.api_keys import NewApiKey
from service.domain.api_keys import key_hash as hash_of_key
from store import queries
from store.graph import GraphStore
from store.records import to_datetime

API_KEY_SCHEMA: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.id IS UNIQUE",
    # Also the index that every authenticated call looks its key up by.
    "CREATE CONSTRAINT api_key_hash IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.hash IS UNIQUE",
)

# Every field but the hash, which nothing outside the lookup needs.
_RETURN_RECORD: LiteralString = """
    RETURN k.id AS key_id, k.tenant AS tenant, k.description AS description,
           k.create_time AS create_time, k.revoke_time AS revoke_time
"""


@dataclass(frozen=True)
class ApiKeyRecord:
    """What the store keeps about a key, less its hash."""

    key_id: str
    tenant: str
    description: str
    create_time: datetime
    revoke_time: datetime | None

    @property
    def active(self) -> bool:
        return self.revoke_time is None


def _to_record(record: Record) -> ApiKeyRecord:
    revoke_time = record["revoke_time"]
    return ApiKeyRecord(
        key_id=record["key_id"],
        tenant=record["tenant"],
        description=record["description"],
        create_time=to_datetime(record["create_time"]),
        revoke_time=None if revoke_time is None else to_datetime(revoke_time),
    )


class ApiKeyStore:
    """Creates, finds, lists and revokes API keys, each call in its own transaction."""

    def __init__(self, graph: GraphStore) -> None:
        self._graph = graph

    async def create(
        self, key: NewApiKey, *, tenant: str, description: str, now: datetime
    ) -> ApiKeyRecord:
        hashed = hash_of_key(key.plaintext)

        async def work(tx: AsyncManagedTransaction) -> ApiKeyRecord:
            result = await queries.run(
                tx,
                """
                CREATE (k:ApiKey {id: $key_id, tenant: $tenant, hash: $hash,
                                  description: $description, create_time: $now})
                """
                + _RETURN_RECORD,
                {
                    "key_id": key.key_id,
                    "tenant": tenant,
                    "hash": hashed,
                    "description": description,
                    "now": now,
                },
            )
            return _to_record(await result.single(strict=True))

        return await self._graph.write_raw(work)

    async def tenant_of(self, key_hash: str) -> str | None:
        """The tenant of the active key with this hash; None if it is unknown or revoked."""

        async def work(tx: AsyncManagedTransaction) -> str | None:
            result = await queries.run(
                tx,
                "MATCH (k:ApiKey {hash: $hash}) WHERE k.revoke_time IS NULL RETURN k.tenant",
                {"hash": key_hash},
            )
            record = await result.single()
            return None if record is None else str(record[0])

        return await self._graph.read_raw(work)

    async def list(self, tenant: str | None) -> builtins.list[ApiKeyRecord]:
        """Every key (of `tenant`, or of all tenants for None), oldest first, revoked too."""

        async def work(tx: AsyncManagedTransaction) -> builtins.list[ApiKeyRecord]:
            result = await queries.run(
                tx,
                """
                MATCH (k:ApiKey)
                WHERE $tenant IS NULL OR k.tenant = $tenant
                WITH k ORDER BY k.create_time, k.id
                """
                + _RETURN_RECORD,
                {"tenant": tenant},
            )
            return [_to_record(record) async for record in result]

        return await self._graph.read_raw(work)

    async def revoke(self, key_id: str, now: datetime) -> ApiKeyRecord | None:
        """Revokes the key; revoking it again changes nothing. None if there is no such key."""

        async def work(tx: AsyncManagedTransaction) -> ApiKeyRecord | None:
            result = await queries.run(
                tx,
                """
                MATCH (k:ApiKey {id: $key_id})
                SET k.revoke_time = coalesce(k.revoke_time, $now)
                """
                + _RETURN_RECORD,
                {"key_id": key_id, "now": now},
            )
            record = await result.single()
            return None if record is None else _to_record(record)

        return await self._graph.write_raw(work)
