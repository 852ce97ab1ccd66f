"""Cypher for recording an observation: one query loads what it needs under the model's
write lock, one query writes everything it changed (`ObservationWrite`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, LiteralString

from service.application.ports import (
    CandidateProbe,
    CandidateSearch,
    FirstRecording,
    RecordingRead,
    RecordingState,
    Replay,
)
from service.domain import names
from service.domain.beliefs import Candidate
from service.domain.model import Belief, Observation
from service.domain.recording import BeliefWrite, ObservationWrite
from store.beliefs import (
    LEARNED,
    MERGE_CANDIDATES,
    BeliefRepository,
    belief_properties,
    candidate_parameters,
    to_learned,
)
from store.contexts import link_context
from store.inventories import LATEST_INVENTORY, to_inventory
from store.observations import ObservationRepository
from store.records import to_belief, to_observation, to_self_model
from store.scoped import TenantScopedTransaction
from store.self_models import SelfModelRepository

# Locks first (setting and removing a property is Neo4j's documented way to take a node's
# write lock), so concurrent observations of one model apply one after another and each
# loads what the one before it wrote.
_LOAD: Final[LiteralString] = (
    """
OPTIONAL MATCH (m:SelfModel {id: $self_model_id, tenant: $tenant})
FOREACH (_ IN CASE WHEN m IS NULL THEN [] ELSE [1] END | SET m._lock = true REMOVE m._lock)
WITH m
CALL (m) {
  OPTIONAL MATCH (d:DeletedSelfModel {id: $self_model_id, tenant: $tenant})
  WHERE m IS NULL
  RETURN count(d) > 0 AS deleted
}
CALL (m) {
  OPTIONAL MATCH (o:Observation {self_model_id: $self_model_id,
                                 idempotency_key: $idempotency_key, tenant: $tenant})
  WHERE m IS NOT NULL
  RETURN o AS first LIMIT 1
}
CALL (m) {
  OPTIONAL MATCH (m)-[:HOLDS]->(b:Belief {id: $belief_id})
  RETURN CASE WHEN b IS NULL THEN null ELSE """
    + belief_properties("b")
    + """ END AS belief
  LIMIT 1
}
"""
    + MERGE_CANDIDATES
    + LATEST_INVENTORY
    + LEARNED
    + "RETURN m, deleted, first, belief, found, inventory, learned"
)


class Neo4jRecording:
    """`RecordingTransaction` on one Neo4j transaction of one tenant."""

    def __init__(self, tx: TenantScopedTransaction) -> None:
        self._tx = tx
        self._beliefs = BeliefRepository(tx)

    async def load(self, read: RecordingRead) -> RecordingState:
        result = await self._tx.run(
            _LOAD,
            idempotency_key=read.idempotency_key,
            belief_id=read.belief_id,
            **candidate_parameters(read.self_model_id, read.probes, read.search),
        )
        record = await result.single(strict=True)
        if record["m"] is None:
            return RecordingState(model=None, deleted=bool(record["deleted"]))
        first = record["first"]
        return RecordingState(
            model=to_self_model(record["m"]),
            first=(
                None
                if first is None
                else FirstRecording(to_observation(first), first.get("fingerprint", ""))
            ),
            belief=None if record["belief"] is None else to_belief(record["belief"]),
            candidates=tuple(
                tuple(found)
                for found in await self._beliefs.candidates_found(
                    record["found"], read.self_model_id, read.probes, read.search
                )
            ),
            inventory=None if record["inventory"] is None else to_inventory(record["inventory"]),
            learned=tuple(to_learned(record["learned"])),
        )

    async def merge_candidates(
        self, self_model_id: str, probes: Sequence[CandidateProbe], search: CandidateSearch
    ) -> list[list[Candidate]]:
        return await self._beliefs.merge_candidates(self_model_id, probes, search)

    async def unlearned_with_statement(
        self, self_model_id: str, contexts: Sequence[str], statement_keys: Sequence[str]
    ) -> list[Belief]:
        return await self._beliefs.unlearned_with_statement(self_model_id, contexts, statement_keys)

    async def replay(self, first: Observation) -> Replay:
        changes = await ObservationRepository(self._tx).changes_caused_by(first)
        alignment = await SelfModelRepository(self._tx).alignment_as_of(
            first.self_model_id, first.create_time
        )
        return Replay(tuple(changes), alignment)

    async def write(self, write: ObservationWrite) -> None:
        observation = write.observation
        alignment = write.alignment
        await self._tx.run(
            _WRITE,
            self_model_id=observation.self_model_id,
            observation={
                "id": observation.id,
                "type": observation.type.value,
                "content": observation.content,
                "context": observation.context,
                "occur_time": observation.occur_time,
                "create_time": observation.create_time,
                "revision": observation.revision,
                "fingerprint": write.fingerprint,
                # No key is stored as no property, so the uniqueness constraint ignores it.
                "idempotency_key": observation.idempotency_key or None,
            },
            context=observation.context,
            context_id=write.context_id,
            now=observation.create_time,
            created=[_belief_row(w) for w in write.beliefs if w.created],
            versions=[_belief_row(w) for w in write.beliefs if not w.created],
            conflicts=[{"belief_id": a, "other_id": b} for a, b in write.conflicts],
            corrections=[{"corrected_id": a, "replacement_id": b} for a, b in write.corrections],
            alignment=(
                None
                if alignment is None
                else {"score": alignment.score, "version_id": alignment.version_id}
            ),
        )


def _belief_row(write: BeliefWrite) -> dict[str, Any]:
    change = write.change
    belief = write.belief
    learned = change.learned_from
    return {
        "belief_id": belief.id,
        "version_id": write.version_id,
        "context_id": names.new_id(),
        "statement": belief.statement,
        "statement_key": write.statement_key,
        "embedding": None if write.embedding is None else list(write.embedding),
        "context": belief.context,
        "confidence": belief.confidence,
        "evidence": belief.evidence.weight,
        "state": belief.state.value,
        "version": belief.version,
        "change_kind": change.kind.value,
        "merged_statement": change.merged_statement,
        "previous_confidence": change.previous_confidence,
        "reason": change.reason,
        "change_index": write.change_index,
        "weight": change.weight,
        "edge": change.stance.value.upper() if change.evidence_edge else None,
        "entry_key": None if learned is None else learned.key,
        "favors_statement": None if learned is None else learned.favors_statement,
        "adopt": write.adopt is not None,
    }


# The version node of belief `b` that `row` describes, caused by observation `o`, with the
# evidence edge it draws (relationship types cannot be parameters: one clause per type).
_VERSION: Final[LiteralString] = """
CREATE (b)-[:HAS_VERSION]->(v:BeliefVersion {
  id: row.version_id, tenant: $tenant, self_model_id: $self_model_id, belief_id: row.belief_id,
  version: row.version, statement: row.statement, confidence: row.confidence,
  evidence: row.evidence, context: row.context, state: row.state,
  change_kind: row.change_kind, merged_statement: row.merged_statement, valid_from: $now,
  observation_id: $observation.id, previous_confidence: row.previous_confidence,
  reason: row.reason, change_index: row.change_index
})
CREATE (v)-[:CAUSED_BY]->(o)
FOREACH (_ IN CASE WHEN row.edge = 'SUPPORTS' THEN [1] ELSE [] END |
  CREATE (o)-[:SUPPORTS {weight: row.weight, create_time: $now, reason: row.reason}]->(b))
