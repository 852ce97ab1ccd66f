"""Use case: what the product should do for a user here (GetAdaptations)."""

from __future__ import annotations

from dataclasses import dataclass

from service.application.common import Dependencies, SelfModelRef, find_model
from service.application.inventories import inventory_of
from service.domain import names, validation
from service.domain.adaptation import Adaptation, adaptations_for
from store.transaction import StoreTransaction


@dataclass(frozen=True)
class Adaptations:
    adaptations: tuple[Adaptation, ...]
    inventory_revision: int


async def read_adaptations(
    tx: StoreTransaction, self_model_id: str, context: str, prior: float
) -> Adaptations:
    """Reads the model's inventory and its inventory beliefs; the model must exist."""
    model = await find_model(tx, SelfModelRef(self_model_id=self_model_id))
    inventory = await inventory_of(tx, model.scope)
    learned = {
        (item.learned_from.key, item.belief.context): item
        for item in await tx.beliefs.learned(model.id)
    }
    return Adaptations(
        tuple(adaptations_for(inventory.entries, learned, context, prior)), inventory.revision
    )


class Adapter:
    def __init__(self, dependencies: Dependencies) -> None:
        self._store = dependencies.store
        self._prior = dependencies.settings.evidence.prior

    async def adaptations(self, tenant: str, self_model_name: str, context: str) -> Adaptations:
        self_model_id = names.parse_self_model_name(self_model_name, "self_model")
        validation.validate_context(context, "context")

        async def work(tx: StoreTransaction) -> Adaptations:
            return await read_adaptations(tx, self_model_id, context, self._prior)

        return await self._store.read(tenant, work)
