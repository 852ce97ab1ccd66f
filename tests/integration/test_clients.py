"""The example program of every client (Go, Java, TypeScript, Python) against the live service.

Each example, built by `make install` (`clients/<language>/build`), runs the three-call loop
with an API key and checks the service's answers itself; it exits 0 only if all were right.
Here it runs against the real service and Neo4j, against a service that answers wrongly on
purpose, which every example must notice, and through a proxy that loses the answer to the
first attempt of every call, which every example must retry without recording twice.
"""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from selfmodel.v1 import self_model_service_pb2 as messages
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.auth import create_api_key, with_key
from tests.integration.commands import output_of, run
from tests.integration.flaky_proxy import FlakyProxy
from tests.integration.requests import CONTRADICTS, SUPPORTS, create_model, observe
from tests.integration.service_process import ServiceProcess

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ["go", "java", "typescript", "python"]
SERVICE_CONFIG = ROOT / "clients" / "service-config.json"
WARM_UP_WALKS = 10
WARM_WALK_SECONDS = 3.0
EXAMPLE_TIMEOUT_SECONDS = 120
PASSED = re.compile(r"^OK: (\d+) checks passed$", re.MULTILINE)


def run_example(client: str, address: str, api_key: str) -> subprocess.CompletedProcess[str]:
    environment = {
        "SELFMODEL_ADDRESS": address,
        "SELFMODEL_API_KEY": api_key,
        "PYTHON": sys.executable,  # the environment `make install` put selfmodel-client in
    }
    return run(
        [str(ROOT / "clients" / client / "run-example")], ROOT, EXAMPLE_TIMEOUT_SECONDS, environment
    )


def warm_up(address: str, key: str) -> None:
    """Walks new users through the service as the examples do, with no deadline, until one
    walk is quick. A new service's first Observes on a new Neo4j are slow (49 s, 16 s, 10 s,
    5 s, then under 1 s, measured while other builds loaded the machine) and the service
    config gives an Observe 10 s: what is tested here is the examples, not a cold start.

    The examples' first steps check the beliefs they propose, one by one, so their main
    scope learns nothing by itself (create_model gives it an empty inventory); their
    inference step uses a scope of its own, under the starter inventory."""
    with grpc.insecure_channel(address) as channel:
        stub = SelfModelServiceStub(with_key(channel, key))
        for _ in range(WARM_UP_WALKS):
            started = time.monotonic()
            proposing = create_model(stub, "clients-example")
            for stance in (SUPPORTS, CONTRADICTS):
                observe(stub, proposing.name, ("Prefers concise output formats", stance, "writing"))
            inferring = create_model(stub, "clients-example-inference", inference=True)
            observe(stub, inferring.name, content="Rewrote the explanation in everyday words")
            if time.monotonic() - started < WARM_WALK_SECONDS:
                return


@pytest.fixture(scope="module")
def clients_key(neo4j_uri: str, service_address: str) -> str:
    """The examples' tenant, with the service warmed up for them."""
    key = create_api_key(neo4j_uri, "clients")
    warm_up(service_address, key)
    return key


@pytest.fixture(scope="module")
def wrong_service(
    neo4j_uri: str, clients_key: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A service to which preferences are no evidence at all: a supported belief stays at 0.5."""
    service = ServiceProcess(
        neo4j_uri,
        tmp_path_factory.mktemp("wrong-service") / "service.log",
        extra_env={"SELFMODEL_WEIGHT_PREFERENCE": "0"},
    )
    service.start()
    warm_up(service.address, clients_key)
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


@pytest.mark.parametrize("client", CLIENTS)
def test_the_example_retries_a_lost_answer_and_each_observation_applies_once(
    client: str, service_address: str, clients_key: str
) -> None:
    """The service applies the first attempt of every call, the proxy loses its answer. The
    example passes only if it retries, and only if the retry is not recorded again: a second
    recording would make step 2's change REINFORCED instead of CREATED."""
    with FlakyProxy(service_address) as proxy:
        completed = run_example(client, proxy.address, clients_key)
    assert completed.returncode == 0, output_of(completed)
    assert PASSED.search(completed.stdout) is not None, output_of(completed)
    # Steps 2, 3 and 6 each sent one message twice: the lost attempt and its retry, byte for
    # byte, with the same idempotency key.
    arrivals = Counter(proxy.arrivals["Observe"])
    assert sorted(arrivals.values()) == [2, 2, 2], arrivals


def test_the_service_config_does_not_retry_a_deletion(
    service_address: str, clients_key: str
) -> None:
    """DeleteSelfModel has no retryPolicy: a retry after a lost answer would report NOT_FOUND
    for a deletion that succeeded, so the caller gets the UNAVAILABLE instead."""
    options = [("grpc.service_config", SERVICE_CONFIG.read_text())]
    with (
        FlakyProxy(service_address) as proxy,
        grpc.insecure_channel(proxy.address, options=options) as channel,
    ):
        stub = SelfModelServiceStub(with_key(channel, clients_key))
        model = stub.GetOrCreateSelfModel(
            messages.GetOrCreateSelfModelRequest(
                external_user_id=f"retries-{secrets.token_hex(4)}", scope="clients-example"
            )
        )
        with pytest.raises(grpc.RpcError) as lost:
            stub.DeleteSelfModel(messages.DeleteSelfModelRequest(name=model.name))
    assert lost.value.code() == grpc.StatusCode.UNAVAILABLE
    assert len(proxy.arrivals["GetOrCreateSelfModel"]) == 2
    assert len(proxy.arrivals["DeleteSelfModel"]) == 1
