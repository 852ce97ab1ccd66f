"""ListSelfModels, ListBeliefs and ListObservations: filters, orders and page tokens."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import grpc
import pytest

from selfmodel.v1 import self_model_service_pb2 as messages
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.requests import CONTRADICTS, SUPPORTS, create_model, observe
from tests.integration.test_errors import violated_fields


def test_list_self_models_pages_through_a_scope(stub: SelfModelServiceStub) -> None:
    scope = f"paging-{uuid.uuid4().hex[:8]}"
    created = [
        stub.GetOrCreateSelfModel(
            messages.GetOrCreateSelfModelRequest(external_user_id=f"u{i}", scope=scope)
        ).name
        for i in range(5)
    ]
    seen: list[str] = []
    token = ""
    while True:
        page = stub.ListSelfModels(
            messages.ListSelfModelsRequest(scope=scope, page_size=2, page_token=token)
        )
        assert len(page.self_models) <= 2
        seen.extend(m.name for m in page.self_models)
        token = page.next_page_token
        if not token:
            break
    assert seen == created  # oldest first, each once


def test_list_beliefs_filters_and_orders(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    observe(stub, model.name, ("Likes tea", SUPPORTS, ""))
    observe(
        stub, model.name, ("Likes tea", SUPPORTS, ""), ("Prefers dark mode", SUPPORTS, "editor")
    )
    observe(stub, model.name, ("Uses a screen reader", CONTRADICTS, "reports"))

    def listed(**fields: object) -> list[str]:
        reply = stub.ListBeliefs(messages.ListBeliefsRequest(self_model=model.name, **fields))  # type: ignore[arg-type]
        return [b.statement for b in reply.beliefs]

    assert listed() == ["Likes tea", "Prefers dark mode", "Uses a screen reader"]
    assert listed(order_by="confidence") == list(reversed(listed()))
    assert listed(order_by="create_time") == [
        "Likes tea",
        "Prefers dark mode",
        "Uses a screen reader",
    ]
    assert listed(order_by="Update_Time  DESC")[0] == "Uses a screen reader"
    assert listed(context="editor") == ["Likes tea", "Prefers dark mode"]
    assert listed(min_confidence=0.5) == ["Likes tea", "Prefers dark mode"]
    first = stub.ListBeliefs(messages.ListBeliefsRequest(self_model=model.name, page_size=2))
    rest = stub.ListBeliefs(
        messages.ListBeliefsRequest(
            self_model=model.name, page_size=2, page_token=first.next_page_token
        )
    )
    assert [b.statement for b in [*first.beliefs, *rest.beliefs]] == listed()
    assert rest.next_page_token == ""


def test_list_observations_newest_first_by_context(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    for content, context in [("first", "a"), ("second", "b"), ("third", "a")]:
        observe(stub, model.name, content=content, context=context)
    every = stub.ListObservations(messages.ListObservationsRequest(self_model=model.name))
    assert [o.content for o in every.observations] == ["third", "second", "first"]
    assert [o.revision for o in every.observations] == [3, 2, 1]
    in_a = stub.ListObservations(
        messages.ListObservationsRequest(self_model=model.name, context="a")
    )
    assert [o.content for o in in_a.observations] == ["third", "first"]


@pytest.mark.parametrize(
    ("request_fields", "field"),
    [
        ({"page_size": -1}, "page_size"),
        ({"page_size": 201}, "page_size"),
        ({"order_by": "statement"}, "order_by"),
        ({"min_confidence": 1.5}, "min_confidence"),
        ({"page_token": "not-a-token"}, "page_token"),
    ],
)
def test_bad_list_requests_name_the_field(
    stub: SelfModelServiceStub, request_fields: dict[str, object], field: str
) -> None:
    model = create_model(stub)
    with pytest.raises(grpc.RpcError) as error:
        stub.ListBeliefs(messages.ListBeliefsRequest(self_model=model.name, **request_fields))  # type: ignore[arg-type]
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violated_fields(error.value) == [field]


def test_a_page_token_only_works_for_its_own_request(stub: SelfModelServiceStub) -> None:
    model = create_model(stub)
    for _ in range(3):
        observe(stub, model.name, content="x")
    page = stub.ListObservations(
        messages.ListObservationsRequest(self_model=model.name, page_size=1)
    )
    with pytest.raises(grpc.RpcError) as error:
        stub.ListObservations(
            messages.ListObservationsRequest(
                self_model=model.name, context="other", page_size=1, page_token=page.next_page_token
            )
        )
    assert violated_fields(error.value) == ["page_token"]


def _all_pages(
    fetch: Callable[[str], tuple[list[str], str]], between: Callable[[], object]
) -> list[str]:
    """Every item, page after page, running `between` after each page."""
    seen: list[str] = []
    token = ""
    while True:
        items, token = fetch(token)
        seen.extend(items)
        if not token:
            return seen
        between()


def test_observations_written_between_pages_neither_repeat_nor_skip_items(
    stub: SelfModelServiceStub,
) -> None:
    model = create_model(stub)
    for n in range(5):
        observe(stub, model.name, content=f"before {n}")
    written = iter(range(100))

    def fetch(token: str) -> tuple[list[str], str]:
        page = stub.ListObservations(
            messages.ListObservationsRequest(self_model=model.name, page_size=2, page_token=token)
        )
        return [o.content for o in page.observations], page.next_page_token

    seen = _all_pages(fetch, lambda: observe(stub, model.name, content=f"during {next(written)}"))
    # Newer observations sort first, before the cursor: the pages go on where they were.
    assert seen == [f"before {n}" for n in reversed(range(5))]


def test_beliefs_written_between_pages_neither_repeat_nor_skip_items(
    stub: SelfModelServiceStub,
) -> None:
    model = create_model(stub)
    hobbies = [
        "Collects stamps",
        "Plays the cello",
        "Grows tomatoes",
        "Rides a tandem",
        "Speaks Welsh",
    ]
    for hobby in hobbies:
        observe(stub, model.name, (hobby, SUPPORTS, ""))
    later = iter(["Bakes sourdough bread", "Restores old radios", "Keeps honeybees"])

    def fetch(token: str) -> tuple[list[str], str]:
        page = stub.ListBeliefs(
            messages.ListBeliefsRequest(
                self_model=model.name, order_by="create_time desc", page_size=2, page_token=token
            )
        )
        return [b.statement for b in page.beliefs], page.next_page_token

    seen = _all_pages(fetch, lambda: observe(stub, model.name, (next(later), SUPPORTS, "")))
    assert seen == list(reversed(hobbies))
