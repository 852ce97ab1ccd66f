"""`python -m service.mcp` as an agent runs it: launched over stdio (or serving streamable
HTTP), its tools called by the MCP SDK's own client, against the live service and Neo4j."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp_types import CallToolResult, TextContent

from devtools.neo4j import free_port
from selfmodel.v1 import inventory_pb2
from selfmodel.v1 import self_model_service_pb2 as messages
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from service.mcp.backend import SERVICE_CONFIG
from tests.integration.requests import SUPPORTS, create_model, new_user_id, observe

ROOT = Path(__file__).resolve().parents[2]
SCOPE = "mcp-agent"
CONCISE = "Prefers concise output formats"
TOOLS = {
    "observe",
    "get_beliefs",
    "render_context",
    "get_adaptations",
    "assert_belief",
    "retract_belief",
    "correct_belief",
}


@pytest.fixture(scope="module", autouse=True)
def scope_without_inventory(stub: SelfModelServiceStub) -> None:
    """Only the beliefs the tests propose change (inference has tests of its own); the
    observation has the service load its embedding model before the tests' first call."""
    stub.PutBeliefInventory(
        messages.PutBeliefInventoryRequest(inventory=inventory_pb2.BeliefInventory(scope=SCOPE))
    )
    observe(stub, create_model(stub, SCOPE).name, (CONCISE, SUPPORTS, ""))


