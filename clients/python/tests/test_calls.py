"""The client against a real gRPC server on loopback that fails on purpose.

The server implements the generated servicer and answers from a script: UNAVAILABLE a
given number of times, then a reply (or another status). It records what arrived, so the
tests see the key, the deadline and the idempotency key of every attempt.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from concurrent import futures
from dataclasses import dataclass, field

import grpc
import pytest
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status
from selfmodel_client import (
    InvalidArgumentError,
    NotFoundError,
    RetryPolicy,
    SelfModelClient,
    UnauthenticatedError,
    UnavailableError,
    supports,
)
from selfmodel_client._proto.selfmodel.v1 import (
    observation_pb2,
    self_model_pb2,
    self_model_service_pb2,
    self_model_service_pb2_grpc,
)

MODEL = "selfModels/0b7c6a1e-0000-4000-8000-000000000001"


@dataclass
class Arrival:
    metadata: dict[str, str]
    time_remaining: float | None
    request: object


@dataclass
class ScriptedService(self_model_service_pb2_grpc.SelfModelServiceServicer):
    """Fails `unavailable` times, then fails with `final` if set, else answers."""

    unavailable: int = 0
    final: status_pb2.Status | None = None
    arrivals: list[Arrival] = field(default_factory=list)
    writes: int = 0

    def _answer(self, request: object, context: grpc.ServicerContext) -> None:
        self.arrivals.append(
            Arrival(
                {key: str(value) for key, value in context.invocation_metadata()},
                context.time_remaining(),
                request,
            )
        )
        if len(self.arrivals) <= self.unavailable:
            context.abort(grpc.StatusCode.UNAVAILABLE, "Neo4j is not reachable")
        if self.final is not None:
            context.abort_with_status(rpc_status.to_status(self.final))

    def Observe(
        self, request: self_model_service_pb2.ObserveRequest, context: grpc.ServicerContext
    ) -> self_model_service_pb2.ObserveResponse:
        self._answer(request, context)
        self.writes += 1
        context.set_trailing_metadata((("selfmodel-consistency-token", f"v1.write-{self.writes}"),))
        belief = self_model_pb2.Belief(
            name=f"{MODEL}/beliefs/1",
            statement=request.beliefs[0].statement,
            confidence=0.6,
            version=1,
            state=self_model_pb2.BELIEF_STATE_ACTIVE,
        )
        return self_model_service_pb2.ObserveResponse(
            observation=observation_pb2.Observation(
                name=f"{MODEL}/observations/1",
                type=request.observation.type,
                content=request.observation.content,
                revision=1,
            ),
            belief_changes=[
                observation_pb2.BeliefChange(
                    belief=belief,
                    kind=observation_pb2.CHANGE_KIND_CREATED,
                    previous_confidence=0.5,
                    reason="new statement",
                )
            ],
            alignment_score=0.5,
        )

    def GetSelfModel(
        self, request: self_model_service_pb2.GetSelfModelRequest, context: grpc.ServicerContext
    ) -> self_model_pb2.SelfModel:
        self._answer(request, context)
        return self_model_pb2.SelfModel(name=request.name, scope="s", external_user_id="u")


@dataclass
class Harness:
    service: ScriptedService
    address: str
    pauses: list[float]

    def client(self, **options: object) -> SelfModelClient:
        settings: dict[str, object] = {
            "api_key": "smk_abc_secret",
            "sleep": self.pauses.append,
            "rng": random.Random(7),
            **options,
        }
        return SelfModelClient(self.address, **settings)  # type: ignore[arg-type]


@pytest.fixture
def harness() -> Iterator[Harness]:
    service = ScriptedService()  # type: ignore[abstract]  # only the RPCs under test
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    self_model_service_pb2_grpc.add_SelfModelServiceServicer_to_server(service, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield Harness(service, f"127.0.0.1:{port}", [])
    server.stop(grace=None)


def observe(client: SelfModelClient) -> None:
    client.observe(MODEL, "chose bullets", type="preference", beliefs=[supports("Likes bullets")])


def test_unavailable_is_retried_with_the_same_idempotency_key_and_the_key(
    harness: Harness,
) -> None:
    harness.service.unavailable = 2
    with harness.client() as client:
        observed = client.observe(
            MODEL, "chose bullets", type="preference", beliefs=["Likes bullets"]
        )
    assert observed.changes[0].kind == "created"
    arrivals = harness.service.arrivals
    assert len(arrivals) == 3
    keys = {arrival.request.observation.idempotency_key for arrival in arrivals}  # type: ignore[attr-defined]
    assert len(keys) == 1 and keys != {""}
    assert all(a.metadata["authorization"] == "Bearer smk_abc_secret" for a in arrivals)
    assert len(harness.pauses) == 2


def test_each_observation_gets_its_own_idempotency_key(harness: Harness) -> None:
    with harness.client() as client:
        observe(client)
        observe(client)
        client.observe(MODEL, "again", type="feedback", beliefs=["x"], idempotency_key="mine")
    keys = [a.request.observation.idempotency_key for a in harness.service.arrivals]  # type: ignore[attr-defined]
    assert len(set(keys)) == 3 and keys[2] == "mine"


def test_retries_stop_after_the_attempts_and_raise_unavailable(harness: Harness) -> None:
    harness.service.unavailable = 100
    with (
        harness.client(retry=RetryPolicy(attempts=3)) as client,
        pytest.raises(UnavailableError) as raised,
    ):
        observe(client)
    assert raised.value.code == grpc.StatusCode.UNAVAILABLE
    assert "Neo4j is not reachable" in raised.value.message
    assert len(harness.service.arrivals) == 3


def test_backoff_grows_by_the_multiplier_up_to_the_cap(harness: Harness) -> None:
    harness.service.unavailable = 100
    policy = RetryPolicy(attempts=6, initial_backoff=0.1, max_backoff=0.3, multiplier=2.0)
    assert [policy.backoff_cap(n) for n in range(1, 6)] == pytest.approx([0.1, 0.2, 0.3, 0.3, 0.3])
    with harness.client(retry=policy) as client, pytest.raises(UnavailableError):
        observe(client)
    assert len(harness.pauses) == 5
    for retry, pause in enumerate(harness.pauses, start=1):
        assert 0.0 <= pause <= policy.backoff_cap(retry)


def test_other_statuses_are_not_retried_and_keep_their_field_violations(
    harness: Harness,
) -> None:
    detail = any_pb2.Any()
    detail.Pack(
        error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(
                    field="observation.content", description="must not be empty"
                )
            ]
        )
    )
    harness.service.final = status_pb2.Status(
        code=code_pb2.INVALID_ARGUMENT, message="observation.content is empty", details=[detail]
    )
    with harness.client() as client, pytest.raises(InvalidArgumentError) as raised:
        observe(client)
    assert len(harness.service.arrivals) == 1
    assert harness.pauses == []
    [violation] = raised.value.field_violations
    assert (violation.field, violation.description) == ("observation.content", "must not be empty")


@pytest.mark.parametrize(
    ("code", "error_type"),
    [
        (code_pb2.NOT_FOUND, NotFoundError),
        (code_pb2.UNAUTHENTICATED, UnauthenticatedError),
    ],
)
def test_statuses_become_their_exception(
    harness: Harness, code: int, error_type: type[Exception]
) -> None:
    harness.service.final = status_pb2.Status(code=code, message="no")
    with harness.client() as client, pytest.raises(error_type):
        client.get(MODEL)
    assert len(harness.service.arrivals) == 1


def test_calls_carry_the_deadline_and_no_key_without_one(harness: Harness) -> None:
    with harness.client(api_key=None, timeout=4.0) as client:
        client.get(MODEL)
        client.get(MODEL, timeout=1.5)
    first, second = harness.service.arrivals
    assert "authorization" not in first.metadata
    # gRPC sends the timeout rounded up to its wire units, so allow a little above.
    assert first.time_remaining == pytest.approx(4.0, abs=0.5)
    assert second.time_remaining == pytest.approx(1.5, abs=0.5)


def test_no_retry_starts_that_would_end_after_the_deadline(harness: Harness) -> None:
    harness.service.unavailable = 100
    now = [0.0]

    def sleep(seconds: float) -> None:
        harness.pauses.append(seconds)
        now[0] += seconds

    policy = RetryPolicy(attempts=50, initial_backoff=1.0, max_backoff=1.0, multiplier=1.0)
    client = harness.client(
        retry=policy, timeout=3.0, sleep=sleep, clock=lambda: now[0], rng=random.Random(1)
    )
    with client, pytest.raises(UnavailableError):
        observe(client)
    assert sum(harness.pauses) < 3.0
    assert len(harness.service.arrivals) == len(harness.pauses) + 1


def test_every_call_sends_the_token_of_the_clients_newest_write(harness: Harness) -> None:
    with harness.client() as client:
        assert client.consistency_token is None
        client.get(MODEL)
        observe(client)
        client.get(MODEL)
        observe(client)
        client.get(MODEL)
        assert client.consistency_token == "v1.write-2"
    sent = [a.metadata.get("selfmodel-consistency-token") for a in harness.service.arrivals]
    assert sent == [None, None, "v1.write-1", "v1.write-1", "v1.write-2"]


def test_a_client_can_start_from_another_clients_token(harness: Harness) -> None:
    with harness.client(consistency_token="v1.elsewhere") as client:
        client.get(MODEL)
    assert harness.service.arrivals[0].metadata["selfmodel-consistency-token"] == "v1.elsewhere"
