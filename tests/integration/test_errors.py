"""Bad input gets a clear status naming the field, and writes nothing."""

from __future__ import annotations

import time
import uuid

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from neo4j import Driver

from selfmodel.v1 import observation_pb2, self_model_service_pb2
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.requests import SUPPORTS, create_model, observe


def violated_fields(error: grpc.RpcError) -> list[str]:
    status = rpc_status.from_call(error)
    assert status is not None
    fields: list[str] = []
    for detail in status.details:
        bad_request = error_details_pb2.BadRequest()
        assert detail.Unpack(bad_request)
        fields.extend(v.field for v in bad_request.field_violations)
    return fields


def observation_count(driver: Driver, model_name: str) -> int:
    records, _, _ = driver.execute_query(
        "MATCH (:SelfModel {id: $id})-[:OBSERVED]->(o) RETURN count(o) AS n",
        id=model_name.rsplit("/", 1)[1],
    )
    count: int = records[0]["n"]
    return count


def test_empty_content_is_invalid_and_writes_nothing(
    stub: SelfModelServiceStub, neo4j_driver: Driver
) -> None:
    model = create_model(stub)
    with pytest.raises(grpc.RpcError) as error:
        observe(stub, model.name, ("Prefers dark mode", SUPPORTS, ""), content="  ")
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violated_fields(error.value) == ["observation.content"]
    assert observation_count(neo4j_driver, model.name) == 0


def test_an_empty_statement_is_invalid(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    with pytest.raises(grpc.RpcError) as error:
        observe(stub, model.name, ("Likes tea", SUPPORTS, ""), ("", SUPPORTS, ""))
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violated_fields(error.value) == ["beliefs[1].statement"]


def test_missing_enums_are_invalid(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    with pytest.raises(grpc.RpcError) as error:
        observe(
            stub,
            model.name,
            ("Likes tea", SUPPORTS, ""),
            observation_type=observation_pb2.OBSERVATION_TYPE_UNSPECIFIED,
        )
    assert violated_fields(error.value) == ["observation.type"]
    with pytest.raises(grpc.RpcError) as error:
        observe(stub, model.name, ("Likes tea", observation_pb2.STANCE_UNSPECIFIED, ""))
    assert violated_fields(error.value) == ["beliefs[0].stance"]


def test_an_unknown_self_model_is_not_found(stub: SelfModelServiceStub) -> None:
    unknown = f"selfModels/{uuid.uuid4()}"
    with pytest.raises(grpc.RpcError) as error:
        observe(stub, unknown, ("Likes tea", SUPPORTS, ""))
    assert error.value.code() == grpc.StatusCode.NOT_FOUND
    assert unknown in (error.value.details() or "")
    with pytest.raises(grpc.RpcError) as error:
        stub.GetSelfModel(self_model_service_pb2.GetSelfModelRequest(name=unknown))
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


def test_a_malformed_name_is_invalid(stub: SelfModelServiceStub) -> None:
    with pytest.raises(grpc.RpcError) as error:
        observe(stub, "users/42", ("Likes tea", SUPPORTS, ""))
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violated_fields(error.value) == ["self_model"]


def test_get_or_create_needs_user_and_scope(stub: SelfModelServiceStub) -> None:
    with pytest.raises(grpc.RpcError) as error:
        stub.GetOrCreateSelfModel(
            self_model_service_pb2.GetOrCreateSelfModelRequest(external_user_id="u-1")
        )
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violated_fields(error.value) == ["scope"]


def test_an_unknown_user_is_not_found(stub: SelfModelServiceStub) -> None:
    with pytest.raises(grpc.RpcError) as error:
        stub.GetSelfModel(
            self_model_service_pb2.GetSelfModelRequest(
                external_user_id=f"nobody-{uuid.uuid4()}", scope="acme"
            )
        )
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


def test_min_confidence_outside_zero_one_is_invalid(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    with pytest.raises(grpc.RpcError) as error:
        stub.GetSelfModel(
            self_model_service_pb2.GetSelfModelRequest(name=model.name, min_confidence=2)
        )
    assert violated_fields(error.value) == ["min_confidence"]


def test_an_expired_deadline_stops_the_call_before_it_writes(
    stub: SelfModelServiceStub, neo4j_driver: Driver
) -> None:
    model = create_model(stub)
    # 32 new statements take the server far longer than the deadline to embed.
    statements = [
        (f"Collects {kind} stamps from {year}", SUPPORTS, "")
        for kind, year in zip(["rare", "old", "blue", "red"] * 8, range(1900, 1932), strict=True)
    ]
    with pytest.raises(grpc.RpcError) as error:
        stub.Observe(
            self_model_service_pb2.ObserveRequest(
                self_model=model.name,
                observation=observation_pb2.Observation(
                    type=observation_pb2.OBSERVATION_TYPE_PREFERENCE, content="Sorted an album"
                ),
                beliefs=[
                    observation_pb2.BeliefProposal(statement=s, stance=stance, context=c)
                    for s, stance, c in statements
                ],
            ),
            timeout=0.05,
        )
    assert error.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    time.sleep(3)  # long enough for the server to have finished, had it carried on
    assert observation_count(neo4j_driver, model.name) == 0
