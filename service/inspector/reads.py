"""What the inspector reads, as the use cases offer it; `Reads.of` takes the service's own."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Protocol

from service.application.adapting import Adaptations
from service.application.common import SelfModelRef
from service.application.lifecycle import BeliefRead, SelfModelPage
from service.application.reading import BeliefListing, BeliefPage, VersionPage
from service.application.use_cases import UseCases
from service.domain import names, paging
from service.domain.model import Belief, BeliefVersion, Provenance, SelfModel

MAX_BELIEFS = paging.MAX_PAGE_SIZE
"""Beliefs one model page shows (most confident first); the rest are counted, not drawn."""
MAX_VERSIONS = 2000
"""Versions one chart draws: far more than a belief gets in practice."""
ALL_BELIEFS = BeliefListing(
    context="", min_confidence=0.0, order_by="confidence desc", show_retracted=True
)


class ModelReads(Protocol):
    """The lifecycle use cases the inspector uses (service.application.lifecycle)."""

    async def get(self, tenant: str, ref: SelfModelRef, read: BeliefRead) -> SelfModel: ...

    async def list(
        self, tenant: str, *, scope: str, page_size: int, page_token: str
    ) -> SelfModelPage: ...


class BeliefReads(Protocol):
    """The reading use cases the inspector uses (service.application.reading)."""

    async def list_beliefs(
        self,
        tenant: str,
        self_model_name: str,
        listing: BeliefListing,
        page_size: int,
        page_token: str,
    ) -> BeliefPage: ...

    async def list_versions(
        self, tenant: str, belief_name: str, page_size: int, page_token: str
    ) -> VersionPage: ...

    async def provenance(self, tenant: str, belief_name: str) -> Provenance: ...


class AdaptationReads(Protocol):
    async def adaptations(self, tenant: str, self_model_name: str, context: str) -> Adaptations: ...


@dataclass(frozen=True)
class ModelView:
    """What the model page shows."""

    model: SelfModel
    beliefs: tuple[Belief, ...]
    more_beliefs: bool
    adaptations: Adaptations
    versions: dict[str, tuple[BeliefVersion, ...]]
    """By belief id, oldest first."""


@dataclass(frozen=True)
class Reads:
    models: ModelReads
    beliefs: BeliefReads
    adaptations: AdaptationReads

    @classmethod
    def of(cls, use_cases: UseCases) -> Reads:
        return cls(use_cases.lifecycle, use_cases.reader, use_cases.adapter)

    async def model(self, tenant: str, self_model_id: str) -> SelfModel:
        # min_confidence 1.0 with no context: the model's header without its belief list,
        # which the page reads with retracted beliefs included.
        ref = SelfModelRef(self_model_id=self_model_id)
        return await self.models.get(tenant, ref, BeliefRead(min_confidence=1.0))

    async def lookup(self, tenant: str, *, external_user_id: str, scope: str) -> SelfModel:
        ref = SelfModelRef(scope=scope, external_user_id=external_user_id)
        return await self.models.get(tenant, ref, BeliefRead(min_confidence=1.0))

    async def model_view(self, tenant: str, self_model_id: str) -> ModelView:
        model = await self.model(tenant, self_model_id)
        name = names.self_model_name(model.id)
        page = await self.beliefs.list_beliefs(tenant, name, ALL_BELIEFS, MAX_BELIEFS, "")
        adaptations = await self.adaptations.adaptations(tenant, name, "")
        histories = await asyncio.gather(
            *(self.versions(tenant, model.id, belief.id) for belief in page.beliefs)
        )
        return ModelView(
            model=model,
            beliefs=page.beliefs,
            more_beliefs=bool(page.next_page_token),
            adaptations=adaptations,
            versions={b.id: h for b, h in zip(page.beliefs, histories, strict=True)},
        )

    async def versions(
        self, tenant: str, self_model_id: str, belief_id: str
    ) -> tuple[BeliefVersion, ...]:
        """Every version of the belief (up to MAX_VERSIONS), oldest first."""
        name = names.belief_name(self_model_id, belief_id)
        found: list[BeliefVersion] = []
        token = ""
        while len(found) < MAX_VERSIONS:
            page = await self.beliefs.list_versions(tenant, name, paging.MAX_PAGE_SIZE, token)
            found.extend(page.versions)
            token = page.next_page_token
            if not token:
                break
        return tuple(reversed(found))
