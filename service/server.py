"""Assembles and runs the gRPC server: the service, health checking and reflection."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from selfmodel.v1 import self_model_service_pb2, self_model_service_pb2_grpc
from service.api.calls import CallGate, NoTelemetry
from service.api.self_model_servicer import SelfModelServicer
from service.application import Dependencies, UseCases
from service.auth import ApiKeyAuthenticator, Authenticator, FixedTenantAuthenticator
from service.config import Settings
from service.embeddings import SentenceTransformerEmbedder, packaged_model_path
from store.api_keys import API_KEY_SCHEMA, ApiKeyStore
from store.graph import GraphStore
from store.schema import ensure_schema

log = logging.getLogger(__name__)

SERVICE_NAME = self_model_service_pb2.DESCRIPTOR.services_by_name["SelfModelService"].full_name
SHUTDOWN_GRACE_SECONDS = 10.0


def load_embedder(settings: Settings) -> SentenceTransformerEmbedder:
    model = settings.embedding_model or str(packaged_model_path())
    if settings.embedding_model and not Path(model).exists():
        raise SystemExit(f"SELFMODEL_EMBEDDING_MODEL: no model directory at {model}")
    return SentenceTransformerEmbedder(model, threads=settings.embedding_threads)


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
    embedder = await asyncio.to_thread(load_embedder, settings)
    store = GraphStore.open(settings.neo4j)
    await ensure_schema(store, embedder.dimensions)
    await store.run_schema(API_KEY_SCHEMA)

    server = grpc.aio.server()
    use_cases = UseCases.build(Dependencies(store, embedder, settings.engine))
    gate = CallGate(authenticator(settings, store), NoTelemetry())
    self_model_service_pb2_grpc.add_SelfModelServiceServicer_to_server(
        SelfModelServicer(use_cases, gate), server
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
    await server.start()
    for name in ("", SERVICE_NAME):
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    log.info("serving selfmodel on %s (Neo4j at %s)", settings.listen, settings.neo4j.uri)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()

    log.info("shutting down: finishing in-flight calls")
    await health_servicer.enter_graceful_shutdown()
    await server.stop(SHUTDOWN_GRACE_SECONDS)
    await store.close()
    embedder.close()
