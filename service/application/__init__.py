"""The use cases, over the domain rules and the store; the gRPC layer calls only these.

Each use case validates with the domain rules, computes what needs no lock (embeddings)
first, and then runs its reads and writes in one Neo4j transaction of the caller's tenant.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.application.adapting import Adapter
from service.application.common import Dependencies, EngineSettings, SelfModelRef, utc_now
from service.application.feed import ChangeFeed
from service.application.inventories import Inventories, InventoryIndexes
from service.application.lifecycle import BeliefRead, Lifecycle
from service.application.reading import BeliefListing, Reader
from service.application.recording import Recorder
from service.application.watching import Watcher


@dataclass(frozen=True)
class UseCases:
    lifecycle: Lifecycle
    recorder: Recorder
    reader: Reader
    watcher: Watcher
    inventories: Inventories
    adapter: Adapter

    @classmethod
    def build(cls, dependencies: Dependencies) -> UseCases:
        feed = ChangeFeed()
        indexes = InventoryIndexes(dependencies.embedder)
        return cls(
            lifecycle=Lifecycle(dependencies),
            recorder=Recorder(dependencies, feed, indexes),
            inventories=Inventories(dependencies.store, dependencies.clock),
            adapter=Adapter(dependencies),
            reader=Reader(dependencies),
            watcher=Watcher(dependencies, feed),
        )


__all__ = [
    "BeliefListing",
    "BeliefRead",
    "Dependencies",
    "EngineSettings",
    "SelfModelRef",
    "UseCases",
    "utc_now",
]
