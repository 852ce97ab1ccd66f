"""All use cases, wired to their dependencies; the gRPC layer calls only these."""

from __future__ import annotations

from dataclasses import dataclass

from service.application.adapting import Adapter
from service.application.common import Dependencies
from service.application.feed import ChangeFeed
from service.application.inventories import Inventories, InventoryIndexes
from service.application.lifecycle import Lifecycle
from service.application.reading import Reader
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
            recorder=Recorder(
                dependencies.store,
                dependencies.embedder,
                dependencies.settings,
                dependencies.clock,
                feed,
                indexes,
            ),
            inventories=Inventories(dependencies.store, dependencies.clock),
            adapter=Adapter(dependencies),
            reader=Reader(dependencies),
            watcher=Watcher(dependencies, feed),
        )
