"""How Observe's latency grows with the beliefs a model holds, and those of its tenant.

    python -m bench.scaling [--calls 40]

Starts its own Neo4j and service (authentication off), warms them up, then times Observe
with one new statement on a model holding 100, 1,000 and 10,000 beliefs, and again once
the tenant holds 100,000 (ten models of 10,000), on the big model and on a small one.
The beliefs are generated straight into Neo4j in the shape the service writes (a belief,
its first version, its embedding in the vector index): random unit vectors, so the
vector index finds none of the model's own beliefs near a real statement, the worst case
for the merge-candidate search. Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import uuid
from functools import partial
from pathlib import Path
from typing import Any

import grpc
import numpy as np
from neo4j import Driver, GraphDatabase

from bench.side_by_side import Client, running_service_and_neo4j
from bench.workload import WARM_UP, statements, timed

DIMENSIONS = 384
BATCH = 2_000

_SEED = """
MATCH (m:SelfModel {id: $model_id})
UNWIND $rows AS row
CREATE (m)-[:HOLDS]->(b:Belief {
  id: row.id, tenant: m.tenant, self_model_id: m.id, statement: row.statement,
  statement_key: toLower(row.statement), context: '', confidence: 0.6, evidence: 0.4,
  evidence_time: datetime(), state: 'active', change_kind: 'created', version: 1,
  create_time: datetime(), update_time: datetime()
})
CREATE (b)-[:HAS_VERSION]->(:BeliefVersion {
  id: row.version_id, tenant: m.tenant, self_model_id: m.id, belief_id: row.id, version: 1,
  statement: row.statement, confidence: 0.6, evidence: 0.4, context: '', state: 'active',
  change_kind: 'created', valid_from: datetime(), observation_id: 'generated',
  previous_confidence: 0.5, reason: 'generated', change_index: 0
})
WITH b, row
CALL db.create.setNodeVectorProperty(b, 'embedding', row.embedding)
"""


def seed(driver: Driver, model_name: str, count: int, generator: np.random.Generator) -> None:
    """Adds `count` generated beliefs to the model."""
    model_id = model_name.rsplit("/", 1)[1]
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        vectors = generator.standard_normal((size, DIMENSIONS)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        rows = [
            {
                "id": str(uuid.uuid4()),
                "version_id": str(uuid.uuid4()),
                "statement": f"Generated belief {uuid.uuid4().hex}",
                "embedding": vector.tolist(),
            }
            for vector in vectors
        ]
        driver.execute_query(_SEED, model_id=model_id, rows=rows)


def figures(calls: int, workdir: Path) -> dict[str, Any]:
    generator = np.random.default_rng(7)
    out: dict[str, Any] = {}
    with (
        running_service_and_neo4j(workdir) as (service, neo4j_uri),
        grpc.insecure_channel(service.address) as channel,
        GraphDatabase.driver(neo4j_uri) as driver,
    ):
        client = Client(channel)
        warm = client.model("warm-up")
        for n in range(WARM_UP):
            client.observe(warm, [f"Warm-up statement {n}"])
        offset = 0

        def observe_p50(model: str) -> float:
            nonlocal offset
            batch = statements(calls, offset)
            offset += calls
            return timed([partial(client.observe, model, [s]) for s in batch])["p50"]

        big = client.model("big")
        held = 0
        for size in (100, 1_000, 10_000):
            seed(driver, big, size - held, generator)
            held = size
            out[f"model_{size}"] = observe_p50(big)
        small = client.model("small")
        seed(driver, small, 100, generator)
        for n in range(9):
            seed(driver, client.model(f"other-{n}"), 10_000, generator)
        out["tenant_100000_big_model"] = observe_p50(big)
        out["tenant_100000_small_model"] = observe_p50(small)
    return out


def table(out: dict[str, Any]) -> str:
    rows = [
        ("model holds 100 beliefs", out["model_100"]),
        ("model holds 1,000 beliefs", out["model_1000"]),
        ("model holds 10,000 beliefs", out["model_10000"]),
        ("tenant 100,000; model 10,000", out["tenant_100000_big_model"]),
        ("tenant 100,000; model 100", out["tenant_100000_small_model"]),
    ]
    lines = [f"{'Observe p50, 1 new statement':34} {'ms':>7} {'vs 100':>7}"]
    base = out["model_100"]
    lines += [f"{label:34} {value:7.1f} {value / base:7.2f}" for label, value in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=40, help="timed calls per step")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="selfmodel-scaling-") as name:
        out = figures(arguments.calls, Path(name))
    print(table(out))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
