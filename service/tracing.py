"""Traces, exported over OTLP/gRPC when the standard `OTEL_*` variables ask for it.

The code makes its spans through the OpenTelemetry API (`trace.get_tracer`). Unless an
exporter is configured, no SDK provider is installed and the API's tracer does nothing:
tracing off costs next to nothing. Configured, a `TracerProvider` batches spans to an OTLP
collector; the exporter, the batching and the sampler read their own `OTEL_*` variables
(endpoint, headers, timeouts, `OTEL_BSP_*`, `OTEL_TRACES_SAMPLER`).
"""

from __future__ import annotations

import logging
import os

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

log = logging.getLogger(__name__)

DEFAULT_SERVICE_NAME = "selfmodel"
_ENDPOINTS = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
_PROTOCOLS = ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL")


def _variable(name: str) -> str:
    return os.environ.get(name, "").strip()


def exporting() -> bool:
    """Whether the environment asks for traces: OTEL_TRACES_EXPORTER=otlp, or (that unset)
    an OTLP endpoint; never with OTEL_SDK_DISABLED=true."""
    if _variable("OTEL_SDK_DISABLED").lower() == "true":
        return False
    exporters = {e.strip().lower() for e in _variable("OTEL_TRACES_EXPORTER").split(",")} - {""}
    if not exporters:
        return any(_variable(name) for name in _ENDPOINTS)
    if exporters - {"otlp", "none"}:
        raise SystemExit(
            f"OTEL_TRACES_EXPORTER: only otlp (or none) is supported, not "
            f"{_variable('OTEL_TRACES_EXPORTER')!r}"
        )
    return "otlp" in exporters


def configure() -> TracerProvider | None:
    """Installs the provider that exports spans, when the environment asks for it; returns
    it (to `shutdown` on stop), or None when tracing is off."""
    if not exporting():
        return None
    for name in _PROTOCOLS:
        protocol = _variable(name)
        if protocol and protocol != "grpc":
            raise SystemExit(f"{name}: only grpc is supported here, not {protocol!r}")
    resource = Resource.create()
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        # OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES) was not given.
        resource = resource.merge(Resource({SERVICE_NAME: DEFAULT_SERVICE_NAME}))
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    log.info(
        "exporting traces over OTLP/gRPC as %s",
        resource.attributes[SERVICE_NAME],
        extra={"event": "tracing_on"},
    )
    return provider


def shutdown(provider: TracerProvider | None) -> None:
    """Sends the spans still batched, then stops exporting (blocks up to the export timeout)."""
    if provider is not None:
        provider.shutdown()
