"""The recording use cases against the in-memory port: one load, planning in memory, one
write; all of it or nothing; idempotent retries; the checks a user's correction needs."""

from __future__ import annotations

import asyncio
import hashlib
import random
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from service.application.common import EngineSettings
from service.application.feed import ChangeFeed
from service.application.inventories import InventoryIndexes
from service.application.recording import Recorder
from service.domain import names
from service.domain.errors import (
    Aborted,
    AlreadyExists,
    FailedPrecondition,
    NotFound,
    StoreUnavailable,
)
from service.domain.inventory import BeliefInventory
from service.domain.merge import statement_key
from service.domain.model import (
    BeliefProposal,
    BeliefState,
    ChangeKind,
    NewObservation,
    ObservationType,
    ObserveResult,
    SelfModel,
    Stance,
)
from tests.unit.recording_fake import InMemoryRecordings

NOW = datetime(2026, 3, 1, tzinfo=UTC)
MODEL_ID = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
SCOPE = "app"


class HashEmbedder:
    """A unit vector per statement key: the same statement always gets the same vector,
    different statements nearly orthogonal ones."""

    dimensions = 384

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        vectors = []
        for text in texts:
            seed = hashlib.sha256(statement_key(text).encode()).digest()
            generator = random.Random(seed)
            vector = [generator.gauss(0.0, 1.0) for _ in range(self.dimensions)]
            norm = sum(x * x for x in vector) ** 0.5
            vectors.append([x / norm for x in vector])
        return vectors


@pytest.fixture
def store() -> InMemoryRecordings:
    recordings = InMemoryRecordings()
    recordings.graph.models[MODEL_ID] = SelfModel(
        id=MODEL_ID,
        external_user_id="user-1",
        scope=SCOPE,
        alignment_score=0.5,
        create_time=NOW,
        update_time=NOW,
    )
    # An inventory with no entries: these tests are about proposals, not inference.
    recordings.graph.inventories[SCOPE] = BeliefInventory(SCOPE, entries=(), revision=1)
    return recordings


@pytest.fixture
def recorder(store: InMemoryRecordings) -> Recorder:
    embedder = HashEmbedder()
    return Recorder(
        store, embedder, EngineSettings(), lambda: NOW, ChangeFeed(), InventoryIndexes(embedder)
    )


def observe(
    recorder: Recorder,
    *statements: str,
    key: str = "",
    content: str = "the user did something",
    model_id: str = MODEL_ID,
) -> ObserveResult:
    return asyncio.run(
        recorder.observe(
            "tenant",
            model_id,
            NewObservation(ObservationType.PREFERENCE, content, "", None, key),
            [BeliefProposal(s, Stance.SUPPORTS, "") for s in statements],
        )
    )


def test_an_observation_is_one_load_and_one_write(
    recorder: Recorder, store: InMemoryRecordings
) -> None:
    result = observe(recorder, "Prefers dark mode", "Reads the news every morning")

    assert [c.kind for c in result.changes] == [ChangeKind.CREATED, ChangeKind.CREATED]
    [unit] = store.units
    assert (unit.loads, unit.writes) == (1, 1)
    assert store.graph.models[MODEL_ID].revision == 1
    assert result.observation.revision == 1


def test_a_statement_said_twice_in_one_call_makes_one_belief(
    recorder: Recorder, store: InMemoryRecordings
) -> None:
    result = observe(recorder, "Prefers dark mode", "prefers dark mode.")

    first, second = result.changes
    assert first.kind is ChangeKind.CREATED
    assert second.kind is ChangeKind.REINFORCED
    assert second.belief.id == first.belief.id
    assert second.belief.version == 2
    assert second.belief.confidence > first.belief.confidence
    [stored] = store.graph.beliefs.values()
    assert stored.belief == second.belief


