"""`python -m service.mcp [--transport stdio|http] [--listen host:port] [--target host:port]`"""

from __future__ import annotations

import asyncio
import os
import sys

from mcp.server.mcpserver import Context, MCPServer

from service.mcp.backend import Backend, open_channel
from service.mcp.http import forwarded_authorization, http_app, serve_http
from service.mcp.options import Options, parse
from service.mcp.tools import SelfModelTools

INSTRUCTIONS = (
    "selfmodel keeps a model of each user of a product: beliefs about them, each with a "
    "confidence. Call `observe` with what the user did as it happens; call `render_context` "
    "for a block to put in your system prompt, or `get_beliefs` / `get_adaptations` to read "
    "the model. When the user says a belief is wrong, use `retract_belief` or `correct_belief`."
)


def build_server(options: Options, backend: Backend) -> MCPServer[object]:
    server: MCPServer[object] = MCPServer("selfmodel", instructions=INSTRUCTIONS)
    if options.transport == "stdio":
        key = options.api_key

        def authorization(_: Context) -> str | None:
            return f"Bearer {key}" if key else None

        SelfModelTools(backend, authorization).register(server)
    else:
        SelfModelTools(backend, forwarded_authorization).register(server)
    return server


async def serve(options: Options) -> None:
    # The channel is made inside the running loop, as grpc.aio requires.
    channel = open_channel(options.target, options.service_config)
    try:
        server = build_server(options, Backend(channel))
        if options.transport == "stdio":
            await server.run_stdio_async()
        else:
            app = http_app(server, host=options.host, bearer_required=options.bearer_required)
            await serve_http(app, options.host, options.port)
    finally:
        await channel.close()


def main() -> None:
    asyncio.run(serve(parse(sys.argv[1:], os.environ)))


if __name__ == "__main__":
    main()
