"""API keys for the integration tests: created in the real Neo4j, sent as real metadata."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import grpc

from service.domain.api_keys import new_api_key
from store.api_keys import API_KEY_SCHEMA, ApiKeyStore
from store.graph import GraphStore, Neo4jSettings

TEST_TENANT = "tests"
"""The tenant of the shared `stub` fixture."""


def create_api_key(neo4j_uri: str, tenant: str) -> str:
    """A new key of `tenant`, stored (hashed) in the Neo4j at `neo4j_uri`."""

    async def create() -> str:
        store = GraphStore.open(Neo4jSettings(uri=neo4j_uri))
        try:
            await store.run_schema(API_KEY_SCHEMA)
            key = new_api_key()
            await ApiKeyStore(store).create(
                key, tenant=tenant, description="integration tests", now=datetime.now(UTC)
            )
            return key.plaintext
        finally:
            await store.close()

    return asyncio.run(create())


class _ClientCallDetails(grpc.ClientCallDetails):
    def __init__(
        self, details: grpc.ClientCallDetails, metadata: tuple[tuple[str, str | bytes], ...]
    ) -> None:
        self.method = details.method
        self.timeout = details.timeout
        self.metadata = metadata
        self.credentials = details.credentials
        self.wait_for_ready = details.wait_for_ready
        self.compression = details.compression


class BearerKey(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor):
    """Adds `authorization: Bearer <key>` to every call, as a client library would."""

    def __init__(self, key: str) -> None:
        self._header: tuple[str, str | bytes] = ("authorization", f"Bearer {key}")

    def _with_key(self, details: grpc.ClientCallDetails) -> grpc.ClientCallDetails:
        return _ClientCallDetails(details, (*(details.metadata or ()), self._header))

    def intercept_unary_unary(
        self, continuation: Callable[..., Any], details: grpc.ClientCallDetails, request: Any
    ) -> Any:
        return continuation(self._with_key(details), request)

    def intercept_unary_stream(
        self, continuation: Callable[..., Any], details: grpc.ClientCallDetails, request: Any
    ) -> Any:
        return continuation(self._with_key(details), request)


def with_key(channel: grpc.Channel, key: str) -> grpc.Channel:
    return grpc.intercept_channel(channel, BearerKey(key))


@contextmanager
def authenticated_channel(address: str, key: str) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(address) as channel:
        yield with_key(channel, key)
