"""Tenants share a deployment but not data: another tenant's things do not exist for you.

Every call of tenant B on tenant A's self-model, beliefs or observations, by name or by
user id, is NOT_FOUND (never PERMISSION_DENIED, which would confirm the name exists), and
leaves A's data exactly as it was. Calls without a valid key are UNAUTHENTICATED.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import grpc
import pytest
from neo4j import Driver

from selfmodel.v1 import observation_pb2
from selfmodel.v1 import self_model_service_pb2 as messages
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.auth import create_api_key, with_key
from tests.integration.requests import CONTRADICTS, SUPPORTS, observe

Call = Callable[[SelfModelServiceStub], object]


@pytest.fixture(scope="module")
def two_tenants(
    stub_of_tenant: Callable[[str], SelfModelServiceStub],
) -> tuple[SelfModelServiceStub, SelfModelServiceStub]:
    suffix = uuid.uuid4().hex[:8]
    return stub_of_tenant(f"acme-{suffix}"), stub_of_tenant(f"globex-{suffix}")


def intrusions(model_name: str, belief_name: str, user: str, scope: str) -> dict[str, Call]:
    """Every RPC, aimed at a self-model, belief or user of another tenant."""
    observation = observation_pb2.Observation(
        type=observation_pb2.OBSERVATION_TYPE_PREFERENCE, content="Chose dark mode"
    )
    return {
        "GetSelfModel by name": lambda s: s.GetSelfModel(
            messages.GetSelfModelRequest(name=model_name)
        ),
        "GetSelfModel by user": lambda s: s.GetSelfModel(
            messages.GetSelfModelRequest(external_user_id=user, scope=scope)
        ),
        "Observe": lambda s: s.Observe(
            messages.ObserveRequest(self_model=model_name, observation=observation)
        ),
        "ListBeliefs": lambda s: s.ListBeliefs(messages.ListBeliefsRequest(self_model=model_name)),
        "ListObservations": lambda s: s.ListObservations(
            messages.ListObservationsRequest(self_model=model_name)
        ),
        "ListBeliefVersions": lambda s: s.ListBeliefVersions(
            messages.ListBeliefVersionsRequest(belief=belief_name)
        ),
        "GetBeliefProvenance": lambda s: s.GetBeliefProvenance(
            messages.GetBeliefProvenanceRequest(belief=belief_name)
        ),
        "AssertBelief": lambda s: s.AssertBelief(
            messages.AssertBeliefRequest(self_model=model_name, statement="Likes tea")
        ),
        "RetractBelief": lambda s: s.RetractBelief(
            messages.RetractBeliefRequest(belief=belief_name)
        ),
        "CorrectBelief": lambda s: s.CorrectBelief(
            messages.CorrectBeliefRequest(belief=belief_name, statement="Likes coffee")
        ),
        "RenderContext": lambda s: s.RenderContext(
            messages.RenderContextRequest(self_model=model_name)
        ),
        "ExportUser": lambda s: s.ExportUser(
            messages.ExportUserRequest(external_user_id=user, scope=scope)
        ),
        "WatchSelfModel": lambda s: next(
            s.WatchSelfModel(messages.WatchSelfModelRequest(self_model=model_name), timeout=10)
        ),
        "DeleteSelfModel": lambda s: s.DeleteSelfModel(
            messages.DeleteSelfModelRequest(name=model_name)
        ),
        "DeleteUser": lambda s: s.DeleteUser(
            messages.DeleteUserRequest(external_user_id=user, scope=scope)
        ),
    }


def snapshot(driver: Driver, model_name: str) -> list[tuple[str, object]]:
    """Everything reachable from the model in the graph, to compare before and after."""
    records, _, _ = driver.execute_query(
        """
        MATCH (m:SelfModel {id: $id})-[*0..3]-(n)
        WITH DISTINCT n
        RETURN elementId(n) AS id, properties(n) AS properties ORDER BY id
        """,
        id=model_name.rsplit("/", 1)[1],
    )
    return [(r["id"], sorted((k, str(v)) for k, v in r["properties"].items())) for r in records]


def test_no_tenant_can_touch_another_tenants_user(
    two_tenants: tuple[SelfModelServiceStub, SelfModelServiceStub], neo4j_driver: Driver
) -> None:
    acme, globex = two_tenants
    user, scope = f"user-{uuid.uuid4()}", "shared-scope"
    model = acme.GetOrCreateSelfModel(
        messages.GetOrCreateSelfModelRequest(external_user_id=user, scope=scope)
    )
    changes = observe(acme, model.name, ("Prefers concise output formats", SUPPORTS, ""))
    belief_name = changes.belief_changes[0].belief.name
    before = snapshot(neo4j_driver, model.name)

    outcomes = {}
    for rpc, call in intrusions(model.name, belief_name, user, scope).items():
        with pytest.raises(grpc.RpcError) as error:
            call(globex)
        outcomes[rpc] = error.value.code()
    assert outcomes == {rpc: grpc.StatusCode.NOT_FOUND for rpc in outcomes}

    assert snapshot(neo4j_driver, model.name) == before
    assert acme.GetSelfModel(messages.GetSelfModelRequest(name=model.name)).beliefs


def test_the_same_user_id_in_two_tenants_is_two_users(
    two_tenants: tuple[SelfModelServiceStub, SelfModelServiceStub],
) -> None:
    acme, globex = two_tenants
    request = messages.GetOrCreateSelfModelRequest(external_user_id="u-42", scope="writer")
    acme_model, globex_model = (
        acme.GetOrCreateSelfModel(request),
        globex.GetOrCreateSelfModel(request),
    )
    assert acme_model.name != globex_model.name
    observe(globex, globex_model.name, ("Prefers dark mode", SUPPORTS, ""))
    assert not acme.GetSelfModel(messages.GetSelfModelRequest(name=acme_model.name)).beliefs


def test_lists_show_only_the_callers_own_models(
    two_tenants: tuple[SelfModelServiceStub, SelfModelServiceStub],
) -> None:
    acme, globex = two_tenants
    scope = f"list-{uuid.uuid4().hex[:8]}"
    mine = {
        acme.GetOrCreateSelfModel(
            messages.GetOrCreateSelfModelRequest(external_user_id=f"u{i}", scope=scope)
        ).name
        for i in range(3)
    }
    globex.GetOrCreateSelfModel(
        messages.GetOrCreateSelfModelRequest(external_user_id="u0", scope=scope)
    )
    listed = acme.ListSelfModels(messages.ListSelfModelsRequest(scope=scope))
    assert {m.name for m in listed.self_models} == mine
    everything = acme.ListSelfModels(messages.ListSelfModelsRequest(page_size=200))
    assert mine <= {m.name for m in everything.self_models}


def test_guessed_names_are_not_found(
    two_tenants: tuple[SelfModelServiceStub, SelfModelServiceStub],
) -> None:
    acme, _ = two_tenants
    guessed_model = f"selfModels/{uuid.uuid4()}"
    guessed_belief = f"{guessed_model}/beliefs/{uuid.uuid4()}"
    for rpc, call in intrusions(guessed_model, guessed_belief, "nobody", "nowhere").items():
        with pytest.raises(grpc.RpcError) as error:
            call(acme)
        assert error.value.code() == grpc.StatusCode.NOT_FOUND, rpc


def test_a_belief_name_under_another_model_of_the_tenant_is_not_found(
    two_tenants: tuple[SelfModelServiceStub, SelfModelServiceStub],
) -> None:
    acme, _ = two_tenants
    first, second = (
        acme.GetOrCreateSelfModel(
            messages.GetOrCreateSelfModelRequest(external_user_id=f"u-{uuid.uuid4()}", scope="s")
        )
        for _ in range(2)
    )
    changes = observe(acme, first.name, ("Likes tea", SUPPORTS, ""), ("Likes tea", CONTRADICTS, ""))
    belief_id = changes.belief_changes[0].belief.name.rsplit("/", 1)[1]
    with pytest.raises(grpc.RpcError) as error:
        acme.GetBeliefProvenance(
            messages.GetBeliefProvenanceRequest(belief=f"{second.name}/beliefs/{belief_id}")
        )
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer smk_000000000000_not-a-real-key", "Basic dXNlcjpwYXNz"],
)
def test_calls_without_a_valid_key_are_unauthenticated(
    plain_channel: grpc.Channel, authorization: str | None
) -> None:
    stub = SelfModelServiceStub(plain_channel)
    metadata = None if authorization is None else (("authorization", authorization),)
    with pytest.raises(grpc.RpcError) as error:
        stub.GetOrCreateSelfModel(
            messages.GetOrCreateSelfModelRequest(external_user_id="u-1", scope="s"),
            metadata=metadata,
        )
    assert error.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "smk_" not in (error.value.details() or "")


def test_every_node_the_service_writes_carries_its_tenant(
    two_tenants: tuple[SelfModelServiceStub, SelfModelServiceStub], neo4j_driver: Driver
) -> None:
    acme, _ = two_tenants
    model = acme.GetOrCreateSelfModel(
        messages.GetOrCreateSelfModelRequest(external_user_id=f"u-{uuid.uuid4()}", scope="s")
    )
    observe(acme, model.name, ("Prefers dark mode", SUPPORTS, "editor"), context="editor")
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (n) WHERE NOT n:ApiKey AND n.tenant IS NULL RETURN labels(n) AS labels LIMIT 5"
    )
    assert [r["labels"] for r in records] == []


def test_a_key_from_one_tenant_cannot_be_combined_with_another(
    plain_channel: grpc.Channel, two_tenants: tuple[SelfModelServiceStub, SelfModelServiceStub]
) -> None:
    # Only the key decides the tenant: extra metadata naming a tenant changes nothing.
    acme, _ = two_tenants
    model = acme.GetOrCreateSelfModel(
        messages.GetOrCreateSelfModelRequest(external_user_id=f"u-{uuid.uuid4()}", scope="s")
    )
    stranger = SelfModelServiceStub(with_key(plain_channel, "smk_0123456789ab_forged"))
    with pytest.raises(grpc.RpcError) as error:
        stranger.GetSelfModel(
            messages.GetSelfModelRequest(name=model.name), metadata=(("x-tenant", "acme"),)
        )
    assert error.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_two_authorization_headers_are_refused(plain_channel: grpc.Channel, neo4j_uri: str) -> None:
    # Two valid keys of two tenants: which one gRPC would hand over last is no choice.
    first = create_api_key(neo4j_uri, "tenant-first")
    second = create_api_key(neo4j_uri, "tenant-second")
    stub = SelfModelServiceStub(plain_channel)
    with pytest.raises(grpc.RpcError) as error:
        stub.GetOrCreateSelfModel(
            messages.GetOrCreateSelfModelRequest(external_user_id="u-1", scope="s"),
            metadata=(("authorization", f"Bearer {first}"), ("authorization", f"Bearer {second}")),
        )
    assert error.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "more than one authorization header" in (error.value.details() or "")
    assert "smk_" not in (error.value.details() or "")
