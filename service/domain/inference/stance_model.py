"""The stance model at run time: a small cross-encoder that reads an observation together
with one inventory entry and says whether it speaks for the entry, against it or neither.

Trained by `python -m service.eval.train_inference_encoder` from the packaged
all-MiniLM-L6-v2 (its first three layers, their token states averaged, and a three-way
head: for, against, neither). The file beside this module holds those layers as ONNX with
int8 weights; the frozen word-embedding table and the tokenizer are read from the packaged
model at run time, as for the merge judge's pair model (`service.domain.merge.pair_model`).

The first text is the observation's content, the second the entry as `entry_text` writes
it. "For" means the observation speaks for the entry's statement; "against" that it speaks
for the opposite (or, without an opposite, against the statement).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from service.domain.inventory import InventoryEntry
from service.domain.merge.pair_model import open_exported

WEIGHTS = Path(__file__).with_name("stance_model.onnx")
CLASSES = ("for", "against", "neither")
MAX_TOKENS = 96


def entry_text(entry: InventoryEntry) -> str:
    """The second text of a pair: the statement, and its opposite when it has one."""
    if entry.opposite:
        return f"{entry.statement} (opposite: {entry.opposite})"
    return entry.statement


@dataclass(frozen=True, eq=False)
class StanceModel:
    session: Any
    tokenizer: Any
    word_embeddings: npt.NDArray[np.float32]

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> StanceModel:
        """The model in `path`, loaded once per process."""
        return _load(path.resolve())

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> npt.NDArray[np.float64]:
        """(len(pairs), 3): the probabilities of for, against and neither for each
        (observation content, entry text) pair, all pairs in one run of the model.

        Deterministic for the same pairs; the int8 activations are scaled per run, so a
        pair's figures can move in the third decimal with the other pairs of the batch.
        """
        if not pairs:
            return np.zeros((0, len(CLASSES)), dtype=np.float64)
        encodings = [self.tokenizer.encode(a, b) for a, b in pairs]
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)  # 0 is [PAD]
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            length = len(encoding.ids)
            ids[row, :length] = encoding.ids
            mask[row, :length] = encoding.attention_mask
            types[row, :length] = encoding.type_ids
        logits = np.asarray(
            self.session.run(
                None,
                {
                    "inputs_embeds": self.word_embeddings[ids],
                    "attention_mask": mask,
                    "token_type_ids": types,
                },
            )[0],
            dtype=np.float64,
        )
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        probabilities: npt.NDArray[np.float64] = exp / exp.sum(axis=1, keepdims=True)
        return probabilities


@functools.cache
def _load(path: Path) -> StanceModel:
    return StanceModel(*open_exported(path, MAX_TOKENS))


__all__ = ["CLASSES", "MAX_TOKENS", "WEIGHTS", "StanceModel", "entry_text"]
