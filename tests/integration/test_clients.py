"""The example program of every client (Go, Java, TypeScript, Python) against the live service.

Each example, built by `make install` (`clients/<language>/build`), runs the three-call loop
with an API key and checks the service's answers itself; it exits 0 only if all were right.
Here it runs against the real service and Neo4j, and against a service that answers wrongly
on purpose, which every example must notice.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from selfmodel.v1 import inventory_pb2
from selfmodel.v1 import self_model_service_pb2 as messages
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.auth import create_api_key, with_key
from tests.integration.service_process import ServiceProcess

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ["go", "java", "typescript", "python"]
EXAMPLE_TIMEOUT_SECONDS = 120
PASSED = re.compile(r"^OK: (\d+) checks passed$", re.MULTILINE)


def run_example(client: str, address: str, api_key: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "SELFMODEL_ADDRESS": address,
        "SELFMODEL_API_KEY": api_key,
        "PYTHON": sys.executable,  # the environment `make install` put selfmodel-client in
    }
    return subprocess.run(
        [str(ROOT / "clients" / client / "run-example")],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=EXAMPLE_TIMEOUT_SECONDS,
        check=False,
    )


def output_of(completed: subprocess.CompletedProcess[str]) -> str:
    return f"exit {completed.returncode}\nstdout:\n{completed.stdout}\nstderr:\n{completed.stderr}"


@pytest.fixture(scope="module")
def clients_key(neo4j_uri: str, plain_channel: grpc.Channel) -> str:
    """The examples' tenant. Their first steps check the beliefs they propose, one by one,
    so their main scope learns nothing by itself (an empty inventory); their inference step
    uses a scope of its own, under the starter inventory."""
    key = create_api_key(neo4j_uri, "clients")
    SelfModelServiceStub(with_key(plain_channel, key)).PutBeliefInventory(
        messages.PutBeliefInventoryRequest(
            inventory=inventory_pb2.BeliefInventory(scope="clients-example")
        )
    )
    return key


@pytest.fixture(scope="module")
def wrong_service(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A service to which preferences are no evidence at all: a supported belief stays at 0.5."""
    service = ServiceProcess(
        neo4j_uri,
        tmp_path_factory.mktemp("wrong-service") / "service.log",
        extra_env={"SELFMODEL_WEIGHT_PREFERENCE": "0"},
    )
    service.start()
    yield service.address
    service.stop()


@pytest.mark.parametrize("client", CLIENTS)
def test_the_example_runs_the_three_call_loop_against_the_service(
    client: str, service_address: str, clients_key: str
) -> None:
    completed = run_example(client, service_address, clients_key)
    assert completed.returncode == 0, output_of(completed)
    passed = PASSED.search(completed.stdout)
    assert passed is not None, output_of(completed)
    assert int(passed.group(1)) >= 10, output_of(completed)


@pytest.mark.parametrize("client", CLIENTS)
def test_the_example_fails_when_the_service_answers_wrongly(
    client: str, wrong_service: str, clients_key: str
) -> None:
    completed = run_example(client, wrong_service, clients_key)
    assert completed.returncode == 1, output_of(completed)
    assert "FAILED" in completed.stderr, output_of(completed)
    assert PASSED.search(completed.stdout) is None


@pytest.mark.parametrize("client", CLIENTS)
def test_the_example_fails_with_a_key_the_service_does_not_know(
    client: str, service_address: str
) -> None:
    completed = run_example(client, service_address, "smk_000000000000_not-a-key")
    assert completed.returncode == 1, output_of(completed)
    assert "UNAUTHENTICATED" in completed.stderr.upper().replace(" ", "_"), output_of(completed)
