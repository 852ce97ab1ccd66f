"""The evidence model: how observations move a belief's confidence.

Confidence lives in log-odds space: every observation adds (supports) or subtracts
(contradicts) a weight that depends on how the observation was obtained. Repeated
consistent evidence therefore saturates towards 1 without reaching it, and one piece of
contrary evidence after many supports lowers a belief without erasing it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from service.domain.model import ObservationType, Stance

_DEFAULT_WEIGHTS: Mapping[ObservationType, float] = {
    ObservationType.INTERACTION: 0.2,
    ObservationType.PREFERENCE: 0.4,
    ObservationType.FEEDBACK: 0.5,
    ObservationType.CORRECTION: 0.8,
    ObservationType.ANSWER: 1.0,
}

# Keeps log-odds finite: no amount of evidence makes a belief certain.
_CONFIDENCE_FLOOR = 1e-4


@dataclass(frozen=True)
class EvidenceModel:
    """Configuration of the evidence model (see docs/confidence.md)."""

    prior: float = 0.5
    weights: Mapping[ObservationType, float] = field(default_factory=lambda: dict(_DEFAULT_WEIGHTS))

    def weight(self, observation_type: ObservationType) -> float:
        return self.weights[observation_type]


def _logit(p: float) -> float:
    p = min(max(p, _CONFIDENCE_FLOOR), 1.0 - _CONFIDENCE_FLOOR)
    return math.log(p / (1.0 - p))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def updated_confidence(current: float, stance: Stance, weight: float) -> float:
    """Confidence after one observation of `weight` with `stance` towards the belief."""
    signed = weight if stance is Stance.SUPPORTS else -weight
    updated = _sigmoid(_logit(current) + signed)
    return min(max(updated, _CONFIDENCE_FLOOR), 1.0 - _CONFIDENCE_FLOOR)
