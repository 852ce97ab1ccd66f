"""`python -m service.admin keys ...` against a real Neo4j, as an operator runs it."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import uuid

import pytest
from neo4j import Driver

from devtools.neo4j import free_port
from service.auth import ApiKeyAuthenticator
from service.domain.api_keys import key_hash
from service.domain.errors import Unauthenticated
from store.api_keys import ApiKeyStore
from store.graph import GraphStore, Neo4jSettings
from tests.integration.service_process import PROJECT_ROOT

KEY_FORMAT = re.compile(r"smk_([0-9a-f]{12})_[A-Za-z0-9_-]{43}")


def admin(neo4j_uri: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "SELFMODEL_NEO4J_URI": neo4j_uri,
        "SELFMODEL_NEO4J_PASSWORD": "",
    }
    return subprocess.run(
        [sys.executable, "-m", "service.admin", *arguments],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def tenant_for(neo4j_uri: str, key: str) -> str:
    async def authenticate() -> str:
        graph = GraphStore.open(Neo4jSettings(uri=neo4j_uri))
        try:
            authenticator = ApiKeyAuthenticator(ApiKeyStore(graph), cache_seconds=0)
            return await authenticator.tenant_for(f"Bearer {key}")
        finally:
            await graph.close()

    return asyncio.run(authenticate())


def nodes_holding(driver: Driver, value: str, substring: str) -> int:
    """How many nodes have a property equal to `value` or a text property holding `substring`."""
    records = driver.execute_query(
        """
        MATCH (n) WHERE any(p IN keys(n) WHERE n[p] = $value
                            OR (n[p] IS :: STRING AND n[p] CONTAINS $substring))
        RETURN count(n) AS nodes
        """,
        value=value,
        substring=substring,
    ).records
    return int(records[0]["nodes"])


def listed_line(neo4j_uri: str, tenant: str, key_id: str) -> str:
    listing = admin(neo4j_uri, "keys", "list", "--tenant", tenant)
    assert listing.returncode == 0, listing.stderr
    lines = [line for line in listing.stdout.splitlines() if line.startswith(key_id)]
    assert len(lines) == 1, listing.stdout
    return lines[0]


def test_a_key_is_created_stored_hashed_listed_resolved_and_revoked(
    neo4j_uri: str, neo4j_driver: Driver
) -> None:
    tenant = f"cli-{uuid.uuid4().hex[:8]}"

    created = admin(neo4j_uri, "keys", "create", "--tenant", tenant, "--description", "ci run")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    match = KEY_FORMAT.fullmatch(key)
    assert match is not None, created.stdout
    key_id = match.group(1)
    assert "will not be shown again" in created.stderr
    assert key not in created.stderr

    stored = neo4j_driver.execute_query(
        "MATCH (k:ApiKey {id: $id}) RETURN k.hash AS hash, k.tenant AS tenant", id=key_id
    ).records
    assert [(record["hash"], record["tenant"]) for record in stored] == [(key_hash(key), tenant)]
    secret = key.rsplit("_", 1)[1]
    assert nodes_holding(neo4j_driver, key, secret) == 0
    # The query does find a stored value: the hash.
    assert nodes_holding(neo4j_driver, key_hash(key), key_hash(key)[8:40]) == 1

    active = listed_line(neo4j_uri, tenant, key_id)
    _, listed_tenant, _, status, *description = active.split()
    assert (listed_tenant, status, description) == (tenant, "active", ["ci", "run"])
    assert key_hash(key) not in active
    assert tenant_for(neo4j_uri, key) == tenant

    revoked = admin(neo4j_uri, "keys", "revoke", key_id)
    assert revoked.returncode == 0, revoked.stderr
    assert key_id in revoked.stdout
    again = admin(neo4j_uri, "keys", "revoke", key_id)
    assert again.returncode == 0, again.stderr
    assert "already revoked" in again.stdout

    assert " revoked " in listed_line(neo4j_uri, tenant, key_id)
    with pytest.raises(Unauthenticated):
        tenant_for(neo4j_uri, key)


def test_revoking_an_unknown_key_exits_1(neo4j_uri: str) -> None:
    result = admin(neo4j_uri, "keys", "revoke", "000000000000")
    assert result.returncode == 1
    assert "no API key with id '000000000000'" in result.stderr
    assert "Traceback" not in result.stderr


def test_listing_every_tenant_shows_keys_oldest_first(neo4j_uri: str) -> None:
    tenants = [f"order-{uuid.uuid4().hex[:8]}" for _ in range(2)]
    key_ids = []
    for tenant in tenants:
        created = admin(neo4j_uri, "keys", "create", "--tenant", tenant)
        assert created.returncode == 0, created.stderr
        key_ids.append(created.stdout.split("_")[1])
    listing = admin(neo4j_uri, "keys", "list")
    assert listing.returncode == 0, listing.stderr
    positions = [listing.stdout.index(key_id) for key_id in key_ids]
    assert positions == sorted(positions)


def test_an_invalid_tenant_is_refused_without_a_traceback(neo4j_uri: str) -> None:
    result = admin(neo4j_uri, "keys", "create", "--tenant", "Acme Corp")
    assert result.returncode == 2
    assert "tenant" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_an_unreachable_neo4j_exits_2_without_a_traceback() -> None:
    result = admin(f"bolt://127.0.0.1:{free_port()}", "keys", "list")
    assert result.returncode == 2
    assert "Neo4j unreachable" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_describes_the_commands() -> None:
    result = admin("bolt://127.0.0.1:1", "keys", "--help")
    assert result.returncode == 0
    for command in ("create", "list", "revoke"):
        assert command in result.stdout
