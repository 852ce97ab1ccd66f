"""The embedding micro-batcher: each caller gets its own vectors, texts are embedded once."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from service.embedding_batcher import BatchingEmbedder, Vector

pytestmark = pytest.mark.asyncio


class CountingModel:
    """A stand-in model whose vector names its text, and which records every batch."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.fail_next = False
        self.release = threading.Event()
        self.release.set()

    def __call__(self, texts: Sequence[str]) -> list[Vector]:
        self.release.wait(5)
        self.batches.append(list(texts))
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("model failed")
        return [[float(len(text)), float(sum(map(ord, text)))] for text in texts]


def vector_of(text: str) -> Vector:
    return [float(len(text)), float(sum(map(ord, text)))]


@pytest.fixture
def model() -> CountingModel:
    return CountingModel()


@pytest.fixture
def batcher(model: CountingModel) -> BatchingEmbedder:
    return BatchingEmbedder(model, ThreadPoolExecutor(max_workers=1), window=0.01)


async def test_concurrent_callers_share_one_model_call_and_get_their_own_vectors(
    model: CountingModel, batcher: BatchingEmbedder
) -> None:
    requests = [[f"statement {n}", f"other {n}"] for n in range(8)]
    results = await asyncio.gather(*(batcher.embed(texts) for texts in requests))
    for texts, vectors in zip(requests, results, strict=True):
        assert vectors == [vector_of(text) for text in texts]
    assert len(model.batches) == 1
    assert sorted(model.batches[0]) == sorted(text for texts in requests for text in texts)


async def test_a_repeated_text_is_never_embedded_again(
    model: CountingModel, batcher: BatchingEmbedder
) -> None:
    first = await batcher.embed(["Prefers concise answers"])
    again = await batcher.embed(["Prefers concise answers", "Prefers concise answers"])
    assert again == [first[0], first[0]]
    assert model.batches == [["Prefers concise answers"]]


async def test_a_text_in_flight_is_shared_not_sent_twice(
    model: CountingModel, batcher: BatchingEmbedder
) -> None:
    model.release.clear()
    first = asyncio.ensure_future(batcher.embed(["same"]))
    await asyncio.sleep(0.05)  # the first batch is now inside the model
    second = asyncio.ensure_future(batcher.embed(["same", "new"]))
    await asyncio.sleep(0.05)
    model.release.set()
    assert await first == [vector_of("same")]
    assert await second == [vector_of("same"), vector_of("new")]
    assert model.batches == [["same"], ["new"]]


async def test_what_arrives_while_the_model_is_busy_goes_in_the_next_batch(
    model: CountingModel, batcher: BatchingEmbedder
) -> None:
    model.release.clear()
    first = asyncio.ensure_future(batcher.embed(["a"]))
    await asyncio.sleep(0.05)
    queued = [asyncio.ensure_future(batcher.embed([f"b{n}"])) for n in range(5)]
    await asyncio.sleep(0.05)
    model.release.set()
    await first
    assert [await q for q in queued] == [[vector_of(f"b{n}")] for n in range(5)]
    assert model.batches == [["a"], [f"b{n}" for n in range(5)]]


async def test_a_model_failure_fails_that_batch_only_and_is_not_cached(
    model: CountingModel, batcher: BatchingEmbedder
) -> None:
    model.fail_next = True
    with pytest.raises(RuntimeError, match="model failed"):
        await batcher.embed(["x"])
    assert await batcher.embed(["x"]) == [vector_of("x")]
    assert len(model.batches) == 2


async def test_one_caller_giving_up_does_not_fail_another_waiting_for_the_same_text(
    model: CountingModel, batcher: BatchingEmbedder
) -> None:
    model.release.clear()
    impatient = asyncio.ensure_future(batcher.embed(["shared"]))
    patient = asyncio.ensure_future(batcher.embed(["shared"]))
    await asyncio.sleep(0.05)
    impatient.cancel()
    model.release.set()
    assert await patient == [vector_of("shared")]
    assert impatient.cancelled()
