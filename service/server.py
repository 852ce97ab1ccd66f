"""Assembles and runs the gRPC server: the service, health checking and reflection.

Around it: the Prometheus metrics endpoint, the read-only inspector web page when
`SELFMODEL_INSPECTOR_LISTEN` is set, the health watch of Neo4j, and a graceful shutdown
(stop accepting calls, let in-flight ones finish, then close the Neo4j driver).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from selfmodel.v1 import self_model_service_pb2
from service import tracing
from service.api.calls import SERVICE_NAME, CallGate
from service.api.registration import add_servicer
from service.api.self_model_servicer import SelfModelServicer
from service.application.common import Dependencies
from service.application.use_cases import UseCases
from service.auth import ApiKeyAuthenticator, Authenticator, FixedTenantAuthenticator
from service.config import Settings
from service.domain.merge import load_merge_models
from service.embeddings import OnnxEmbedder, packaged_model_path
from service.health_watch import Neo4jHealthWatch
from service.inspector.app import build_app
from service.inspector.reads import Reads
from service.inspector.serving import Inspector
from service.observability import Telemetry
from service.store_startup import StoreStartup
from store.api_keys import API_KEY_SCHEMA, ApiKeyStore
from store.graph import GraphStore
from store.schema import ensure_schema

log = logging.getLogger(__name__)

LIVENESS = "liveness"
"""The health name that is SERVING while the process answers, whether Neo4j does or not:
what an orchestrator's liveness probe asks, so an outage of Neo4j restarts nothing."""


def load_embedder(settings: Settings) -> OnnxEmbedder:
    model = settings.embedding_model or str(packaged_model_path())
    if settings.embedding_model and not Path(model).exists():
        raise SystemExit(f"SELFMODEL_EMBEDDING_MODEL: no model directory at {model}")
    return OnnxEmbedder(
        model,
        threads=settings.embedding_threads,
        batch_window=settings.embedding_batch_window_ms / 1000,
        cache_size=settings.embedding_cache_size,
    )


def authenticator(settings: Settings, store: GraphStore) -> Authenticator:
    if settings.auth.api_keys:
        return ApiKeyAuthenticator(ApiKeyStore(store), cache_seconds=settings.auth.cache_seconds)
    log.warning(
        "authentication is OFF: every call is tenant %r (allowed only on loopback, %s)",
        settings.auth.local_tenant,
        settings.listen,
    )
    return FixedTenantAuthenticator(settings.auth.local_tenant)


async def serve(settings: Settings) -> None:
    """Runs until SIGINT or SIGTERM, then lets in-flight calls finish and closes the store."""
    async with running(settings):
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()


@contextlib.asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[int]:
    """The server, serving within the block (on the port it yields), shut down after it."""
    tracer_provider = tracing.configure()
    telemetry = Telemetry()
    embedder = await asyncio.to_thread(load_embedder, settings)
    # The merge judge's models load now, not on the first Observe.
    await asyncio.to_thread(load_merge_models)
    store = GraphStore.open(settings.neo4j, on_retry=telemetry.transaction_retried)

    async def set_up_schema() -> None:
        await ensure_schema(store, embedder.dimensions)
        await store.run_schema(API_KEY_SCHEMA)

    startup = StoreStartup(set_up_schema, store.ping)

    server = grpc.aio.server(
        options=[("grpc.max_receive_message_length", settings.max_message_bytes)]
    )
    use_cases = UseCases.build(Dependencies(store, embedder, settings.engine))
    callers = authenticator(settings, store)
    gate = CallGate(callers, telemetry, ready=lambda: startup.ready)
    add_servicer(
        SelfModelServicer(use_cases, gate),
        self_model_service_pb2.DESCRIPTOR.services_by_name["SelfModelService"],
        server,
    )
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        (
            SERVICE_NAME,
            health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
            reflection.SERVICE_NAME,
        ),
        server,
    )
    port = server.add_insecure_port(settings.listen)
    if port == 0:
        raise SystemExit(f"SELFMODEL_LISTEN: cannot bind {settings.listen}")
    try:
        metrics_port = telemetry.start_http_server(settings.metrics_listen)
    except OSError as error:
        raise SystemExit(
            f"SELFMODEL_METRICS_LISTEN: cannot bind {settings.metrics_listen}: {error}"
        ) from None
    inspector = None
    if settings.inspector_listen:
        inspector = Inspector(
            build_app(Reads.of(use_cases), callers, ready=lambda: startup.ready),
            settings.inspector_listen,
            settings.shutdown_grace_seconds,
        )
    watch = Neo4jHealthWatch(
        startup.ping,
        health_servicer,
        ("", SERVICE_NAME),
        settings.health_interval_seconds,
        on_result=telemetry.neo4j_up,
    )
    await watch.check()
    await health_servicer.set(LIVENESS, health_pb2.HealthCheckResponse.SERVING)
    await server.start()
    if inspector is not None:
        inspector.start()
    watch.start()
    log.info("serving selfmodel on %s (Neo4j at %s)", settings.listen, settings.neo4j.uri)
    if metrics_port:
        host = settings.metrics_listen.rpartition(":")[0]
        log.info(
            "metrics on http://%s:%d/metrics",
            host,
            metrics_port,
            extra={"metrics_port": metrics_port},
        )

    try:
        yield port
    finally:
        if inspector is not None:
            await inspector.stop()
        await _shut_down(settings, health_servicer, server, watch, store)
        telemetry.close()
        embedder.close()
        await asyncio.to_thread(tracing.shutdown, tracer_provider)


async def _shut_down(
    settings: Settings,
    health_servicer: health.aio.HealthServicer,
    server: grpc.aio.Server,
    watch: Neo4jHealthWatch,
    store: GraphStore,
) -> None:
    log.info(
        "shutting down: finishing in-flight calls (up to %.0f s)", settings.shutdown_grace_seconds
    )
    await health_servicer.enter_graceful_shutdown()
    await server.stop(settings.shutdown_grace_seconds)
    log.info("in-flight calls finished")
    await watch.stop()
    await store.close()
    log.info("Neo4j driver closed", extra={"event": "driver_closed"})
