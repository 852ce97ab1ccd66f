"""Who may open the inspector: with keys on, every request needs one (Basic or Bearer) and
reads its own tenant; with keys off, it reads the local tenant and listens on loopback only.
And the inspector runs on the service's loop without taking its signals."""

from __future__ import annotations

import asyncio
import base64
import re
import signal
import socket
import urllib.request

import httpx2
import pytest

from service.auth import ApiKeyAuthenticator, Authenticator, FixedTenantAuthenticator
from service.config import ConfigurationError, Settings
from service.domain.api_keys import key_hash, new_api_key
from service.inspector.app import build_app
from service.inspector.serving import Inspector
from tests.unit.inspector_fake import FakeReads


class Keys:
    """The key store: one key of tenant acme."""

    def __init__(self) -> None:
        self.key = new_api_key().plaintext

    async def tenant_of(self, hashed: str) -> str | None:
        return "acme" if hashed == key_hash(self.key) else None


def basic(password: str, user: str = "pm") -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


async def fetch(
    authenticator: Authenticator, headers: dict[str, str], *, ready: bool = True
) -> tuple[httpx2.Response, FakeReads]:
    fake = FakeReads("acme")
    model = fake.add_model("u-42", "acme-writer")
    app = build_app(fake.reads(), authenticator, ready=lambda: ready)
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://127.0.0.1:8080"
    ) as http:
        return await http.get(f"/models/{model.id}", headers=headers), fake


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer smk_000000000000_not-a-key"},
        {"Authorization": basic("smk_000000000000_not-a-key")},
        {"Authorization": basic("")},
        {"Authorization": "Basic %%%"},
    ],
    ids=["none", "unknown bearer", "unknown basic", "empty basic", "malformed basic"],
)
async def test_with_keys_on_a_request_without_a_known_key_gets_401_and_a_basic_challenge(
    headers: dict[str, str],
) -> None:
    response, fake = await fetch(ApiKeyAuthenticator(Keys()), headers)
    assert response.status_code == 401
    challenges = response.headers.get_list("www-authenticate")
    assert challenges[0].startswith('Basic realm="selfmodel inspector"')
    assert fake.tenants_read == []


@pytest.mark.asyncio
@pytest.mark.parametrize("scheme", ["basic", "bearer"])
async def test_with_keys_on_a_known_key_reads_its_own_tenant(scheme: str) -> None:
    keys = Keys()
    authorization = basic(keys.key) if scheme == "basic" else f"Bearer {keys.key}"
    response, fake = await fetch(ApiKeyAuthenticator(keys), {"Authorization": authorization})
    assert response.status_code == 200
    assert set(fake.tenants_read) == {"acme"}
    assert "tenant acme" in response.text


@pytest.mark.asyncio
async def test_with_keys_off_every_request_reads_the_local_tenant() -> None:
    response, fake = await fetch(FixedTenantAuthenticator("default"), {})
    # The fake holds the model in tenant acme: the local tenant does not see it.
    assert response.status_code == 404
    assert set(fake.tenants_read) == {"default"}


@pytest.mark.asyncio
async def test_before_neo4j_answers_the_pages_are_503() -> None:
    response, fake = await fetch(FixedTenantAuthenticator("acme"), {}, ready=False)
    assert response.status_code == 503
    assert fake.tenants_read == []


@pytest.mark.parametrize("listen", ["0.0.0.0:8080", "[::]:8080", "10.1.2.3:8080"])
def test_with_keys_off_the_inspector_may_not_listen_beyond_loopback(listen: str) -> None:
    environment = {"SELFMODEL_AUTH": "off", "SELFMODEL_INSPECTOR_LISTEN": listen}
    with pytest.raises(
        ConfigurationError, match=re.escape(f"not SELFMODEL_INSPECTOR_LISTEN={listen}")
    ):
        Settings.from_environment(environment)


@pytest.mark.parametrize(
    ("environment", "listen"),
    [
        (
            {"SELFMODEL_AUTH": "off", "SELFMODEL_INSPECTOR_LISTEN": "127.0.0.1:8080"},
            "127.0.0.1:8080",
        ),
        (
            {"SELFMODEL_AUTH": "off", "SELFMODEL_INSPECTOR_LISTEN": "localhost:8080"},
            "localhost:8080",
        ),
        ({"SELFMODEL_INSPECTOR_LISTEN": "0.0.0.0:8080"}, "0.0.0.0:8080"),
        ({}, ""),
    ],
)
def test_the_inspector_listens_where_it_is_told_and_is_off_by_default(
    environment: dict[str, str], listen: str
) -> None:
    assert Settings.from_environment(environment).inspector_listen == listen


def test_a_malformed_inspector_address_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="SELFMODEL_INSPECTOR_LISTEN must be host:port"):
        Settings.from_environment({"SELFMODEL_INSPECTOR_LISTEN": "8080"})


@pytest.mark.asyncio
async def test_the_inspector_serves_on_the_loop_and_leaves_the_signals_to_the_service() -> None:
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    fake = FakeReads("default")
    fake.add_model("u-42", "acme-writer")
    inspector = Inspector(
        build_app(fake.reads(), FixedTenantAuthenticator("default")), "127.0.0.1:0", 1
    )
    inspector.start()
    try:
        url = f"http://127.0.0.1:{inspector.port}/"
        body = await asyncio.to_thread(lambda: urllib.request.urlopen(url, timeout=10).read())
        assert b"u-42" in body
        assert {sig: signal.getsignal(sig) for sig in handlers} == handlers
    finally:
        await inspector.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", inspector.port), timeout=2)


def test_a_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(
            SystemExit, match=f"SELFMODEL_INSPECTOR_LISTEN: cannot bind 127.0.0.1:{port}"
        ):
            Inspector(
                build_app(FakeReads("x").reads(), FixedTenantAuthenticator("x")),
                f"127.0.0.1:{port}",
                1,
            )
