"""Create a self-model, observe, query: the whole integration, through gRPC and Neo4j."""

from __future__ import annotations

import re

from neo4j import Driver

from selfmodel.v1 import observation_pb2, self_model_service_pb2
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.requests import (
    CONTRADICTS,
    SUPPORTS,
    create_model,
    get_model,
    new_user_id,
    observe,
)

CONCISE = "Prefers concise output formats"


def test_a_new_model_is_neutral_and_empty(stub: SelfModelServiceStub) -> None:
    user = new_user_id()
    model = stub.GetOrCreateSelfModel(
        self_model_service_pb2.GetOrCreateSelfModelRequest(external_user_id=user, scope="acme")
    )
    assert re.fullmatch(r"selfModels/[0-9a-f-]{36}", model.name)
    assert (model.external_user_id, model.scope) == (user, "acme")
    assert model.alignment_score == 0.5
    assert list(model.beliefs) == []
    assert model.create_time.seconds > 0


def test_observing_forms_a_belief_that_reads_back(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    response = observe(stub, model.name, (CONCISE, SUPPORTS, ""))

    assert response.observation.name.startswith(model.name + "/observations/")
    assert response.observation.content == "User chose bullet-point summary over narrative format"
    assert response.observation.context == "report-settings"
    assert response.observation.occur_time.seconds > 0
    [change] = response.belief_changes
    assert change.kind == observation_pb2.CHANGE_KIND_CREATED
    assert change.previous_confidence == 0.5

    [belief] = get_model(stub, model.name).beliefs
    assert belief.name.startswith(model.name + "/beliefs/")
    assert belief.name == change.belief.name
    assert belief.statement == CONCISE
    assert belief.confidence > 0.5
    assert belief.version == 1
    assert belief.context == ""


def test_repeating_a_statement_reinforces_the_same_belief(
    stub: SelfModelServiceStub, neo4j_driver: Driver
) -> None:
    model = create_model(stub)
    first = observe(stub, model.name, (CONCISE, SUPPORTS, ""))
    second = observe(stub, model.name, ("prefers concise output formats.", SUPPORTS, ""))

    [change] = second.belief_changes
    assert change.kind == observation_pb2.CHANGE_KIND_REINFORCED
    assert change.belief.name == first.belief_changes[0].belief.name
    assert change.belief.version == 2
    assert change.belief.confidence > first.belief_changes[0].belief.confidence
    [belief] = get_model(stub, model.name).beliefs
    assert belief.confidence == change.belief.confidence

    belief_id = belief.name.rsplit("/", 1)[1]
    records, _, _ = neo4j_driver.execute_query(
        """
        MATCH (o:Observation)-[:SUPPORTS]->(:Belief {id: $id})
        RETURN o.id AS observation ORDER BY o.create_time
        """,
        id=belief_id,
    )
    supporting = [r["observation"] for r in records]
    assert supporting == [
        first.observation.name.rsplit("/", 1)[1],
        second.observation.name.rsplit("/", 1)[1],
    ]
    versions, _, _ = neo4j_driver.execute_query(
        """
        MATCH (:Belief {id: $id})-[:HAS_VERSION]->(v:BeliefVersion)-[:CAUSED_BY]->(o)
        OPTIONAL MATCH (v)-[:PREVIOUS_VERSION]->(p)
        RETURN v.version AS version, v.change_kind AS kind, p.version AS previous, o.id AS cause
        ORDER BY v.version
        """,
        id=belief_id,
    )
    assert [(v["version"], v["kind"], v["previous"]) for v in versions] == [
        (1, "created", None),
        (2, "reinforced", 1),
    ]
    assert versions[1]["cause"] == second.observation.name.rsplit("/", 1)[1]


def test_a_contradiction_lowers_the_belief(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    observe(stub, model.name, (CONCISE, SUPPORTS, ""))
    reinforced = observe(stub, model.name, (CONCISE, SUPPORTS, "")).belief_changes[0].belief
    weakened = observe(
        stub, model.name, (CONCISE, CONTRADICTS, ""), content="Asked for more detail"
    )
    [change] = weakened.belief_changes
    assert change.kind == observation_pb2.CHANGE_KIND_WEAKENED
    assert change.previous_confidence == reinforced.confidence
    assert change.belief.confidence < reinforced.confidence
    assert change.belief.version == 3
    assert len(get_model(stub, model.name).beliefs) == 1


def test_one_observation_may_bear_on_several_beliefs(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    response = observe(
        stub,
        model.name,
        (CONCISE, SUPPORTS, ""),
        ("Reads reports on mobile", SUPPORTS, "reports"),
        (CONCISE, SUPPORTS, ""),
    )
    kinds = [c.kind for c in response.belief_changes]
    assert kinds == [
        observation_pb2.CHANGE_KIND_CREATED,
        observation_pb2.CHANGE_KIND_CREATED,
        observation_pb2.CHANGE_KIND_REINFORCED,
    ]
    assert len(get_model(stub, model.name).beliefs) == 2


def test_context_and_confidence_filters(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    observe(stub, model.name, ("Wants concise answers", SUPPORTS, "browsing-docs"))
    observe(stub, model.name, ("Wants detailed answers", SUPPORTS, "debugging"))
    observe(stub, model.name, ("Writes in English", SUPPORTS, ""))
    observe(stub, model.name, ("Uses a screen reader", CONTRADICTS, ""))

    def statements(context: str = "", min_confidence: float = 0.0) -> set[str]:
        return {b.statement for b in get_model(stub, model.name, context, min_confidence).beliefs}

    assert statements() == {
        "Wants concise answers",
        "Wants detailed answers",
        "Writes in English",
        "Uses a screen reader",
    }
    assert statements("debugging") == {
        "Wants detailed answers",
        "Writes in English",
        "Uses a screen reader",
    }
    assert statements("debugging", min_confidence=0.5) == {
        "Wants detailed answers",
        "Writes in English",
    }


def test_the_same_statement_in_two_contexts_is_two_beliefs(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    observe(stub, model.name, ("Wants code samples", SUPPORTS, "debugging"))
    observe(stub, model.name, ("Wants code samples", SUPPORTS, "browsing-docs"))
    beliefs = get_model(stub, model.name).beliefs
    assert sorted(b.context for b in beliefs) == ["browsing-docs", "debugging"]
    assert {b.version for b in beliefs} == {1}


def test_a_model_can_be_read_by_user_and_scope(stub: SelfModelServiceStub) -> None:
    user = new_user_id()
    created = stub.GetOrCreateSelfModel(
        self_model_service_pb2.GetOrCreateSelfModelRequest(external_user_id=user, scope="acme")
    )
    read = stub.GetSelfModel(
        self_model_service_pb2.GetSelfModelRequest(external_user_id=user, scope="acme")
    )
    assert read.name == created.name
