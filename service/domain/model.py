"""The values the service reasons about: self-models, observations, beliefs, changes."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class ObservationType(enum.Enum):
    PREFERENCE = "preference"
    CORRECTION = "correction"
    INTERACTION = "interaction"
    ANSWER = "answer"
    FEEDBACK = "feedback"


class Stance(enum.Enum):
    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"


class ChangeKind(enum.Enum):
    CREATED = "created"
    REINFORCED = "reinforced"
    WEAKENED = "weakened"


GLOBAL_CONTEXT = ""
"""The context of a belief that holds in every context."""


@dataclass(frozen=True)
class Belief:
    id: str
    self_model_id: str
    statement: str
    confidence: float
    context: str
    version: int
    create_time: datetime
    update_time: datetime


@dataclass(frozen=True)
class SelfModel:
    id: str
    external_user_id: str
    scope: str
    alignment_score: float
    create_time: datetime
    update_time: datetime
    beliefs: tuple[Belief, ...] = ()


@dataclass(frozen=True)
class NewObservation:
    """An observation as a caller submits it (validated)."""

    type: ObservationType
    content: str
    context: str
    occur_time: datetime | None
    idempotency_key: str


@dataclass(frozen=True)
class Observation:
    id: str
    self_model_id: str
    type: ObservationType
    content: str
    context: str
    occur_time: datetime
    idempotency_key: str
    create_time: datetime


@dataclass(frozen=True)
class BeliefProposal:
    """A belief the caller says an observation supports or contradicts."""

    statement: str
    stance: Stance
    context: str


@dataclass(frozen=True)
class BeliefChange:
    belief: Belief
    kind: ChangeKind
    previous_confidence: float


@dataclass(frozen=True)
class ObserveResult:
    observation: Observation
    changes: tuple[BeliefChange, ...]


@dataclass(frozen=True)
class BeliefFilter:
    """Which beliefs a read returns: one context (plus global ones) and a confidence floor."""

    context: str | None = None
    min_confidence: float = 0.0
