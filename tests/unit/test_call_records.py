"""A failed call's record exists before its status reaches the client.

grpc.aio's abort sends the status and only then raises, so a record written afterwards
(in `finally`) races a client that reads metrics as soon as its call has failed.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

import grpc
import pytest

from service.api.calls import CallGate, unary
from service.domain.errors import NotFound


class Aborted(Exception):
    pass


class RecordingTelemetry:
    def __init__(self) -> None:
        self.records: list[tuple[str, str, grpc.StatusCode]] = []

    def call_finished(
        self, method: str, tenant: str, code: grpc.StatusCode, seconds: float
    ) -> None:
        self.records.append((method, tenant, code))


class OneTenant:
    async def tenant_for(self, authorization: str | None) -> str:
        return "acme"


class AbortingContext:
    """Notes how many records existed when the status was sent, then raises like grpc."""

    def __init__(self, telemetry: RecordingTelemetry) -> None:
        self._telemetry = telemetry
        self.records_when_sent: int | None = None
        self.sent_code: grpc.StatusCode | None = None

    def invocation_metadata(self) -> tuple[()]:
        return ()

    async def abort_with_status(self, status: Any) -> None:
        self._send(status.code)

    async def abort(self, code: grpc.StatusCode, details: str = "") -> None:
        self._send(code)

    def _send(self, code: grpc.StatusCode) -> None:
        self.records_when_sent = len(self._telemetry.records)
        self.sent_code = code
        raise Aborted


class Servicer:
    def __init__(self, gate: CallGate) -> None:
        self.gate = gate

    @unary
    async def GetThing(self, request: str, tenant: str) -> str:
        if request == "missing":
            raise NotFound("things/missing")
        if request == "broken":
            raise RuntimeError("a bug")
        return request


def call(request: str) -> tuple[RecordingTelemetry, AbortingContext, str | None]:
    telemetry = RecordingTelemetry()
    servicer = Servicer(CallGate(OneTenant(), telemetry))
    context = AbortingContext(telemetry)

    async def run() -> str | None:
        try:
            return await servicer.GetThing(request, cast(Any, context))
        except Aborted:
            return None

    return telemetry, context, asyncio.run(run())


@pytest.mark.parametrize(
    ("request_text", "code"),
    [("missing", grpc.StatusCode.NOT_FOUND), ("broken", grpc.StatusCode.INTERNAL)],
)
def test_a_failed_call_is_recorded_once_before_its_status_is_sent(
    request_text: str, code: grpc.StatusCode
) -> None:
    telemetry, context, answer = call(request_text)
    assert answer is None
    assert context.sent_code == code
    assert context.records_when_sent == 1
    assert telemetry.records == [("GetThing", "acme", code)]


def test_a_successful_call_is_recorded_once_as_ok() -> None:
    telemetry, context, answer = call("hello")
    assert answer == "hello"
    assert context.sent_code is None
    assert telemetry.records == [("GetThing", "acme", grpc.StatusCode.OK)]
