"""WatchSelfModel: the belief changes of a self-model, as they commit."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator

from service.application.common import Dependencies, SelfModelRef, find_model
from service.application.feed import ChangeFeed
from service.domain import names, validation
from service.domain.model import CommittedChanges
from store.transaction import StoreTransaction

BATCH = 100
"""Observations read per look; a watcher that fell behind catches up in batches."""


class Watcher:
    def __init__(self, dependencies: Dependencies, feed: ChangeFeed) -> None:
        self._store = dependencies.store
        self._poll_seconds = dependencies.settings.watch_poll_interval.total_seconds()
        self._feed = feed

    async def watch(
        self, tenant: str, self_model_name: str, start_after_revision: int | None
    ) -> AsyncIterator[CommittedChanges]:
        """Yields each committed observation's belief changes, in commit order, until the
        caller stops; ends with FAILED_PRECONDITION if the model is deleted meanwhile."""
        self_model_id = names.parse_self_model_name(self_model_name, "self_model")
        if start_after_revision is not None:
            validation.validate_revision(start_after_revision, "start_after_revision")
        ref = SelfModelRef(self_model_id=self_model_id)

        async def current_revision(tx: StoreTransaction) -> int:
            return (await find_model(tx, ref)).revision

        # Subscribe before the first read, so nothing committed in between is missed.
        with self._feed.subscribe(tenant, self_model_id) as wake:
            revision = (
                await self._store.read(tenant, current_revision)
                if start_after_revision is None
                else start_after_revision
            )
            while True:
                wake.clear()
                batch = await self._store.read(
                    tenant, functools.partial(self._committed_after, ref=ref, revision=revision)
                )
                for committed in batch:
                    revision = committed.revision
                    if committed.changes:
                        yield committed
                if len(batch) == BATCH:
                    continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), self._poll_seconds)

    @staticmethod
    async def _committed_after(
        tx: StoreTransaction, *, ref: SelfModelRef, revision: int
    ) -> list[CommittedChanges]:
        model = await find_model(tx, ref)
        observations = await tx.observations.committed_after(model.id, revision, BATCH)
        return [
            CommittedChanges(
                revision=observation.revision,
                observation_id=observation.id,
                self_model_id=model.id,
                changes=tuple(await tx.observations.changes_caused_by(observation)),
                commit_time=observation.create_time,
            )
            for observation in observations
        ]
