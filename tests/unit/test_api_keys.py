"""API keys: their format and hash, bearer parsing, tenant names, the authenticator's cache."""

from __future__ import annotations

import asyncio
import hashlib
import re
from datetime import UTC, datetime

import pytest

from service.admin import key_table
from service.auth import (
    MISSING_KEY_MESSAGE,
    UNKNOWN_KEY_MESSAGE,
    ApiKeyAuthenticator,
    FixedTenantAuthenticator,
)
from service.domain.api_keys import (
    bearer_token,
    key_hash,
    new_api_key,
    validate_description,
    validate_tenant,
)
from service.domain.errors import InvalidArgument, Unauthenticated
from store.api_keys import ApiKeyRecord

KEY_FORMAT = re.compile(r"smk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")


def test_a_new_key_is_smk_then_its_id_then_a_256_bit_secret() -> None:
    key = new_api_key()
    match = KEY_FORMAT.fullmatch(key.plaintext)
    assert match is not None, key.plaintext
    assert match.group(1) == key.key_id


def test_new_keys_and_their_ids_never_repeat() -> None:
    keys = [new_api_key() for _ in range(1000)]
    assert len({key.plaintext for key in keys}) == 1000
    assert len({key.key_id for key in keys}) == 1000


def test_the_repr_of_a_new_key_hides_its_secret() -> None:
    key = new_api_key()
    assert key.key_id in repr(key)
    assert key.plaintext not in repr(key)


def test_the_hash_is_the_stable_sha256_of_the_whole_key_and_not_the_key() -> None:
    key = new_api_key().plaintext
    assert key_hash(key) == key_hash(key) == hashlib.sha256(key.encode()).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", key_hash(key))
    assert key not in key_hash(key)
    assert key_hash(key) != key_hash(key + "x")


@pytest.mark.parametrize(
    ("authorization", "token"),
    [
        ("Bearer smk_abc_def", "smk_abc_def"),
        ("bearer smk_abc_def", "smk_abc_def"),
        ("BEARER smk_abc_def", "smk_abc_def"),
        ("  Bearer   smk_abc_def  ", "smk_abc_def"),
        ("Bearer\tsmk_abc_def", "smk_abc_def"),
        (None, None),
        ("", None),
        ("   ", None),
        ("Bearer", None),
        ("Bearer ", None),
        ("smk_abc_def", None),
        ("Basic dXNlcjpwYXNz", None),
        ("Bearer smk_abc def", None),
        ("Bearersmk_abc_def", None),
    ],
)
def test_bearer_token_takes_the_key_from_the_authorization_metadata(
    authorization: str | None, token: str | None
) -> None:
    assert bearer_token(authorization) == token


@pytest.mark.parametrize("tenant", ["acme", "a", "0", "acme-writer_2", "a" * 63])
def test_lowercase_tenant_names_are_valid(tenant: str) -> None:
    validate_tenant(tenant)


@pytest.mark.parametrize(
    "tenant", ["", "Acme", "-acme", "_acme", "acme corp", "acme.io", "a" * 64, "acme\n", "ä"]
)
def test_other_tenant_names_are_invalid(tenant: str) -> None:
    with pytest.raises(InvalidArgument) as raised:
        validate_tenant(tenant)
    assert raised.value.violations[0].field == "tenant"


def test_a_description_is_short_and_one_line() -> None:
    validate_description("")
    validate_description("acme production, rotated 2025-03")
    for bad in ("x" * 257, "two\nlines", "tab\there"):
        with pytest.raises(InvalidArgument):
            validate_description(bad)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeKeyStore:
    """Tenants by key hash, counting lookups."""

    def __init__(self) -> None:
        self.tenants: dict[str, str] = {}
        self.lookups = 0

    def add(self, tenant: str) -> str:
        key = new_api_key().plaintext
        self.tenants[key_hash(key)] = tenant
        return key

    def revoke(self, key: str) -> None:
        del self.tenants[key_hash(key)]

    async def tenant_of(self, key_hash: str) -> str | None:
        self.lookups += 1
        return self.tenants.get(key_hash)


def tenant_for(authenticator: ApiKeyAuthenticator, authorization: str | None) -> str:
    return asyncio.run(authenticator.tenant_for(authorization))


def test_a_known_key_names_its_tenant() -> None:
    store = FakeKeyStore()
    acme, globex = store.add("acme"), store.add("globex")
    authenticator = ApiKeyAuthenticator(store)
    assert tenant_for(authenticator, f"Bearer {acme}") == "acme"
    assert tenant_for(authenticator, f"bearer {globex}") == "globex"


