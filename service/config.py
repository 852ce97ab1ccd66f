"""The service's settings: each declared once, in `Environment`, and read from the
environment with pydantic-settings.

From the same declarations come the validation ("configuration: SELFMODEL_X must be …"),
`python -m service --help` and the table in README.md (`python -m service.config` prints
it; a test fails when the two disagree).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUseDefault
from pydantic_settings import BaseSettings, EnvSettingsSource, SettingsConfigDict

from service.application.common import EngineSettings
from service.domain.confidence import DEFAULT_WEIGHTS, EvidenceModel
from service.domain.model import ObservationType
from service.observability import parse_listen
from store.graph import Neo4jSettings

PREFIX = "SELFMODEL_"
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")


class ConfigurationError(ValueError):
    """An environment variable holds a value the service cannot use."""


def _empty_means_default(value: object) -> object:
    # `SELFMODEL_X=` (as compose files write an unset variable) keeps the default.
    if value == "":
        raise PydanticUseDefault()
    return value


def _lowercase(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def _uppercase(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


def _address(value: str) -> str:
    try:
        parse_listen(value)
    except ValueError:
        # Worded to follow "SELFMODEL_X must be".
        raise ValueError("host:port, or [IPv6]:port, with a port up to 65535") from None
    return value


def _address_or_empty(value: str) -> str:
    value = value.strip()
    return _address(value) if value else value


Number = Annotated[float, BeforeValidator(_empty_means_default)]
Count = Annotated[int, BeforeValidator(_empty_means_default)]
Address = Annotated[str, AfterValidator(_address)]


def setting(default: Any, meaning: str, *, shown: str | None = None, **bounds: Any) -> Any:
    """One setting: its default, what it means (README and --help) and its bounds;
    `shown` is the default as the README gives it, when its value alone says too little."""
    return Field(default, description=meaning, json_schema_extra={"shown": shown}, **bounds)


def _weight(kind: ObservationType) -> Any:
    return setting(
        DEFAULT_WEIGHTS[kind], f"log-odds weight of one {kind.name} observation", ge=0.0, le=10.0
    )


class Environment(BaseSettings):
    """Every setting of the service, each an environment variable SELFMODEL_<NAME>."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="ignore", frozen=True)

    listen: Address = setting("127.0.0.1:50051", "host:port the gRPC server binds")
    auth: Annotated[Literal["api-keys", "off"], BeforeValidator(_lowercase)] = setting(
        "api-keys",
        "`api-keys`: every call needs a key; `off`: every call is tenant "
        "`SELFMODEL_LOCAL_TENANT`, allowed only on a loopback address",
        shown="`api-keys` (`off` under `make run`)",
    )
    local_tenant: str = setting("default", "the tenant of every call when authentication is off")
    api_key_cache_seconds: Number = setting(
        5.0,
        "how long a checked key is remembered; a revoked key stops working within this time",
        ge=0.0,
        le=3600.0,
    )
    neo4j_uri: str = setting(
        "bolt://127.0.0.1:7687",
        "Neo4j Bolt URI: `bolt://`, `neo4j://` (routing), `+s`/`+ssc` for TLS",
    )
    neo4j_user: str = setting("neo4j", "Neo4j user")
    neo4j_password: str = setting(
        "", "Neo4j password; empty connects without authentication", shown="empty"
    )
    neo4j_database: str = setting("neo4j", "database name")
    embedding_model: str = setting(
        "",
        "directory of a sentence-transformers model (BERT-like, mean pooling); exported to "
        "ONNX once, under the cache",
        shown="the packaged all-MiniLM-L6-v2",
    )
    embedding_threads: Count = setting(1, "CPU threads of the embedding model", ge=1, le=64)
    embedding_batch_window_ms: Number = setting(
        2.0,
        "how long a text waits for other requests' texts, so concurrent calls share one model call",
        ge=0.0,
        le=100.0,
    )
    embedding_cache_size: Count = setting(
        20_000,
        "distinct texts whose embedding stays in memory (about 2 KB each); a repeated "
        "statement is not embedded again",
        ge=1,
        le=10_000_000,
    )
    log_level: Annotated[
        Literal["DEBUG", "INFO", "WARNING", "ERROR"], BeforeValidator(_uppercase)
    ] = setting("INFO", "log level")
    log_format: Annotated[Literal["json", "text"], BeforeValidator(_lowercase)] = setting(
        "json",
        "`json`: one JSON object per line (`time`, `level`, `logger`, `message` and the "
        "event's fields); `text`: plain lines",
    )
    metrics_listen: Annotated[str, AfterValidator(_address_or_empty)] = setting(
        "127.0.0.1:9464", "host:port of the Prometheus endpoint `/metrics`; empty disables it"
    )
    health_interval_seconds: Number = setting(
        2.0, "how often the service pings Neo4j to set its health status", ge=0.1, le=3600.0
    )
    shutdown_grace_seconds: Number = setting(
        10.0,
        "on SIGTERM/SIGINT, how long in-flight calls may take to finish",
        ge=0.0,
        le=3600.0,
    )
    max_message_bytes: Count = setting(
        256 * 1024,
        "largest request accepted; a larger one gets `RESOURCE_EXHAUSTED`",
        shown="`262144` (256 KiB)",
        ge=1024,
        le=64 * 1024 * 1024,
    )
    neo4j_connect_timeout_seconds: Number = setting(
        5.0,
        "how long opening one Neo4j connection may take; also the health ping's limit",
        ge=0.1,
        le=600.0,
    )
    neo4j_max_retry_seconds: Number = setting(
        10.0,
        "how long the driver retries a transaction after transient failures before the call fails",
        ge=0.0,
        le=600.0,
    )
    prior: Number = setting(0.5, "confidence of a belief before any evidence", ge=0.01, le=0.99)
    evidence_half_life_days: Number = setting(
        90.0, "age at which evidence weighs half", ge=0.01, le=36500.0
    )
    weight_interaction: Number = _weight(ObservationType.INTERACTION)
    weight_preference: Number = _weight(ObservationType.PREFERENCE)
    weight_feedback: Number = _weight(ObservationType.FEEDBACK)
    weight_correction: Number = _weight(ObservationType.CORRECTION)
    weight_answer: Number = _weight(ObservationType.ANSWER)
    weight_assertion: Number = _weight(ObservationType.ASSERTION)
    alignment_rate: Number = setting(
        0.1, "how much one tested belief moves the alignment score", ge=0.0, le=1.0
    )
    inspector_listen: Annotated[str, AfterValidator(_address_or_empty)] = setting(
        "",
        "host:port of the read-only inspector web page (docs/inspector.md); empty: off. "
        "With `SELFMODEL_AUTH=off` only a loopback address",
        shown="empty (off)",
    )
    watch_poll_seconds: Number = setting(
        2.0,
        "how often `WatchSelfModel` looks for changes committed by other instances",
        ge=0.05,
        le=3600.0,
    )

    @model_validator(mode="after")
    def _authentication_off_only_on_loopback(self) -> Self:
        if self.auth != "off":
            return self
        for name, address in (("LISTEN", self.listen), ("INSPECTOR_LISTEN", self.inspector_listen)):
            if address and address.rsplit(":", 1)[0] not in _LOOPBACK_HOSTS:
                raise ValueError(
                    f"{PREFIX}AUTH=off is only allowed on a loopback address, not "
                    f"{PREFIX}{name}={address}"
                )
        return self

    def weight(self, kind: ObservationType) -> float:
        return float(getattr(self, f"weight_{kind.name.lower()}"))


