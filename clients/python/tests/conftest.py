"""The `harness` fixture: the scripted server (scripted_server.py) on loopback, and the
kind of client under test, once each."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent import futures

import grpc
import pytest
from scripted_server import Harness, ScriptedService
from selfmodel_client._proto.selfmodel.v1 import self_model_service_pb2_grpc


@pytest.fixture(params=["sync", "async"])
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    service = ScriptedService()  # type: ignore[abstract]  # only the RPCs under test
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    self_model_service_pb2_grpc.add_SelfModelServiceServicer_to_server(service, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield Harness(service, f"127.0.0.1:{port}", request.param)
    server.stop(grace=None)
