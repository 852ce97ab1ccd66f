"""A user can see everything held about them, and leave without a trace."""

from __future__ import annotations

import uuid

import grpc
import pytest
from neo4j import Driver

from selfmodel.v1 import observation_pb2
from selfmodel.v1 import self_model_service_pb2 as messages
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.requests import CONTRADICTS, SUPPORTS, observe

SECRET_CONTENT = "Told the assistant about a rare condition: {marker}"


def populated_user(stub: SelfModelServiceStub) -> tuple[str, str, str, str]:
    """(model name, user id, scope, marker) of a user with beliefs, versions and contexts."""
    marker = uuid.uuid4().hex
    user, scope = f"user-{marker}", f"scope-{marker}"
    model = stub.GetOrCreateSelfModel(
        messages.GetOrCreateSelfModelRequest(external_user_id=user, scope=scope)
    )
    observe(
        stub,
        model.name,
        (f"Has condition {marker}", SUPPORTS, f"health-{marker}"),
        ("Prefers concise output formats", SUPPORTS, ""),
        content=SECRET_CONTENT.format(marker=marker),
        context=f"health-{marker}",
    )
    observe(stub, model.name, ("Prefers concise output formats", CONTRADICTS, ""), content=marker)
    belief = observe(stub, model.name, ("Likes tea", SUPPORTS, "")).belief_changes[0].belief
    stub.RetractBelief(messages.RetractBeliefRequest(belief=belief.name, content=marker))
    return model.name, user, scope, marker


def nodes_mentioning(driver: Driver, marker: str, model_id: str) -> list[list[str]]:
    """Labels of every node with any property that holds `marker` or the model's id."""
    records, _, _ = driver.execute_query(
        """
        MATCH (n)
        WHERE any(key IN keys(n) WHERE n[key] IS :: STRING
                                    AND (n[key] CONTAINS $marker OR n[key] CONTAINS $model_id))
        RETURN labels(n) AS labels
        """,
        marker=marker,
        model_id=model_id,
    )
    return sorted(r["labels"] for r in records)


def test_export_returns_everything_held_about_the_user(stub: SelfModelServiceStub) -> None:
    model_name, user, scope, marker = populated_user(stub)
    export = stub.ExportUser(messages.ExportUserRequest(external_user_id=user, scope=scope))
    assert export.self_model.name == model_name
    assert export.self_model.external_user_id == user
    statements = sorted(b.statement for b in export.self_model.beliefs)
    assert statements == sorted(
        [f"Has condition {marker}", "Prefers concise output formats", "Likes tea"]
    )
    # Every version of every belief: 1 + 2 + 2 (created, weakened; created, retracted).
    assert len(export.belief_versions) == 5
    assert {v.name.rsplit("/versions/", 1)[0] for v in export.belief_versions} == {
        b.name for b in export.self_model.beliefs
    }
    assert [o.content for o in export.observations][-1] == SECRET_CONTENT.format(marker=marker)
    assert len(export.observations) == 4
    assert export.HasField("export_time")


def test_delete_user_leaves_nothing_of_the_user_in_the_graph(
    stub: SelfModelServiceStub, neo4j_driver: Driver
) -> None:
    model_name, user, scope, marker = populated_user(stub)
    model_id = model_name.rsplit("/", 1)[1]
    assert len(nodes_mentioning(neo4j_driver, marker, model_id)) > 5

    stub.DeleteUser(messages.DeleteUserRequest(external_user_id=user, scope=scope))

    # Only the tombstone is left: it holds the random model id, the tenant and a time.
    assert nodes_mentioning(neo4j_driver, marker, model_id) == [["DeletedSelfModel"]]
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (d:DeletedSelfModel {id: $id}) RETURN properties(d) AS p", id=model_id
    )
    assert sorted(records[0]["p"]) == ["delete_time", "id", "tenant"]
    with pytest.raises(grpc.RpcError) as error:
        stub.ExportUser(messages.ExportUserRequest(external_user_id=user, scope=scope))
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


def test_a_deleted_model_refuses_observations_and_the_user_can_start_afresh(
    stub: SelfModelServiceStub, neo4j_driver: Driver
) -> None:
    model_name, user, scope, marker = populated_user(stub)
    stub.DeleteSelfModel(messages.DeleteSelfModelRequest(name=model_name))
    assert nodes_mentioning(neo4j_driver, marker, model_name.rsplit("/", 1)[1]) == [
        ["DeletedSelfModel"]
    ]

    with pytest.raises(grpc.RpcError) as error:
        observe(stub, model_name, ("Likes tea", SUPPORTS, ""))
    assert error.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    with pytest.raises(grpc.RpcError) as error:
        stub.ListBeliefs(messages.ListBeliefsRequest(self_model=model_name))
    assert error.value.code() == grpc.StatusCode.FAILED_PRECONDITION

    fresh = stub.GetOrCreateSelfModel(
        messages.GetOrCreateSelfModelRequest(external_user_id=user, scope=scope)
    )
    assert fresh.name != model_name
    assert list(fresh.beliefs) == [] and fresh.revision == 0


def test_deleting_what_does_not_exist_is_not_found(stub: SelfModelServiceStub) -> None:
    with pytest.raises(grpc.RpcError) as error:
        stub.DeleteUser(messages.DeleteUserRequest(external_user_id="nobody", scope="nowhere"))
    assert error.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.RpcError) as error:
        stub.DeleteSelfModel(messages.DeleteSelfModelRequest(name=f"selfModels/{uuid.uuid4()}"))
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


def test_other_users_survive_a_deletion(stub: SelfModelServiceStub) -> None:
    kept_name, _, _, _ = populated_user(stub)
    gone_name, user, scope, _ = populated_user(stub)
    before = stub.ExportUser(
        messages.ExportUserRequest(
            external_user_id=stub.GetSelfModel(
                messages.GetSelfModelRequest(name=kept_name)
            ).external_user_id,
            scope=stub.GetSelfModel(messages.GetSelfModelRequest(name=kept_name)).scope,
        )
    )
    stub.DeleteUser(messages.DeleteUserRequest(external_user_id=user, scope=scope))
    after = stub.ExportUser(
        messages.ExportUserRequest(
            external_user_id=before.self_model.external_user_id, scope=before.self_model.scope
        )
    )
    before.ClearField("export_time")
    after.ClearField("export_time")
    assert after == before
    assert gone_name != kept_name
    assert observation_pb2.OBSERVATION_TYPE_ASSERTION in {o.type for o in after.observations}
