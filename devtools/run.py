"""`make run`: the service on 127.0.0.1:50051 backed by an embedded Neo4j in .data/neo4j,
with Neo4j Browser on 127.0.0.1:7474 (authentication on: devtools/local_credentials.py)
and the inspector page on 127.0.0.1:8080 (docs/inspector.md).

When SELFMODEL_NEO4J_URI is set, that Neo4j is used instead and nothing is started.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import replace
from pathlib import Path

from devtools.local_credentials import PASSWORD_VARIABLE, browser_notice, local_credentials
from devtools.neo4j import EmbeddedNeo4j
from devtools.neo4j.constants import NEO4J_USER
from service.config import Settings
from service.observability import configure_logging
from service.server import serve

DATA_DIR = Path(".data/neo4j")
PASSWORD_FILE = Path(".data/neo4j-password")
BOLT_PORT = int(os.environ.get("SELFMODEL_EMBEDDED_NEO4J_PORT", "7687"))
HTTP_PORT = int(os.environ.get("SELFMODEL_EMBEDDED_NEO4J_HTTP_PORT", "7474"))
INSPECTOR = "127.0.0.1:8080"


def main() -> None:
    # Locally, on loopback, calls need no API key unless SELFMODEL_AUTH says otherwise.
    os.environ.setdefault("SELFMODEL_AUTH", "off")
    # The inspector on loopback unless told otherwise (an empty value turns it off).
    os.environ.setdefault("SELFMODEL_INSPECTOR_LISTEN", INSPECTOR)
    settings = Settings.from_environment()
    configure_logging(settings.log_level, settings.log_format)
    if settings.inspector_listen:
        print(f"Inspector: http://{settings.inspector_listen}/", flush=True)
    if "SELFMODEL_NEO4J_URI" in os.environ:
        asyncio.run(serve(settings))
        return
    credentials = local_credentials(PASSWORD_FILE, os.environ.get(PASSWORD_VARIABLE))
    neo4j = EmbeddedNeo4j(
        DATA_DIR, port=BOLT_PORT, http_port=HTTP_PORT, password=credentials.password
    )
    logging.getLogger(__name__).info("starting embedded Neo4j in %s", DATA_DIR)
    with neo4j:
        assert neo4j.browser_url is not None
        print(browser_notice(neo4j.browser_url, neo4j.uri, credentials), flush=True)
        connection = replace(
            settings.neo4j, uri=neo4j.uri, user=NEO4J_USER, password=credentials.password
        )
        asyncio.run(serve(replace(settings, neo4j=connection)))


if __name__ == "__main__":
    main()
