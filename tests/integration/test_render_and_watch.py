"""RenderContext for prompts, and WatchSelfModel to know when to render again."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

import grpc
import pytest

from selfmodel.v1 import observation_pb2
from selfmodel.v1 import self_model_service_pb2 as messages
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from service.domain.render import HEADER
from tests.integration.requests import CONTRADICTS, SUPPORTS, create_model, observe


def test_render_context_lists_the_confident_beliefs_of_the_context(
    stub: SelfModelServiceStub,
) -> None:
    model = create_model(stub)
    observe(stub, model.name, ("Prefers concise output formats", SUPPORTS, ""))
    stub.AssertBelief(
        messages.AssertBeliefRequest(
            self_model=model.name, statement="Writes in British English", context="editor"
        )
    )
    observe(stub, model.name, ("Uses a screen reader", CONTRADICTS, ""))
    observe(stub, model.name, ("Likes charts", SUPPORTS, "reports"))

    rendered = stub.RenderContext(
        messages.RenderContextRequest(self_model=model.name, context="editor", min_confidence=0.5)
    )
    assert rendered.text.splitlines() == [
        HEADER,
        f'- "Writes in British English" in "editor" ({rendered.beliefs[0].confidence:.2f})',
        f'- "Prefers concise output formats" ({rendered.beliefs[1].confidence:.2f})',
    ]
    top = stub.RenderContext(messages.RenderContextRequest(self_model=model.name, max_beliefs=1))
    assert [b.statement for b in top.beliefs] == ["Writes in British English"]


def test_render_context_of_a_new_user_says_nothing_is_known(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    rendered = stub.RenderContext(messages.RenderContextRequest(self_model=model.name))
    assert rendered.text == "Nothing is known about this user yet."
    assert list(rendered.beliefs) == []


class Watch:
    """Reads a WatchSelfModel stream on a thread, so the test can act meanwhile."""

    def __init__(self, stream: Iterator[messages.WatchSelfModelResponse]) -> None:
        self.stream = stream
        self.received: queue.Queue[messages.WatchSelfModelResponse | grpc.RpcError] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for message in self.stream:
                self.received.put(message)
        except grpc.RpcError as error:
            self.received.put(error)

    def next(self, timeout: float = 10) -> messages.WatchSelfModelResponse | grpc.RpcError:
        return self.received.get(timeout=timeout)


def watch(stub: SelfModelServiceStub, model: str, after: int | None) -> tuple[Watch, grpc.Call]:
    request = messages.WatchSelfModelRequest(self_model=model)
    if after is not None:
        request.start_after_revision = after
    call = stub.WatchSelfModel(request, timeout=60)
    return Watch(call), call


def test_watch_streams_each_commit_as_it_happens(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    first = observe(stub, model.name, ("Prefers dark mode", SUPPORTS, ""))
    watcher, call = watch(stub, model.name, after=first.observation.revision)
    try:
        with pytest.raises(queue.Empty):
            watcher.next(timeout=1)  # nothing new yet
        second = observe(stub, model.name, ("Prefers dark mode", CONTRADICTS, ""))
        message = watcher.next()
        assert isinstance(message, messages.WatchSelfModelResponse)
        assert message.observation == second.observation.name
        assert message.revision == second.observation.revision == 2
        assert [c.kind for c in message.belief_changes] == [observation_pb2.CHANGE_KIND_WEAKENED]
        assert list(message.belief_changes) == list(second.belief_changes)
    finally:
        call.cancel()


def test_watch_replays_from_a_revision_and_ends_when_the_model_is_deleted(
    stub: SelfModelServiceStub,
) -> None:
    model = create_model(stub)
    first = observe(stub, model.name, ("Likes tea", SUPPORTS, ""))
    observe(stub, model.name, content="Opened settings")  # changed no belief: not streamed
    third = observe(stub, model.name, ("Likes tea", SUPPORTS, ""))

    from_now, call = watch(stub, model.name, after=None)
    with pytest.raises(queue.Empty):
        from_now.next(timeout=2)  # without a revision, the past is not replayed
    call.cancel()

    replay, _ = watch(stub, model.name, after=0)
    seen = [replay.next(), replay.next()]
    assert [m.observation for m in seen if isinstance(m, messages.WatchSelfModelResponse)] == [
        first.observation.name,
        third.observation.name,
    ]
    stub.DeleteSelfModel(messages.DeleteSelfModelRequest(name=model.name))
    ended = replay.next(timeout=15)
    assert isinstance(ended, grpc.RpcError)
    assert ended.code() == grpc.StatusCode.FAILED_PRECONDITION
