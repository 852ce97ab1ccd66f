"""Consistency tokens: every write's reply carries one; reads accept it, bound to the
tenant; anything else is INVALID_ARGUMENT. On one Neo4j a read sees the write anyway; on a
cluster the token makes the member serving the read wait for it (README, "Consistency
tokens")."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import grpc
import pytest

from selfmodel.v1 import observation_pb2
from selfmodel.v1 import self_model_service_pb2 as messages
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from service.api.consistency import CONSISTENCY_TOKEN_FIELD
from tests.integration.requests import new_user_id


def token_of(call: grpc.Call) -> str:
    tokens = [v for k, v in call.trailing_metadata() or () if k == CONSISTENCY_TOKEN_FIELD]
    assert len(tokens) == 1, call.trailing_metadata()
    assert isinstance(tokens[0], str) and tokens[0]
    return tokens[0]


def with_token(token: str) -> tuple[tuple[str, str]]:
    return ((CONSISTENCY_TOKEN_FIELD, token),)


def test_every_write_carries_a_token_and_every_read_accepts_it(
    stub: SelfModelServiceStub,
) -> None:
    model, call = stub.GetOrCreateSelfModel.with_call(
        messages.GetOrCreateSelfModelRequest(external_user_id=new_user_id(), scope="tokens")
    )
    tokens = [token_of(call)]
    observed, call = stub.Observe.with_call(
        messages.ObserveRequest(
            self_model=model.name,
            observation=observation_pb2.Observation(
                type=observation_pb2.OBSERVATION_TYPE_PREFERENCE,
                content="Asked for a shorter answer",
            ),
            beliefs=[
                observation_pb2.BeliefProposal(
                    statement="Prefers concise output formats",
                    stance=observation_pb2.STANCE_SUPPORTS,
                )
            ],
        )
    )
    tokens.append(token_of(call))
    belief = observed.belief_changes[0].belief
    _, call = stub.AssertBelief.with_call(
        messages.AssertBeliefRequest(self_model=model.name, statement="Reads on a phone")
    )
    tokens.append(token_of(call))
    _, call = stub.RetractBelief.with_call(messages.RetractBeliefRequest(belief=belief.name))
    tokens.append(token_of(call))

    read = stub.GetSelfModel(
        messages.GetSelfModelRequest(name=model.name), metadata=with_token(tokens[-1])
    )
    assert [b.statement for b in read.beliefs] == ["Reads on a phone"]
    for token in tokens:
        stub.ListBeliefs(
            messages.ListBeliefsRequest(self_model=model.name), metadata=with_token(token)
        )
    _, call = stub.DeleteSelfModel.with_call(messages.DeleteSelfModelRequest(name=model.name))
    token_of(call)


def _forged(document: object) -> str:
    return "v1." + base64.urlsafe_b64encode(json.dumps(document).encode()).decode()


@pytest.mark.parametrize(
    "token",
    [
        "not a token",
        "v1.%%%",
        _forged({"tenant": "tests", "bookmarks": []}),
        _forged({"tenant": "tests", "bookmarks": ["FB:not-a-real-bookmark"]}),
        "v1." + "A" * 5000,
    ],
)
def test_a_forged_token_is_invalid_argument(stub: SelfModelServiceStub, token: str) -> None:
    model = stub.GetOrCreateSelfModel(
        messages.GetOrCreateSelfModelRequest(external_user_id=new_user_id(), scope="tokens")
    )
    with pytest.raises(grpc.RpcError) as error:
        stub.GetSelfModel(messages.GetSelfModelRequest(name=model.name), metadata=with_token(token))
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert CONSISTENCY_TOKEN_FIELD in (error.value.details() or "")


def test_another_tenants_token_is_refused(
    stub: SelfModelServiceStub, stub_of_tenant: Callable[[str], SelfModelServiceStub]
) -> None:
    other = stub_of_tenant("token-neighbour")
    _, call = other.GetOrCreateSelfModel.with_call(
        messages.GetOrCreateSelfModelRequest(external_user_id=new_user_id(), scope="tokens")
    )
    model = stub.GetOrCreateSelfModel(
        messages.GetOrCreateSelfModelRequest(external_user_id=new_user_id(), scope="tokens")
    )
    with pytest.raises(grpc.RpcError) as error:
        stub.GetSelfModel(
            messages.GetSelfModelRequest(name=model.name), metadata=with_token(token_of(call))
        )
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "another tenant" in (error.value.details() or "")
