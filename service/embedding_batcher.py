"""Shares the embedding model between concurrent requests: a cache and a micro-batcher.

The model costs ~14 ms for one short sentence and ~3 ms per sentence in a batch on this
kind of CPU, and the same statements come back again and again (a user's "prefers concise
answers" is proposed on every visit). So:

* every distinct text is embedded once per process while it stays in an LRU cache
  (`cachetools`, a maintained library, rather than a hand-made eviction list);
* texts that miss the cache wait up to `window` seconds for other requests' texts and go
  to the model together; while one batch runs, what arrives queues for the next one;
* a text already on its way to the model is not sent twice: callers share its result.

The model runs on one worker thread, so the event loop never blocks on it. A batcher of
~60 lines is written here rather than taken from a package: it must share the model's
single thread and the cache, and the async batching packages on PyPI are 0.x releases.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import Executor

from cachetools import LRUCache
from opentelemetry import trace

Vector = list[float]
EmbedBlocking = Callable[[Sequence[str]], list[Vector]]

_tracer = trace.get_tracer(__name__)


class BatchingEmbedder:
    def __init__(
        self,
        embed_blocking: EmbedBlocking,
        executor: Executor,
        *,
        window: float = 0.002,
        max_batch: int = 64,
        cache_size: int = 20_000,
    ) -> None:
        self._embed_blocking = embed_blocking
        self._executor = executor
        self._window = window
        self._max_batch = max_batch
        self._cache: LRUCache[str, Vector] = LRUCache(maxsize=cache_size)
        self._waiting: dict[str, asyncio.Future[Vector]] = {}
        """Texts not yet sent to the model, in arrival order."""
        self._running: dict[str, asyncio.Future[Vector]] = {}
        self._timer: asyncio.Handle | None = None

    async def embed(self, texts: Sequence[str]) -> list[Vector]:
        if not texts:
            return []
        # The counts only: the texts are what users said.
        with _tracer.start_as_current_span("embed") as span:
            span.set_attribute("selfmodel.embedding.texts", len(texts))
            return await self._embed(texts, span)

    async def _embed(self, texts: Sequence[str], span: trace.Span) -> list[Vector]:
        loop = asyncio.get_running_loop()
        results: list[Vector | asyncio.Future[Vector]] = []
        for text in texts:
            cached = self._cache.get(text)
            if cached is not None:
                results.append(cached)
                continue
            future = self._waiting.get(text) or self._running.get(text)
            if future is None:
                future = loop.create_future()
                self._waiting[text] = future
            results.append(future)
        span.set_attribute(
            "selfmodel.embedding.cached", sum(isinstance(item, list) for item in results)
        )
        if self._waiting and not self._running and self._timer is None:
            delay = 0.0 if len(self._waiting) >= self._max_batch else self._window
            self._timer = loop.call_later(delay, self._send_batch)
        # shield: one caller's cancellation (its deadline) must not fail the others.
        return [item if isinstance(item, list) else await asyncio.shield(item) for item in results]

    def _send_batch(self) -> None:
        self._timer = None
        texts = list(self._waiting)[: self._max_batch]
        for text in texts:
            self._running[text] = self._waiting.pop(text)
        done = asyncio.get_running_loop().run_in_executor(
            self._executor, self._embed_blocking, texts
        )
        done.add_done_callback(lambda finished: self._batch_done(texts, finished))

    def _batch_done(self, texts: list[str], finished: asyncio.Future[list[Vector]]) -> None:
        error = (
            RuntimeError("the embedding model stopped")
            if finished.cancelled()
            else finished.exception()
        )
        vectors = [] if error is not None else finished.result()
        for position, text in enumerate(texts):
            future = self._running.pop(text)
            if future.done():
                continue
            if error is not None:
                future.set_exception(error)
            else:
                self._cache[text] = vectors[position]
                future.set_result(vectors[position])
        if self._waiting:
            # What queued while the model was busy goes at once: it has waited long enough.
            self._timer = asyncio.get_running_loop().call_soon(self._send_batch)
