"""Constraints and indexes, created idempotently when the service starts."""

from __future__ import annotations

from typing import LiteralString

from store.beliefs import BELIEF_EMBEDDING_INDEX
from store.graph import GraphStore
from store.inventories import INVENTORY_SCHEMA

_CONSTRAINTS_AND_INDEXES: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT user_id IF NOT EXISTS FOR (n:User) REQUIRE n.id IS UNIQUE",
    # One user per (tenant, scope, external id); also the lookup index for that triple.
    "CREATE CONSTRAINT user_tenant_scope_external_id IF NOT EXISTS "
    "FOR (n:User) REQUIRE (n.tenant, n.scope, n.external_user_id) IS UNIQUE",
    "CREATE CONSTRAINT self_model_id IF NOT EXISTS FOR (n:SelfModel) REQUIRE n.id IS UNIQUE",
    "CREATE INDEX self_model_tenant_scope IF NOT EXISTS FOR (n:SelfModel) ON (n.tenant, n.scope)",
    "CREATE CONSTRAINT deleted_self_model_id IF NOT EXISTS "
    "FOR (n:DeletedSelfModel) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT observation_id IF NOT EXISTS FOR (n:Observation) REQUIRE n.id IS UNIQUE",
    # A retried Observe finds the first one by its key; two can never share it.
    "CREATE CONSTRAINT observation_idempotency_key IF NOT EXISTS "
    "FOR (n:Observation) REQUIRE (n.self_model_id, n.idempotency_key) IS UNIQUE",
    "CREATE CONSTRAINT belief_id IF NOT EXISTS FOR (n:Belief) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT belief_version_id IF NOT EXISTS "
    "FOR (n:BeliefVersion) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT context_id IF NOT EXISTS FOR (n:Context) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT alignment_version_id IF NOT EXISTS "
    "FOR (n:AlignmentVersion) REQUIRE n.id IS UNIQUE",
    "CREATE INDEX belief_statement_key IF NOT EXISTS "
    "FOR (n:Belief) ON (n.self_model_id, n.statement_key)",
)


def _vector_index(dimensions: int) -> LiteralString:
    # Dimensions are an int from the embedding model, never user input.
    if not 0 < dimensions <= 4096:
        raise ValueError(f"unsupported embedding dimensions: {dimensions}")
    return (
        f"CREATE VECTOR INDEX {BELIEF_EMBEDDING_INDEX} IF NOT EXISTS "
        "FOR (n:Belief) ON (n.embedding) "
        f"OPTIONS {{indexConfig: {{`vector.dimensions`: {dimensions}, "
        # The closing braces end both maps.
        "`vector.similarity_function`: 'cosine'}}"
    )


async def ensure_schema(store: GraphStore, embedding_dimensions: int) -> None:
    """Migrates old data, creates what is missing and waits until every index is online."""
    await store.run_schema(_CONSTRAINTS_AND_INDEXES)
    await store.run_schema(INVENTORY_SCHEMA)
    await store.run_schema((_vector_index(embedding_dimensions),))
    await store.run_schema(("CALL db.awaitIndexes(300)",))
