"""Many callers observing many models of one scope at once: every call commits, each
model's observations apply one after another, no version is lost or doubled.

The models share their scope's inventory entries (learned beliefs link to them), which is
where concurrent transactions of different models meet in the graph.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from neo4j import Driver

from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.requests import SUPPORTS, create_model, observe

MODELS = 8
CALLERS = 32
CALLS_PER_CALLER = 3
CONTENTS = (
    "Asked for a shorter answer and skipped the long explanation",
    "Turned the paragraph into a bulleted list before sharing it",
    "Asked what a technical term meant, in plain words",
)


def test_concurrent_observations_of_many_models_all_commit_in_order(
    stub: SelfModelServiceStub, neo4j_driver: Driver
) -> None:
    scope = f"concurrency-{uuid.uuid4().hex[:8]}"
    models = [create_model(stub, scope, inference=True).name for _ in range(MODELS)]

    def caller(index: int) -> int:
        model = models[index % MODELS]
        for call in range(CALLS_PER_CALLER):
            observe(
                stub,
                model,
                (f"Works on project {index % 4}", SUPPORTS, ""),
                content=CONTENTS[(index + call) % len(CONTENTS)],
                context="",
            )
        return CALLS_PER_CALLER

    with ThreadPoolExecutor(CALLERS) as pool:
        assert sum(pool.map(caller, range(CALLERS))) == CALLERS * CALLS_PER_CALLER

    records, _, _ = neo4j_driver.execute_query(
        """
        MATCH (m:SelfModel {scope: $scope})-[:OBSERVED]->(o:Observation)
        WITH m, collect(o.revision) AS revisions
        RETURN m.revision AS revision, revisions
        """,
        scope=scope,
    )
    assert len(records) == MODELS
    per_model = CALLERS // MODELS * CALLS_PER_CALLER
    for record in records:
        assert record["revision"] == per_model
        assert sorted(record["revisions"]) == list(range(1, per_model + 1))

    records, _, _ = neo4j_driver.execute_query(
        """
        MATCH (m:SelfModel {scope: $scope})-[:HOLDS]->(b:Belief)-[:HAS_VERSION]->(v)
        WITH m, b, collect(v.version) AS versions
        RETURN m.id AS model, b.statement AS statement, b.context AS context,
               b.version AS version, versions
        """,
        scope=scope,
    )
    assert records
    seen = set()
    for record in records:
        assert sorted(record["versions"]) == list(range(1, record["version"] + 1))
        place = (record["model"], record["statement"], record["context"])
        assert place not in seen, f"two beliefs say {place}"
        seen.add(place)
