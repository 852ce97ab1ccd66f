"""What an operator sees: structured logs (one line per call) and Prometheus metrics.

Traces are `service.tracing`'s; a call's log line names its span (`trace_id`, `span_id`).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from wsgiref.simple_server import WSGIServer

import grpc
from opentelemetry import trace
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import start_http_server

LOG_FORMATS = ("json", "text")

# 5 ms .. 10 s: a read takes milliseconds, an Observe with many beliefs up to seconds,
# and a call during a Neo4j outage gives up after the store's retry time.
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

# Codes that say the service, not the caller, has a problem: logged as warnings, and the
# codes OpenTelemetry's gRPC conventions mark a server span as failed for.
SERVER_SIDE = frozenset(
    {
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.DATA_LOSS,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.UNIMPLEMENTED,
    }
)

# Attributes every LogRecord has; anything else on a record came from `extra`.
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

calls_log = logging.getLogger("service.calls")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the record's extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(level: str, log_format: str = "json") -> None:
    """Sends every log record to stderr, as JSON lines or as plain text."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"log format must be one of {', '.join(LOG_FORMATS)}: {log_format!r}")
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)


def parse_listen(listen: str) -> tuple[str, int]:
    """`host:port` (or `[v6]:port`) to its parts; raises ValueError when malformed."""
    host, separator, port = listen.rpartition(":")
    if not separator or not host or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"expected host:port, got {listen!r}")
    return host.removeprefix("[").removesuffix("]"), int(port)


class Telemetry:
    """The service's metrics, in a registry of their own, and the per-call log line."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._calls = Counter(
            "selfmodel_rpc_calls",
            "gRPC calls handled, by method and status code",
            ["method", "code"],
            registry=self.registry,
        )
        self._durations = Histogram(
            "selfmodel_rpc_duration_seconds",
            "Time to handle a gRPC call, by method",
            ["method"],
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self._retries = Counter(
            "selfmodel_neo4j_transaction_retries",
            "Units of work the Neo4j driver ran again after a transient failure",
            registry=self.registry,
        )
        self._neo4j_up = Gauge(
            "selfmodel_neo4j_up",
            "1 while Neo4j answers the health check, else 0",
            registry=self.registry,
        )
        self._http: WSGIServer | None = None

    def call_finished(
        self, method: str, tenant: str, code: grpc.StatusCode, seconds: float
    ) -> None:
        """Records one finished call: one log line, the call counter and the latency."""
        duration_ms = round(seconds * 1000.0, 1)
        fields: dict[str, object] = {
            "event": "rpc",
            "method": method,
            "tenant": tenant,
            "code": code.name,
            "duration_ms": duration_ms,
        }
        span = trace.get_current_span().get_span_context()
        if span.is_valid:  # the call's span, when tracing is on
            fields["trace_id"] = trace.format_trace_id(span.trace_id)
            fields["span_id"] = trace.format_span_id(span.span_id)
        calls_log.log(
            logging.WARNING if code in SERVER_SIDE else logging.INFO,
            "rpc %s tenant=%s code=%s %.1f ms",
            method,
            tenant,
            code.name,
            duration_ms,
            extra=fields,
        )
        self._calls.labels(method=method, code=code.name).inc()
        self._durations.labels(method=method).observe(seconds)

    def transaction_retried(self) -> None:
        self._retries.inc()

    def neo4j_up(self, up: bool) -> None:
        self._neo4j_up.set(1 if up else 0)

    def start_http_server(self, listen: str) -> int:
        """Serves /metrics on `listen` (port 0 picks one); returns the port, 0 when disabled."""
        if not listen:
            return 0
        host, port = parse_listen(listen)
        self._http, _ = start_http_server(port, addr=host, registry=self.registry)
        bound: int = self._http.server_port
        return bound

    def close(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None
