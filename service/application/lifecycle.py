"""Use cases on whole self-models: get or create, read, list, delete, export."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from service.application.common import Dependencies, SelfModelRef, find_model, raise_missing
from service.domain import limits, names, paging, validation
from service.domain.alignment import NEUTRAL_ALIGNMENT
from service.domain.errors import NotFound
from service.domain.model import SelfModel, UserExport
from store.transaction import StoreTransaction

EXPORT_LIMIT = 1_000_000
"""More observations than one user can have; an export is never cut short."""


@dataclass(frozen=True)
class BeliefRead:
    """Which beliefs a read returns."""

    context: str | None = None
    min_confidence: float = 0.0
    as_of: datetime | None = None


@dataclass(frozen=True)
class SelfModelPage:
    self_models: tuple[SelfModel, ...]
    next_page_token: str


class Lifecycle:
    def __init__(self, dependencies: Dependencies) -> None:
        self._store = dependencies.store
        self._clock = dependencies.clock

    async def get_or_create(self, tenant: str, *, external_user_id: str, scope: str) -> SelfModel:
        validation.validate_user_key(external_user_id, scope)
        now = self._clock()

        async def work(tx: StoreTransaction) -> SelfModel:
            return await tx.self_models.get_or_create(
                scope=scope,
                external_user_id=external_user_id,
                new_user_id=names.new_id(),
                new_self_model_id=names.new_id(),
                alignment_score=NEUTRAL_ALIGNMENT,
                now=now,
            )

        return await self._store.write(tenant, work)

    async def get(self, tenant: str, ref: SelfModelRef, read: BeliefRead) -> SelfModel:
        if read.context is not None:
            validation.validate_context(read.context, "context")
        validation.validate_min_confidence(read.min_confidence, "min_confidence")
        if ref.self_model_id is None:
            validation.validate_user_key(ref.external_user_id, ref.scope)

        async def work(tx: StoreTransaction) -> SelfModel:
            if read.as_of is None:
                found = await tx.beliefs.model_with_current(
                    self_model_id=ref.self_model_id,
                    scope=ref.scope,
                    external_user_id=ref.external_user_id,
                    context=read.context,
                    min_confidence=read.min_confidence,
                )
                if found is None:
                    # Says NOT_FOUND, or FAILED_PRECONDITION for a deleted model.
                    model = await find_model(tx, ref)
                    found = (
                        model,
                        await tx.beliefs.current(
                            model.id, context=read.context, min_confidence=read.min_confidence
                        ),
                    )
                model, beliefs = found
                return replace(model, beliefs=tuple(beliefs))
            model = await find_model(tx, ref)
            if read.as_of < model.create_time:
                raise NotFound(f"{names.self_model_name(model.id)} as of {read.as_of.isoformat()}")
            beliefs = await tx.beliefs.as_of(
                model.id, read.as_of, context=read.context, min_confidence=read.min_confidence
            )
            alignment = await tx.self_models.alignment_as_of(model.id, read.as_of)
            return replace(
                model,
                beliefs=tuple(beliefs),
                alignment_score=NEUTRAL_ALIGNMENT if alignment is None else alignment,
                update_time=max([model.create_time, *(b.update_time for b in beliefs)]),
            )

        return await self._store.read(tenant, work)

    async def list(
        self, tenant: str, *, scope: str, page_size: int, page_token: str
    ) -> SelfModelPage:
        validation.validate_texts({"scope": (scope, limits.MAX_IDENTIFIER_BYTES)})
        request_key = f"{tenant}/selfModels?scope={scope}"
        page = paging.page_of(page_size, page_token, request_key=request_key)

        async def work(tx: StoreTransaction) -> SelfModelPage:
            models = await tx.self_models.page(scope=scope, after=page.after, limit=page.size)
            last = (paging.micros(models[-1].create_time), models[-1].id) if models else None
            return SelfModelPage(tuple(models), page.next_token(len(models), last, request_key))

        return await self._store.read(tenant, work)

    async def delete(self, tenant: str, self_model_name: str) -> None:
        self_model_id = names.parse_self_model_name(self_model_name, "name")
        now = self._clock()

        async def work(tx: StoreTransaction) -> None:
            if not await tx.self_models.delete(self_model_id, now):
                await raise_missing(tx, self_model_id)

        await self._store.write(tenant, work)

    async def delete_user(self, tenant: str, *, external_user_id: str, scope: str) -> None:
        validation.validate_user_key(external_user_id, scope)
        now = self._clock()

        async def work(tx: StoreTransaction) -> None:
            model = await find_model(
                tx, SelfModelRef(scope=scope, external_user_id=external_user_id)
            )
            await tx.self_models.delete(model.id, now)

        await self._store.write(tenant, work)

    async def export(self, tenant: str, *, external_user_id: str, scope: str) -> UserExport:
        validation.validate_user_key(external_user_id, scope)
        now = self._clock()

        async def work(tx: StoreTransaction) -> UserExport:
            model = await find_model(
                tx, SelfModelRef(scope=scope, external_user_id=external_user_id)
            )
            beliefs = await tx.beliefs.current(
                model.id, context=None, min_confidence=0.0, show_retracted=True
            )
            versions = await tx.beliefs.all_versions(model.id)
            observations = await tx.observations.page(
                model.id, context=None, after=None, limit=EXPORT_LIMIT
            )
            return UserExport(
                self_model=replace(model, beliefs=tuple(beliefs)),
                versions=tuple(versions),
                observations=tuple(observations),
                export_time=now,
            )

        return await self._store.read(tenant, work)
