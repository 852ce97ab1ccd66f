"""The streamable HTTP transport: each request's bearer key is checked for form here and
forwarded to the service, which decides whether it is valid."""

from __future__ import annotations

import uvicorn
from mcp.server.mcpserver import Context, MCPServer
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

MCP_PATH = "/mcp"


def bearer_key(header: str | None) -> str | None:
    """The key of an `Authorization: Bearer <key>` header; None when absent or malformed."""
    if header is None:
        return None
    scheme, _, key = header.strip().partition(" ")
    key = key.strip()
    return key if scheme.lower() == "bearer" and key else None


def forwarded_authorization(ctx: Context) -> str | None:
    """The metadata the service gets for this request: the request's own key, if any."""
    key = bearer_key((ctx.headers or {}).get("authorization"))
    return f"Bearer {key}" if key else None


class RequireBearer:
    """ASGI middleware: answers 401 to a request whose key is malformed, or missing when
    `required`. Lifespan and other non-HTTP events pass through."""

    def __init__(self, app: ASGIApp, *, required: bool) -> None:
        self._app = app
        self._required = required

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            header = Headers(scope=scope).get("authorization")
            refusal = None
            if header is not None and bearer_key(header) is None:
                refusal = "the Authorization header must be `Bearer <API key>`"
            elif header is None and self._required:
                refusal = "this server needs `Authorization: Bearer <API key>`"
            if refusal is not None:
                response = JSONResponse(
                    {"error": refusal},
                    status_code=401,
                    headers={"WWW-Authenticate": 'Bearer realm="selfmodel"'},
                )
                await response(scope, receive, send)
                return
        await self._app(scope, receive, send)


def http_app(server: MCPServer[object], *, host: str, bearer_required: bool) -> ASGIApp:
    # Stateless: every request stands alone, so any instance can answer it and the server
    # keeps no sessions.
    app = server.streamable_http_app(
        streamable_http_path=MCP_PATH, stateless_http=True, json_response=True, host=host
    )
    return RequireBearer(app, required=bearer_required)


async def serve_http(app: ASGIApp, host: str, port: int) -> None:
    await uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="info")).serve()
