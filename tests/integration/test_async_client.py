"""`AsyncSelfModelClient` (clients/python) against the live service and Neo4j: the
three-call loop with an API key, calls in flight together on one channel, the inventory
calls, and a missing key.

`selfmodel_client` ships its own copy of the stubs; it is imported inside the tests, not at
collection, so that while that copy is stale (clients/python/generate not yet run after a
proto change: protobuf refuses it next to `selfmodel.v1`) only these tests fail, not the
collection of the whole suite.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import TYPE_CHECKING

import pytest

from tests.integration.auth import create_api_key

if TYPE_CHECKING:
    from selfmodel_client import AsyncSelfModelClient

pytestmark = pytest.mark.asyncio

STATEMENT = "Prefers concise output formats"
SCOPE = "async-client"


@pytest.fixture(scope="module")
def async_key(neo4j_uri: str) -> str:
    return create_api_key(neo4j_uri, "async-client")


def connect(address: str, api_key: str | None) -> AsyncSelfModelClient:
    from selfmodel_client import AsyncSelfModelClient

    # Generous: a first Observe on a cold service (and a busy machine) loads the embedding
    # model, which can outlast the service config's 10 s.
    return AsyncSelfModelClient(address, api_key=api_key, timeout=120.0)


async def test_the_three_call_loop(service_address: str, async_key: str) -> None:
    from selfmodel_client import contradicts

    async with connect(service_address, async_key) as client:
        # An empty inventory: the scope learns only the beliefs observations propose.
        inventory = await client.apply_inventory(SCOPE, [])
        assert inventory.revision >= 1 and not inventory.starter
        user = f"async-{secrets.token_hex(6)}"
        model = await client.get_or_create(user, SCOPE)
        assert model.name.startswith("selfModels/") and model.external_user_id == user
        assert (await client.get_or_create(user, SCOPE)).name == model.name

        first = await client.observe(
            model, "Asked for bullet points", type="preference", beliefs=[STATEMENT]
        )
        [created] = first.changes
        assert created.kind == "created" and created.belief.statement == STATEMENT
        assert created.belief.confidence > created.previous_confidence
        assert client.consistency_token

        second = await client.observe(
            model,
            "Said the summary was too terse",
            type="feedback",
            beliefs=[contradicts(STATEMENT)],
        )
        [weakened] = second.changes
        assert weakened.kind == "weakened" and weakened.belief.name == created.belief.name
        assert weakened.belief.confidence < created.belief.confidence
        assert weakened.belief.version == 2

        beliefs = [belief async for belief in client.iter_beliefs(model)]
        assert [(b.name, b.confidence) for b in beliefs] == [
            (created.belief.name, weakened.belief.confidence)
        ]
        assert await client.beliefs(model) == beliefs

        rendered = await client.render_context(model)
        assert STATEMENT in rendered.text
        assert created.belief.name in {b.name for b in rendered.beliefs}
        assert await client.adaptations(model) == []
        assert (await client.inventory(SCOPE)).revision == inventory.revision


async def test_calls_in_flight_together_share_the_channel(
    service_address: str, async_key: str
) -> None:
    users = [f"async-many-{secrets.token_hex(6)}" for _ in range(8)]
    async with connect(service_address, async_key) as client:
        models = await asyncio.gather(*(client.get_or_create(u, SCOPE) for u in users))
        observed = await asyncio.gather(
            *(
                client.observe(m, "Chose the short answer", type="preference", beliefs=[STATEMENT])
                for m in models
            )
        )
    assert [m.external_user_id for m in models] == users
    assert len({m.name for m in models}) == len(users)
    assert all(o.changes[0].kind == "created" for o in observed)


async def test_a_call_without_the_key_is_unauthenticated(service_address: str) -> None:
    from selfmodel_client import UnauthenticatedError

    async with connect(service_address, None) as client:
        with pytest.raises(UnauthenticatedError):
            await client.get_or_create("nobody", SCOPE)