class _MappingSource(EnvSettingsSource):
    """pydantic-settings' environment source over a given mapping instead of os.environ,
    so a caller (and a test) can read settings from any environment."""

    def __init__(self, settings: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings)

    # The hook pydantic-settings' own .env source overrides; names are matched ignoring
    # case, as the environment source does on its default settings.
    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {name.lower(): value for name, value in self._environ.items()}


def variable(name: str) -> str:
    return PREFIX + name.upper()


def _problem(error: Mapping[str, Any]) -> str:
    message = str(error["msg"]).removeprefix("Value error, ").removeprefix("Input should be ")
    if not error["loc"]:
        return message
    return f"{variable(str(error['loc'][0]))} must be {message}, got {error['input']!r}"


def read_environment(environ: Mapping[str, str] = os.environ) -> Environment:
    """The settings `environ` sets; ConfigurationError names each unusable variable."""
    try:
        return Environment.model_validate(_MappingSource(Environment, environ)())
    except ValidationError as error:
        raise ConfigurationError("; ".join(map(_problem, error.errors()))) from None


def declarations() -> Iterator[tuple[str, str, str]]:
    """(variable, default as shown, meaning) of every setting, in declaration order."""
    for name, info in Environment.model_fields.items():
        yield variable(name), _shown_default(info), info.description or ""


