"""Use cases that read beliefs and observations: lists, history, provenance, rendering."""

from __future__ import annotations

from dataclasses import dataclass

from service.application.adapting import read_adaptations
from service.application.common import Dependencies, SelfModelRef, find_model
from service.domain import names, paging, validation
from service.domain.adaptation import Adaptation, render_adaptations
from service.domain.errors import NotFound
from service.domain.model import Belief, BeliefVersion, Observation, Provenance
from service.domain.render import DEFAULT_MAX_BELIEFS, MAX_BELIEFS, render_beliefs
from store.transaction import StoreTransaction


@dataclass(frozen=True)
class BeliefPage:
    beliefs: tuple[Belief, ...]
    next_page_token: str


@dataclass(frozen=True)
class ObservationPage:
    observations: tuple[Observation, ...]
    next_page_token: str


@dataclass(frozen=True)
class VersionPage:
    versions: tuple[BeliefVersion, ...]
    next_page_token: str


@dataclass(frozen=True)
class RenderedContext:
    text: str
    beliefs: tuple[Belief, ...]
    adaptations: tuple[Adaptation, ...] = ()


@dataclass(frozen=True)
class BeliefListing:
    """ListBeliefs' filters and order, as the caller sent them."""

    context: str
    min_confidence: float
    order_by: str
    show_retracted: bool


def observation_cursor(observation: Observation) -> paging.Cursor:
    """An observation's key in ListObservations' order (newest first)."""
    return (paging.micros(observation.create_time), observation.revision, observation.id)


def _optional_context(context: str) -> str | None:
    validation.validate_context(context, "context")
    return context or None


class Reader:
    def __init__(self, dependencies: Dependencies) -> None:
        self._store = dependencies.store
        self._prior = dependencies.settings.evidence.prior

    async def list_beliefs(
        self,
        tenant: str,
        self_model_name: str,
        listing: BeliefListing,
        page_size: int,
        page_token: str,
    ) -> BeliefPage:
        self_model_id = names.parse_self_model_name(self_model_name, "self_model")
        context = _optional_context(listing.context)
        validation.validate_min_confidence(listing.min_confidence, "min_confidence")
        order = validation.belief_order(listing.order_by)
        request_key = f"{tenant}/{self_model_name}/beliefs?{listing!r}"
        page = paging.page_of(page_size, page_token, request_key=request_key)

        async def work(tx: StoreTransaction) -> BeliefPage:
            await find_model(tx, SelfModelRef(self_model_id=self_model_id))
            beliefs = await tx.beliefs.current(
                self_model_id,
                context=context,
                min_confidence=listing.min_confidence,
                order_by=order,
                show_retracted=listing.show_retracted,
                after=page.after,
                limit=page.size,
            )
            last = paging.belief_cursor(beliefs[-1], order) if beliefs else None
            return BeliefPage(tuple(beliefs), page.next_token(len(beliefs), last, request_key))

        return await self._store.read(tenant, work)

    async def list_observations(
        self, tenant: str, self_model_name: str, context: str, page_size: int, page_token: str
    ) -> ObservationPage:
        self_model_id = names.parse_self_model_name(self_model_name, "self_model")
        only_context = _optional_context(context)
        request_key = f"{tenant}/{self_model_name}/observations?context={context}"
        page = paging.page_of(page_size, page_token, request_key=request_key)

        async def work(tx: StoreTransaction) -> ObservationPage:
            await find_model(tx, SelfModelRef(self_model_id=self_model_id))
            observations = await tx.observations.page(
                self_model_id, context=only_context, after=page.after, limit=page.size
            )
            last = observation_cursor(observations[-1]) if observations else None
            return ObservationPage(
                tuple(observations), page.next_token(len(observations), last, request_key)
            )

        return await self._store.read(tenant, work)

    async def list_versions(
        self, tenant: str, belief_name: str, page_size: int, page_token: str
    ) -> VersionPage:
        self_model_id, belief_id = names.parse_belief_name(belief_name, "belief")
        request_key = f"{tenant}/{belief_name}"
        page = paging.page_of(page_size, page_token, request_key=request_key)

        async def work(tx: StoreTransaction) -> VersionPage:
            if await tx.beliefs.find(self_model_id, belief_id) is None:
                raise NotFound(belief_name)
            versions = await tx.beliefs.versions(
                self_model_id, belief_id, after=page.after, limit=page.size
            )
            last = (versions[-1].version,) if versions else None
            return VersionPage(tuple(versions), page.next_token(len(versions), last, request_key))

        return await self._store.read(tenant, work)

    async def provenance(self, tenant: str, belief_name: str) -> Provenance:
        self_model_id, belief_id = names.parse_belief_name(belief_name, "belief")

        async def work(tx: StoreTransaction) -> Provenance:
            found = await tx.beliefs.provenance(self_model_id, belief_id)
            if found is None:
                raise NotFound(belief_name)
            return found

        return await self._store.read(tenant, work)

    async def render(
        self,
        tenant: str,
        self_model_name: str,
        context: str,
        min_confidence: float,
        max_beliefs: int,
    ) -> RenderedContext:
        self_model_id = names.parse_self_model_name(self_model_name, "self_model")
        only_context = _optional_context(context)
        validation.validate_min_confidence(min_confidence, "min_confidence")
        count = validation.bounded_count(
            max_beliefs, "max_beliefs", DEFAULT_MAX_BELIEFS, MAX_BELIEFS
        )

        async def work(tx: StoreTransaction) -> RenderedContext:
            adapting = await read_adaptations(tx, self_model_id, context, self._prior)
            beliefs = await tx.beliefs.current(
                self_model_id, context=only_context, min_confidence=min_confidence, limit=count
            )
            active = tuple(a for a in adapting.adaptations if a.active)
            text = render_beliefs(beliefs)
            rules = render_adaptations(active)
            return RenderedContext(text + ("\n\n" + rules if rules else ""), tuple(beliefs), active)

        return await self._store.read(tenant, work)
