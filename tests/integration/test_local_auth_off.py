"""`make run`'s mode: no API keys, one local tenant, only ever on a loopback address."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from selfmodel.v1 import self_model_service_pb2 as messages
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.requests import SUPPORTS, observe
from tests.integration.service_process import PROJECT_ROOT, ServiceProcess


@pytest.fixture(scope="module")
def local_service(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    log_path = tmp_path_factory.mktemp("local") / "service.log"
    service = ServiceProcess(
        neo4j_uri, log_path, extra_env={"SELFMODEL_AUTH": "off", "SELFMODEL_LOCAL_TENANT": "local"}
    )
    service.start()
    try:
        with grpc.insecure_channel(service.address) as channel:
            stub = SelfModelServiceStub(channel)
            model = stub.GetOrCreateSelfModel(
                messages.GetOrCreateSelfModelRequest(external_user_id="u-local", scope="dev")
            )
            observe(stub, model.name, ("Prefers dark mode", SUPPORTS, ""))
            assert stub.GetSelfModel(messages.GetSelfModelRequest(name=model.name)).beliefs
    finally:
        service.stop()
    yield log_path


def test_without_keys_every_call_works_as_the_local_tenant_and_the_log_says_so(
    local_service: Path,
) -> None:
    log = local_service.read_text()
    assert "authentication is OFF" in log
    assert '"tenant": "local"' in log


def test_a_model_of_the_local_tenant_is_invisible_to_other_tenants(
    local_service: Path, stub: SelfModelServiceStub
) -> None:
    with pytest.raises(grpc.RpcError) as error:
        stub.GetSelfModel(messages.GetSelfModelRequest(external_user_id="u-local", scope="dev"))
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


@pytest.mark.parametrize("listen", ["0.0.0.0:0", "[::]:0"])
def test_the_service_refuses_to_run_without_keys_on_a_public_address(listen: str) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "service"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "SELFMODEL_AUTH": "off", "SELFMODEL_LISTEN": listen},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode != 0
    assert "only allowed on a loopback address" in completed.stderr
    assert "Traceback" not in completed.stderr
