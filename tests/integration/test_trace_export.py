"""With OTEL_EXPORTER_OTLP_ENDPOINT set, the service (a real process) sends its spans to
an OTLP collector over gRPC, the last of them when it stops."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path

import grpc
import pytest
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc
from opentelemetry.proto.trace.v1 import trace_pb2

from devtools.neo4j import free_port
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.requests import SUPPORTS, create_model, observe
from tests.integration.service_process import ServiceProcess


class Collector(trace_service_pb2_grpc.TraceServiceServicer):
    """The trace half of an OTLP collector, keeping what it receives."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: list[trace_pb2.ResourceSpans] = []

    def Export(
        self, request: trace_service_pb2.ExportTraceServiceRequest, context: grpc.ServicerContext
    ) -> trace_service_pb2.ExportTraceServiceResponse:
        with self._lock:
            self._received.extend(request.resource_spans)
        return trace_service_pb2.ExportTraceServiceResponse()

    def spans(self) -> list[tuple[dict[str, str], trace_pb2.Span]]:
        """Every span received, with its resource's string attributes."""
        with self._lock:
            return [
                ({a.key: a.value.string_value for a in batch.resource.attributes}, span)
                for batch in self._received
                for scope in batch.scope_spans
                for span in scope.spans
            ]


@pytest.fixture
def collector() -> Iterator[tuple[Collector, str]]:
    """A collector and its endpoint."""
    collector = Collector()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    # opentelemetry-proto ships its gRPC module without type hints.
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(collector, server)  # type: ignore[no-untyped-call]
    port = server.add_insecure_port(f"127.0.0.1:{free_port()}")
    server.start()
    yield collector, f"http://127.0.0.1:{port}"
    server.stop(None)


def test_spans_reach_the_otlp_collector_by_the_time_the_service_stopped(
    neo4j_uri: str, collector: tuple[Collector, str], tmp_path: Path
) -> None:
    received, endpoint = collector
    service = ServiceProcess(
        neo4j_uri,
        tmp_path / "service.log",
        extra_env={
            "SELFMODEL_AUTH": "off",
            "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
            # Longer than the test: only the flush at shutdown can send the spans.
            "OTEL_BSP_SCHEDULE_DELAY": "600000",
        },
    )
    service.start()
    try:
        with grpc.insecure_channel(service.address) as channel:
            stub = SelfModelServiceStub(channel)
            model = create_model(stub)
            observe(stub, model.name, ("Prefers short answers", SUPPORTS, ""))
    finally:
        service.stop()
    assert service.returncode == 0, service.log_tail()
    spans = received.spans()
    assert {resource.get("service.name") for resource, _ in spans} == {"selfmodel"}
    names = {span.name for _, span in spans}
    assert "selfmodel.v1.SelfModelService/Observe" in names
    assert "store.Neo4jRecording.load" in names
    [call] = [s for _, s in spans if s.name == "selfmodel.v1.SelfModelService/Observe"]
    assert call.kind == trace_pb2.Span.SPAN_KIND_SERVER
    load = next(s for _, s in spans if s.name == "store.Neo4jRecording.load")
    assert load.trace_id == call.trace_id
    assert load.parent_span_id == call.span_id
