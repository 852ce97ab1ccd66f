"""The evidence model: how observations move a belief's confidence.

Confidence lives in log-odds space. A belief's `evidence` is the sum of the signed weights
of the observations about it, each weight set by how the observation was obtained and
halved for every `half_life` of its age; confidence is `sigmoid(logit(prior) + evidence)`.
Consistent evidence therefore saturates towards 1 without reaching it, one piece of
contrary evidence after many supports lowers a belief without erasing it, and evidence
fades, so a belief can follow a user who changes. See docs/confidence.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from service.domain.model import Evidence, ObservationType, Stance

DEFAULT_WEIGHTS: Mapping[ObservationType, float] = {
    ObservationType.INTERACTION: 0.2,
    ObservationType.PREFERENCE: 0.4,
    ObservationType.FEEDBACK: 0.5,
    ObservationType.CORRECTION: 0.8,
    ObservationType.ANSWER: 1.0,
    ObservationType.ASSERTION: 2.0,
}

# Keeps log-odds finite: no amount of evidence makes a belief certain.
_CONFIDENCE_FLOOR = 1e-4


@dataclass(frozen=True)
class EvidenceModel:
    """Configuration of the evidence model (see docs/confidence.md)."""

    prior: float = 0.5
    weights: Mapping[ObservationType, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    half_life: timedelta = timedelta(days=90)

    def weight(self, observation_type: ObservationType) -> float:
        return self.weights[observation_type]

    def decay(self, age: timedelta) -> float:
        """The share of its weight that evidence of this age keeps."""
        return float(0.5 ** (max(age, timedelta(0)) / self.half_life))


def aged(evidence: Evidence, when: datetime, model: EvidenceModel) -> float:
    """The weight `evidence` has left at `when`."""
    return evidence.weight * model.decay(when - evidence.as_of)


def logit(p: float) -> float:
    p = min(max(p, _CONFIDENCE_FLOOR), 1.0 - _CONFIDENCE_FLOOR)
    return math.log(p / (1.0 - p))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def confidence_of(evidence: float, model: EvidenceModel) -> float:
    """Confidence in [floor, 1 - floor] of a belief with this much (log-odds) evidence."""
    value = _sigmoid(logit(model.prior) + evidence)
    return min(max(value, _CONFIDENCE_FLOOR), 1.0 - _CONFIDENCE_FLOOR)


def add_observation(
    evidence: Evidence | None,
    stance: Stance,
    observation_type: ObservationType,
    occur_time: datetime,
    now: datetime,
    model: EvidenceModel,
) -> Evidence:
    """The evidence after one more observation, all of it aged to `now`."""
    signed = observation_weight(observation_type, occur_time, now, model)
    if stance is Stance.CONTRADICTS:
        signed = -signed
    earlier = 0.0 if evidence is None else aged(evidence, now, model)
    return Evidence(weight=earlier + signed, as_of=now)


def observation_weight(
    observation_type: ObservationType, occur_time: datetime, now: datetime, model: EvidenceModel
) -> float:
    """How much one observation weighs now: its type's weight, aged since it happened."""
    return model.weight(observation_type) * model.decay(now - occur_time)
