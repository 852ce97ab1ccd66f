"""Page tokens are not secret: a forged one is refused, never a server error."""

import base64
import json

import pytest

from service.domain import paging
from service.domain.errors import InvalidArgument


def forged(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def test_a_token_pages_on_from_where_the_last_page_ended() -> None:
    page = paging.page_of(2, "", request_key="k")
    token = page.next_token(2, "k")
    assert paging.page_of(2, token, request_key="k").offset == 2
    assert page.next_token(1, "k") == ""


@pytest.mark.parametrize(
    "token",
    [
        forged({"o": 2**63, "r": "x"}),
        forged({"o": True, "r": "x"}),
        forged({"o": -1, "r": "x"}),
        forged({"o": 1.5, "r": "x"}),
        base64.urlsafe_b64encode(b"[" * 5000).decode(),
        "not base64 at all!",
    ],
)
def test_forged_or_garbled_tokens_are_invalid(token: str) -> None:
    with pytest.raises(InvalidArgument) as error:
        paging.page_of(10, token, request_key="k")
    assert [v.field for v in error.value.violations] == ["page_token"]


def test_a_token_of_another_request_is_invalid() -> None:
    token = paging.page_of(1, "", request_key="a").next_token(1, "a")
    with pytest.raises(InvalidArgument, match="does not belong"):
        paging.page_of(1, token, request_key="b")
