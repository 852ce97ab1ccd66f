"""The traces of a call, taken in memory from the real server (run in this process) on the
real Neo4j: one server span per RPC with the embedding, judging, inference and every Neo4j
query under it, nothing the user said in any of them, the span's ids on the call's log
line, and a caller's `traceparent` continued."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Iterator

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from selfmodel.v1 import self_model_service_pb2
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from service.config import Settings
from service.observability import JsonFormatter
from service.server import running
from tests.integration.requests import PREFERENCE, SUPPORTS, create_model, observe

SERVICE = "selfmodel.v1.SelfModelService"
OBSERVE = f"{SERVICE}/Observe"
# Distinctive, so a leak into any span is found wherever it is.
CONTENT = "zqcontent4417 chose the teal theme over the grey one"
CONTEXT = "zqcontext5521"
STATEMENT = "zqstatement8830 prefers teal themes"
SECRETS = ("zqcontent4417", "zqcontext5521", "zqstatement8830")


class InProcessServer:
    """`service.server.running` on an event loop of its own, on a thread of this process."""

    def __init__(self, settings: Settings) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server = running(settings)

    def start(self) -> str:
        self._thread.start()
        port = asyncio.run_coroutine_threadsafe(self._server.__aenter__(), self._loop)
        address = f"127.0.0.1:{port.result(timeout=180)}"
        with grpc.insecure_channel(address) as channel:
            health = health_pb2_grpc.HealthStub(channel)
            deadline = time.monotonic() + 120
            while health.Check(health_pb2.HealthCheckRequest()).status != (
                health_pb2.HealthCheckResponse.SERVING
            ):
                assert time.monotonic() < deadline, "the store never became ready"
                time.sleep(0.2)
        return address

    def stop(self) -> None:
        exit = self._server.__aexit__(None, None, None)
        asyncio.run_coroutine_threadsafe(exit, self._loop).result(timeout=60)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


@pytest.fixture(scope="module")
def exporter() -> Iterator[InMemorySpanExporter]:
    """Every span this process ends, from here on (the API's provider can be set once per
    process, so an SDK provider already set gets the exporter added instead)."""
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        trace.set_tracer_provider(TracerProvider())
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    spans = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    yield spans
    spans.shutdown()


@pytest.fixture(scope="module")
def stub(neo4j_uri: str, exporter: InMemorySpanExporter) -> Iterator[SelfModelServiceStub]:
    settings = Settings.from_environment(
        {
            "SELFMODEL_LISTEN": "127.0.0.1:0",
            "SELFMODEL_NEO4J_URI": neo4j_uri,
            "SELFMODEL_AUTH": "off",
            "SELFMODEL_METRICS_LISTEN": "",
        }
    )
    server = InProcessServer(settings)
    address = server.start()
    with grpc.insecure_channel(address) as channel:
        yield SelfModelServiceStub(channel)
    server.stop()


def observe_traced(
    stub: SelfModelServiceStub,
    exporter: InMemorySpanExporter,
    metadata: tuple[tuple[str, str], ...] = (),
) -> tuple[ReadableSpan, list[ReadableSpan]]:
    """One Observe with the test's strings, on a model whose scope infers (the starter
    inventory, in a scope of its own: other tests give theirs an empty one); its server
    span and every span of its trace."""
    model = create_model(stub, "tracing-starter-inventory", inference=True)
    exporter.clear()
    request = self_model_service_pb2.ObserveRequest(self_model=model.name)
    request.observation.type = PREFERENCE
    request.observation.content = CONTENT
    request.observation.context = CONTEXT
    request.beliefs.add(statement=STATEMENT, stance=SUPPORTS, context=CONTEXT)
    stub.Observe(request, metadata=metadata)
    [root] = [s for s in exporter.get_finished_spans() if s.name == OBSERVE]
    assert root.context is not None
    trace_id = root.context.trace_id
    spans = [
        s for s in exporter.get_finished_spans() if s.context and s.context.trace_id == trace_id
    ]
    return root, spans


def ended(exporter: InMemorySpanExporter, name: str) -> ReadableSpan:
    """The one span `name`, once ended: a failed call's status reaches the client before
    its span ends (abort sends it, then raises through the span)."""
    deadline = time.monotonic() + 10
    while not (spans := [s for s in exporter.get_finished_spans() if s.name == name]):
        assert time.monotonic() < deadline, f"{name} never ended"
        time.sleep(0.05)
    [span] = spans
    return span


def test_an_observe_is_one_server_span_over_its_embedding_judging_inference_and_queries(
    stub: SelfModelServiceStub, exporter: InMemorySpanExporter
) -> None:
    root, spans = observe_traced(stub, exporter)
    assert root.kind is SpanKind.SERVER
    assert root.parent is None
    assert root.status.status_code is not StatusCode.ERROR
    assert dict(root.attributes or {}) == {
        "rpc.system": "grpc",
        "rpc.service": "selfmodel.v1.SelfModelService",
        "rpc.method": "Observe",
        "rpc.grpc.status_code": 0,
        "selfmodel.tenant": "default",
    }
    children = [s for s in spans if s is not root]
    assert root.context is not None
    assert all(s.parent and s.parent.span_id == root.context.span_id for s in children)
    names = [s.name for s in children]
    assert {"embed", "judge", "infer"} <= set(names)
    queries = [s for s in children if s.name.startswith("store.")]
    assert {"store.Neo4jRecording.load", "store.Neo4jRecording.write"} <= {s.name for s in queries}
    for query in queries:
        attributes = query.attributes or {}
        assert query.kind is SpanKind.CLIENT
        assert attributes["db.system"] == "neo4j"
        assert attributes["db.operation.name"] == query.name.removeprefix("store.")
    # The first embedding is the call's own texts: the proposal and the content.
    embed = min((s for s in children if s.name == "embed"), key=lambda s: s.start_time or 0)
    assert (embed.attributes or {})["selfmodel.embedding.texts"] == 2


def test_no_span_holds_what_the_user_said(
    stub: SelfModelServiceStub, exporter: InMemorySpanExporter
) -> None:
    _, spans = observe_traced(stub, exporter)
    for span in spans:
        texts = [span.name, span.status.description or ""]
        texts += [f"{k}={v!r}" for k, v in (span.attributes or {}).items()]
        for event in span.events:
            texts += [event.name, *(f"{k}={v!r}" for k, v in (event.attributes or {}).items())]
        for secret in SECRETS:
            assert not [t for t in texts if secret in t], (span.name, secret)


def test_the_call_log_line_names_the_calls_span(
    stub: SelfModelServiceStub, exporter: InMemorySpanExporter, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="service.calls")
    root, _ = observe_traced(stub, exporter)
    [record] = [r for r in caplog.records if getattr(r, "method", "") == "Observe"]
    line = json.loads(JsonFormatter().format(record))
    assert root.context is not None
    assert line["trace_id"] == trace.format_trace_id(root.context.trace_id)
    assert line["span_id"] == trace.format_span_id(root.context.span_id)


def test_a_callers_traceparent_becomes_the_parent_of_the_call(
    stub: SelfModelServiceStub, exporter: InMemorySpanExporter
) -> None:
    trace_id, span_id = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    root, spans = observe_traced(
        stub, exporter, metadata=(("traceparent", f"00-{trace_id}-{span_id}-01"),)
    )
    assert root.parent is not None and root.parent.is_remote
    assert trace.format_trace_id(root.parent.trace_id) == trace_id
    assert trace.format_span_id(root.parent.span_id) == span_id
    assert len(spans) > 3  # the whole call continues the caller's trace


def test_a_call_failed_by_its_caller_carries_its_status_code_but_is_no_error_span(
    stub: SelfModelServiceStub, exporter: InMemorySpanExporter
) -> None:
    exporter.clear()
    with pytest.raises(grpc.RpcError) as failure:
        observe(stub, "selfModels/00000000-0000-0000-0000-000000000000", (STATEMENT, SUPPORTS, ""))
    assert failure.value.code() is grpc.StatusCode.NOT_FOUND
    root = ended(exporter, OBSERVE)
    assert root.status.status_code is StatusCode.UNSET
    assert (root.attributes or {})["rpc.grpc.status_code"] == grpc.StatusCode.NOT_FOUND.value[0]


def test_a_cancelled_watch_is_one_span_over_its_stream(
    stub: SelfModelServiceStub, exporter: InMemorySpanExporter, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    model = create_model(stub)
    observe(stub, model.name, ("Likes tea", SUPPORTS, ""))
    exporter.clear()
    stream = stub.WatchSelfModel(
        self_model_service_pb2.WatchSelfModelRequest(self_model=model.name, start_after_revision=0)
    )
    next(stream)  # the replayed commit: the stream is under way
    stream.cancel()
    root = ended(exporter, f"{SERVICE}/WatchSelfModel")
    assert (root.attributes or {})["rpc.grpc.status_code"] == grpc.StatusCode.CANCELLED.value[0]
    assert root.status.status_code is StatusCode.UNSET  # the caller's choice, no failure
    assert root.context is not None
    assert [
        s.name
        for s in exporter.get_finished_spans()
        if s.parent and s.parent.span_id == root.context.span_id
    ] != []  # its reads
    # The span was current across the stream's yields and was left cleanly.
    assert not [r for r in caplog.records if r.name.startswith("opentelemetry")]
