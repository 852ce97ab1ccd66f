"""One open write or read transaction, with the repositories bound to it."""

from __future__ import annotations

from neo4j import AsyncManagedTransaction

from store.beliefs import BeliefRepository
from store.observations import ObservationRepository
from store.self_models import SelfModelRepository


class StoreTransaction:
    """The repositories of one transaction; everything done through them commits together."""

    def __init__(self, tx: AsyncManagedTransaction) -> None:
        self.self_models = SelfModelRepository(tx)
        self.observations = ObservationRepository(tx)
        self.beliefs = BeliefRepository(tx)
