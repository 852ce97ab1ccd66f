"""Use cases of belief inventories: put, get, list revisions; and the inventory an
observation is read against (the scope's own, or the starter inventory)."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass

from service.application.common import Clock
from service.domain import paging
from service.domain.errors import Aborted, InvalidArgument, NotFound
from service.domain.inference import InventoryIndex
from service.domain.inventory import BeliefInventory, InventoryEntry, validate_entries
from service.domain.starter import starter_inventory
from service.domain.validation import validate_user_key_part
from service.embeddings import Embedder
from store.graph import GraphStore
from store.transaction import StoreTransaction

MAX_REVISIONS_PAGE = 100
DEFAULT_REVISIONS_PAGE = 20


@dataclass(frozen=True)
class RevisionPage:
    inventories: tuple[BeliefInventory, ...]
    next_page_token: str


async def inventory_of(tx: StoreTransaction, scope: str) -> BeliefInventory:
    """The inventory observations of `scope` are read against."""
    return await tx.inventories.current(scope) or starter_inventory(scope)


class InventoryIndexes:
    """Inventories prepared for inference (their texts embedded), by content.

    Embedding an inventory's texts takes ~10-50 ms; it happens once per distinct content
    and process, the first time an observation needs it.
    """

    def __init__(self, embedder: Embedder, capacity: int = 256) -> None:
        self._embedder = embedder
        self._capacity = capacity
        self._indexes: OrderedDict[str, InventoryIndex] = OrderedDict()
        self._lock = asyncio.Lock()

    async def index(self, inventory: BeliefInventory) -> InventoryIndex:
        key = inventory.fingerprint()
        async with self._lock:
            found = self._indexes.get(key)
            if found is not None:
                # The same index for every revision with this content: its precomputed
                # matrices are kept, and only the entries are read from it.
                self._indexes.move_to_end(key)
                return found
        texts = InventoryIndex.texts(inventory)
        vectors = dict(zip(texts, await self._embedder.embed(texts), strict=True))
        index = InventoryIndex.build(inventory, vectors)
        async with self._lock:
            self._indexes[key] = index
            while len(self._indexes) > self._capacity:
                self._indexes.popitem(last=False)
        return index


class Inventories:
    """Needs only the store and the clock, so the admin command can use it too."""

    def __init__(self, store: GraphStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def put(
        self, tenant: str, scope: str, entries: list[InventoryEntry], etag: str
    ) -> BeliefInventory:
        """Replaces the scope's inventory; returns the new revision (or the current one if
        nothing changed). ABORTED when `etag` is set and no longer current."""
        validate_user_key_part(scope, "inventory.scope")
        validate_entries(entries, "inventory.beliefs")
        now = self._clock()

        async def work(tx: StoreTransaction) -> BeliefInventory:
            await tx.inventories.lock(scope)
            current = await inventory_of(tx, scope)
            if etag and etag != current.etag:
                raise Aborted(
                    f"inventory of scope {scope!r} changed since it was read "
                    f"(etag {etag}, now {current.etag}); read it again"
                )
            proposed = BeliefInventory(scope=scope, entries=tuple(entries))
            if not current.starter and proposed.fingerprint() == current.fingerprint():
                return current
            revision = BeliefInventory(
                scope=scope,
                entries=tuple(entries),
                revision=current.revision + 1,
                create_time=now,
            )
            await tx.inventories.create(revision, now)
            return revision

        return await self._store.write(tenant, work)

    async def get(self, tenant: str, scope: str, revision: int) -> BeliefInventory:
        validate_user_key_part(scope, "scope")
        if revision < 0:
            raise InvalidArgument.of("revision", "must not be negative")

        async def work(tx: StoreTransaction) -> BeliefInventory:
            if revision == 0:
                return await inventory_of(tx, scope)
            found = await tx.inventories.revision(scope, revision)
            if found is None:
                raise NotFound(f"revision {revision} of the inventory of scope {scope!r}")
            return found

        return await self._store.read(tenant, work)

    async def list_revisions(
        self, tenant: str, scope: str, page_size: int, page_token: str
    ) -> RevisionPage:
        validate_user_key_part(scope, "scope")
        if not 0 <= page_size <= MAX_REVISIONS_PAGE:
            raise InvalidArgument.of("page_size", f"must be between 0 and {MAX_REVISIONS_PAGE}")
        size = page_size or DEFAULT_REVISIONS_PAGE
        request_key = f"inventory-revisions\0{scope}"
        after = paging.page_of(0, page_token, request_key).after
        if after is not None and not (len(after) == 1 and type(after[0]) is int):
            raise InvalidArgument.of("page_token", "does not belong to this request")
        before = None if after is None else int(after[0])

        async def work(tx: StoreTransaction) -> list[BeliefInventory]:
            return await tx.inventories.revisions(scope, before=before, limit=size)

        found = await self._store.read(tenant, work)
        token = ""
        if len(found) == size and found[-1].revision > 1:
            token = paging.cursor_token((found[-1].revision,), request_key)
        return RevisionPage(tuple(found), token)
