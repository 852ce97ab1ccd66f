"""Run a real Neo4j Community DBMS embedded in a small Java launcher, Bolt on loopback
(and, with ``http_port``/``--http-port``, Neo4j Browser over HTTP).

Standard library only: this runs before the project's virtualenv may exist.

The launcher (``devtools/neo4j/java``) is compiled with Maven into a cache directory outside the
repository, ``$SELFMODEL_CACHE_DIR/neo4j-launcher/<hash>/`` (default cache
``~/.cache/selfmodel``), keyed by a hash of its pom.xml and Java sources. The directory holds
the Maven output (``target/classes``, also zipped as ``launcher.jar``), ``classpath.txt`` from
``mvn dependency:build-classpath`` (jars in ``~/.m2``; no fat jar, Neo4j relies on service
loaders) and a JVM class-data-sharing archive ``cds-<java>.jsa`` trained once after the build
(it roughly halves start-up time; set ``cds=False`` to skip it).

Library use::

    with EmbeddedNeo4j(Path(".data/neo4j"), port=free_port()) as neo4j:
        driver = GraphDatabase.driver(neo4j.uri, auth=neo4j.auth)

Command line (default data dir ``.data/neo4j``, relative to the working directory)::

    python -m devtools.neo4j build
    python -m devtools.neo4j run   [--data-dir D] [--port 7687] [--http-port 7474] [--password X]
    python -m devtools.neo4j start [--data-dir D] [--port 7687] [--http-port 7474] [--password X]
    python -m devtools.neo4j stop  [--data-dir D]

The data directory is the Neo4j home: ``data/`` (stores, transaction logs), ``logs/``
(``debug.log`` etc.), plus ``launcher.log`` (the JVM's stdout/stderr) and ``neo4j.pid``.
"""

from __future__ import annotations

from devtools.neo4j.constants import (
    DEFAULT_DATA_DIR,
    NEO4J_VERSION,
    LauncherBuildError,
    Neo4jStartError,
)
from devtools.neo4j.dbms import EmbeddedNeo4j
from devtools.neo4j.launcher import build_launcher, launcher_classpath
from devtools.neo4j.processes import free_port, stop_from_pid_file

__all__ = [
    "DEFAULT_DATA_DIR",
    "NEO4J_VERSION",
    "EmbeddedNeo4j",
    "LauncherBuildError",
    "Neo4jStartError",
    "build_launcher",
    "free_port",
    "launcher_classpath",
    "stop_from_pid_file",
]