FOREACH (_ IN CASE WHEN row.edge = 'CONTRADICTS' THEN [1] ELSE [] END |
  CREATE (o)-[:CONTRADICTS {weight: row.weight, create_time: $now, reason: row.reason}]->(b))
"""

# Sets `row.embedding` on belief `b` when the row has one (a new or restated statement).
_EMBEDDING: Final[LiteralString] = """
CALL (b, row) {
  WITH b, row WHERE row.embedding IS NOT NULL
  CALL db.create.setNodeVectorProperty(b, 'embedding', row.embedding)
}
"""

# Each CALL runs once per row, in order, and sees what the rows before it wrote: a belief
# created by this observation can be versioned again by it.
_WRITE: Final[LiteralString] = (
    """
MATCH (m:SelfModel {id: $self_model_id, tenant: $tenant})
SET m.revision = $observation.revision, m.update_time = $now
CREATE (m)-[:OBSERVED]->(n:Observation {
  id: $observation.id, tenant: $tenant, self_model_id: $self_model_id,
  type: $observation.type, content: $observation.content, context: $observation.context,
  occur_time: $observation.occur_time, create_time: $observation.create_time,
  revision: $observation.revision, fingerprint: $observation.fingerprint,
  idempotency_key: $observation.idempotency_key
})
"""
    + link_context("n", "$context", "$context_id")
    + """