def _shown_default(info: FieldInfo) -> str:
    extra = info.json_schema_extra
    shown = extra.get("shown") if isinstance(extra, dict) else None
    if isinstance(shown, str):
        return shown
    default = info.default
    if isinstance(default, float) and default.is_integer():
        default = int(default)
    return f"`{default}`"


def settings_table() -> str:
    """The README's table of settings."""
    rows = [f"| `{name}` | {default} | {meaning} |" for name, default, meaning in declarations()]
    return "\n".join(["| Variable | Default | Meaning |", "|---|---|---|", *rows])


def settings_help() -> str:
    """The settings as `python -m service --help` lists them."""
    lines = ["environment variables:"]
    for name, default, meaning in declarations():
        lines.append(
            f"  {name}\n      {meaning.replace('`', '')} (default: {default.replace('`', '')})"
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class AuthSettings:
    api_keys: bool = True
    """False: every call belongs to `local_tenant` (only allowed on a loopback address)."""
    local_tenant: str = "default"
    cache_seconds: float = 5.0


@dataclass(frozen=True)
class Settings:
    """The settings grouped as the service's parts take them."""

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
    inspector_listen: str = ""
    """Empty: no inspector."""

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        env = read_environment(environ)
        return cls(
            listen=env.listen,
            neo4j=Neo4jSettings(
                uri=env.neo4j_uri,
                user=env.neo4j_user,
                password=env.neo4j_password,
                database=env.neo4j_database,
                connect_timeout_seconds=env.neo4j_connect_timeout_seconds,
                max_retry_seconds=env.neo4j_max_retry_seconds,
            ),
            embedding_model=env.embedding_model,
            embedding_threads=env.embedding_threads,
            embedding_batch_window_ms=env.embedding_batch_window_ms,
            embedding_cache_size=env.embedding_cache_size,
            log_level=env.log_level,
            engine=EngineSettings(
                evidence=EvidenceModel(
                    prior=env.prior,
                    weights={kind: env.weight(kind) for kind in DEFAULT_WEIGHTS},
                    half_life=timedelta(days=env.evidence_half_life_days),
                ),
                alignment_rate=env.alignment_rate,
                watch_poll_interval=timedelta(seconds=env.watch_poll_seconds),
            ),
            auth=AuthSettings(
                api_keys=env.auth == "api-keys",
                local_tenant=env.local_tenant,
                cache_seconds=env.api_key_cache_seconds,
            ),
            log_format=env.log_format,
            metrics_listen=env.metrics_listen,
            health_interval_seconds=env.health_interval_seconds,
            shutdown_grace_seconds=env.shutdown_grace_seconds,
            max_message_bytes=env.max_message_bytes,
            inspector_listen=env.inspector_listen,
        )


if __name__ == "__main__":
    print(settings_table())
