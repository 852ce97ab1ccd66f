"""Merging, contradictions, history, provenance and alignment through gRPC and Neo4j."""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from neo4j import Driver

from selfmodel.v1 import history_pb2, observation_pb2, self_model_service_pb2
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.requests import CONTRADICTS, SUPPORTS, create_model, get_model, observe

CONCISE = "Prefers concise output formats"
NOT_CONCISE = "Does not prefer concise output formats"
PARAPHRASE = "Likes short, to-the-point answers"


def provenance(stub: SelfModelServiceStub, belief: str) -> history_pb2.BeliefProvenance:
    return stub.GetBeliefProvenance(
        self_model_service_pb2.GetBeliefProvenanceRequest(belief=belief)
    )


def versions(
    stub: SelfModelServiceStub, belief: str, page_size: int = 0, page_token: str = ""
) -> self_model_service_pb2.ListBeliefVersionsResponse:
    return stub.ListBeliefVersions(
        self_model_service_pb2.ListBeliefVersionsRequest(
            belief=belief, page_size=page_size, page_token=page_token
        )
    )


def test_a_paraphrase_merges_into_the_existing_belief(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    created = observe(stub, model.name, (CONCISE, SUPPORTS, "")).belief_changes[0].belief
    merged = observe(stub, model.name, (PARAPHRASE, SUPPORTS, ""), content="Skipped the intro")
    [change] = merged.belief_changes
    assert change.kind == observation_pb2.CHANGE_KIND_MERGED
    assert change.belief.name == created.name
    assert change.belief.statement == CONCISE
    assert change.belief.confidence > created.confidence
    assert change.reason.startswith("same")
    assert len(get_model(stub, model.name).beliefs) == 1
    [statement] = provenance(stub, created.name).merged_statements
    assert statement.statement == PARAPHRASE
    assert statement.observation == merged.observation.name


def test_an_opposite_never_merges_it_weakens_and_links(
    stub: SelfModelServiceStub, neo4j_driver: Driver
) -> None:
    model = create_model(stub)
    first = observe(stub, model.name, (CONCISE, SUPPORTS, "")).belief_changes[0].belief
    response = observe(stub, model.name, (NOT_CONCISE, SUPPORTS, ""), content="Asked for depth")
    created, weakened = response.belief_changes
    assert created.kind == observation_pb2.CHANGE_KIND_CREATED
    assert created.belief.statement == NOT_CONCISE
    assert weakened.kind == observation_pb2.CHANGE_KIND_WEAKENED
    assert weakened.belief.name == first.name
    assert weakened.belief.confidence < first.confidence
    assert weakened.reason.startswith("opposite")
    assert {b.statement for b in get_model(stub, model.name).beliefs} == {CONCISE, NOT_CONCISE}

    first_provenance = provenance(stub, first.name)
    assert [b.name for b in first_provenance.conflicting_beliefs] == [created.belief.name]
    assert [e.observation.name for e in first_provenance.contradicting] == [
        response.observation.name
    ]
    assert [b.name for b in provenance(stub, created.belief.name).conflicting_beliefs] == [
        first.name
    ]
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (o:Observation {id: $o})-[:CONTRADICTS]->(b:Belief) RETURN b.statement AS s",
        o=response.observation.name.rsplit("/", 1)[1],
    )
    assert [r["s"] for r in records] == [CONCISE]


