"""Runs the inspector on the service's own event loop, beside the gRPC server."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp

from service.observability import parse_listen

log = logging.getLogger(__name__)


class _Server(uvicorn.Server):
    """uvicorn's server without its signal handlers: the service owns SIGINT and SIGTERM
    and stops the inspector itself."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class Inspector:
    """The inspector listening on `listen`, from `start` until `stop`."""

    def __init__(self, app: ASGIApp, listen: str, grace_seconds: float) -> None:
        host, port = parse_listen(listen)
        # Bound here rather than by uvicorn, which would exit the process on a port in use.
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._socket = socket.socket(family, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._socket.bind((host, port))
        except OSError as error:
            self._socket.close()
            raise SystemExit(f"SELFMODEL_INSPECTOR_LISTEN: cannot bind {listen}: {error}") from None
        self._socket.listen()
        self._server = _Server(
            uvicorn.Config(
                app,
                lifespan="off",
                access_log=False,
                log_config=None,
                timeout_graceful_shutdown=max(1, int(grace_seconds)),
            )
        )
        self._task: asyncio.Task[None] | None = None
        self.host = host
        self.port: int = self._socket.getsockname()[1]

    def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve(sockets=[self._socket]))
        host = f"[{self.host}]" if ":" in self.host else self.host
        log.info("inspector on http://%s:%d/", host, self.port, extra={"inspector_port": self.port})

    async def stop(self) -> None:
        if self._task is None:
            self._socket.close()
            return
        self._server.should_exit = True
        await self._task
        log.info("inspector stopped")
