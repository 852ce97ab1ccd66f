from __future__ import annotations

import json
import logging
import sys
import urllib.request
from collections.abc import Iterator

import grpc
import pytest
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from service.observability import JsonFormatter, Telemetry, configure_logging, parse_listen


@pytest.fixture
def root_logging() -> Iterator[None]:
    """configure_logging replaces the root logger's handlers; put them back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def samples(telemetry: Telemetry) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    text = generate_latest(telemetry.registry).decode()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_a_json_line_has_time_level_logger_message_and_the_extras() -> None:
    record = logging.makeLogRecord(
        {
            "name": "service.calls",
            "levelno": logging.INFO,
            "levelname": "INFO",
            "msg": "rpc %s",
            "args": ("Observe",),
            "method": "Observe",
            "duration_ms": 12.5,
        }
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "INFO"
    assert entry["logger"] == "service.calls"
    assert entry["message"] == "rpc Observe"
    assert entry["method"] == "Observe"
    assert entry["duration_ms"] == 12.5
    assert entry["time"].endswith("+00:00")
    assert "args" not in entry and "msg" not in entry


def test_an_exception_stays_on_its_one_line() -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    entry = json.loads(JsonFormatter().format(record))
    assert "RuntimeError: boom" in entry["exception"]


def test_one_call_is_one_json_log_line(
    root_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", "json")
    Telemetry().call_finished("GetSelfModel", "acme", grpc.StatusCode.NOT_FOUND, 0.0123)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["event"] == "rpc"
    assert entry["method"] == "GetSelfModel"
    assert entry["tenant"] == "acme"
    assert entry["code"] == "NOT_FOUND"
    assert entry["duration_ms"] == 12.3
    assert entry["level"] == "INFO"


def test_a_call_within_a_span_names_it_on_its_line(
    root_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", "json")
    Telemetry().call_finished("Observe", "acme", grpc.StatusCode.OK, 0.01)
    with TracerProvider().get_tracer("test").start_as_current_span("rpc") as span:
        Telemetry().call_finished("Observe", "acme", grpc.StatusCode.OK, 0.01)
    untraced, traced = (json.loads(line) for line in capsys.readouterr().err.splitlines())
    assert "trace_id" not in untraced and "span_id" not in untraced
    assert traced["trace_id"] == f"{span.get_span_context().trace_id:032x}"
    assert traced["span_id"] == f"{span.get_span_context().span_id:016x}"


def test_text_logs_name_method_code_and_duration(
    root_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", "text")
    Telemetry().call_finished("Observe", "", grpc.StatusCode.UNAVAILABLE, 2.5)
    (line,) = capsys.readouterr().err.splitlines()
    assert "WARNING service.calls rpc Observe" in line
    assert "code=UNAVAILABLE 2500.0 ms" in line


def test_an_unknown_log_format_is_refused() -> None:
    with pytest.raises(ValueError, match="json"):
        configure_logging("INFO", "xml")


def test_calls_count_by_method_and_code_and_feed_the_latency_histogram() -> None:
    telemetry = Telemetry()
    telemetry.call_finished("Observe", "", grpc.StatusCode.OK, 0.02)
    telemetry.call_finished("Observe", "", grpc.StatusCode.OK, 0.3)
    telemetry.call_finished("Observe", "", grpc.StatusCode.INVALID_ARGUMENT, 0.001)
    got = samples(telemetry)
    calls = "selfmodel_rpc_calls_total"
    assert got[(calls, frozenset({("method", "Observe"), ("code", "OK")}))] == 2
    assert got[(calls, frozenset({("method", "Observe"), ("code", "INVALID_ARGUMENT")}))] == 1
    observe = ("method", "Observe")
    histogram = "selfmodel_rpc_duration_seconds"
    assert got[(f"{histogram}_count", frozenset({observe}))] == 3
    assert got[(f"{histogram}_bucket", frozenset({observe, ("le", "0.005")}))] == 1
    assert got[(f"{histogram}_bucket", frozenset({observe, ("le", "0.025")}))] == 2
    assert got[(f"{histogram}_bucket", frozenset({observe, ("le", "10.0")}))] == 3
    assert got[(f"{histogram}_sum", frozenset({observe}))] == pytest.approx(0.321)


def test_retries_and_neo4j_up_are_exported() -> None:
    telemetry = Telemetry()
    telemetry.transaction_retried()
    telemetry.transaction_retried()
    telemetry.neo4j_up(True)
    got = samples(telemetry)
    assert got[("selfmodel_neo4j_transaction_retries_total", frozenset())] == 2
    assert got[("selfmodel_neo4j_up", frozenset())] == 1
    telemetry.neo4j_up(False)
    assert samples(telemetry)[("selfmodel_neo4j_up", frozenset())] == 0


def test_each_telemetry_has_its_own_registry() -> None:
    first, second = Telemetry(), Telemetry()
    first.transaction_retried()
    assert samples(second)[("selfmodel_neo4j_transaction_retries_total", frozenset())] == 0


def test_metrics_are_served_over_http_on_a_picked_port() -> None:
    telemetry = Telemetry()
    telemetry.call_finished("GetSelfModel", "", grpc.StatusCode.OK, 0.01)
    port = telemetry.start_http_server("127.0.0.1:0")
    try:
        assert port > 0
        url = f"http://127.0.0.1:{port}/metrics"
        with urllib.request.urlopen(url, timeout=5) as response:
            body = response.read().decode()
    finally:
        telemetry.close()
    assert 'selfmodel_rpc_calls_total{code="OK",method="GetSelfModel"} 1.0' in body


def test_an_empty_listen_address_disables_the_endpoint() -> None:
    assert Telemetry().start_http_server("") == 0


@pytest.mark.parametrize(
    ("listen", "expected"),
    [
        ("127.0.0.1:9464", ("127.0.0.1", 9464)),
        ("[::1]:0", ("::1", 0)),
        ("0.0.0.0:1", ("0.0.0.0", 1)),
    ],
)
def test_listen_addresses_parse(listen: str, expected: tuple[str, int]) -> None:
    assert parse_listen(listen) == expected


@pytest.mark.parametrize("listen", ["9464", ":9464", "localhost:", "host:port", "h:70000"])
def test_malformed_listen_addresses_are_refused(listen: str) -> None:
    with pytest.raises(ValueError, match="host:port"):
        parse_listen(listen)
