"""`make run`: the service on 127.0.0.1:50051 backed by an embedded Neo4j in .data/neo4j.

When SELFMODEL_NEO4J_URI is set, that Neo4j is used instead and nothing is started.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import replace
from pathlib import Path

from devtools.neo4j import EmbeddedNeo4j
from service.config import Settings
from service.observability import configure_logging
from service.server import serve

DATA_DIR = Path(".data/neo4j")
BOLT_PORT = int(os.environ.get("SELFMODEL_EMBEDDED_NEO4J_PORT", "7687"))


def main() -> None:
    # Locally, on loopback, calls need no API key unless SELFMODEL_AUTH says otherwise.
    os.environ.setdefault("SELFMODEL_AUTH", "off")
    settings = Settings.from_environment()
    configure_logging(settings.log_level, settings.log_format)
    if "SELFMODEL_NEO4J_URI" in os.environ:
        asyncio.run(serve(settings))
        return
    neo4j = EmbeddedNeo4j(DATA_DIR, port=BOLT_PORT, password=settings.neo4j.password or None)
    logging.getLogger(__name__).info("starting embedded Neo4j in %s", DATA_DIR)
    with neo4j:
        asyncio.run(serve(replace(settings, neo4j=replace(settings.neo4j, uri=neo4j.uri))))


if __name__ == "__main__":
    main()
