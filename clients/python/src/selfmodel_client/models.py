"""What the client returns and accepts: plain, frozen dataclasses, converted from the protos."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar, get_args

from google.protobuf.timestamp_pb2 import Timestamp

from selfmodel_client._proto.selfmodel.v1 import observation_pb2, self_model_pb2

ObservationType = Literal[
    "preference", "correction", "interaction", "answer", "feedback", "assertion"
]
Stance = Literal["supports", "contradicts"]
BeliefState = Literal["active", "retracted", "unspecified"]
ChangeKind = Literal[
    "created", "reinforced", "weakened", "merged", "restated", "retracted", "unspecified"
]

_OBSERVATION_TYPES: dict[ObservationType, observation_pb2.ObservationType.ValueType] = {
    "preference": observation_pb2.OBSERVATION_TYPE_PREFERENCE,
    "correction": observation_pb2.OBSERVATION_TYPE_CORRECTION,
    "interaction": observation_pb2.OBSERVATION_TYPE_INTERACTION,
    "answer": observation_pb2.OBSERVATION_TYPE_ANSWER,
    "feedback": observation_pb2.OBSERVATION_TYPE_FEEDBACK,
    "assertion": observation_pb2.OBSERVATION_TYPE_ASSERTION,
}
_STANCES: dict[Stance, observation_pb2.Stance.ValueType] = {
    "supports": observation_pb2.STANCE_SUPPORTS,
    "contradicts": observation_pb2.STANCE_CONTRADICTS,
}


@dataclass(frozen=True)
class Proposal:
    """A belief an observation speaks for or against; see `supports` and `contradicts`."""

    statement: str
    stance: Stance = "supports"
    context: str = ""

    def to_proto(self) -> observation_pb2.BeliefProposal:
        return observation_pb2.BeliefProposal(
            statement=self.statement, stance=_STANCES[self.stance], context=self.context
        )


def supports(statement: str, context: str = "") -> Proposal:
    return Proposal(statement, "supports", context)


def contradicts(statement: str, context: str = "") -> Proposal:
    return Proposal(statement, "contradicts", context)


@dataclass(frozen=True)
class Belief:
    name: str
    statement: str
    confidence: float
    context: str
    version: int
    state: BeliefState
    etag: str
    create_time: datetime | None
    update_time: datetime | None
    inventory_key: str = ""
    """The inventory belief this belief follows, if it was learned from the inventory."""

    @classmethod
    def from_proto(cls, belief: self_model_pb2.Belief) -> Belief:
        return cls(
            name=belief.name,
            statement=belief.statement,
            confidence=belief.confidence,
            context=belief.context,
            version=belief.version,
            state=_named(
                self_model_pb2.BeliefState.Name, belief.state, get_args(BeliefState), "unspecified"
            ),
            etag=belief.etag,
            create_time=_time(belief.create_time, belief.HasField("create_time")),
            update_time=_time(belief.update_time, belief.HasField("update_time")),
            inventory_key=belief.inventory_key,
        )


@dataclass(frozen=True)
class SelfModel:
    name: str
    external_user_id: str
    scope: str
    alignment_score: float
    revision: int
    beliefs: tuple[Belief, ...]
    create_time: datetime | None
    update_time: datetime | None

    @classmethod
    def from_proto(cls, model: self_model_pb2.SelfModel) -> SelfModel:
        return cls(
            name=model.name,
            external_user_id=model.external_user_id,
            scope=model.scope,
            alignment_score=model.alignment_score,
            revision=model.revision,
            beliefs=tuple(Belief.from_proto(belief) for belief in model.beliefs),
            create_time=_time(model.create_time, model.HasField("create_time")),
            update_time=_time(model.update_time, model.HasField("update_time")),
        )


@dataclass(frozen=True)
class Observation:
    name: str
    type: ObservationType | Literal["unspecified"]
    content: str
    context: str
    revision: int
    occur_time: datetime | None

    @classmethod
    def from_proto(cls, observation: observation_pb2.Observation) -> Observation:
        return cls(
            name=observation.name,
            type=_named(
                observation_pb2.ObservationType.Name,
                observation.type,
                get_args(ObservationType),
                "unspecified",
            ),
            content=observation.content,
            context=observation.context,
            revision=observation.revision,
            occur_time=_time(observation.occur_time, observation.HasField("occur_time")),
        )


@dataclass(frozen=True)
class BeliefChange:
    belief: Belief
    kind: ChangeKind
    previous_confidence: float
    reason: str

    @classmethod
    def from_proto(cls, change: observation_pb2.BeliefChange) -> BeliefChange:
        return cls(
            belief=Belief.from_proto(change.belief),
            kind=_named(
                observation_pb2.ChangeKind.Name,
                change.kind,
                get_args(ChangeKind),
                "unspecified",
            ),
            previous_confidence=change.previous_confidence,
            reason=change.reason,
        )


@dataclass(frozen=True)
class Observed:
    """What one observation did: the stored observation and each belief it changed."""

    observation: Observation
    changes: tuple[BeliefChange, ...]
    alignment_score: float


@dataclass(frozen=True)
class RenderedContext:
    """Text for an LLM system prompt, the beliefs it was built from and the active
    adaptations of the scope's inventory (`selfmodel_client.Adaptation`)."""

    text: str
    beliefs: tuple[Belief, ...]
    adaptations: tuple[Any, ...] = ()


def observation_type_to_proto(kind: ObservationType) -> observation_pb2.ObservationType.ValueType:
    try:
        return _OBSERVATION_TYPES[kind]
    except KeyError:
        raise ValueError(
            f"unknown observation type {kind!r}; one of {', '.join(_OBSERVATION_TYPES)}"
        ) from None


Known = TypeVar("Known", bound=str)
Number = TypeVar("Number", bound=int)


def _named(
    name_of: Callable[[Number], str], number: Number, known: tuple[Known, ...], fallback: Known
) -> Known:
    """An enum value as its lower-case literal (`BELIEF_STATE_ACTIVE` -> "active").

    Values this client does not know (a newer service) become `fallback`.
    """
    try:
        lowered = name_of(number).lower()
    except ValueError:
        return fallback
    for literal in known:
        if lowered.endswith("_" + literal):
            return literal
    return fallback


def _time(stamp: Timestamp, present: bool) -> datetime | None:
    return stamp.ToDatetime(tzinfo=UTC) if present else None
