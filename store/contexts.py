"""Cypher shared by everything that happens in, or holds in, a context."""

from typing import LiteralString


def link_context(
    node: LiteralString, context: LiteralString, new_id: LiteralString
) -> LiteralString:
    """Links `node` to the context `context` of self-model `m`, creating the context on
    first use (with id `new_id`). An empty context means none: nothing is linked."""
    return (
        "FOREACH (_ IN CASE WHEN "
        + context
        + " <> '' THEN [1] ELSE [] END |\n  MERGE (m)-[:HAS_CONTEXT]->(c:Context {name: "
        + context
        + "})\n    ON CREATE SET c.id = "
        + new_id
        + ", c.tenant = $tenant, c.self_model_id = m.id\n  CREATE ("
        + node
        + ")-[:IN_CONTEXT]->(c)\n)\n"
    )
