"""Who is calling: the tenant that owns the API key in a call's `authorization` metadata."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from service.domain.api_keys import bearer_token, key_hash, validate_tenant
from service.domain.errors import Unauthenticated

MISSING_KEY_MESSAGE = "missing API key: send authorization: Bearer <key>"
UNKNOWN_KEY_MESSAGE = "unknown or revoked API key"


class Authenticator(Protocol):
    async def tenant_for(self, authorization: str | None) -> str:
        """The tenant of the call; raises Unauthenticated. Never puts the key in a message."""
        ...


class TenantLookup(Protocol):
    """What the authenticator needs of the key store (store.api_keys.ApiKeyStore)."""

    async def tenant_of(self, key_hash: str) -> str | None: ...


class ApiKeyAuthenticator:
    """Looks the key's hash up in the store, remembering found keys for `cache_seconds`.

    The cache spares Neo4j a read on every call; its price is that a revoked key keeps
    working for up to `cache_seconds`. Unknown keys are not cached, so a key works as soon
    as it is created, and a flood of wrong keys cannot push good ones out. Errors of the
    store (StoreUnavailable) pass through.
    """

    def __init__(
        self,
        keys: TenantLookup,
        *,
        cache_seconds: float = 5.0,
        max_cached_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._keys = keys
        self._cache_seconds = cache_seconds
        self._max_cached_keys = max_cached_keys
        self._clock = clock
        # key hash -> (tenant, when the entry expires), oldest entry first.
        self._cache: OrderedDict[str, tuple[str, float]] = OrderedDict()

    async def tenant_for(self, authorization: str | None) -> str:
        token = bearer_token(authorization)
        if token is None:
            raise Unauthenticated(MISSING_KEY_MESSAGE)
        hashed = key_hash(token)
        now = self._clock()
        cached = self._cache.get(hashed)
        if cached is not None:
            tenant, expires_at = cached
            if now < expires_at:
                return tenant
            del self._cache[hashed]
        tenant_or_none = await self._keys.tenant_of(hashed)
        if tenant_or_none is None:
            raise Unauthenticated(UNKNOWN_KEY_MESSAGE)
        self._remember(hashed, tenant_or_none, now)
        return tenant_or_none

    def _remember(self, hashed: str, tenant: str, now: float) -> None:
        if self._cache_seconds <= 0 or self._max_cached_keys <= 0:
            return
        self._cache[hashed] = (tenant, now + self._cache_seconds)
        self._cache.move_to_end(hashed)
        while len(self._cache) > self._max_cached_keys:
            self._cache.popitem(last=False)


class FixedTenantAuthenticator:
    """Every call belongs to one tenant: for running locally with authentication off."""

    def __init__(self, tenant: str) -> None:
        validate_tenant(tenant)
        self._tenant = tenant

    async def tenant_for(self, authorization: str | None) -> str:
        return self._tenant