WITH m, n AS o
CALL (m, o) {
  UNWIND $created AS row
  CALL (m, o, row) {
    CREATE (m)-[:HOLDS]->(b:Belief {
      id: row.belief_id, tenant: $tenant, self_model_id: $self_model_id,
      statement: row.statement, statement_key: row.statement_key, context: row.context,
      confidence: row.confidence, evidence: row.evidence, evidence_time: $now,
      state: row.state, change_kind: row.change_kind, version: row.version,
      create_time: $now, update_time: $now,
      inventory_key: row.entry_key, inventory_favors_statement: row.favors_statement
    })
    FOREACH (key IN CASE WHEN row.entry_key IS NULL THEN [] ELSE [row.entry_key] END |
      MERGE (e:InventoryEntry {tenant: $tenant, scope: m.scope, key: key})
      CREATE (b)-[:LEARNED_FROM]->(e))
"""
    + _VERSION
    + link_context("b", "row.context", "row.context_id")
    + "WITH b, row"
    + _EMBEDDING
    + """
  }
}
CALL (m, o) {
  UNWIND $versions AS row
  CALL (m, o, row) {
    MATCH (b:Belief {id: row.belief_id, tenant: $tenant})
          -[:HAS_VERSION]->(previous:BeliefVersion {version: row.version - 1})
    SET b.confidence = row.confidence, b.version = row.version, b.update_time = $now,
        b.evidence = row.evidence, b.evidence_time = $now, b.change_kind = row.change_kind,
        b.state = row.state, b.statement = row.statement,
        b.statement_key = coalesce(row.statement_key, b.statement_key),
        b.inventory_favors_statement = coalesce(
          row.favors_statement, b.inventory_favors_statement)
    FOREACH (key IN CASE WHEN row.adopt THEN [row.entry_key] ELSE [] END |
      MERGE (e:InventoryEntry {tenant: $tenant, scope: m.scope, key: key})
      MERGE (b)-[:LEARNED_FROM]->(e)
      SET b.inventory_key = key)
"""
    + _VERSION
    + "CREATE (v)-[:PREVIOUS_VERSION]->(previous) WITH b, row"
    + _EMBEDDING
    + """
  }
}
CALL (o) {
  UNWIND $conflicts AS pair
  MATCH (b:Belief {id: pair.belief_id, tenant: $tenant})
  MATCH (other:Belief {id: pair.other_id, tenant: $tenant})
  WHERE NOT (other)-[:CONFLICTS_WITH]-(b)
  CREATE (b)-[:CONFLICTS_WITH {create_time: $now}]->(other)
}
CALL (o) {
  UNWIND $corrections AS pair
  MATCH (old:Belief {id: pair.corrected_id, tenant: $tenant})
  MATCH (new:Belief {id: pair.replacement_id, tenant: $tenant})
  CREATE (old)-[:CORRECTED_TO {create_time: $now}]->(new)
}
CALL (m) {
  WITH m WHERE $alignment IS NOT NULL
  SET m.alignment_score = $alignment.score,
      m.alignment_version = coalesce(m.alignment_version, 0) + 1
  CREATE (m)-[:HAS_ALIGNMENT_VERSION]->(:AlignmentVersion {
    id: $alignment.version_id, tenant: $tenant, self_model_id: m.id,
    version: m.alignment_version, score: $alignment.score, valid_from: $now,
    observation_id: $observation.id
  })
}
"""
)
