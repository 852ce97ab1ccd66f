"""The Cypher in docs/graph-model.md works on what the service writes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import LiteralString, cast

from neo4j import Driver

from selfmodel.v1 import observation_pb2
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.auth import TEST_TENANT
from tests.integration.inventory_requests import new_scope, put_inventory, raw_observe
from tests.integration.requests import CONTRADICTS, SUPPORTS, create_model, observe

CORRECTION = observation_pb2.OBSERVATION_TYPE_CORRECTION

DOC = Path(__file__).resolve().parents[2] / "docs" / "graph-model.md"
STATEMENT = "Prefers concise output formats"


def documented_queries() -> list[LiteralString]:
    blocks = re.findall(r"```cypher\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    return [cast(LiteralString, block) for block in blocks]


def test_the_analyst_queries_answer_about_what_the_service_wrote(
    stub: SelfModelServiceStub, neo4j_driver: Driver
) -> None:
    why, history, last_week, unused, _ = documented_queries()
    model = create_model(stub)
    observe(stub, model.name, (STATEMENT, SUPPORTS, ""), content="Chose bullet points")
    observe(stub, model.name, (STATEMENT, CONTRADICTS, ""), content="Asked for the long version")
    observe(stub, model.name, content="Opened the settings page")
    parameters = {
        "self_model_id": model.name.rsplit("/", 1)[1],
        "statement": STATEMENT,
        "scope": model.scope,
        "external_user_id": model.external_user_id,
        "tenant": TEST_TENANT,
    }

    rows, _, _ = neo4j_driver.execute_query(why, parameters)
    assert [(r["stance"], r["observation"]) for r in rows] == [
        ("CONTRADICTS", "Asked for the long version"),
        ("SUPPORTS", "Chose bullet points"),
    ]

    rows, _, _ = neo4j_driver.execute_query(history, parameters)
    assert [(r["version"], r["change"], r["because"]) for r in rows] == [
        (1, "created", "Chose bullet points"),
        (2, "weakened", "Asked for the long version"),
    ]
    assert rows[1]["confidence"] < rows[0]["confidence"]

    rows, _, _ = neo4j_driver.execute_query(last_week, parameters)
    assert [(r["belief"], r["change"]) for r in rows] == [
        (STATEMENT, "weakened"),
        (STATEMENT, "created"),
    ]

    rows, _, _ = neo4j_driver.execute_query(unused, parameters)
    assert [r["content"] for r in rows] == ["Opened the settings page"]


def test_the_inventory_query_shows_what_was_learned_and_why(
    stub: SelfModelServiceStub, neo4j_driver: Driver
) -> None:
    *_, learned = documented_queries()
    scope = new_scope()
    put_inventory(stub, scope)
    model = create_model(stub, scope, inference=True)
    content = "Deleted the explanation paragraphs and kept only the commented code"
    raw_observe(stub, model.name, content, CORRECTION)
    rows, _, _ = neo4j_driver.execute_query(
        learned, {"self_model_id": model.name.rsplit("/", 1)[1]}
    )
    assert [(r["entry"], r["stance"], r["observation"]) for r in rows] == [
        ("response_style", "SUPPORTS", content)
    ]
    assert "response_style" in rows[0]["why"]
