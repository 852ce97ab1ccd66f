"""`AsyncSelfModelClient`: `SelfModelClient` on asyncio (grpc.aio), call for call."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any, TypeVar

import grpc
import grpc.aio

from selfmodel_client._proto.selfmodel.v1 import self_model_service_pb2_grpc
from selfmodel_client._requests import Page, Rpc
from selfmodel_client._session import ChannelOptions
from selfmodel_client._surface import Surface
from selfmodel_client.errors import error_of

Result = TypeVar("Result")


class AsyncSelfModelClient(Surface):
    """An asyncio client of `selfmodel.v1.SelfModelService`: the methods, parameters,
    deadlines, retries, errors and consistency token of `SelfModelClient`, awaited.
    `iter_beliefs` is an async iterator (`async for`), `beliefs` the awaited list.

    Create it inside the event loop that uses it; use it as an async context manager, or
    `await client.close()`.
    """

    def _open(
        self, address: str, credentials: grpc.ChannelCredentials | None, options: ChannelOptions
    ) -> None:
        self._channel = (
            grpc.aio.secure_channel(address, credentials, options)
            if credentials is not None
            else grpc.aio.insecure_channel(address, options)
        )
        self._stub = self_model_service_pb2_grpc.SelfModelServiceStub(self._channel)

    async def __aenter__(self) -> AsyncSelfModelClient:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        await self._channel.close()

    async def _run(self, rpc: Rpc[Any, Result]) -> Result:
        call = getattr(self._stub, rpc.method)(rpc.request, **self._call_options(rpc))
        try:
            reply = await call
        except grpc.aio.AioRpcError as failure:
            raise error_of(failure) from None
        self._remember_token(await call.trailing_metadata())
        return rpc.parse(reply)

    async def _items(self, rpc: Rpc[Any, Page[Result]] | None) -> AsyncIterator[Result]:
        while rpc is not None:
            page = await self._run(rpc)
            for item in page.items:
                yield item
            rpc = page.next

    async def _list(self, rpc: Rpc[Any, Page[Result]]) -> list[Result]:
        return [item async for item in self._items(rpc)]
