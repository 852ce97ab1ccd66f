"""Belief inventories through gRPC: put, get, revisions, etags and validation."""

from __future__ import annotations

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from selfmodel.v1 import inventory_pb2, observation_pb2
from selfmodel.v1 import self_model_service_pb2 as messages
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.inventory_requests import example_beliefs, new_scope, put_inventory


def _violations(error: grpc.RpcError) -> list[str]:
    status = rpc_status.from_call(error)
    assert status is not None
    fields = []
    for detail in status.details:
        request = error_details_pb2.BadRequest()
        if detail.Unpack(request):
            fields += [v.field for v in request.field_violations]
    return fields


def test_a_scope_without_inventory_reads_the_starter_inventory(
    stub: SelfModelServiceStub,
) -> None:
    starter = stub.GetBeliefInventory(messages.GetBeliefInventoryRequest(scope=new_scope()))
    assert starter.starter and starter.revision == 0
    keys = [b.key for b in starter.beliefs]
    assert {"output_length", "plain_language", "advanced_features"} <= set(keys)


def test_put_get_and_revisions(stub: SelfModelServiceStub) -> None:
    scope = new_scope()
    first = put_inventory(stub, scope)
    assert (first.revision, first.starter) == (1, False)
    assert [b.key for b in first.beliefs] == [b.key for b in example_beliefs()]
    assert first.beliefs[0].activation_threshold == pytest.approx(0.7)

    unchanged = put_inventory(stub, scope)
    assert (unchanged.revision, unchanged.etag) == (1, first.etag)

    edited = example_beliefs()[:2]
    edited[0].statement = "Prefers terse code with brief comments"
    second = put_inventory(stub, scope, edited, etag=first.etag)
    assert second.revision == 2 and second.etag != first.etag

    current = stub.GetBeliefInventory(messages.GetBeliefInventoryRequest(scope=scope))
    assert current == second
    old = stub.GetBeliefInventory(messages.GetBeliefInventoryRequest(scope=scope, revision=1))
    assert old.beliefs[0].statement == "Prefers concise code with inline comments"
    assert len(old.beliefs) == 4

    page = stub.ListBeliefInventoryRevisions(
        messages.ListBeliefInventoryRevisionsRequest(scope=scope, page_size=1)
    )
    assert [i.revision for i in page.inventories] == [2]
    put_inventory(stub, scope, example_beliefs())  # a write between two pages
    rest = stub.ListBeliefInventoryRevisions(
        messages.ListBeliefInventoryRevisionsRequest(
            scope=scope, page_size=1, page_token=page.next_page_token
        )
    )
    assert [i.revision for i in rest.inventories] == [1]
    assert rest.next_page_token == ""

    with pytest.raises(grpc.RpcError) as stale:
        put_inventory(stub, scope, etag=first.etag)
    assert stale.value.code() is grpc.StatusCode.ABORTED

    with pytest.raises(grpc.RpcError) as missing:
        stub.GetBeliefInventory(messages.GetBeliefInventoryRequest(scope=scope, revision=9))
    assert missing.value.code() is grpc.StatusCode.NOT_FOUND


def test_bad_inventories_are_refused_naming_each_field_and_write_nothing(
    stub: SelfModelServiceStub,
) -> None:
    scope = new_scope()
    beliefs = example_beliefs()
    beliefs[1].key = beliefs[0].key
    beliefs[2].activation_threshold = 1.5
    beliefs[3].statement = "  "
    beliefs[0].learned_via.append(observation_pb2.OBSERVATION_TYPE_UNSPECIFIED)
    beliefs[0].signals_for.append("x" * 2000)
    with pytest.raises(grpc.RpcError) as refused:
        put_inventory(stub, scope, beliefs)
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    # An unknown observation type is refused first, as the field it is in.
    assert _violations(refused.value) == ["inventory.beliefs[0].learned_via[4]"]

    beliefs[0].ClearField("learned_via")
    with pytest.raises(grpc.RpcError) as refused_again:
        put_inventory(stub, scope, beliefs)
    assert set(_violations(refused_again.value)) == {
        "inventory.beliefs[1].key",
        "inventory.beliefs[2].activation_threshold",
        "inventory.beliefs[3].statement",
        "inventory.beliefs[0].signals_for[2]",
    }
    too_many = [
        inventory_pb2.InventoryBelief(key=f"k{i}", statement=f"Likes thing {i}") for i in range(51)
    ]
    with pytest.raises(grpc.RpcError) as oversized:
        put_inventory(stub, scope, too_many)
    assert _violations(oversized.value) == ["inventory.beliefs"]
    with pytest.raises(grpc.RpcError) as no_scope:
        put_inventory(stub, "")
    assert _violations(no_scope.value) == ["inventory.scope"]

    current = stub.GetBeliefInventory(messages.GetBeliefInventoryRequest(scope=scope))
    assert current.starter


def test_an_empty_inventory_switches_inference_off(stub: SelfModelServiceStub) -> None:
    scope = new_scope()
    off = put_inventory(stub, scope, [])
    assert off.revision == 1 and not off.starter and len(off.beliefs) == 0
    model = stub.GetOrCreateSelfModel(
        messages.GetOrCreateSelfModelRequest(external_user_id="someone", scope=scope)
    )
    response = stub.Observe(
        messages.ObserveRequest(
            self_model=model.name,
            observation=observation_pb2.Observation(
                type=observation_pb2.OBSERVATION_TYPE_CORRECTION,
                content="Rewrote the technical explanation in everyday words",
            ),
        )
    )
    assert list(response.belief_changes) == []
    adaptations = stub.GetAdaptations(messages.GetAdaptationsRequest(self_model=model.name))
    assert list(adaptations.adaptations) == [] and adaptations.inventory_revision == 1
