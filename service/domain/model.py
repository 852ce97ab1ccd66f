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
    ASSERTION = "assertion"
    """The user stated, corrected or retracted the belief when asked directly."""


class Stance(enum.Enum):
    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"


class ChangeKind(enum.Enum):
    CREATED = "created"
    """A new belief was formed."""
    REINFORCED = "reinforced"
    """The same statement was supported again."""
    WEAKENED = "weakened"
    """Evidence against: the statement contradicted, or its opposite supported."""
    MERGED = "merged"
    """A paraphrase of the belief was supported and merged into it."""
    RESTATED = "restated"
    """The statement was replaced by a corrected one."""
    RETRACTED = "retracted"
    """The user said the belief does not hold; it is kept, with its evidence, as history."""


class BeliefState(enum.Enum):
    ACTIVE = "active"
    RETRACTED = "retracted"
    """The user said it does not hold: kept with its history, left out of reads."""


@dataclass(frozen=True)
class Evidence:
    """The evidence behind a belief: the signed log-odds sum, aged to `as_of`."""

    weight: float
    as_of: datetime


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
    evidence: Evidence
    state: BeliefState = BeliefState.ACTIVE
    inventory_key: str = ""
    """The inventory entry the belief follows, if it was learned from one."""

    @property
    def etag(self) -> str:
        """Changes with every version (optimistic concurrency for user corrections)."""
        return f'"{self.version}"'


@dataclass(frozen=True)
class BeliefVersion:
    """One immutable step in a belief's history."""

    belief_id: str
    self_model_id: str
    version: int
    statement: str
    confidence: float
    context: str
    kind: ChangeKind
    valid_from: datetime
    valid_to: datetime | None
    """None while this is the current version."""
    observation_id: str
    state: BeliefState = BeliefState.ACTIVE
    reason: str = ""


@dataclass(frozen=True)
class SelfModel:
    id: str
    external_user_id: str
    scope: str
    alignment_score: float
    create_time: datetime
    update_time: datetime
    beliefs: tuple[Belief, ...] = ()
    revision: int = 0
    """Grows by one with every committed observation."""


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
    revision: int = 0
    """The self-model's revision this observation committed as."""


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
    reason: str


@dataclass(frozen=True)
class ObserveResult:
    observation: Observation
    changes: tuple[BeliefChange, ...]
    alignment_score: float


class BeliefOrder(enum.Enum):
    """How ListBeliefs sorts; the values are the API's `order_by` strings."""

    CONFIDENCE_DESC = "confidence desc"
    CONFIDENCE = "confidence"
    UPDATE_TIME_DESC = "update_time desc"
    UPDATE_TIME = "update_time"
    CREATE_TIME_DESC = "create_time desc"
    CREATE_TIME = "create_time"


@dataclass(frozen=True)
class EvidenceLink:
    """An observation for or against a belief, and the weight it carried when it arrived."""

    observation: Observation
    weight: float
    reason: str = ""


@dataclass(frozen=True)
class MergedStatement:
    """A paraphrase that was merged into a belief instead of becoming a belief of its own."""

    statement: str
    observation_id: str
    merge_time: datetime


@dataclass(frozen=True)
class Provenance:
    """Why the model believes what it does about one belief."""

    belief: Belief
    supporting: tuple[EvidenceLink, ...]
    contradicting: tuple[EvidenceLink, ...]
    merged_statements: tuple[MergedStatement, ...]
    conflicting_beliefs: tuple[Belief, ...]
    corrected_to: tuple[Belief, ...] = ()
    corrected_from: tuple[Belief, ...] = ()


@dataclass(frozen=True)
class UserExport:
    """Everything held about one user."""

    self_model: SelfModel
    """With every belief, retracted ones included."""
    versions: tuple[BeliefVersion, ...]
    observations: tuple[Observation, ...]
    export_time: datetime


@dataclass(frozen=True)
class CommittedChanges:
    """The belief changes one observation caused, as a watcher sees them."""

    revision: int
    observation_id: str
    self_model_id: str
    changes: tuple[BeliefChange, ...]
    commit_time: datetime
