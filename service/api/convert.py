"""Conversions between protobuf messages and domain values."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from selfmodel.v1 import history_pb2, observation_pb2, self_model_pb2, self_model_service_pb2
from service.domain import names
from service.domain.errors import InvalidArgument
from service.domain.model import (
    Belief,
    BeliefChange,
    BeliefProposal,
    BeliefState,
    BeliefVersion,
    ChangeKind,
    CommittedChanges,
    EvidenceLink,
    NewObservation,
    Observation,
    ObservationType,
    ObserveResult,
    Provenance,
    SelfModel,
    Stance,
    UserExport,
)

_OBSERVATION_TYPES: dict[observation_pb2.ObservationType.ValueType, ObservationType] = {
    observation_pb2.OBSERVATION_TYPE_PREFERENCE: ObservationType.PREFERENCE,
    observation_pb2.OBSERVATION_TYPE_CORRECTION: ObservationType.CORRECTION,
    observation_pb2.OBSERVATION_TYPE_INTERACTION: ObservationType.INTERACTION,
    observation_pb2.OBSERVATION_TYPE_ANSWER: ObservationType.ANSWER,
    observation_pb2.OBSERVATION_TYPE_FEEDBACK: ObservationType.FEEDBACK,
    observation_pb2.OBSERVATION_TYPE_ASSERTION: ObservationType.ASSERTION,
}
OBSERVATION_TYPE_VALUES = {domain: proto for proto, domain in _OBSERVATION_TYPES.items()}

_STANCES: dict[observation_pb2.Stance.ValueType, Stance] = {
    observation_pb2.STANCE_SUPPORTS: Stance.SUPPORTS,
    observation_pb2.STANCE_CONTRADICTS: Stance.CONTRADICTS,
}

_CHANGE_KINDS: dict[ChangeKind, observation_pb2.ChangeKind.ValueType] = {
    ChangeKind.CREATED: observation_pb2.CHANGE_KIND_CREATED,
    ChangeKind.REINFORCED: observation_pb2.CHANGE_KIND_REINFORCED,
    ChangeKind.WEAKENED: observation_pb2.CHANGE_KIND_WEAKENED,
    ChangeKind.MERGED: observation_pb2.CHANGE_KIND_MERGED,
    ChangeKind.RESTATED: observation_pb2.CHANGE_KIND_RESTATED,
    ChangeKind.RETRACTED: observation_pb2.CHANGE_KIND_RETRACTED,
}


_BELIEF_STATES: dict[BeliefState, self_model_pb2.BeliefState.ValueType] = {
    BeliefState.ACTIVE: self_model_pb2.BELIEF_STATE_ACTIVE,
    BeliefState.RETRACTED: self_model_pb2.BELIEF_STATE_RETRACTED,
}


def timestamp(value: datetime) -> Timestamp:
    result = Timestamp()
    result.FromDatetime(value)
    return result


def observation_type(
    value: observation_pb2.ObservationType.ValueType, field: str
) -> ObservationType:
    try:
        return _OBSERVATION_TYPES[value]
    except KeyError:
        raise InvalidArgument.of(field, "must be one of the OBSERVATION_TYPE_ values") from None


def stance(value: observation_pb2.Stance.ValueType, field: str) -> Stance:
    try:
        return _STANCES[value]
    except KeyError:
        raise InvalidArgument.of(field, "must be STANCE_SUPPORTS or STANCE_CONTRADICTS") from None


def time_of(value: Timestamp, field: str) -> datetime:
    """A protobuf Timestamp as a UTC datetime; INVALID_ARGUMENT when out of range."""
    try:
        return value.ToDatetime(tzinfo=UTC)
    except (ValueError, OverflowError):
        raise InvalidArgument.of(field, "not a valid timestamp") from None


def new_observation(message: observation_pb2.Observation) -> NewObservation:
    occur_time = (
        time_of(message.occur_time, "observation.occur_time")
        if message.HasField("occur_time")
        else None
    )
    return NewObservation(
        type=observation_type(message.type, "observation.type"),
        content=message.content.strip(),
        context=message.context.strip(),
        occur_time=occur_time,
        idempotency_key=message.idempotency_key,
    )


def belief_proposals(messages: list[observation_pb2.BeliefProposal]) -> list[BeliefProposal]:
    return [
        BeliefProposal(
            statement=message.statement.strip(),
            stance=stance(message.stance, f"beliefs[{index}].stance"),
            context=message.context.strip(),
        )
        for index, message in enumerate(messages)
    ]


def belief_message(belief: Belief) -> self_model_pb2.Belief:
    return self_model_pb2.Belief(
        name=names.belief_name(belief.self_model_id, belief.id),
        statement=belief.statement,
        confidence=belief.confidence,
        context=belief.context,
        version=belief.version,
        create_time=timestamp(belief.create_time),
        update_time=timestamp(belief.update_time),
        state=_BELIEF_STATES[belief.state],
        etag=belief.etag,
        inventory_key=belief.inventory_key,
    )


def self_model_message(model: SelfModel) -> self_model_pb2.SelfModel:
    return self_model_pb2.SelfModel(
        name=names.self_model_name(model.id),
        external_user_id=model.external_user_id,
        scope=model.scope,
        alignment_score=model.alignment_score,
        beliefs=[belief_message(b) for b in model.beliefs],
        create_time=timestamp(model.create_time),
        update_time=timestamp(model.update_time),
        revision=model.revision,
    )


def observation_message(observation: Observation) -> observation_pb2.Observation:
    return observation_pb2.Observation(
        name=names.observation_name(observation.self_model_id, observation.id),
        type=OBSERVATION_TYPE_VALUES[observation.type],
        content=observation.content,
        context=observation.context,
        occur_time=timestamp(observation.occur_time),
        idempotency_key=observation.idempotency_key,
        create_time=timestamp(observation.create_time),
        revision=observation.revision,
    )


def belief_change_message(change: BeliefChange) -> observation_pb2.BeliefChange:
    return observation_pb2.BeliefChange(
        belief=belief_message(change.belief),
        kind=_CHANGE_KINDS[change.kind],
        previous_confidence=change.previous_confidence,
        reason=change.reason,
    )


def belief_version_message(version: BeliefVersion) -> history_pb2.BeliefVersion:
    message = history_pb2.BeliefVersion(
        name=names.belief_version_name(version.self_model_id, version.belief_id, version.version),
        version=version.version,
        statement=version.statement,
        confidence=version.confidence,
        context=version.context,
        change_kind=_CHANGE_KINDS[version.kind],
        valid_from=timestamp(version.valid_from),
        observation=names.observation_name(version.self_model_id, version.observation_id),
        reason=version.reason,
    )
    if version.valid_to is not None:
        message.valid_to.CopyFrom(timestamp(version.valid_to))
    return message


def _evidence_message(link: EvidenceLink) -> history_pb2.Evidence:
    return history_pb2.Evidence(
        observation=observation_message(link.observation), weight=link.weight, reason=link.reason
    )


def provenance_message(provenance: Provenance) -> history_pb2.BeliefProvenance:
    belief = provenance.belief
    return history_pb2.BeliefProvenance(
        belief=belief_message(belief),
        supporting=[_evidence_message(link) for link in provenance.supporting],
        contradicting=[_evidence_message(link) for link in provenance.contradicting],
        merged_statements=[
            history_pb2.MergedStatement(
                statement=merged.statement,
                observation=names.observation_name(belief.self_model_id, merged.observation_id),
                merge_time=timestamp(merged.merge_time),
            )
            for merged in provenance.merged_statements
        ],
        conflicting_beliefs=[belief_message(b) for b in provenance.conflicting_beliefs],
        corrected_to=[belief_message(b) for b in provenance.corrected_to],
        corrected_from=[belief_message(b) for b in provenance.corrected_from],
    )


def observe_response(result: ObserveResult) -> self_model_service_pb2.ObserveResponse:
    return self_model_service_pb2.ObserveResponse(
        observation=observation_message(result.observation),
        belief_changes=[belief_change_message(c) for c in result.changes],
        alignment_score=result.alignment_score,
    )


def user_export_message(export: UserExport) -> history_pb2.UserExport:
    return history_pb2.UserExport(
        self_model=self_model_message(export.self_model),
        belief_versions=[belief_version_message(v) for v in export.versions],
        observations=[observation_message(o) for o in export.observations],
        export_time=timestamp(export.export_time),
    )


def watch_message(committed: CommittedChanges) -> self_model_service_pb2.WatchSelfModelResponse:
    return self_model_service_pb2.WatchSelfModelResponse(
        revision=committed.revision,
        observation=names.observation_name(committed.self_model_id, committed.observation_id),
        belief_changes=[belief_change_message(c) for c in committed.changes],
        commit_time=timestamp(committed.commit_time),
    )
