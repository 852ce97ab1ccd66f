"""The large graph: self-models generated straight into Neo4j in the service's shape."""

from __future__ import annotations

import sys
import time
import uuid
from typing import Any, Final, LiteralString

import numpy as np

from bench.sizing.common import (
    DIMENSIONS,
    GENERATED_BELIEFS,
    GENERATED_NODES,
    GENERATED_OBSERVATIONS,
    GENERATED_RAW,
    GENERATED_REINFORCEMENTS,
    GENERATED_SCOPE,
    GENERATION_BATCH,
    TENANTS,
    Deployment,
)
from bench.workload import statements

_TEMPLATES: Final[LiteralString] = """
MATCH (u:User)-[:HAS_SELF_MODEL]->(m:SelfModel {id: $model_id})
MATCH (m)-[:HOLDS]->(b:Belief)-[:HAS_VERSION]->(v:BeliefVersion {version: 1})
      -[:CAUSED_BY]->(o:Observation)-[s:SUPPORTS]->(b)
MATCH (b)-[:HAS_VERSION]->(w:BeliefVersion {version: 2})-[:CAUSED_BY]->(p:Observation)
      -[t:SUPPORTS]->(b)
MATCH (m)-[:HAS_ALIGNMENT_VERSION]->(a:AlignmentVersion {observation_id: p.id})
MATCH (m)-[:OBSERVED]->(r:Observation)
WHERE NOT (r)-[:SUPPORTS]->()
RETURN properties(u) AS user, properties(m) AS model, properties(b) AS belief,
       properties(v) AS created_version, properties(o) AS observation,
       properties(s) AS created_support, properties(w) AS reinforced_version,
       properties(t) AS reinforcing_support, properties(a) AS alignment,
       properties(r) AS raw_observation
LIMIT 1
"""


def templates(deployment: Deployment, model: str) -> dict[str, Any]:
    """The property maps the service wrote for one user, belief, version, observation,
    evidence edge and alignment step (step 1): the generated graph copies them."""
    records, _, _ = deployment.driver.execute_query(_TEMPLATES, model_id=model.rsplit("/", 1)[1])
    found = dict(records[0])
    # Each generated belief gets an embedding of its own.
    found["belief"] = {k: v for k, v in found["belief"].items() if k != "embedding"}
    return found


_GENERATE: Final[LiteralString] = """
WITH $t.user AS tu, $t.model AS tm, $t.raw_observation AS tr, $t.observation AS tob,
     $t.belief AS tb, $t.created_version AS tv, $t.reinforced_version AS tw,
     $t.alignment AS ta
UNWIND $models AS row
CREATE (u:User)
SET u = tu {.*, id: randomUUID(), tenant: row.tenant, scope: $scope,
            external_user_id: row.user, self_model_id: row.id}
CREATE (m:SelfModel)
SET m = tm {.*, id: row.id, tenant: row.tenant, scope: $scope, external_user_id: row.user,
            revision: $observations}
CREATE (u)-[:HAS_SELF_MODEL]->(m)
WITH m, row, tr, tob, tb, tv, tw, ta
CALL (m, tr) {
  UNWIND range(1, $raw) AS n
  CREATE (m)-[:OBSERVED]->(o:Observation)
  SET o = tr {.*, id: randomUUID(), tenant: m.tenant, self_model_id: m.id}
}
CALL (m, row, tob, tb, tv, tw, ta) {
  UNWIND range(0, size(row.statements) - 1) AS k
  CREATE (m)-[:OBSERVED]->(o:Observation)
  SET o = tob {.*, id: randomUUID(), tenant: m.tenant, self_model_id: m.id}
  CREATE (m)-[:HOLDS]->(b:Belief)
  SET b = tb {.*, id: randomUUID(), tenant: m.tenant, self_model_id: m.id,
              statement: row.statements[k], statement_key: toLower(row.statements[k]),
              version: $reinforcements + 1}
  CREATE (b)-[:HAS_VERSION]->(v:BeliefVersion)
  SET v = tv {.*, id: randomUUID(), tenant: m.tenant, self_model_id: m.id, belief_id: b.id,
              statement: b.statement, observation_id: o.id}
  CREATE (v)-[:CAUSED_BY]->(o)
  CREATE (o)-[s:SUPPORTS]->(b)
  SET s = $t.created_support
  WITH m, row, k, b, v, tob, tw, ta
  CALL db.create.setNodeVectorProperty(b, 'embedding', row.embeddings[k])
  CALL (m, b, tob, tw, ta) {
    UNWIND range(2, $reinforcements + 1) AS version
    CREATE (m)-[:OBSERVED]->(o:Observation)
    SET o = tob {.*, id: randomUUID(), tenant: m.tenant, self_model_id: m.id}
    CREATE (b)-[:HAS_VERSION]->(w:BeliefVersion)
    SET w = tw {.*, id: randomUUID(), tenant: m.tenant, self_model_id: m.id, belief_id: b.id,
                statement: b.statement, version: version, observation_id: o.id}
    CREATE (w)-[:CAUSED_BY]->(o)
    CREATE (o)-[s:SUPPORTS]->(b)
    SET s = $t.reinforcing_support
    CREATE (m)-[:HAS_ALIGNMENT_VERSION]->(a:AlignmentVersion)
    SET a = ta {.*, id: randomUUID(), tenant: m.tenant, self_model_id: m.id,
                observation_id: o.id}
    WITH w ORDER BY w.version
    RETURN collect(w) AS later
  }
  WITH [v] + later AS chain
  UNWIND range(1, size(chain) - 1) AS i
  WITH chain[i] AS newer, chain[i - 1] AS older
  CREATE (newer)-[:PREVIOUS_VERSION]->(older)
}
"""


def generate(deployment: Deployment, template: dict[str, Any], models: int) -> list[str]:
    """Generates `models` self-models over TENANTS; returns the names of those in the
    service's tenant."""
    generator = np.random.default_rng(7)
    readable: list[str] = []
    started = time.perf_counter()
    for start in range(0, models, GENERATION_BATCH):
        size = min(GENERATION_BATCH, models - start)
        vectors = generator.standard_normal((size, GENERATED_BELIEFS, DIMENSIONS))
        vectors /= np.linalg.norm(vectors, axis=2, keepdims=True)
        rows = []
        for n in range(size):
            number = start + n
            model_id = str(uuid.uuid4())
            tenant = TENANTS[number % len(TENANTS)]
            if tenant == TENANTS[0]:
                readable.append(f"selfModels/{model_id}")
            rows.append(
                {
                    "id": model_id,
                    "tenant": tenant,
                    "user": f"generated-{number}",
                    "statements": statements(GENERATED_BELIEFS, number * GENERATED_BELIEFS),
                    "embeddings": vectors[n].astype(np.float32).tolist(),
                }
            )
        deployment.driver.execute_query(
            _GENERATE,
            models=rows,
            t=template,
            scope=GENERATED_SCOPE,
            observations=GENERATED_OBSERVATIONS,
            raw=GENERATED_RAW,
            reinforcements=GENERATED_REINFORCEMENTS,
        )
        done = start + size
        if done % (10 * GENERATION_BATCH) == 0 or done == models:
            elapsed = time.perf_counter() - started
            print(
                f"generated {done}/{models} models in {elapsed:.0f}s "
                f"(about {done * GENERATED_NODES / elapsed:,.0f} nodes/s; "
                f"{elapsed / done * (models - done):.0f}s to go)",
                file=sys.stderr,
                flush=True,
            )
    return readable