def test_when_the_opposite_gathers_evidence_confidences_cross(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    first = None
    for _ in range(3):
        first = observe(stub, model.name, (CONCISE, SUPPORTS, "")).belief_changes[0].belief
    assert first is not None
    for _ in range(6):
        observe(stub, model.name, (NOT_CONCISE, SUPPORTS, ""), content="Asked for depth")
    beliefs = {b.statement: b for b in get_model(stub, model.name).beliefs}
    assert beliefs[NOT_CONCISE].confidence > 0.5 > beliefs[CONCISE].confidence
    history = versions(stub, first.name).versions
    kinds = [v.change_kind for v in history]
    assert kinds[:6] == [observation_pb2.CHANGE_KIND_WEAKENED] * 6
    assert kinds[-1] == observation_pb2.CHANGE_KIND_CREATED
    assert history[0].confidence < history[6].confidence


def test_versions_page_newest_first_and_chain_in_time(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    observations = [observe(stub, model.name, (CONCISE, SUPPORTS, "")) for _ in range(5)]
    belief = observations[0].belief_changes[0].belief.name

    first_page = versions(stub, belief, page_size=2)
    second_page = versions(stub, belief, page_size=2, page_token=first_page.next_page_token)
    last_page = versions(stub, belief, page_size=2, page_token=second_page.next_page_token)
    pages = [first_page, second_page, last_page]
    listed = [v for page in pages for v in page.versions]
    assert [v.version for v in listed] == [5, 4, 3, 2, 1]
    assert last_page.next_page_token == ""
    assert [v.observation for v in reversed(listed)] == [o.observation.name for o in observations]
    assert not listed[0].HasField("valid_to")
    for newer, older in itertools.pairwise(listed):
        assert older.valid_to == newer.valid_from
        assert older.confidence < newer.confidence
    assert listed[0].name == f"{belief}/versions/5"


def test_bad_paging_is_invalid(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    belief = observe(stub, model.name, (CONCISE, SUPPORTS, "")).belief_changes[0].belief.name
    other = observe(stub, model.name, ("Writes in French", SUPPORTS, "")).belief_changes[0]
    for page_size, token in [(-1, ""), (201, ""), (1, "garbage")]:
        with pytest.raises(grpc.RpcError) as error:
            versions(stub, belief, page_size, token)
        assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    observe(stub, model.name, (CONCISE, SUPPORTS, ""))
    token = versions(stub, belief, page_size=1).next_page_token
    with pytest.raises(grpc.RpcError) as error:
        versions(stub, other.belief.name, 1, token)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_an_unknown_belief_is_not_found(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    missing = f"{model.name}/beliefs/00000000-0000-4000-8000-000000000000"
    for call in (lambda: versions(stub, missing), lambda: provenance(stub, missing)):
        with pytest.raises(grpc.RpcError) as error:
            call()
        assert error.value.code() == grpc.StatusCode.NOT_FOUND


def test_a_belief_of_another_model_is_not_found_under_this_one(stub: SelfModelServiceStub) -> None:
    mine, theirs = create_model(stub), create_model(stub)
    belief = observe(stub, theirs.name, (CONCISE, SUPPORTS, "")).belief_changes[0].belief.name
    disguised = belief.replace(theirs.name, mine.name)
    with pytest.raises(grpc.RpcError) as error:
        provenance(stub, disguised)
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


def test_get_self_model_as_of_shows_the_past(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    first = observe(stub, model.name, (CONCISE, SUPPORTS, ""))
    between = Timestamp()
    between.FromDatetime(
        first.observation.create_time.ToDatetime(tzinfo=UTC) + timedelta(microseconds=1)
    )
    observe(stub, model.name, (CONCISE, SUPPORTS, ""))
    observe(stub, model.name, ("Writes in French", SUPPORTS, ""))

    past = stub.GetSelfModel(
        self_model_service_pb2.GetSelfModelRequest(name=model.name, as_of=between)
    )
    [belief] = past.beliefs
    assert belief.version == 1
    assert belief.confidence == first.belief_changes[0].belief.confidence
    now = get_model(stub, model.name)
    assert len(now.beliefs) == 2

    before_creation = Timestamp()
    before_creation.FromDatetime(model.create_time.ToDatetime(tzinfo=UTC) - timedelta(days=1))
    with pytest.raises(grpc.RpcError) as error:
        stub.GetSelfModel(
            self_model_service_pb2.GetSelfModelRequest(name=model.name, as_of=before_creation)
        )
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


def test_provenance_lists_evidence_with_types_and_weights(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    year_ago = Timestamp()
    year_ago.FromDatetime(datetime.now(UTC) - timedelta(days=365))
    old = stub.Observe(
        self_model_service_pb2.ObserveRequest(
            self_model=model.name,
            observation=observation_pb2.Observation(
                type=observation_pb2.OBSERVATION_TYPE_ANSWER,
                content="Said so in onboarding",
                occur_time=year_ago,
            ),
            beliefs=[observation_pb2.BeliefProposal(statement=CONCISE, stance=SUPPORTS)],
        )
    )
    fresh = observe(
        stub,
        model.name,
        (CONCISE, SUPPORTS, ""),
        observation_type=observation_pb2.OBSERVATION_TYPE_ANSWER,
        content="Said so again",
    )
    against = observe(stub, model.name, (CONCISE, CONTRADICTS, ""), content="Expanded a section")
    found = provenance(stub, old.belief_changes[0].belief.name)
    assert [e.observation.content for e in found.supporting] == [
        "Said so again",
        "Said so in onboarding",
    ]
    fresh_weight, old_weight = (e.weight for e in found.supporting)
    assert 0 < old_weight < fresh_weight / 2  # a year is more than one 90-day half-life
    assert found.supporting[0].observation.type == observation_pb2.OBSERVATION_TYPE_ANSWER
    [contradicting] = found.contradicting
    assert contradicting.observation.name == against.observation.name
    assert found.belief.version == 3
    assert fresh.belief_changes[0].belief.version == 2


def test_alignment_rises_when_beliefs_are_confirmed_and_falls_when_contradicted(
    stub: SelfModelServiceStub,
) -> None:
    model = create_model(stub)
    assert model.alignment_score == 0.5
    first = observe(stub, model.name, (CONCISE, SUPPORTS, ""))
    assert first.alignment_score == 0.5  # a new belief predicted nothing
    confirmed = [observe(stub, model.name, (CONCISE, SUPPORTS, "")) for _ in range(4)]
    assert confirmed[-1].alignment_score > 0.5
    assert get_model(stub, model.name).alignment_score == confirmed[-1].alignment_score
    contradicted = observe(stub, model.name, (CONCISE, CONTRADICTS, ""))
    assert contradicted.alignment_score < confirmed[-1].alignment_score


def test_parallel_observations_lose_no_evidence_and_make_one_belief(
    stub: SelfModelServiceStub, neo4j_driver: Driver
) -> None:
    model = create_model(stub)
    parallel = 16
    with ThreadPoolExecutor(parallel) as pool:
        responses = list(
            pool.map(
                lambda i: observe(stub, model.name, (CONCISE, SUPPORTS, ""), content=f"click {i}"),
                range(parallel),
            )
        )
    [belief] = get_model(stub, model.name).beliefs
    assert belief.version == parallel
    kinds = sorted(r.belief_changes[0].kind for r in responses)
    assert kinds == [observation_pb2.CHANGE_KIND_CREATED] + [
        observation_pb2.CHANGE_KIND_REINFORCED
    ] * (parallel - 1)
    records, _, _ = neo4j_driver.execute_query(
        """
        MATCH (:SelfModel {id: $id})-[:HOLDS]->(b:Belief)
        OPTIONAL MATCH (o:Observation)-[:SUPPORTS]->(b)
        RETURN count(DISTINCT b) AS beliefs, count(o) AS supports
        """,
        id=model.name.rsplit("/", 1)[1],
    )
    assert (records[0]["beliefs"], records[0]["supports"]) == (1, parallel)
    assert belief.confidence == max(r.belief_changes[0].belief.confidence for r in responses)


def test_opposite_looking_statements_about_other_topics_weaken_nothing(
    stub: SelfModelServiceStub,
) -> None:
    """Forty styles about forty topics: each is a belief of its own, none weakens another."""
    model = create_model(stub)
    styles = itertools.cycle(["concise", "detailed", "visual", "formal"])
    for topic, style in zip(range(1, 41), styles, strict=False):
        statement = f"Prefers {style} answers about topic {topic}"
        response = observe(stub, model.name, (statement, SUPPORTS, ""), content=statement)
        kinds = [change.kind for change in response.belief_changes]
        assert kinds == [observation_pb2.CHANGE_KIND_CREATED], (statement, response)
    beliefs = get_model(stub, model.name).beliefs
    assert len(beliefs) == 40
    for belief in beliefs:
        history = versions(stub, belief.name).versions
        assert [v.change_kind for v in history] == [observation_pb2.CHANGE_KIND_CREATED], belief


def test_one_observation_saying_a_belief_twice_makes_one_belief(
    stub: SelfModelServiceStub,
) -> None:
    model = create_model(stub)
    first = observe(stub, model.name, ("Keeps honeybees", SUPPORTS, ""))
    reply = observe(
        stub,
        model.name,
        (CONCISE, SUPPORTS, ""),
        ("Keeps honeybees", SUPPORTS, ""),
        (PARAPHRASE, SUPPORTS, ""),
        ("Keeps honeybees", SUPPORTS, ""),
    )
    landed = [change.belief for change in reply.belief_changes]
    # The repeats land on the belief the same call created, or on the one it already held.
    assert [b.name for b in landed] == [landed[0].name, first.belief_changes[0].belief.name] * 2
    assert [b.version for b in landed] == [1, 2, 2, 3]
    held = get_model(stub, model.name).beliefs
    assert sorted((b.statement, b.version) for b in held) == [("Keeps honeybees", 3), (CONCISE, 2)]
