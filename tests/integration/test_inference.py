"""Observe learns by itself: inference from raw observations against the scope's inventory.

The observations here are worded as the example inventory's own signals (a product may log
an event in the PM's words), so what is inferred does not hang on the scorer's recall; its
quality is measured by `python -m service.eval.inference`, not here.
"""

from __future__ import annotations

import queue
import threading

import pytest

from selfmodel.v1 import observation_pb2
from selfmodel.v1 import self_model_service_pb2 as messages
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.inventory_requests import (
    example_beliefs,
    new_scope,
    put_inventory,
    raw_observe,
)

CORRECTION = observation_pb2.OBSERVATION_TYPE_CORRECTION
PREFERENCE = observation_pb2.OBSERVATION_TYPE_PREFERENCE
INTERACTION = observation_pb2.OBSERVATION_TYPE_INTERACTION
ANSWER = observation_pb2.OBSERVATION_TYPE_ANSWER
CREATED = observation_pb2.CHANGE_KIND_CREATED
REINFORCED = observation_pb2.CHANGE_KIND_REINFORCED
WEAKENED = observation_pb2.CHANGE_KIND_WEAKENED
RESTATED = observation_pb2.CHANGE_KIND_RESTATED

COMPACT = "Deleted the explanation paragraphs and kept only the commented code"
TUTORIAL = "Asked for a step-by-step explanation before the code"


def _model(stub: SelfModelServiceStub, scope: str) -> str:
    put_inventory(stub, scope)
    return stub.GetOrCreateSelfModel(
        messages.GetOrCreateSelfModelRequest(external_user_id="dev-1", scope=scope)
    ).name


def test_a_raw_observation_creates_the_inferred_belief_with_its_reason_and_provenance(
    stub: SelfModelServiceStub,
) -> None:
    model = _model(stub, new_scope())
    response = raw_observe(stub, model, COMPACT, CORRECTION)
    [change] = response.belief_changes
    assert change.kind == CREATED
    assert change.belief.statement == "Prefers concise code with inline comments"
    assert change.belief.inventory_key == "response_style"
    assert change.belief.confidence > 0.5
    assert "response_style" in change.reason and "p=" in change.reason

    provenance = stub.GetBeliefProvenance(
        messages.GetBeliefProvenanceRequest(belief=change.belief.name)
    )
    [evidence] = provenance.supporting
    assert evidence.observation.content == COMPACT
    assert "response_style" in evidence.reason
    versions = stub.ListBeliefVersions(
        messages.ListBeliefVersionsRequest(belief=change.belief.name)
    )
    assert versions.versions[0].reason == change.reason

    again = raw_observe(stub, model, COMPACT, CORRECTION)
    [reinforced] = again.belief_changes
    assert reinforced.kind == REINFORCED and reinforced.belief.name == change.belief.name
    assert reinforced.belief.confidence > change.belief.confidence


def test_evidence_for_the_opposite_weakens_then_restates_and_never_shows_both_sides(
    stub: SelfModelServiceStub,
) -> None:
    model = _model(stub, new_scope())
    [created] = raw_observe(stub, model, COMPACT, CORRECTION).belief_changes
    kinds = []
    for _ in range(3):
        [change] = raw_observe(stub, model, TUTORIAL, CORRECTION).belief_changes
        assert change.belief.name == created.belief.name
        kinds.append(change.kind)
        beliefs = stub.GetSelfModel(messages.GetSelfModelRequest(name=model)).beliefs
        learned = [b for b in beliefs if b.inventory_key == "response_style"]
        assert len(learned) == 1
    # Weakened while the statement keeps the odds, restated once the opposite tips them,
    # then reinforced as the opposite.
    flip = kinds.index(RESTATED)
    assert kinds[:flip] == [WEAKENED] * flip
    assert kinds[flip + 1 :] == [REINFORCED] * (len(kinds) - flip - 1)
    [belief] = [
        b
        for b in stub.GetSelfModel(messages.GetSelfModelRequest(name=model)).beliefs
        if b.inventory_key
    ]
    assert belief.statement == "Prefers long explanations before any code"
    assert belief.confidence > 0.7
    versions = stub.ListBeliefVersions(messages.ListBeliefVersionsRequest(belief=belief.name))
    statements = [v.statement for v in reversed(versions.versions)]
    assert statements == ["Prefers concise code with inline comments"] * (flip + 1) + [
        "Prefers long explanations before any code"
    ] * (len(kinds) - flip)


