"""The feature classifier at run time: a multinomial logistic regression in numpy over
the rule, structure and overlap features of `features.py`.

Its parameters live in `classifier.json` beside this file, written by
`python -m service.eval.tune_merge`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from service.domain.merge.features import SCALAR_FEATURES

WEIGHTS = Path(__file__).with_name("classifier.json")
CLASSES = ("duplicate", "contradiction", "distinct")


@dataclass(frozen=True)
class Classifier:
    mean: npt.NDArray[np.float64]
    scale: npt.NDArray[np.float64]
    coef: npt.NDArray[np.float64]
    intercept: npt.NDArray[np.float64]

    def probabilities(self, features: npt.NDArray[np.float64]) -> dict[str, float]:
        z = (features - self.mean) / self.scale
        logits = self.coef @ z + self.intercept
        logits -= logits.max()
        p = np.exp(logits)
        p /= p.sum()
        return {name: float(p[i]) for i, name in enumerate(CLASSES)}


def load(path: Path = WEIGHTS) -> Classifier:
    raw = json.loads(path.read_text(encoding="utf-8"))
    if list(raw["features"]) != list(SCALAR_FEATURES):
        raise ValueError(f"{path} was trained on other features: run service.eval.tune_merge")
    if list(raw["classes"]) != list(CLASSES):
        raise ValueError(f"{path} has classes {raw['classes']}, expected {CLASSES}")
    scale = np.asarray(raw["scale"], dtype=np.float64)
    return Classifier(
        mean=np.asarray(raw["mean"], dtype=np.float64),
        scale=np.where(scale > 0, scale, 1.0),
        coef=np.asarray(raw["coef"], dtype=np.float64),
        intercept=np.asarray(raw["intercept"], dtype=np.float64),
    )
