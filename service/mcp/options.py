"""The MCP server's command line, and the rules on where it may serve without a key."""

from __future__ import annotations

import argparse
import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from service.mcp.backend import SERVICE_CONFIG
from service.observability import parse_listen

API_KEY_VARIABLE = "SELFMODEL_API_KEY"


@dataclass(frozen=True)
class Options:
    transport: Literal["stdio", "http"]
    target: str
    host: str
    port: int
    bearer_required: bool
    service_config: Path
    api_key: str | None
    """stdio only: the key of every call. Over HTTP each request brings its own."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name other than localhost may resolve anywhere
        return False


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m service.mcp",
        description="An MCP server whose tools call the selfmodel gRPC service.",
    )
    parser.add_argument(
        "--transport",
        choices=["stdio", "http"],
        default="stdio",
        help=f"stdio (launched by the agent; the key comes from ${API_KEY_VARIABLE}) or "
        "streamable HTTP at /mcp (each request brings `Authorization: Bearer <key>`)",
    )
    parser.add_argument(
        "--listen", default="127.0.0.1:8765", help="host:port of the HTTP transport"
    )
    parser.add_argument(
        "--target", default="127.0.0.1:50051", help="host:port of the selfmodel gRPC service"
    )
    parser.add_argument(
        "--bearer",
        choices=["required", "optional"],
        help="HTTP: whether requests without `Authorization: Bearer` are refused (401). "
        "Optional is allowed only on a loopback address, where it is the default (for a "
        "service without keys, as `make run` serves); required everywhere else",
    )
    parser.add_argument(
        "--service-config",
        type=Path,
        default=SERVICE_CONFIG,
        help="the gRPC service config (retries, timeouts) shared by every client",
    )
    return parser


def parse(argv: Sequence[str], environ: Mapping[str, str]) -> Options:
    """The options, or SystemExit (status 2, with the reason) for a configuration refused."""
    parser = _parser()
    arguments = parser.parse_args(argv)
    try:
        host, port = parse_listen(arguments.listen)
    except ValueError as error:
        parser.error(f"--listen: {error}")
    if not arguments.service_config.is_file():
        parser.error(f"--service-config: no file {arguments.service_config}")
    loopback = is_loopback(host)
    if arguments.bearer == "optional" and not loopback:
        parser.error(
            f"--bearer optional would serve anonymous requests on {arguments.listen}: "
            "allowed only on a loopback address"
        )
    return Options(
        transport=arguments.transport,
        target=arguments.target,
        host=host,
        port=port,
        bearer_required=arguments.bearer == "required" or not loopback,
        service_config=arguments.service_config,
        api_key=(environ.get(API_KEY_VARIABLE) or None) if arguments.transport == "stdio" else None,
    )
