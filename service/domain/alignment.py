"""The alignment score: how well the model's beliefs anticipated what the user did next.

Each time an observation lands on a belief the model already held, that belief was a
prediction: confirmed, it scores the belief's confidence; contradicted, one minus it. The
alignment score is an exponential moving average of those scores, starting at 0.5 (no
evidence either way). Confirming confident beliefs raises it, contradicting them lowers it,
and beliefs the model was unsure of barely move it. See docs/confidence.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

NEUTRAL_ALIGNMENT = 0.5


@dataclass(frozen=True)
class Prediction:
    """An existing belief's confidence, and whether the new observation bore it out."""

    confidence: float
    confirmed: bool

    @property
    def score(self) -> float:
        return self.confidence if self.confirmed else 1.0 - self.confidence


def updated_alignment(current: float, predictions: Iterable[Prediction], rate: float) -> float:
    """The alignment score after these predictions were tested, each weighing `rate`."""
    for prediction in predictions:
        current += rate * (prediction.score - current)
    return current
