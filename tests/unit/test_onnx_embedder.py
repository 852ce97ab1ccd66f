"""The service's ONNX embedder gives sentence-transformers' vectors, without torch."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import numpy as np
import pytest

from service.embeddings import OnnxEmbedder, packaged_model_path

TEXTS = [
    "Prefers concise answers",
    "prefers concise answers",
    "Asked for the long version of the report, with every footnote and the appendix.",
    "Turned off dark mode at 9 am",
    "",
    "Ünïcödé and emoji 🙂 in a statement",
    # Longer than the 128 tokens tokenizer.json pads and truncates to by itself.
    " ".join(f"The user opened settings page {n} and changed nothing." for n in range(40)),
]


@pytest.fixture(scope="module")
def embedder() -> OnnxEmbedder:
    return OnnxEmbedder(str(packaged_model_path()))


def test_vectors_match_sentence_transformers(embedder: OnnxEmbedder) -> None:
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(packaged_model_path()), device="cpu").encode(
        TEXTS, normalize_embeddings=True
    )
    ours = np.asarray(asyncio.run(embedder.embed(TEXTS)))
    assert ours.shape == reference.shape == (len(TEXTS), embedder.dimensions)
    assert np.abs(ours - reference).max() < 1e-5
    # Alone or in a batch with longer texts (padding), a text gets the same vector.
    [alone] = embedder.embed_blocking([TEXTS[0]])
    assert np.abs(np.asarray(alone) - reference[0]).max() < 1e-5


def test_the_service_embeds_without_loading_torch() -> None:
    probe = (
        "import sys; from service.embeddings import OnnxEmbedder, packaged_model_path; "
        "e = OnnxEmbedder(str(packaged_model_path())); e.embed_blocking(['one sentence']); "
        "print('torch' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "False"
