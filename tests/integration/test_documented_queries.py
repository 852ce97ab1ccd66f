"""The Cypher in docs/graph-model.md works on what the service writes, with the parameters
its `:param` lines declare (the example ids replaced by real ones)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, LiteralString, NamedTuple, cast

from neo4j import Driver

from selfmodel.v1 import observation_pb2
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.auth import TEST_TENANT
from tests.integration.inventory_requests import new_scope, put_inventory, raw_observe
from tests.integration.requests import CONTRADICTS, SUPPORTS, create_model, observe

CORRECTION = observation_pb2.OBSERVATION_TYPE_CORRECTION

DOC = Path(__file__).resolve().parents[2] / "docs" / "graph-model.md"
STATEMENT = "Prefers concise output formats"


# A block of `:param name => value` lines, then the query's block.
QUERY = re.compile(r"```\n((?::param [^\n]*\n)+)```\s*```cypher\n(.*?)```", flags=re.DOTALL)
PARAM = re.compile(r"^:param (\w+) => (.+)$", flags=re.MULTILINE)


class DocumentedQuery(NamedTuple):
    # name -> value: the doc's values are Cypher literals that JSON reads too.
    parameters: dict[str, Any]
    cypher: LiteralString


def documented_queries() -> list[DocumentedQuery]:
    text = DOC.read_text()
    queries = []
    for param_lines, cypher in QUERY.findall(text):
        parameters = {name: json.loads(value) for name, value in PARAM.findall(param_lines)}
        queries.append(DocumentedQuery(parameters, cast(LiteralString, cypher)))
    assert len(queries) == text.count("```cypher"), "a query without its :param lines"
    return queries


def test_each_query_declares_exactly_the_parameters_it_uses() -> None:
    for query in documented_queries():
        assert set(query.parameters) == set(re.findall(r"\$(\w+)", query.cypher)), query.cypher


def run(driver: Driver, query: DocumentedQuery, **real: str) -> list[Any]:
    """The query with the doc's parameters, those named in `real` replaced."""
    assert set(real) <= set(query.parameters)
    rows, _, _ = driver.execute_query(query.cypher, {**query.parameters, **real})
    return rows


def test_the_analyst_queries_answer_about_what_the_service_wrote(
    stub: SelfModelServiceStub, neo4j_driver: Driver
) -> None:
    why, history, last_week, unused, _ = documented_queries()
    model = create_model(stub, last_week.parameters["scope"])
    observe(stub, model.name, (STATEMENT, SUPPORTS, ""), content="Chose bullet points")
    observe(stub, model.name, (STATEMENT, CONTRADICTS, ""), content="Asked for the long version")
    observe(stub, model.name, content="Opened the settings page")
    model_id = model.name.rsplit("/", 1)[1]
    # The doc's example statement and scope are the ones observed here.
    assert why.parameters["statement"] == STATEMENT

    rows = run(neo4j_driver, why, self_model_id=model_id)
    assert [(r["stance"], r["observation"]) for r in rows] == [
        ("CONTRADICTS", "Asked for the long version"),
        ("SUPPORTS", "Chose bullet points"),
    ]

    rows = run(neo4j_driver, history, self_model_id=model_id)
    assert [(r["version"], r["change"], r["because"]) for r in rows] == [
        (1, "created", "Chose bullet points"),
        (2, "weakened", "Asked for the long version"),
    ]
    assert rows[1]["confidence"] < rows[0]["confidence"]

    rows = run(neo4j_driver, last_week, tenant=TEST_TENANT, external_user_id=model.external_user_id)
    assert [(r["belief"], r["change"]) for r in rows] == [
        (STATEMENT, "weakened"),
        (STATEMENT, "created"),
    ]

    rows = run(neo4j_driver, unused, self_model_id=model_id)
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
    rows = run(neo4j_driver, learned, self_model_id=model.name.rsplit("/", 1)[1])
    assert [(r["entry"], r["stance"], r["observation"]) for r in rows] == [
        ("response_style", "SUPPORTS", content)
    ]
    assert "response_style" in rows[0]["why"]