def test_an_edited_entry_restates_its_belief_and_a_removed_one_keeps_it(
    stub: SelfModelServiceStub,
) -> None:
    scope = new_scope()
    model = _model(stub, scope)
    [style] = raw_observe(stub, model, COMPACT, CORRECTION).belief_changes
    [service] = raw_observe(
        stub, model, "Answered that the system is split into many small services", ANSWER
    ).belief_changes
    assert service.belief.inventory_key == "architecture"

    edited = [b for b in example_beliefs() if b.key != "architecture"]
    edited[0].statement = "Prefers terse code with brief comments"
    put_inventory(stub, scope, edited)
    response = raw_observe(stub, model, "Renamed a local variable", INTERACTION)
    [restated] = response.belief_changes
    assert restated.kind == RESTATED and restated.belief.name == style.belief.name
    assert restated.belief.statement == "Prefers terse code with brief comments"
    assert restated.belief.confidence == pytest.approx(style.belief.confidence, abs=1e-3)
    assert "edited" in restated.reason

    provenance = stub.GetBeliefProvenance(
        messages.GetBeliefProvenanceRequest(belief=restated.belief.name)
    )
    assert [e.observation.content for e in provenance.supporting] == [COMPACT]
    kept = stub.GetBeliefProvenance(messages.GetBeliefProvenanceRequest(belief=service.belief.name))
    assert kept.belief.statement == "Works on a microservice architecture"
    assert kept.belief.version == 1


def test_a_per_context_entry_learns_each_context_apart(stub: SelfModelServiceStub) -> None:
    model = _model(stub, new_scope())
    [debugging] = raw_observe(
        stub, model, "Asked why the stack trace points at that line", INTERACTION, "debugger"
    ).belief_changes
    [docs] = raw_observe(
        stub, model, "Asked to just give the patch", INTERACTION, "browsing-docs"
    ).belief_changes
    assert (debugging.belief.context, docs.belief.context) == ("debugger", "browsing-docs")
    assert debugging.belief.statement == "Wants detailed explanations when debugging"
    assert docs.belief.statement == "Wants only the fix when debugging"
    assert debugging.belief.name != docs.belief.name
    outside = raw_observe(
        stub, model, "Asked why the stack trace points at that line", INTERACTION, "editor"
    )
    assert [c.belief.inventory_key for c in outside.belief_changes] == []


def test_an_observation_type_the_entry_does_not_learn_from_teaches_nothing(
    stub: SelfModelServiceStub,
) -> None:
    model = _model(stub, new_scope())
    # architecture learns from interactions and answers only.
    response = raw_observe(
        stub, model, "Answered that the system is split into many small services", CORRECTION
    )
    assert [c.belief.inventory_key for c in response.belief_changes] == []


def test_adaptations_start_cold_and_turn_active(stub: SelfModelServiceStub) -> None:
    model = _model(stub, new_scope())
    cold = stub.GetAdaptations(messages.GetAdaptationsRequest(self_model=model))
    assert [a.key for a in cold.adaptations] == [b.key for b in example_beliefs()]
    assert not any(a.active for a in cold.adaptations)
    style = cold.adaptations[0]
    assert style.apply == "Short explanation, then commented code"
    assert style.belief == "" and style.confidence == 0.5
    assert style.used_for == "response length and comment density"

    for _ in range(2):
        raw_observe(stub, model, COMPACT, CORRECTION)
    warm = stub.GetAdaptations(messages.GetAdaptationsRequest(self_model=model))
    style = warm.adaptations[0]
    assert style.active and style.confidence >= 0.7
    assert style.apply == "Answer with compact code and short inline comments"
    assert style.belief.startswith(model + "/beliefs/")

    rendered = stub.RenderContext(messages.RenderContextRequest(self_model=model))
    assert [a.key for a in rendered.adaptations] == ["response_style"]
    assert "- Answer with compact code and short inline comments" in rendered.text


def test_watch_carries_inferred_changes(stub: SelfModelServiceStub) -> None:
    model = _model(stub, new_scope())
    stream = stub.WatchSelfModel(
        messages.WatchSelfModelRequest(self_model=model, start_after_revision=0), timeout=30
    )
    received: queue.Queue[messages.WatchSelfModelResponse] = queue.Queue()
    threading.Thread(target=lambda: received.put(next(iter(stream))), daemon=True).start()
    response = raw_observe(stub, model, COMPACT, CORRECTION)
    message = received.get(timeout=15)
    stream.cancel()
    assert message.observation == response.observation.name
    assert [c.belief.inventory_key for c in message.belief_changes] == ["response_style"]


def test_a_proposed_belief_and_an_inferred_one_with_the_same_statement_are_one_belief(
    stub: SelfModelServiceStub,
) -> None:
    model = _model(stub, new_scope())
    statement = "Prefers concise code with inline comments"
    proposed = stub.Observe(
        messages.ObserveRequest(
            self_model=model,
            observation=observation_pb2.Observation(type=PREFERENCE, content="Said so"),
            beliefs=[
                observation_pb2.BeliefProposal(
                    statement=statement, stance=observation_pb2.STANCE_SUPPORTS
                )
            ],
        )
    )
    first = proposed.belief_changes[0].belief
    [adopted] = raw_observe(stub, model, COMPACT, CORRECTION).belief_changes
    assert adopted.belief.name == first.name and adopted.kind == REINFORCED
    assert adopted.belief.inventory_key == "response_style"
    beliefs = stub.GetSelfModel(messages.GetSelfModelRequest(name=model)).beliefs
    assert [b.statement for b in beliefs].count(statement) == 1
