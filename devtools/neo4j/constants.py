"""Where the embedded Neo4j's pieces are, and how its JVM runs."""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)

#: Pinned in devtools/neo4j/java/pom.xml; informational here.
NEO4J_VERSION = "5.26.31"
MAIN_CLASS = "dev.selfmodel.embedded.EmbeddedNeo4j"
READY_MARKER = "NEO4J_READY"
LAUNCHER_SOURCE_DIR = Path(__file__).resolve().parent / "java"
DEFAULT_DATA_DIR = Path(".data/neo4j")
PID_FILE_NAME = "neo4j.pid"
LAUNCHER_LOG_NAME = "launcher.log"
NEO4J_USER = "neo4j"

# Bumped when the layout of the build directory changes, so old caches are not reused.
BUILD_LAYOUT = b"neo4j-launcher-layout-2"
BUILD_MARKER = "BUILD_OK"
CLASSPATH_FILE = "classpath.txt"
LAUNCHER_JAR = "launcher.jar"
MAIN_CLASS_FILE = MAIN_CLASS.replace(".", "/") + ".class"

ADD_OPENS = (
    "java.base/java.nio=ALL-UNNAMED",
    "java.base/sun.nio.ch=ALL-UNNAMED",
    "java.base/java.io=ALL-UNNAMED",
    "java.base/java.lang=ALL-UNNAMED",
    "java.base/java.util=ALL-UNNAMED",
    "java.base/java.util.concurrent=ALL-UNNAMED",
)
# Small-footprint JVM; most -D flags are the ones Neo4j's own neo4j.conf ships with.
JVM_OPTIONS = (
    "-XX:+UseSerialGC",
    "-XX:-OmitStackTraceInFastThrow",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
    "-Djava.awt.headless=true",
)
MAX_INITIAL_HEAP = 128 * 1024 * 1024


class LauncherBuildError(RuntimeError):
    """The Java launcher could not be built (Maven missing or the build failed)."""


class Neo4jStartError(RuntimeError):
    """Neo4j did not come up (process died, timed out, or is already running)."""
