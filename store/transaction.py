"""One open write or read transaction of one tenant, with the repositories bound to it."""

from __future__ import annotations

from store.beliefs import BeliefRepository
from store.inventories import InventoryRepository
from store.observations import ObservationRepository
from store.recording import Neo4jRecording
from store.scoped import TenantScopedTransaction
from store.self_models import SelfModelRepository


class StoreTransaction:
    """The repositories of one transaction; everything done through them commits together."""

    def __init__(self, tx: TenantScopedTransaction) -> None:
        self.tenant = tx.tenant
        self.self_models = SelfModelRepository(tx)
        self.observations = ObservationRepository(tx)
        self.beliefs = BeliefRepository(tx)
        self.inventories = InventoryRepository(tx)
        self.recording = Neo4jRecording(tx)
