"""The pair classifier at run time: a multinomial logistic regression in numpy.

Its parameters live in `weights.json` beside this file, written by
`python -m service.eval.train_merge`, and are read once, at import.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from service.domain.merge.features import SCALAR_FEATURES

WEIGHTS = Path(__file__).with_name("weights.json")
CLASSES = ("duplicate", "contradiction", "distinct")


@dataclass(frozen=True)
class Classifier:
    mean: npt.NDArray[np.float64]
    scale: npt.NDArray[np.float64]
    coef: npt.NDArray[np.float64]
    intercept: npt.NDArray[np.float64]
    embedding_parts: tuple[str, ...]
    """which embedding blocks follow the scalar features: 'abs_diff', 'product'"""
    same_threshold: float
    opposite_threshold: float
    max_contradiction: float

    def select(self, features: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Pick the blocks this model was trained on from the full feature vector."""
        n = len(SCALAR_FEATURES)
        dims = (len(features) - n) // 2
        parts = [features[:n]]
        if "abs_diff" in self.embedding_parts:
            parts.append(features[n : n + dims])
        if "product" in self.embedding_parts:
            parts.append(features[n + dims :])
        return np.concatenate(parts)

    def probabilities(self, features: npt.NDArray[np.float64]) -> dict[str, float]:
        z = (self.select(features) - self.mean) / self.scale
        logits = self.coef @ z + self.intercept
        logits -= logits.max()
        p = np.exp(logits)
        p /= p.sum()
        return {name: float(p[i]) for i, name in enumerate(CLASSES)}


def load(path: Path = WEIGHTS) -> Classifier:
    raw = json.loads(path.read_text(encoding="utf-8"))
    if list(raw["scalar_features"]) != list(SCALAR_FEATURES):
        raise ValueError(f"{path} was trained on other features; retrain the merge judge")
    if list(raw["classes"]) != list(CLASSES):
        raise ValueError(f"{path} has classes {raw['classes']}, expected {CLASSES}")
    scale = np.asarray(raw["scale"], dtype=np.float64)
    return Classifier(
        mean=np.asarray(raw["mean"], dtype=np.float64),
        scale=np.where(scale > 0, scale, 1.0),
        coef=np.asarray(raw["coef"], dtype=np.float64),
        intercept=np.asarray(raw["intercept"], dtype=np.float64),
        embedding_parts=tuple(raw["embedding_parts"]),
        same_threshold=float(raw["thresholds"]["same"]),
        opposite_threshold=float(raw["thresholds"]["opposite"]),
        max_contradiction=float(raw["thresholds"]["max_contradiction"]),
    )
