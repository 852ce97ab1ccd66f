"""Page tokens are not secret: a forged one is refused, never a server error."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from service.domain import paging
from service.domain.errors import InvalidArgument
from service.domain.model import Belief, BeliefOrder, Evidence
from store import keyset
from store.beliefs import BELIEF_ORDERS


def forged(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def test_a_token_carries_the_last_items_sort_key() -> None:
    page = paging.page_of(2, "", request_key="k")
    assert page.after is None
    token = page.next_token(2, (0.75, 1_700_000_000_000_000, "b-2"), "k")
    assert paging.page_of(2, token, request_key="k").after == (0.75, 1_700_000_000_000_000, "b-2")
    assert page.next_token(1, ("b-1",), "k") == ""


def test_a_belief_cursor_follows_the_lists_order() -> None:
    created = datetime(2026, 12, 2, 4, 0, 0, 123456, tzinfo=UTC)
    belief = Belief(
        id="b1",
        self_model_id="m1",
        statement="Prefers concise answers",
        confidence=0.8,
        context="",
        version=3,
        create_time=created,
        update_time=created + timedelta(seconds=1),
        evidence=Evidence(weight=0.4, as_of=created),
    )
    assert paging.belief_cursor(belief, BeliefOrder.CONFIDENCE_DESC) == (
        0.8,
        paging.micros(created),
        "b1",
    )
    assert paging.belief_cursor(belief, BeliefOrder.UPDATE_TIME) == (
        paging.micros(created) + 1_000_000,
        "b1",
    )
    assert paging.micros(created) % 1_000_000 == 123456


def test_the_stores_sort_columns_are_the_cursors_attributes() -> None:
    for order, columns in BELIEF_ORDERS.items():
        assert [c.expression for c in columns] == [
            f"b.{attribute}" for attribute in paging.BELIEF_SORT_KEYS[order]
        ], order


@pytest.mark.parametrize(
    "cursor",
    [("not a number", 1, "id"), (0.5, "not a time", "id"), (0.5, 1, 7), (0.5, 2**62, "id"), (1,)],
)
def test_a_cursor_that_does_not_fit_the_list_is_invalid(cursor: tuple[object, ...]) -> None:
    with pytest.raises(InvalidArgument) as error:
        keyset.after_parameter(BELIEF_ORDERS[BeliefOrder.CONFIDENCE_DESC], cursor)  # type: ignore[arg-type]
    assert [v.field for v in error.value.violations] == ["page_token"]


@pytest.mark.parametrize(
    "token",
    [
        forged({"o": 2, "r": "x"}),
        forged({"k": 2, "r": "x"}),
        forged({"k": [], "r": "x"}),
        forged({"k": [True], "r": "x"}),
        forged({"k": [2**63], "r": "x"}),
        forged({"k": [float("nan")], "r": "x"}),
        forged({"k": [[1]], "r": "x"}),
        forged({"k": ["x" * 300], "r": "x"}),
        forged({"k": [1, 2, 3, 4, 5], "r": "x"}),
        base64.urlsafe_b64encode(b"[" * 5000).decode(),
        "not base64 at all!",
    ],
)
def test_forged_or_garbled_tokens_are_invalid(token: str) -> None:
    with pytest.raises(InvalidArgument) as error:
        paging.page_of(10, token, request_key="k")
    assert [v.field for v in error.value.violations] == ["page_token"]


def test_a_token_of_another_request_is_invalid() -> None:
    token = paging.page_of(1, "", request_key="a").next_token(1, ("x",), "a")
    with pytest.raises(InvalidArgument, match="does not belong"):
        paging.page_of(1, token, request_key="b")