@pytest.fixture(scope="module")
def target(service_address: str, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The arguments that point the MCP server at the service: the shared service config,
    with deadlines long enough for a test machine that other test runs keep busy (an
    Observe there can take longer than the 10 s the config gives it)."""
    config = json.loads(SERVICE_CONFIG.read_text(encoding="utf-8"))
    for method_config in config["methodConfig"]:
        method_config["timeout"] = "120s"
    path = tmp_path_factory.mktemp("mcp") / "service-config.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return ["--target", service_address, "--service-config", str(path)]


@asynccontextmanager
async def over_stdio(target: list[str], api_key: str) -> AsyncIterator[ClientSession]:
    server = StdioServerParameters(
        command=sys.executable,
        args=["-m", "service.mcp", *target],
        env={"SELFMODEL_API_KEY": api_key},
        cwd=ROOT,
    )
    async with stdio_client(server) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


@pytest.fixture
def user() -> dict[str, str]:
    """A new user's arguments for the tools that name one."""
    return {"external_user_id": new_user_id(), "scope": SCOPE}


def text_of(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


async def call(session: ClientSession, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await session.call_tool(tool, arguments)
    assert not result.is_error, text_of(result)
    structured: dict[str, Any] | None = result.structured_content
    assert structured is not None
    return structured


def change_of(response: dict[str, Any], statement: str) -> dict[str, Any]:
    changes: list[dict[str, Any]] = response["belief_changes"]
    [change] = [c for c in changes if c["belief"]["statement"] == statement]
    return change


@pytest.mark.asyncio
async def test_an_agent_observes_a_user_and_reads_the_beliefs_back(
    target: list[str], api_key: str, user: dict[str, str]
) -> None:
    async with over_stdio(target, api_key) as session:
        listed = await session.list_tools()
        assert {tool.name for tool in listed.tools} == TOOLS

        supported = await call(
            session,
            "observe",
            {
                **user,
                "type": "preference",
                "content": "User chose bullet-point summary over narrative format",
                "context": "report-settings",
                "beliefs": [{"statement": CONCISE}],
            },
        )
        created = change_of(supported, CONCISE)
        assert created["kind"] == "CHANGE_KIND_CREATED"
        assert created["belief"]["confidence"] > 0.5

        contradicted = await call(
            session,
            "observe",
            {
                **user,
                "type": "correction",
                "content": "User expanded the summary back into full paragraphs",
                "beliefs": [{"statement": CONCISE, "stance": "contradicts"}],
            },
        )
        weakened = change_of(contradicted, CONCISE)
        assert weakened["kind"] == "CHANGE_KIND_WEAKENED"
        assert weakened["belief"]["name"] == created["belief"]["name"]
        assert weakened["belief"]["confidence"] < created["belief"]["confidence"]

        model = await call(session, "get_beliefs", user)
        assert model["name"] == supported["self_model"]
        [belief] = [b for b in model["beliefs"] if b["statement"] == CONCISE]
        assert belief["confidence"] == pytest.approx(weakened["belief"]["confidence"])

        rendered = await call(session, "render_context", user)
        assert f'"{CONCISE}"' in rendered["text"]
        assert f"({belief['confidence']:.2f})" in rendered["text"]


@pytest.mark.asyncio
async def test_the_user_asserts_corrects_and_retracts_beliefs(
    target: list[str], api_key: str, user: dict[str, str]
) -> None:
    async with over_stdio(target, api_key) as session:
        asserted = await call(session, "assert_belief", {**user, "statement": CONCISE})
        belief = change_of(asserted, CONCISE)["belief"]
        assert belief["confidence"] == pytest.approx(0.88, abs=0.01)

        plain = "Prefers plain language over jargon"
        await call(
            session,
            "correct_belief",
            {"belief": belief["name"], "statement": plain, "etag": belief["etag"]},
        )
        corrected = await call(session, "get_beliefs", user)
        [plain_belief] = [b for b in corrected["beliefs"] if b["statement"] == plain]

        await call(session, "retract_belief", {"belief": plain_belief["name"]})
        retracted = await call(session, "get_beliefs", user)
        rendered = await call(session, "render_context", user)

    assert plain not in [b["statement"] for b in retracted["beliefs"]]
    assert plain not in rendered["text"]


@pytest.mark.asyncio
async def test_a_new_user_gets_the_starter_inventory_defaults(
    target: list[str], api_key: str
) -> None:
    starter_scope = {"external_user_id": new_user_id(), "scope": "mcp-starter"}
    async with over_stdio(target, api_key) as session:
        answer = await call(session, "get_adaptations", starter_scope)
    by_key = {a["key"]: a for a in answer["adaptations"]}
    assert "plain_language" in by_key
    assert not by_key["plain_language"]["active"]
    assert by_key["plain_language"]["apply"]


@pytest.mark.asyncio
async def test_a_refused_argument_is_a_tool_error_naming_the_field(
    target: list[str], api_key: str, user: dict[str, str]
) -> None:
    async with over_stdio(target, api_key) as session:
        empty = await session.call_tool("observe", {**user, "type": "preference", "content": "  "})
        out_of_range = await session.call_tool("get_beliefs", {**user, "min_confidence": 2})

    assert empty.is_error
    assert "INVALID_ARGUMENT" in text_of(empty)
    assert "- observation.content:" in text_of(empty)
    assert out_of_range.is_error
    assert "min_confidence" in text_of(out_of_range)


@pytest.mark.asyncio
async def test_a_wrong_key_is_refused_by_the_service(
    target: list[str], user: dict[str, str]
) -> None:
    async with over_stdio(target, "sm_not-a-key") as session:
        result = await session.call_tool("get_beliefs", user)
    assert result.is_error
    assert "UNAUTHENTICATED" in text_of(result)


def wait_for_port(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "the MCP server exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port}")


@contextmanager
def serving_http(listen: str, target: list[str]) -> Iterator[int]:
    """`python -m service.mcp --transport http` running; its port."""
    port = int(listen.rsplit(":", 1)[1])
    args = ["--transport", "http", "--listen", listen, *target]
    process = subprocess.Popen([sys.executable, "-m", "service.mcp", *args], cwd=ROOT)
    try:
        wait_for_port(process, port)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def loopback_server(target: list[str]) -> Iterator[str]:
    """The HTTP transport on a loopback address, where the bearer is optional; its URL."""
    with serving_http(f"127.0.0.1:{free_port()}", target) as port:
        yield f"http://127.0.0.1:{port}/mcp"


@pytest.fixture
def public_server(target: list[str]) -> Iterator[str]:
    """The HTTP transport on every interface, where the bearer is required; its URL."""
    with serving_http(f"0.0.0.0:{free_port('0.0.0.0')}", target) as port:
        yield f"http://127.0.0.1:{port}/mcp"


@asynccontextmanager
async def over_http(url: str, headers: dict[str, str]) -> AsyncIterator[ClientSession]:
    # A tool call answers when the service has: wait as long as the service config lets it.
    async with (
        httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30, read=150)) as http,
        streamable_http_client(url, http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


@pytest.mark.asyncio
async def test_over_http_each_request_brings_its_key(
    loopback_server: str, api_key: str, user: dict[str, str]
) -> None:
    url = loopback_server
    async with over_http(url, {"Authorization": f"Bearer {api_key}"}) as session:
        observed = await call(
            session,
            "observe",
            {
                **user,
                "type": "preference",
                "content": "User chose bullets",
                "beliefs": [{"statement": CONCISE}],
            },
        )
        model = await call(session, "get_beliefs", user)
    assert model["name"] == observed["self_model"]
    assert [b["statement"] for b in model["beliefs"]] == [CONCISE]

    # Without a key the loopback server lets the request through; the service refuses it.
    async with over_http(url, {}) as anonymous:
        refused = await anonymous.call_tool("get_beliefs", user)
    assert refused.is_error
    assert "UNAUTHENTICATED" in text_of(refused)


@pytest.mark.asyncio
async def test_off_loopback_only_a_request_with_bearer_gets_in(
    public_server: str, api_key: str
) -> None:
    async with httpx2.AsyncClient() as http:
        response = await http.post(
            public_server,
            headers={"Accept": "application/json, text/event-stream"},
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
        )
    assert response.status_code == 401
    assert "Bearer" in response.json()["error"]

    async with over_http(public_server, {"Authorization": f"Bearer {api_key}"}) as session:
        listed = await session.list_tools()
    assert {tool.name for tool in listed.tools} == TOOLS


def test_off_loopback_the_server_will_not_start_without_the_bearer() -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "service.mcp",
            "--transport",
            "http",
            "--listen",
            "0.0.0.0:8765",
            "--bearer",
            "optional",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 2
    assert "only on a loopback address" in completed.stderr