@pytest.mark.parametrize("authorization", [None, "", "Basic abc", "Bearer"])
def test_a_missing_or_malformed_key_is_unauthenticated_without_a_lookup(
    authorization: str | None,
) -> None:
    store = FakeKeyStore()
    with pytest.raises(Unauthenticated, match=re.escape(MISSING_KEY_MESSAGE)):
        tenant_for(ApiKeyAuthenticator(store), authorization)
    assert store.lookups == 0


def test_an_unknown_key_is_unauthenticated_and_the_message_does_not_echo_it() -> None:
    key = new_api_key().plaintext
    with pytest.raises(Unauthenticated) as raised:
        tenant_for(ApiKeyAuthenticator(FakeKeyStore()), f"Bearer {key}")
    assert str(raised.value) == UNKNOWN_KEY_MESSAGE
    assert key not in str(raised.value)


def test_a_found_key_is_cached_until_cache_seconds_pass() -> None:
    store, clock = FakeKeyStore(), FakeClock()
    key = store.add("acme")
    authenticator = ApiKeyAuthenticator(store, cache_seconds=5.0, clock=clock)

    assert tenant_for(authenticator, f"Bearer {key}") == "acme"
    store.revoke(key)
    clock.now += 4.9
    assert tenant_for(authenticator, f"Bearer {key}") == "acme"
    assert store.lookups == 1

    clock.now += 0.1
    with pytest.raises(Unauthenticated, match=UNKNOWN_KEY_MESSAGE):
        tenant_for(authenticator, f"Bearer {key}")
    assert store.lookups == 2


def test_unknown_keys_are_not_cached_so_a_new_key_works_at_once() -> None:
    store, clock = FakeKeyStore(), FakeClock()
    key = new_api_key().plaintext
    authenticator = ApiKeyAuthenticator(store, clock=clock)
    with pytest.raises(Unauthenticated):
        tenant_for(authenticator, f"Bearer {key}")
    store.tenants[key_hash(key)] = "acme"
    assert tenant_for(authenticator, f"Bearer {key}") == "acme"
    assert store.lookups == 2


def test_without_a_cache_every_call_looks_the_key_up() -> None:
    store = FakeKeyStore()
    key = store.add("acme")
    authenticator = ApiKeyAuthenticator(store, cache_seconds=0, clock=FakeClock())
    for _ in range(3):
        assert tenant_for(authenticator, f"Bearer {key}") == "acme"
    assert store.lookups == 3
    store.revoke(key)
    with pytest.raises(Unauthenticated):
        tenant_for(authenticator, f"Bearer {key}")


def test_the_cache_keeps_at_most_max_cached_keys_dropping_the_oldest() -> None:
    store, clock = FakeKeyStore(), FakeClock()
    first, second, third = store.add("a"), store.add("b"), store.add("c")
    authenticator = ApiKeyAuthenticator(store, max_cached_keys=2, clock=clock)
    for key in (first, second, third):
        tenant_for(authenticator, f"Bearer {key}")
    assert store.lookups == 3

    tenant_for(authenticator, f"Bearer {third}")
    tenant_for(authenticator, f"Bearer {second}")
    assert store.lookups == 3
    tenant_for(authenticator, f"Bearer {first}")
    assert store.lookups == 4


def test_the_fixed_tenant_authenticator_accepts_every_call_as_its_tenant() -> None:
    authenticator = FixedTenantAuthenticator("local")
    assert asyncio.run(authenticator.tenant_for(None)) == "local"
    assert asyncio.run(authenticator.tenant_for("Bearer whatever")) == "local"
    with pytest.raises(InvalidArgument):
        FixedTenantAuthenticator("Not A Tenant")


def test_the_key_table_shows_status_and_description_aligned() -> None:
    created = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    revoked = datetime(2025, 4, 2, 8, 30, 5, tzinfo=UTC)
    table = key_table(
        [
            ApiKeyRecord("0123456789ab", "acme", "production", created, None),
            ApiKeyRecord("ba9876543210", "globex-eu", "", created, revoked),
        ]
    ).splitlines()
    assert table[0].split() == ["KEY", "ID", "TENANT", "CREATED", "STATUS", "DESCRIPTION"]
    assert table[1].split() == [
        "0123456789ab",
        "acme",
        "2025-03-01T12:00:00Z",
        "active",
        "production",
    ]
    assert table[2].split() == [
        "ba9876543210",
        "globex-eu",
        "2025-03-01T12:00:00Z",
        "revoked",
        "2025-04-02T08:30:05Z",
    ]
    assert table[1].index("2025") == table[2].index("2025")
