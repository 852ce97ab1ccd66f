"""What a new user sees first: health checking and server reflection."""

from __future__ import annotations

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc


def test_health_reports_serving_for_the_server_and_the_service(
    plain_channel: grpc.Channel,
) -> None:
    # Health and reflection need no API key: load balancers and grpcurl use them as is.
    health = health_pb2_grpc.HealthStub(plain_channel)
    for service in ("", "selfmodel.v1.SelfModelService"):
        reply = health.Check(health_pb2.HealthCheckRequest(service=service))
        assert reply.status == health_pb2.HealthCheckResponse.SERVING


def test_reflection_lists_the_services(plain_channel: grpc.Channel) -> None:
    reflection = reflection_pb2_grpc.ServerReflectionStub(plain_channel)
    request = reflection_pb2.ServerReflectionRequest(list_services="")
    [reply] = list(reflection.ServerReflectionInfo(iter([request])))
    services = {s.name for s in reply.list_services_response.service}
    assert {"selfmodel.v1.SelfModelService", "grpc.health.v1.Health"} <= services
