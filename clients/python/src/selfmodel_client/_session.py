"""What both clients keep between calls: the key, the default deadline, the consistency
token, and the channel options that make gRPC retry by the service config."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

import grpc

from selfmodel_client._requests import Rpc

CONSISTENCY_TOKEN_KEY = "selfmodel-consistency-token"
"""Metadata key of a consistency token: in a write's trailing metadata, sent by every call."""

Metadata = tuple[tuple[str, str], ...]
ChannelOptions = list[tuple[str, Any]]


def service_config() -> dict[str, Any]:
    """The gRPC service config the clients use (`clients/service-config.json`): retries on
    UNAVAILABLE with backoff for the idempotent and idempotency-keyed methods, a timeout per
    method, retry throttling. A fresh copy: change it and pass it as `service_config=`."""
    config: dict[str, Any] = json.loads(_packaged_config())
    return config


@functools.cache
def _packaged_config() -> str:
    return resources.files("selfmodel_client").joinpath("service_config.json").read_text()


class Session:
    """The state behind a client; the subclass opens its channel in `_open`."""

    def __init__(
        self,
        address: str,
        *,
        api_key: str | None = None,
        timeout: float | None = None,
        credentials: grpc.ChannelCredentials | None = None,
        consistency_token: str | None = None,
        service_config: Mapping[str, Any] | None = None,
    ) -> None:
        """`api_key` is sent as `authorization: Bearer <key>` (nothing when None).
        `timeout` (seconds) is the deadline of every call that sets none itself; without
        either, the service config's timeout of the method applies.
        `credentials` switch to TLS (plaintext without). `consistency_token` starts from
        another client's writes. `service_config` replaces the packaged one
        (`selfmodel_client.service_config()`)."""
        self._metadata: Metadata = (("authorization", f"Bearer {api_key}"),) if api_key else ()
        self._timeout = timeout
        self._consistency_token = consistency_token
        config = json.loads(_packaged_config()) if service_config is None else service_config
        self._method_timeouts, channel_config = _take_timeouts(config)
        self._open(
            address,
            credentials,
            [("grpc.enable_retries", 1), ("grpc.service_config", json.dumps(channel_config))],
        )

    def _open(
        self, address: str, credentials: grpc.ChannelCredentials | None, options: ChannelOptions
    ) -> None:
        raise NotImplementedError

    @property
    def consistency_token(self) -> str | None:
        """The token of this client's newest write (None before its first)."""
        return self._consistency_token

    def _call_options(self, rpc: Rpc[Any, Any]) -> dict[str, Any]:
        """The deadline and metadata of one call (gRPC's retries of it send the same)."""
        token = self._consistency_token
        timeout = self._timeout if rpc.timeout is None else rpc.timeout
        if timeout is None:
            timeout = self._method_timeouts.get(rpc.method, self._method_timeouts.get(""))
        return {
            "timeout": timeout,
            "metadata": self._metadata + (((CONSISTENCY_TOKEN_KEY, token),) if token else ()),
        }

    def _remember_token(self, trailing: Iterable[tuple[str, str | bytes]] | None) -> None:
        for key, value in trailing or ():
            if key == CONSISTENCY_TOKEN_KEY and isinstance(value, str) and value:
                self._consistency_token = value


def _take_timeouts(config: Mapping[str, Any]) -> tuple[dict[str, float], dict[str, Any]]:
    """The config's timeout per method ("": the service's default) and the config without
    them. gRPC would make a config timeout the longest any call may ask for; the client
    applies it itself instead, only to calls that ask for none."""
    timeouts: dict[str, float] = {}
    entries = []
    for entry in config.get("methodConfig", ()):
        entry = dict(entry)
        timeout = entry.pop("timeout", None)
        if timeout is not None:
            for name in entry.get("name", ()):
                timeouts[name.get("method", "")] = float(str(timeout).removesuffix("s"))
        entries.append(entry)
    return timeouts, {**config, "methodConfig": entries}