def test_later_observations_build_on_what_earlier_ones_wrote(
    recorder: Recorder, store: InMemoryRecordings
) -> None:
    created = observe(recorder, "Prefers dark mode").changes[0].belief
    again = observe(recorder, "Prefers dark mode").changes[0]

    assert again.kind is ChangeKind.REINFORCED
    assert again.belief.id == created.id
    assert again.previous_confidence == created.confidence
    assert store.graph.models[MODEL_ID].revision == 2


def test_a_failed_write_leaves_nothing_and_the_next_call_succeeds(
    recorder: Recorder, store: InMemoryRecordings
) -> None:
    store.fail_next_write = StoreUnavailable("Neo4j went away")
    with pytest.raises(StoreUnavailable):
        observe(recorder, "Prefers dark mode", key="k1")
    assert store.graph.beliefs == {}
    assert store.graph.observations == {}
    assert store.graph.models[MODEL_ID].revision == 0

    result = observe(recorder, "Prefers dark mode", key="k1")
    assert [c.kind for c in result.changes] == [ChangeKind.CREATED]


def test_a_retry_returns_the_first_result_and_writes_nothing(
    recorder: Recorder, store: InMemoryRecordings
) -> None:
    first = observe(recorder, "Prefers dark mode", key="retry-me")
    again = observe(recorder, "Prefers dark mode", key="retry-me")

    assert again.observation == first.observation
    assert again.changes == first.changes
    assert store.units[-1].writes == 0
    assert len(store.graph.observations) == 1


def test_a_key_reused_for_another_request_is_refused(recorder: Recorder) -> None:
    observe(recorder, "Prefers dark mode", key="once")
    with pytest.raises(AlreadyExists, match="once"):
        observe(recorder, "Prefers light mode", key="once")


def test_an_unknown_or_deleted_model_is_named(
    recorder: Recorder, store: InMemoryRecordings
) -> None:
    with pytest.raises(NotFound, match="selfModels/nobody"):
        observe(recorder, "Prefers dark mode", model_id="nobody")
    store.graph.deleted.add("gone")
    with pytest.raises(FailedPrecondition, match="selfModels/gone was deleted"):
        observe(recorder, "Prefers dark mode", model_id="gone")


def test_a_retraction_checks_the_etag_and_is_not_repeated(
    recorder: Recorder, store: InMemoryRecordings
) -> None:
    belief = observe(recorder, "Prefers dark mode").changes[0].belief
    name = names.belief_name(MODEL_ID, belief.id)

    with pytest.raises(Aborted, match="etag"):
        asyncio.run(recorder.retract("tenant", name, "", '"7"', ""))
    assert store.graph.beliefs[belief.id].belief.version == 1

    retracted = asyncio.run(recorder.retract("tenant", name, "", belief.etag, ""))
    [change] = retracted.changes
    assert change.kind is ChangeKind.RETRACTED
    assert change.belief.state is BeliefState.RETRACTED
    assert "does not describe them: Prefers dark mode" in retracted.observation.content
    with pytest.raises(FailedPrecondition, match="already retracted"):
        asyncio.run(recorder.retract("tenant", name, "", "", ""))


def test_a_correction_weakens_the_old_belief_and_links_the_new_one(
    recorder: Recorder, store: InMemoryRecordings
) -> None:
    old = observe(recorder, "Prefers dark mode").changes[0].belief
    name = names.belief_name(MODEL_ID, old.id)

    result = asyncio.run(
        recorder.correct("tenant", name, "Prefers a high-contrast theme", "", "", "")
    )

    restated, created = result.changes
    assert restated.kind is ChangeKind.RESTATED and restated.belief.id == old.id
    assert restated.belief.confidence < old.confidence
    assert created.kind is ChangeKind.CREATED
    assert created.belief.statement == "Prefers a high-contrast theme"
    assert store.graph.corrections == {(old.id, created.belief.id)}
    missing = names.belief_name(MODEL_ID, "00000000-0000-4000-8000-000000000000")
    with pytest.raises(NotFound):
        asyncio.run(recorder.correct("tenant", missing, "Anything", "", "", ""))
