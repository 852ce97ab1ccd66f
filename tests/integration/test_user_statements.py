"""AssertBelief, RetractBelief and CorrectBelief: what the user says about themself."""

from __future__ import annotations

import grpc
import pytest

from selfmodel.v1 import observation_pb2, self_model_pb2
from selfmodel.v1 import self_model_service_pb2 as messages
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.requests import SUPPORTS, create_model, get_model, observe

CONCISE = "Prefers concise output formats"
ACTIVE = self_model_pb2.BELIEF_STATE_ACTIVE
RETRACTED = self_model_pb2.BELIEF_STATE_RETRACTED


def assert_belief(
    stub: SelfModelServiceStub, model: str, statement: str
) -> messages.ObserveResponse:
    return stub.AssertBelief(messages.AssertBeliefRequest(self_model=model, statement=statement))


def test_an_assertion_is_stronger_evidence_than_an_observed_preference(
    stub: SelfModelServiceStub,
) -> None:
    observed, asserted = create_model(stub), create_model(stub)
    by_preference = observe(stub, observed.name, (CONCISE, SUPPORTS, ""))
    by_assertion = assert_belief(stub, asserted.name, CONCISE)
    assert by_assertion.observation.type == observation_pb2.OBSERVATION_TYPE_ASSERTION
    assert (
        by_assertion.belief_changes[0].belief.confidence
        > by_preference.belief_changes[0].belief.confidence
        > 0.5
    )


def test_a_retracted_belief_leaves_the_reads_but_keeps_its_history(
    stub: SelfModelServiceStub,
) -> None:
    model = create_model(stub)
    belief = observe(stub, model.name, (CONCISE, SUPPORTS, "")).belief_changes[0].belief
    retracted = stub.RetractBelief(
        messages.RetractBeliefRequest(belief=belief.name, content="That's not me")
    )
    [change] = retracted.belief_changes
    assert change.kind == observation_pb2.CHANGE_KIND_RETRACTED
    assert change.belief.state == RETRACTED
    assert change.belief.version == 2
    assert change.belief.confidence < belief.confidence

    assert get_model(stub, model.name).beliefs == []
    listed = stub.ListBeliefs(messages.ListBeliefsRequest(self_model=model.name))
    assert list(listed.beliefs) == []
    with_retracted = stub.ListBeliefs(
        messages.ListBeliefsRequest(self_model=model.name, show_retracted=True)
    )
    assert [(b.name, b.state) for b in with_retracted.beliefs] == [(belief.name, RETRACTED)]
    rendered = stub.RenderContext(messages.RenderContextRequest(self_model=model.name))
    assert CONCISE not in rendered.text

    provenance = stub.GetBeliefProvenance(messages.GetBeliefProvenanceRequest(belief=belief.name))
    assert [e.observation.content for e in provenance.supporting] == [
        "User chose bullet-point summary over narrative format"
    ]
    assert [e.observation.content for e in provenance.contradicting] == ["That's not me"]
    versions = stub.ListBeliefVersions(messages.ListBeliefVersionsRequest(belief=belief.name))
    assert [v.change_kind for v in versions.versions] == [
        observation_pb2.CHANGE_KIND_RETRACTED,
        observation_pb2.CHANGE_KIND_CREATED,
    ]


def test_only_an_assertion_brings_a_retracted_belief_back(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    belief = observe(stub, model.name, (CONCISE, SUPPORTS, "")).belief_changes[0].belief
    stub.RetractBelief(messages.RetractBeliefRequest(belief=belief.name))

    passive = observe(stub, model.name, (CONCISE, SUPPORTS, ""))
    assert passive.belief_changes[0].belief.name == belief.name
    assert passive.belief_changes[0].belief.state == RETRACTED
    assert get_model(stub, model.name).beliefs == []

    asserted = assert_belief(stub, model.name, CONCISE)
    assert asserted.belief_changes[0].belief.name == belief.name
    assert asserted.belief_changes[0].belief.state == ACTIVE
    assert [b.name for b in get_model(stub, model.name).beliefs] == [belief.name]


def test_retracting_twice_is_a_failed_precondition(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    belief = observe(stub, model.name, (CONCISE, SUPPORTS, "")).belief_changes[0].belief
    stub.RetractBelief(messages.RetractBeliefRequest(belief=belief.name))
    with pytest.raises(grpc.RpcError) as error:
        stub.RetractBelief(messages.RetractBeliefRequest(belief=belief.name))
    assert error.value.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_a_correction_contradicts_the_old_statement_and_links_the_new_one(
    stub: SelfModelServiceStub,
) -> None:
    model = create_model(stub)
    old = observe(stub, model.name, (CONCISE, SUPPORTS, "")).belief_changes[0].belief
    corrected = stub.CorrectBelief(
        messages.CorrectBeliefRequest(
            belief=old.name,
            statement="Prefers detailed explanations with examples",
            content="Actually I like the long version",
            etag=old.etag,
        )
    )
    restated, created = corrected.belief_changes
    assert (restated.kind, restated.belief.name) == (observation_pb2.CHANGE_KIND_RESTATED, old.name)
    assert restated.belief.confidence < old.confidence
    assert created.kind == observation_pb2.CHANGE_KIND_CREATED
    assert created.belief.confidence > 0.8

    old_provenance = stub.GetBeliefProvenance(messages.GetBeliefProvenanceRequest(belief=old.name))
    new_provenance = stub.GetBeliefProvenance(
        messages.GetBeliefProvenanceRequest(belief=created.belief.name)
    )
    assert [b.name for b in old_provenance.corrected_to] == [created.belief.name]
    assert [b.name for b in new_provenance.corrected_from] == [old.name]
    # Both histories point at the one observation that carried the correction.
    [old_latest] = stub.ListBeliefVersions(
        messages.ListBeliefVersionsRequest(belief=old.name, page_size=1)
    ).versions
    [new_first] = stub.ListBeliefVersions(
        messages.ListBeliefVersionsRequest(belief=created.belief.name)
    ).versions
    assert old_latest.observation == new_first.observation == corrected.observation.name


def test_a_stale_etag_aborts_and_changes_nothing(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    first = observe(stub, model.name, (CONCISE, SUPPORTS, "")).belief_changes[0].belief
    observe(stub, model.name, (CONCISE, SUPPORTS, ""))
    with pytest.raises(grpc.RpcError) as retract:
        stub.RetractBelief(messages.RetractBeliefRequest(belief=first.name, etag=first.etag))
    with pytest.raises(grpc.RpcError) as correct:
        stub.CorrectBelief(
            messages.CorrectBeliefRequest(belief=first.name, statement="Likes tea", etag=first.etag)
        )
    assert retract.value.code() == correct.value.code() == grpc.StatusCode.ABORTED
    [belief] = get_model(stub, model.name).beliefs
    assert belief.version == 2 and belief.state == ACTIVE


def test_correcting_to_the_same_statement_is_invalid(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    belief = observe(stub, model.name, (CONCISE, SUPPORTS, "")).belief_changes[0].belief
    with pytest.raises(grpc.RpcError) as error:
        stub.CorrectBelief(
            messages.CorrectBeliefRequest(
                belief=belief.name, statement=" prefers CONCISE output formats"
            )
        )
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
