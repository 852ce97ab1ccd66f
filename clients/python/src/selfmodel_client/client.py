"""`SelfModelClient`: the three calls (and a few more) with key, deadline and retries built in."""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType
from typing import Any, TypeVar

import grpc

from selfmodel_client._proto.selfmodel.v1 import self_model_service_pb2_grpc
from selfmodel_client._requests import Page, Rpc
from selfmodel_client._session import ChannelOptions
from selfmodel_client._surface import Surface
from selfmodel_client.errors import error_of

Result = TypeVar("Result")


class SelfModelClient(Surface):
    """A synchronous client of `selfmodel.v1.SelfModelService`.

    Every call sends the API key as `authorization: Bearer <key>` (none when `api_key` is
    None, as against `make run`) and has a deadline covering its retries: `timeout`
    seconds (per client or per call), else the service config's timeout of the method.
    gRPC retries UNAVAILABLE as the service config (`selfmodel_client.service_config()`)
    says. Failures raise `SelfModelError` subclasses. Use it as a context manager, or call
    `close()`. `AsyncSelfModelClient` is the same on asyncio.

    Read-your-writes: every call sends the consistency token of the newest write this
    client made (`consistency_token`), so a read sees that write whichever service instance
    and Neo4j cluster member serves it. Pass `consistency_token` to start from another
    client's (same API key) writes.
    """

    def _open(
        self, address: str, credentials: grpc.ChannelCredentials | None, options: ChannelOptions
    ) -> None:
        self._channel = (
            grpc.secure_channel(address, credentials, options)
            if credentials is not None
            else grpc.insecure_channel(address, options)
        )
        self._stub = self_model_service_pb2_grpc.SelfModelServiceStub(self._channel)

    def __enter__(self) -> SelfModelClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._channel.close()

    def _run(self, rpc: Rpc[Any, Result]) -> Result:
        try:
            reply, call = getattr(self._stub, rpc.method).with_call(
                rpc.request, **self._call_options(rpc)
            )
        except grpc.RpcError as failure:
            raise error_of(failure) from None
        self._remember_token(call.trailing_metadata())
        return rpc.parse(reply)

    def _items(self, rpc: Rpc[Any, Page[Result]] | None) -> Iterator[Result]:
        while rpc is not None:
            page = self._run(rpc)
            yield from page.items
            rpc = page.next

    def _list(self, rpc: Rpc[Any, Page[Result]]) -> list[Result]:
        return list(self._items(rpc))
