"""A retried Observe with the same idempotency key returns the first result, changes nothing."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest

from selfmodel.v1 import observation_pb2
from selfmodel.v1 import self_model_service_pb2 as messages
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.requests import PREFERENCE, SUPPORTS, create_model, get_model


def observe_request(
    model: str, key: str, content: str = "Chose bullets"
) -> messages.ObserveRequest:
    return messages.ObserveRequest(
        self_model=model,
        observation=observation_pb2.Observation(
            type=PREFERENCE, content=content, idempotency_key=key
        ),
        beliefs=[
            observation_pb2.BeliefProposal(
                statement="Prefers concise output formats", stance=SUPPORTS
            )
        ],
    )


def test_a_retry_returns_the_first_result_and_changes_nothing(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    key = str(uuid.uuid4())
    first = stub.Observe(observe_request(model.name, key))
    after_first = get_model(stub, model.name)
    retry = stub.Observe(observe_request(model.name, key))

    assert retry == first
    assert get_model(stub, model.name) == after_first
    listed = stub.ListObservations(messages.ListObservationsRequest(self_model=model.name))
    assert [o.name for o in listed.observations] == [first.observation.name]


def test_concurrent_retries_apply_once(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    key = str(uuid.uuid4())
    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda _: stub.Observe(observe_request(model.name, key)), range(8)))
    assert len({r.observation.name for r in replies}) == 1
    [belief] = get_model(stub, model.name).beliefs
    assert belief.version == 1


def test_a_key_reused_for_a_different_observation_already_exists(
    stub: SelfModelServiceStub,
) -> None:
    model = create_model(stub)
    key = str(uuid.uuid4())
    stub.Observe(observe_request(model.name, key))
    with pytest.raises(grpc.RpcError) as error:
        stub.Observe(observe_request(model.name, key, content="Chose the long version"))
    assert error.value.code() == grpc.StatusCode.ALREADY_EXISTS
    assert len(get_model(stub, model.name).beliefs) == 1


def test_keys_are_per_self_model(stub: SelfModelServiceStub) -> None:
    key = str(uuid.uuid4())
    first, second = create_model(stub), create_model(stub)
    one = stub.Observe(observe_request(first.name, key))
    other = stub.Observe(observe_request(second.name, key))
    assert one.observation.name != other.observation.name


def test_user_statements_are_idempotent_too(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    key = str(uuid.uuid4())
    request = messages.AssertBeliefRequest(
        self_model=model.name, statement="Likes tea", idempotency_key=key
    )
    first = stub.AssertBelief(request)
    assert stub.AssertBelief(request) == first
    retract = messages.RetractBeliefRequest(
        belief=first.belief_changes[0].belief.name, idempotency_key=str(uuid.uuid4())
    )
    retracted = stub.RetractBelief(retract)
    # A retried retraction answers as the first did, instead of "already retracted".
    assert stub.RetractBelief(retract) == retracted
