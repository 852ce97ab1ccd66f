"""The stance model at run time: a small cross-encoder that says whether an observation
speaks for an inventory entry, against it or neither.

Trained by `python -m service.eval.train_inference_encoder` from the packaged
all-MiniLM-L6-v2: its first three layers read the observation's content together with one
side of the entry ("[CLS] content [SEP] side [SEP]"), their token states are averaged and a
linear head gives two scores, "speaks for this side" and "speaks against it". The file
beside this module holds those layers as ONNX with int8 weights; the frozen word-embedding
table and the tokenizer are read from the packaged model at run time, as for the merge
judge's pair model (`service.domain.merge.pair_model`).

An entry is read from both sides, the statement and the opposite (when it has one), each
with an example observation from the entry's signals (`entry_sides`), and the same network
scores each; the logit of "for" is (for the statement) + (against the opposite), that of
"against" is (against the statement) + (for the opposite), and "neither" has the fixed
logit `NEITHER_LOGIT`. So swapping an entry's sides swaps for and against exactly.
`entry_text` writes both sides as one string for `probabilities`.
"""

from __future__ import annotations

import functools
import math
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
SEPARATOR = "\x1f"
"""Between the two sides in `entry_text`: a control character, which no inventory text
may contain."""
NEITHER_SHARE = 0.4
"""The share of the "neither" examples each training round sees (see the trainer)."""
NEITHER_LOGIT = -math.log(NEITHER_SHARE)
"""Gives "neither" back the odds it has in the full training data."""


def entry_sides(entry: InventoryEntry) -> tuple[str, ...]:
    """The texts the model reads the entry from: its statement, then its opposite, each
    with the entry's first example observation for that side; without an opposite, the
    second side is the first example against alone (and absent without one)."""
    sides = (
        _side(entry.statement, entry.signals_for),
        _side(entry.opposite, entry.signals_against),
    )
    return tuple(side for side in sides if side)


def _side(pole: str, signals: Sequence[str]) -> str:
    if not signals:
        return pole
    return f"{pole} (e.g. {signals[0]})" if pole else f"e.g. {signals[0]}"


def entry_text(entry: InventoryEntry) -> str:
    """The second text of a pair for `StanceModel.probabilities`: the entry's sides."""
    return SEPARATOR.join(entry_sides(entry))


def combine(
    scores: npt.NDArray[np.float64], first: npt.NDArray[np.int64], second: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """(pairs, 3) logits of for, against and neither from the (rows, 2) row scores (for
    the row's side, against it): `first` holds each pair's statement row, `second` its
    opposite row or -1. (The trainer does the same with torch.)"""
    padded = np.concatenate([scores, np.zeros((1, 2), dtype=scores.dtype)])
    other = np.where(second < 0, len(scores), second)
    supports = padded[first, 0] + padded[other, 1]
    contradicts = padded[first, 1] + padded[other, 0]
    neither = np.full_like(supports, NEITHER_LOGIT)
    return np.stack([supports, contradicts, neither], axis=1)


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
        (observation content, `entry_text(entry)`) pair, all pairs in one run of the model.

        Deterministic for the same pairs; the int8 activations are scaled per run, so a
        pair's figures can move slightly with the other pairs of the batch.
        """
        if not pairs:
            return np.zeros((0, len(CLASSES)), dtype=np.float64)
        rows: list[tuple[str, str]] = []
        first: list[int] = []
        second: list[int] = []
        for content, text in pairs:
            sides = text.split(SEPARATOR)
            first.append(len(rows))
            second.append(len(rows) + 1 if len(sides) > 1 else -1)
            rows += [(content, side) for side in sides[:2]]
        logits = combine(
            self.row_scores(rows),
            np.asarray(first, dtype=np.int64),
            np.asarray(second, dtype=np.int64),
        )
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        probabilities: npt.NDArray[np.float64] = exp / exp.sum(axis=1, keepdims=True)
        return probabilities

    def row_scores(self, rows: Sequence[tuple[str, str]]) -> npt.NDArray[np.float64]:
        """(len(rows), 2): the scores for and against the side of each (content, side)."""
        encodings = [self.tokenizer.encode(a, b) for a, b in rows]
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)  # 0 is [PAD]
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            length = len(encoding.ids)
            ids[row, :length] = encoding.ids
            mask[row, :length] = encoding.attention_mask
            types[row, :length] = encoding.type_ids
        return np.asarray(
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


@functools.cache
def _load(path: Path) -> StanceModel:
    return StanceModel(*open_exported(path, MAX_TOKENS))


__all__ = [
    "CLASSES",
    "MAX_TOKENS",
    "NEITHER_LOGIT",
    "WEIGHTS",
    "StanceModel",
    "combine",
    "entry_sides",
    "entry_text",
]
