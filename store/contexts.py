"""Cypher shared by everything that happens in, or holds in, a context."""

from typing import LiteralString

LINK_CONTEXT: LiteralString = """
FOREACH (_ IN CASE WHEN $context <> '' THEN [1] ELSE [] END |
  MERGE (m)-[:HAS_CONTEXT]->(c:Context {name: $context})
    ON CREATE SET c.id = $context_id, c.tenant = $tenant, c.self_model_id = m.id
  CREATE (n)-[:IN_CONTEXT]->(c)
)
"""
"""Links node `n` to the context `$context` of self-model `m`, creating the context on
first use (id `$context_id`, tenant `$tenant`). An empty context means none: nothing is
linked."""
