"""What every use case shares: settings, the clock, finding and locking a self-model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from service.application.ports import CandidateSearch
from service.domain import names
from service.domain.confidence import EvidenceModel
from service.domain.errors import FailedPrecondition, NotFound
from service.domain.model import SelfModel
from service.embeddings import Embedder
from store.graph import GraphStore
from store.transaction import StoreTransaction

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class EngineSettings:
    """The tunable numbers of the belief engine (see docs/confidence.md)."""

    evidence: EvidenceModel = field(default_factory=EvidenceModel)
    alignment_rate: float = 0.1
    """How much one tested prediction moves the alignment score."""
    candidates: CandidateSearch = field(default_factory=CandidateSearch)
    watch_poll_interval: timedelta = timedelta(seconds=2)
    """How often a watch looks for changes committed by other service instances."""


@dataclass(frozen=True)
class Dependencies:
    """What the use cases work with."""

    store: GraphStore
    embedder: Embedder
    settings: EngineSettings
    clock: Clock = utc_now


@dataclass(frozen=True)
class SelfModelRef:
    """Names a self-model by id, or by (scope, external user id)."""

    self_model_id: str | None = None
    scope: str = ""
    external_user_id: str = ""


async def find_model(tx: StoreTransaction, ref: SelfModelRef) -> SelfModel:
    """The model `ref` names in the transaction's tenant.

    NOT_FOUND when it does not exist, FAILED_PRECONDITION when it was deleted.
    """
    if ref.self_model_id is not None:
        model = await tx.self_models.find(ref.self_model_id)
        if model is None:
            await raise_missing(tx, ref.self_model_id)
    else:
        model = await tx.self_models.find_by_user(
            scope=ref.scope, external_user_id=ref.external_user_id
        )
        if model is None:
            raise NotFound(f"self-model of user {ref.external_user_id!r} in scope {ref.scope!r}")
    return model


async def raise_missing(tx: StoreTransaction, self_model_id: str) -> NoReturn:
    """FAILED_PRECONDITION if the model was deleted, else NOT_FOUND."""
    name = names.self_model_name(self_model_id)
    if await tx.self_models.was_deleted(self_model_id):
        raise FailedPrecondition(f"{name} was deleted")
    raise NotFound(name)
