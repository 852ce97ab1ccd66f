"""The sentence-embedding model's transformer as ONNX, exported once per model and kept in
the cache, so the service computes embeddings with ONNX Runtime and never loads torch.

    python -m service.embedding_export [MODEL_DIR]

The export (torch, ~20 s the first time) is keyed by the model's weights: the same weights
give the same file, and the vectors match sentence-transformers' to within 1e-6 (tested).
Concurrent first starts wait for one export instead of racing.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

EXPORT_VERSION = "1"
"""Changes whenever the export itself changes (inputs, opset, outputs)."""


def cache_dir() -> Path:
    """`SELFMODEL_CACHE_DIR`, else ~/.cache/selfmodel (where `make` keeps its downloads)."""
    configured = os.environ.get("SELFMODEL_CACHE_DIR")
    return Path(configured) if configured else Path.home() / ".cache" / "selfmodel"


def _weights_key(model_dir: Path) -> str:
    digest = hashlib.sha256(EXPORT_VERSION.encode())
    with (model_dir / "model.safetensors").open("rb") as weights:
        for block in iter(lambda: weights.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def exported_model(model_dir: Path) -> Path:
    """The ONNX file of `model_dir`'s transformer (inputs input_ids, attention_mask,
    token_type_ids; output last_hidden_state), exporting it first if the cache lacks it."""
    target = cache_dir() / f"onnx-{model_dir.name}-{_weights_key(model_dir)}" / "model.onnx"
    if target.exists():
        return target
    with _exclusive(target.with_suffix(".lock")):
        if not target.exists():
            print(
                f"Exporting the embedding model to ONNX (once, ~20 s): {target}",
                file=sys.stderr,
                flush=True,
            )
            _export(model_dir, target)
    return target


def _export(model_dir: Path, target: Path) -> None:
    import torch
    from transformers import AutoModel

    class LastHiddenState(torch.nn.Module):  # type: ignore[misc]  # torch is analysed as Any
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            token_type_ids: torch.Tensor,
        ) -> torch.Tensor:
            output: torch.Tensor = self.model(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=token_type_ids,
                return_dict=False,
            )[0]
            return output

    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True)
    # eval() on the wrapper: the exporter would otherwise trace dropout.
    wrapper = LastHiddenState(model).eval()
    sample = torch.ones((2, 8), dtype=torch.int64)
    axes = {0: "batch", 1: "tokens"}
    names = ["input_ids", "attention_mask", "token_type_ids"]
    with (
        tempfile.TemporaryDirectory(dir=target.parent) as scratch,
        warnings.catch_warnings(),
    ):
        # The tracer warns about the branches it fixes for this graph (no cache, a mask
        # as long as the input): true for every call the embedder makes.
        warnings.simplefilter("ignore")
        partial = Path(scratch) / "model.onnx"
        with torch.no_grad():
            torch.onnx.export(
                wrapper,
                (sample, sample, torch.zeros_like(sample)),
                str(partial),
                input_names=names,
                output_names=["last_hidden_state"],
                dynamic_axes={name: axes for name in [*names, "last_hidden_state"]},
                opset_version=17,
                do_constant_folding=True,
                dynamo=False,
            )
        partial.replace(target)


if __name__ == "__main__":
    from service.embeddings import packaged_model_path

    print(exported_model(Path(sys.argv[1]) if len(sys.argv) > 1 else packaged_model_path()))
