"""Tracing is on only when the standard OTEL_* variables ask for it, and then exports over
OTLP/gRPC as the service `selfmodel` unless told another name."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry import trace
from opentelemetry.sdk.resources import SERVICE_NAME
from opentelemetry.sdk.trace import TracerProvider

from service import tracing

_VARIABLES = (
    "OTEL_SDK_DISABLED",
    "OTEL_TRACES_EXPORTER",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_PROTOCOL",
    "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
    "OTEL_SERVICE_NAME",
    "OTEL_RESOURCE_ATTRIBUTES",
)


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """A clean OTEL_* environment; the providers `configure` installs (the API allows one
    per process, so the test notes them instead), shut down afterwards."""
    for name in _VARIABLES:
        monkeypatch.delenv(name, raising=False)
    providers: list[object] = []
    monkeypatch.setattr(trace, "set_tracer_provider", providers.append)
    yield providers
    for provider in providers:
        assert isinstance(provider, TracerProvider)
        provider.shutdown()


def test_without_otel_variables_no_provider_is_installed(installed: list[object]) -> None:
    assert tracing.configure() is None
    assert installed == []


@pytest.mark.parametrize(
    "variables",
    [
        {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317"},
        {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4317"},
        {"OTEL_TRACES_EXPORTER": "otlp"},
    ],
)
def test_an_otlp_endpoint_or_exporter_turns_tracing_on(
    installed: list[object], monkeypatch: pytest.MonkeyPatch, variables: dict[str, str]
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    provider = tracing.configure()
    assert provider is not None
    assert installed == [provider]
    assert provider.resource.attributes[SERVICE_NAME] == "selfmodel"


@pytest.mark.parametrize(
    "variables",
    [
        {"OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317"},
        {"OTEL_SDK_DISABLED": "TRUE", "OTEL_TRACES_EXPORTER": "otlp"},
        {"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317"},
    ],
)
def test_disabled_sdk_or_no_exporter_keeps_tracing_off(
    installed: list[object], monkeypatch: pytest.MonkeyPatch, variables: dict[str, str]
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert tracing.configure() is None
    assert installed == []


def test_the_service_name_comes_from_otel_service_name(
    installed: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317")
    monkeypatch.setenv("OTEL_SERVICE_NAME", "selfmodel-eu")
    provider = tracing.configure()
    assert provider is not None
    assert provider.resource.attributes[SERVICE_NAME] == "selfmodel-eu"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("OTEL_TRACES_EXPORTER", "zipkin"),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
        ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/json"),
    ],
)
def test_what_cannot_be_exported_stops_the_start_naming_the_variable(
    installed: list[object], monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317")
    monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit, match=f"^{name}: .*{value}"):
        tracing.configure()
    assert installed == []
