"""Cypher for belief inventories: immutable revisions, and the entries beliefs are linked to.

(:BeliefInventory) is one revision of a scope's inventory (its entries as a JSON document);
(:InventoryEntry) is an entry as it stands now, one node per (tenant, scope, key), kept
when the entry is removed (`removed_in` set) so the beliefs learned from it keep their
link; (:Belief)-[:LEARNED_FROM]->(:InventoryEntry).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Final, LiteralString

from service.domain.inventory import BeliefInventory, entries_document, entries_from_document
from store.records import to_datetime
from store.scoped import TenantScopedTransaction

INVENTORY_SCHEMA: Final[tuple[LiteralString, ...]] = (
    "CREATE CONSTRAINT belief_inventory_revision IF NOT EXISTS "
    "FOR (n:BeliefInventory) REQUIRE (n.tenant, n.scope, n.revision) IS UNIQUE",
    "CREATE CONSTRAINT inventory_entry_key IF NOT EXISTS "
    "FOR (n:InventoryEntry) REQUIRE (n.tenant, n.scope, n.key) IS UNIQUE",
    "CREATE CONSTRAINT inventory_head IF NOT EXISTS "
    "FOR (n:InventoryHead) REQUIRE (n.tenant, n.scope) IS UNIQUE",
)


def to_inventory(node: Any) -> BeliefInventory:
    return BeliefInventory(
        scope=node["scope"],
        entries=tuple(entries_from_document(json.loads(node["document"]))),
        revision=node["revision"],
        create_time=to_datetime(node["create_time"]),
    )


# The newest stored revision of the inventory of model `m`'s scope, as `inventory` (null
# when the scope has none).
LATEST_INVENTORY: Final[LiteralString] = """
CALL (m) {
  OPTIONAL MATCH (i:BeliefInventory {tenant: $tenant, scope: m.scope})
  RETURN i AS inventory ORDER BY i.revision DESC LIMIT 1
}
"""


class InventoryRepository:
    def __init__(self, tx: TenantScopedTransaction) -> None:
        self._tx = tx

    async def lock(self, scope: str) -> None:
        """Serializes changes to one scope's inventory until the transaction ends."""
        await self._tx.run(
            """
            MERGE (h:InventoryHead {tenant: $tenant, scope: $scope})
            SET h._lock = true REMOVE h._lock
            """,
            scope=scope,
        )

    async def current(self, scope: str) -> BeliefInventory | None:
        result = await self._tx.run(
            """
            MATCH (i:BeliefInventory {tenant: $tenant, scope: $scope})
            RETURN i ORDER BY i.revision DESC LIMIT 1
            """,
            scope=scope,
        )
        record = await result.single()
        return None if record is None else to_inventory(record["i"])

    async def revision(self, scope: str, revision: int) -> BeliefInventory | None:
        result = await self._tx.run(
            "MATCH (i:BeliefInventory {tenant: $tenant, scope: $scope, revision: $revision}) "
            "RETURN i",
            scope=scope,
            revision=revision,
        )
        record = await result.single()
        return None if record is None else to_inventory(record["i"])

    async def revisions(
        self, scope: str, *, before: int | None, limit: int
    ) -> list[BeliefInventory]:
        """Revisions newest first, those below `before` when set (a keyset page)."""
        result = await self._tx.run(
            """
            MATCH (i:BeliefInventory {tenant: $tenant, scope: $scope})
            WHERE $before IS NULL OR i.revision < $before
            RETURN i ORDER BY i.revision DESC LIMIT $limit
            """,
            scope=scope,
            before=before,
            limit=limit,
        )
        return [to_inventory(record["i"]) async for record in result]

    async def create(self, inventory: BeliefInventory, now: datetime) -> None:
        """Writes `inventory` as a new revision and brings the entry nodes up to date."""
        await self._tx.run(
            """
            CREATE (:BeliefInventory {
              tenant: $tenant, scope: $scope, revision: $revision, document: $document,
              create_time: $now
            })
            WITH 1 AS one
            UNWIND $entries AS entry
            MERGE (e:InventoryEntry {tenant: $tenant, scope: $scope, key: entry.key})
            SET e.statement = entry.statement, e.opposite = entry.opposite,
                e.revision = $revision, e.removed_in = null
            WITH count(*) AS written
            MATCH (e:InventoryEntry {tenant: $tenant, scope: $scope})
            WHERE NOT e.key IN $keys AND e.removed_in IS NULL
            SET e.removed_in = $revision
            """,
            scope=inventory.scope,
            revision=inventory.revision,
            document=json.dumps(entries_document(inventory.entries)),
            entries=[
                {"key": e.key, "statement": e.statement, "opposite": e.opposite}
                for e in inventory.entries
            ],
            keys=[e.key for e in inventory.entries],
            now=now,
        )
