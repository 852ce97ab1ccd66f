"""Random and hostile input at every RPC: every reply is a defined status, nothing invalid is
written.

Hypothesis builds requests whose fields mix valid values (names of a real self-model and its
beliefs, so the valid paths run too) with hostile ones: huge strings, control characters,
Cypher-looking text, odd Unicode, malformed resource names, negative, huge and non-finite
numbers, unknown enum values, invalid timestamps, forged page tokens and up to 40 belief
proposals. Every call must end in success or in one of the statuses the API defines
(INVALID_ARGUMENT with a BadRequest naming the field); a call that fails, and any read, must
leave the graph untouched; and whatever a successful call wrote must respect the documented
limits. Everything runs in a tenant of its own, checked directly in Neo4j at the end.

SELFMODEL_HOSTILE_EXAMPLES sets the number of examples per RPC (default 40); run thousands
locally with e.g. `SELFMODEL_HOSTILE_EXAMPLES=2000 pytest -s <this file>`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import re
import time
import unicodedata
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

import grpc
import pytest
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from google.rpc import code_pb2, error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_status import rpc_status
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy
from neo4j import Driver

from selfmodel.v1 import observation_pb2
from selfmodel.v1 import self_model_service_pb2 as messages
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub

EXAMPLES_PER_RPC = int(os.environ.get("SELFMODEL_HOSTILE_EXAMPLES", "40"))
UNARY_TIMEOUT_SECONDS = 60.0
"""Generous: a unary call that runs out of it hangs, which is a bug, not a defined reply."""
NOW = int(time.time())
"""Fixed when the module loads: Hypothesis needs strategies that draw alike every time."""
WATCH_TIMEOUT_SECONDS = 1.5
"""WatchSelfModel: how long to wait for the first message (then DEADLINE_EXCEEDED is fine)."""

MAX_CONTENT_BYTES = 8 * 1024
MAX_STATEMENT_BYTES = 1024
MAX_IDENTIFIER_BYTES = 256
MAX_PAGE_SIZE = 200
MAX_RENDERED_BELIEFS = 100
MAX_RECEIVE_BYTES = 256 * 1024

DEFINED_CODES = frozenset(
    {
        grpc.StatusCode.INVALID_ARGUMENT,
        grpc.StatusCode.NOT_FOUND,
        grpc.StatusCode.ALREADY_EXISTS,
        grpc.StatusCode.FAILED_PRECONDITION,
        grpc.StatusCode.ABORTED,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
    }
)

TRIED: Counter[str] = Counter()
"""Examples run per RPC (including Hypothesis' shrinking attempts)."""
OUTCOMES: defaultdict[str, Counter[str]] = defaultdict(Counter)
"""Status names per RPC, to show that both the valid and the invalid paths ran."""
SECONDS: defaultdict[str, float] = defaultdict(float)
"""Time spent per RPC, checks included."""
SLOWEST: defaultdict[str, float] = defaultdict(float)
"""The slowest single call per RPC, in seconds."""
FAILED: set[str] = set()
"""RPCs with a failing example: Hypothesis stops them early."""

# --- hostile building blocks ---------------------------------------------------------------

CONTROL_CHARACTERS = (
    "\x00\x01\x02\x07\x08\x0b\x0c\x0e\x1a\x1b\x1c\x1d\x1e\x1f\x7f\x80\x85\x8d\x9b\x9f"
)
"""Refused everywhere; \\x0b \\x0c \\x1c-\\x1f \\x85 are also whitespace to str.strip()."""

ODD_UNICODE = (
    "\u202eevil\u202c",  # right-to-left override
    "\u200f\u05e9\u05dc\u05d5\u05dd",  # RTL mark + Hebrew
    "\u0645\u0631\u062d\u0628\u0627",
    "\u2066isolate\u2069",
    "a\u200db\u200cc",  # zero-width joiner / non-joiner
    "\u200b",  # zero-width space: not whitespace to Python
    "\ufeffBOM",
    "e\u0301\u0301\u0301\u0301",  # stacked combining marks
    "Z\u0351\u0364\u036b\u0307\u0351\u0315\u0489",
    "\ufb01 \ufb02 \u2165 \u216b",  # ligatures, Roman numerals (NFKC-odd)
    "\uff21\uff22\uff23\uff11\uff12",  # fullwidth
    "\u210c\U0001d522\U0001d529\U0001d529\U0001d52c",  # mathematical letters
    "\u337f \ufdfa \u2474",
    "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",  # family emoji (ZWJ)
    "\U0001f3f3\ufe0f\u200d\U0001f308",
    "\U0001f600",
    "\U000e0041\U000e007f",  # tag characters
    "\ue000\U000f0000\U0010fffd",  # private use
    "\uffff\ufffe\U0010ffff\ufdd0",  # noncharacters
    "\u0130stanbul stra\u00dfe \u03a3\u0391\u03a3 \u01c5",  # case-folding oddities
    "\u2028\u2029",  # line / paragraph separators
    "\u00a0\u3000\u180e\u2007",  # odd spaces
    "\ufffd",
    "\u1160\u3164",  # Hangul fillers (invisible)
)

CYPHER_LIKE = (
    "') DETACH DELETE n //",
    "'}) DETACH DELETE n //",
    '" OR 1=1 //',
    "$tenant",
    "{tenant: $tenant}",
    "MATCH (n) RETURN n",
    "MATCH (n) DETACH DELETE n",
    "\\u0027",
    "\u0027",
    "'; CALL dbms.killQueries([]) //",
    "`",
    "${tenant}",
    "%s %n %x",
    "{0}{1}",
    "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
    "*/ MATCH (n) SET n.tenant = 'tests' /*",
    "UNION MATCH (n) RETURN n",
    "null",
    "NaN",
    "true",
    "[]",
    "{}",
    "\\",
    "\\\\'",
    "selfModels/*",
    "tests",
    "default",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
)

SAFE_UNITS = ("a", "\u00e9", "\u20ac", "\U0001f600", "e\u0301", "\u200d", "\u00df", "'", "\\")
"""Repeated to exact byte sizes; each is valid text."""
HOSTILE_UNITS = (*SAFE_UNITS, " ", "\t", "\x00", "\x1f", "a\x7f", "\u3000", "\x85")

FIXED_ID = "0f0e0d0c-0b0a-4909-8807-060504030201"

NAME_MUTATIONS: tuple[Callable[[str], str], ...] = (
    str.upper,
    lambda n: n.replace("selfModels", "SelfModels"),
    lambda n: n.replace("selfModels", "selfmodels"),
    lambda n: n + "/",
    lambda n: "/" + n,
    lambda n: " " + n,
    lambda n: n + "\n",
    lambda n: n + "\x00",
    lambda n: n.replace("-", ""),
    lambda n: n.replace("/", "//"),
    lambda n: n.replace("selfModels/", "selfModels/../"),
    lambda n: n + "/versions/1",
    lambda n: n + "/observations/" + FIXED_ID,
    lambda n: n + "/beliefs/" + n.rsplit("/", 1)[1],
    lambda n: n[:-1],
    lambda n: n + "0",
    lambda n: n.replace("/", "%2F"),
    lambda n: n.rsplit("/", 1)[1],
    lambda n: "urn:uuid:" + n.rsplit("/", 1)[1],
    lambda n: n.replace("a", "\u0430"),  # Cyrillic homoglyph
    lambda n: n.replace("0", "\uff10"),  # fullwidth digit
    lambda n: n.replace("1", "\u0661"),  # Arabic-Indic digit
    lambda n: n.rsplit("/", 1)[0] + "/{" + n.rsplit("/", 1)[1] + "}",
    lambda n: n.split("/beliefs/")[0],
    lambda n: n + "/../" + FIXED_ID,
    lambda n: n + "?view=full",
    lambda n: n + "') DETACH DELETE n //",
)

FIXED_NAMES = (
    "selfModels/../x",
    "selfModels/",
    "selfModels",
    "selfModels/*",
    "beliefs/x",
    f"selfModels/{FIXED_ID}/beliefs/{FIXED_ID}/versions/1",
    f"selfModels/{FIXED_ID.upper()}",
    f"selfModels/{{{FIXED_ID}}}",
    "users/42",
)


def sized(unit: str, size: int) -> str:
    """`unit` repeated to exactly `size` UTF-8 bytes (padded with 'a')."""
    unit_bytes = len(unit.encode())
    text = unit * (size // unit_bytes)
    return text + "a" * (size - len(text.encode()))


def forged_token(payload: object) -> str:
    """A page token in the service's (unsigned) format: base64url JSON without padding."""
    return raw_token(json.dumps(payload).encode())


def raw_token(payload: bytes) -> str:
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def fingerprint(request_key: str) -> str:
    return hashlib.sha256(request_key.encode()).hexdigest()[:16]


# --- the world the requests are drawn from -------------------------------------------------


@dataclass(repr=False)
class World:
    """A tenant of its own with real data, and the valid values requests draw from."""

    tenant: str
    stub: SelfModelServiceStub
    user_id: str
    scope: str
    model: str
    beliefs: list[str]
    etags: list[str]
    other_tenant: str
    """Holds the same user; must come out of the run untouched."""
    other_models: list[str]
    other_beliefs: list[str]
    deleted_models: list[str]
    model_victims: list[str]
    """Models only DeleteSelfModel may delete."""
    user_victims: list[str]
    """external_user_ids (in VICTIM_SCOPE) only DeleteUser may delete."""
    page_tokens: list[str]
    contexts: list[str] = field(default_factory=lambda: ["", "report-settings", "editor"])
    graph: tuple[Any, ...] | None = None
    """The tenant's snapshot after the last call, when that call's check read it."""

    def __repr__(self) -> str:  # short: Hypothesis prints it with every failing example
        return f"World(tenant={self.tenant!r}, model={self.model!r})"


VICTIM_SCOPE = "hostile-victims"
CURRENT_ETAG = "\ue000current-etag"
"""Placeholder a request carries until just before the call: the belief's etag right then."""

STATEMENTS = (
    "Prefers concise output formats",
    "Does not prefer concise output formats",
    "Likes concise output",
    "Prefers long narrative reports",
    "Prefers dark mode",
    "Prefers light mode",
    "Likes tea",
    "Uses a screen reader",
    "Prefers metric units over imperial units",
    "Prefers imperial units over metric units",
    "Only reads summaries",
    "Works late at night",
)
CONTENTS = (
    "User chose bullet-point summary over narrative format",
    "User switched the editor to dark mode",
    "User said they never read long reports",
)
ORDERS = (
    "",
    "confidence desc",
    "confidence",
    "update_time desc",
    "update_time",
    "create_time desc",
    "create_time",
    "Update_Time  DESC",
)


def _new_model(stub: SelfModelServiceStub, user_id: str, scope: str) -> str:
    return stub.GetOrCreateSelfModel(
        messages.GetOrCreateSelfModelRequest(external_user_id=user_id, scope=scope)
    ).name


def _observe(
    stub: SelfModelServiceStub, model: str, statements: Sequence[tuple[str, str]]
) -> messages.ObserveResponse:
    return stub.Observe(
        messages.ObserveRequest(
            self_model=model,
            observation=observation_pb2.Observation(
                type=observation_pb2.OBSERVATION_TYPE_PREFERENCE,
                content=CONTENTS[0],
                context="report-settings",
            ),
            beliefs=[
                observation_pb2.BeliefProposal(
                    statement=statement, stance=observation_pb2.STANCE_SUPPORTS, context=context
                )
                for statement, context in statements
            ],
        )
    )


@pytest.fixture(scope="module")
def world(stub_of_tenant: Callable[[str], SelfModelServiceStub]) -> World:
    tenant = f"hostile-{uuid.uuid4().hex[:12]}"
    stub = stub_of_tenant(tenant)
    user_id, scope = "hostile-user", "hostile-scope"
    model = _new_model(stub, user_id, scope)
    contexts = ("", "report-settings")
    created = _observe(
        stub, model, [(s, contexts[i % 2]) for i, s in enumerate(STATEMENTS) if i % 4 != 1]
    )
    again = _observe(stub, model, [(STATEMENTS[0], "")])  # a second version
    beliefs = [change.belief.name for change in created.belief_changes]
    etags = [change.belief.etag for change in created.belief_changes]
    etags.append(again.belief_changes[0].belief.etag)

    other_tenant = f"hostile-other-{uuid.uuid4().hex[:12]}"
    other_stub = stub_of_tenant(other_tenant)
    other_model = _new_model(other_stub, user_id, scope)  # the same user, another tenant
    other_beliefs = [
        c.belief.name
        for c in _observe(other_stub, other_model, [(STATEMENTS[0], "")]).belief_changes
    ]

    deleted = _new_model(stub, "hostile-deleted", scope)
    stub.DeleteSelfModel(messages.DeleteSelfModelRequest(name=deleted))

    victims = max(10, min(EXAMPLES_PER_RPC // 2, 100))
    model_victims = [_new_model(stub, f"victim-model-{i}", VICTIM_SCOPE) for i in range(victims)]
    user_victims = [f"victim-user-{i}" for i in range(victims)]
    for user in user_victims:
        _new_model(stub, user, VICTIM_SCOPE)
    for name in model_victims[:3]:
        _observe(stub, name, [(STATEMENTS[4], "editor")])

    page_tokens = [
        stub.ListSelfModels(messages.ListSelfModelsRequest(page_size=1)).next_page_token,
        stub.ListSelfModels(
            messages.ListSelfModelsRequest(scope=VICTIM_SCOPE, page_size=2)
        ).next_page_token,
        stub.ListBeliefs(
            messages.ListBeliefsRequest(self_model=model, page_size=1)
        ).next_page_token,
        stub.ListObservations(
            messages.ListObservationsRequest(self_model=model, page_size=1)
        ).next_page_token,
        stub.ListBeliefVersions(
            messages.ListBeliefVersionsRequest(belief=beliefs[0], page_size=1)
        ).next_page_token,
    ]
    assert all(page_tokens), page_tokens
    return World(
        tenant=tenant,
        stub=stub,
        user_id=user_id,
        scope=scope,
        model=model,
        beliefs=beliefs,
        etags=etags,
        other_tenant=other_tenant,
        other_models=[other_model],
        other_beliefs=other_beliefs,
        deleted_models=[deleted],
        model_victims=model_victims,
        user_victims=user_victims,
        page_tokens=page_tokens,
    )


# --- strategies ------------------------------------------------------------------------------

T = TypeVar("T")


def weighted(*choices: tuple[int, SearchStrategy[T]]) -> SearchStrategy[T]:
    """one_of, with each strategy listed `weight` times."""
    return st.one_of(*[strategy for weight, strategy in choices for _ in range(weight)])


def odd_text() -> SearchStrategy[str]:
    """Short valid text full of odd Unicode (no control characters)."""
    return st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]),
        min_size=1,
        max_size=24,
    )


def acceptable_text(pool: Sequence[str], limit: int) -> SearchStrategy[str]:
    """Text a careful client might send: valid, though often odd."""
    piece = st.one_of(
        st.sampled_from(pool), st.sampled_from(CYPHER_LIKE), st.sampled_from(ODD_UNICODE)
    )
    return weighted(
        (6, st.sampled_from(pool)),
        (1, odd_text()),
        (1, st.sampled_from(CYPHER_LIKE)),
        (1, st.sampled_from(ODD_UNICODE)),
        (1, st.builds(sized, st.sampled_from(SAFE_UNITS), st.sampled_from([limit - 1, limit]))),
        (1, st.lists(piece, min_size=1, max_size=3).map("".join).filter(lambda t: fits(t, limit))),
        (1, st.tuples(st.sampled_from(pool), st.sampled_from(["\t", " \n", "\r\n "])).map(pad)),
    )


def pad(value_and_space: tuple[str, str]) -> str:
    value, space = value_and_space
    return f"{space}{value}{space}"


def fits(text: str, limit: int) -> bool:
    return len(text.encode()) <= limit


def insert_at(text: str, position: int, inserted: str) -> str:
    position = min(position, len(text))
    return text[:position] + inserted + text[position:]


def hostile_text(pool: Sequence[str], limit: int) -> SearchStrategy[str]:
    """Anything a string field can hold: too long, control characters, whitespace, junk."""
    sizes = weighted(
        (2, st.sampled_from([limit + 1, limit + 2, 2 * limit])),
        (2, st.integers(limit + 1, 4 * limit)),
        # Huge: beyond the request size limit, or just under it.
        (1, st.sampled_from([MAX_RECEIVE_BYTES + 1, 300_000, MAX_RECEIVE_BYTES - 512, 64 * 1024])),
    )
    controls = st.text(alphabet=st.sampled_from(CONTROL_CHARACTERS), min_size=1, max_size=4)
    anything = st.one_of(
        acceptable_text(pool, limit),
        controls,
        st.text(max_size=40),
        st.builds(sized, st.sampled_from(HOSTILE_UNITS), sizes),
    )
    # Whitespace to str.strip(), yet control characters (most of them).
    blank = st.sampled_from(["\x1c", "\x0b\x0c", " \x85 ", "\x1f", "\t\n\r", "   ", "\u3000"])
    return st.one_of(
        blank,
        controls,
        blank,
        st.just(""),
        st.builds(insert_at, st.sampled_from(pool), st.integers(0, 40), controls),
        st.builds(sized, st.sampled_from(HOSTILE_UNITS), sizes),
        st.text(max_size=64),
        st.lists(anything, min_size=1, max_size=4).map("".join),
    )


class Fields:
    """Draws one request's fields, each valid or hostile.

    A request is clean (every field valid), has one hostile field (most fields are checked
    one after another, so a single bad one probes its own check; others turn hostile only
    rarely), or has many. Every choice's simplest value is the hostile or present one:
    Hypothesis draws simple values often when it has few examples, and those should probe.
    """

    def __init__(self, draw: DrawFn, world: World, fields: int) -> None:
        self.draw = draw
        self.world = world
        mode = draw(st.sampled_from(["one", "clean", "one", "many", "clean"]))
        self.target = draw(st.integers(0, fields - 1)) if mode == "one" else -1
        self.percent = {"one": 3, "many": 40, "clean": 0}[mode]
        self.index = 0

    def chance(self, numerator: int, denominator: int) -> bool:
        """True with probability numerator/denominator (and when drawn simplest)."""
        return self.draw(st.integers(0, denominator - 1)) < numerator

    def hostile(self, scale: float = 1.0) -> bool:
        """Whether the next field is hostile (`scale` skews the background rate)."""
        index, self.index = self.index, self.index + 1
        if index == self.target:
            return True
        percent = round(self.percent * scale)
        return percent > 0 and self.chance(percent, 100)

    def text(self, pool: Sequence[str], limit: int) -> str:
        strategy = hostile_text if self.hostile() else acceptable_text
        return self.draw(strategy(pool, limit))

    def user_id(self, pool: Sequence[str] = ()) -> str:
        return self.text(
            pool or [self.world.user_id, "u-42", "hostile-user "], MAX_IDENTIFIER_BYTES
        )

    def scope(self, pool: Sequence[str] = ()) -> str:
        return self.text(pool or [self.world.scope, "acme-writer"], MAX_IDENTIFIER_BYTES)

    def context(self) -> str:
        return self.text(self.world.contexts, MAX_IDENTIFIER_BYTES)

    def content(self) -> str:
        return self.text(CONTENTS, MAX_CONTENT_BYTES)

    def optional_content(self) -> str:
        return self.content() if self.chance(2, 3) else ""

    def statement(self) -> str:
        return self.text(STATEMENTS, MAX_STATEMENT_BYTES)

    def idempotency_key(self) -> str:
        if not self.hostile():
            return self.draw(
                st.one_of(
                    st.just(""),
                    st.just("hostile-key-1"),
                    st.uuids().map(str),
                    st.sampled_from(ODD_UNICODE),
                )
            )
        return self.draw(hostile_text(["hostile-key-1"], MAX_IDENTIFIER_BYTES))

    def order_by(self) -> str:
        if not self.hostile():
            return self.draw(st.sampled_from(ORDERS))
        return self.draw(hostile_text(ORDERS, 64))

    def etag(self) -> str:
        if not self.hostile():
            return self.draw(
                weighted(
                    (3, st.just("")),
                    (2, st.just(CURRENT_ETAG)),
                    (1, st.sampled_from(self.world.etags)),  # stale by now, mostly
                )
            )
        return self.draw(hostile_text(self.world.etags, 64))

    def _name(self, valid: SearchStrategy[str]) -> str:
        # A bad name stops a call before anything else is looked at: keep most names valid.
        if not self.hostile(0.3):
            return self.draw(valid)
        return self.draw(
            st.one_of(
                st.builds(
                    lambda mutate, name: mutate(name), st.sampled_from(NAME_MUTATIONS), valid
                ),
                st.sampled_from(FIXED_NAMES),
                hostile_text([*self.world.beliefs, self.world.model], 512),
            )
        )

    def model_name(self, pool: Sequence[str] = ()) -> str:
        world = self.world
        valid = weighted(
            (6, st.sampled_from(pool or [world.model])),
            (1, st.sampled_from(world.other_models + world.deleted_models)),
            (1, st.uuids().map(lambda u: f"selfModels/{u}")),
        )
        return self._name(valid)

    def belief_name(self) -> str:
        world = self.world
        valid = weighted(
            (6, st.sampled_from(world.beliefs)),
            (1, st.sampled_from(world.other_beliefs)),
            (1, st.uuids().map(lambda u: f"{world.model}/beliefs/{u}")),
            (1, st.sampled_from(world.beliefs).map(lambda b: b.replace(world.model, FIXED_ID))),
        )
        return self._name(valid)

    def double(self, low: float, high: float) -> float:
        if not self.hostile():
            return self.draw(st.one_of(st.sampled_from([low, high, -0.0]), st.floats(low, high)))
        return self.draw(
            st.one_of(
                st.floats(),
                st.sampled_from(
                    [math.nan, math.inf, -math.inf, -5e-324, 1.0000000000000002, 1e308, -1.0]
                ),
            )
        )

    def int32(self, low: int, high: int) -> int:
        return self._integer(low, high, 32)

    def int64(self, low: int, high: int) -> int:
        return self._integer(low, high, 64)

    def _integer(self, low: int, high: int, bits: int) -> int:
        if not self.hostile():
            return self.draw(st.one_of(st.sampled_from([low, high]), st.integers(low, high)))
        smallest, largest = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
        return self.draw(
            st.one_of(
                st.sampled_from([-1, low - 1, high + 1, smallest, largest]),
                st.integers(smallest, largest),
            )
        )

    def enum(self, valid: Sequence[int]) -> int:
        if not self.hostile():
            return self.draw(st.sampled_from(valid))
        return self.draw(
            st.one_of(
                st.sampled_from([0, max(valid) + 1, -1, 2**31 - 1, -(2**31)]),
                st.integers(-(2**31), 2**31 - 1),
            )
        )

    def timestamp(self, *, past_only: bool) -> Timestamp | None:
        if not self.chance(2, 3):
            return None
        now = NOW
        if not self.hostile(1.5):
            past = st.one_of(
                st.sampled_from([now, now - 86_400, -62_135_596_800, 0, 1_000_000_000]),
                st.integers(-62_135_596_800, now),
            )
            # The models are younger than this module: an `as_of` from before them is
            # NOT_FOUND, one after them reads them.
            later = st.sampled_from([now + 86_400, 253_402_300_799, now + 3_600])
            seconds = self.draw(past if past_only else weighted((2, later), (1, past)))
            return Timestamp(seconds=seconds, nanos=self.draw(st.integers(0, 999_999_999)))
        # Outside what a Timestamp may hold (years 1..9999, nanos below a second); Hypothesis
        # favours small integers, so the invalid ranges are drawn from explicitly.
        bad_seconds = st.one_of(
            st.sampled_from([253_402_300_800, -62_135_596_801, 2**63 - 1, -(2**63)]),
            st.integers(253_402_300_800, 2**63 - 1),
            st.integers(-(2**63), -62_135_596_801),
        )
        bad_nanos = st.one_of(
            st.sampled_from([1_000_000_000, -1, 2**31 - 1, -(2**31)]),
            st.integers(1_000_000_000, 2**31 - 1),
            st.integers(-(2**31), -1),
        )
        good_seconds = st.sampled_from([now, 253_402_300_799, -62_135_596_800, 0])
        good_nanos = st.sampled_from([0, 999_999_999])
        seconds, nanos = self.draw(
            st.one_of(
                st.tuples(bad_seconds, good_nanos),
                st.tuples(good_seconds, bad_nanos),
                st.tuples(bad_seconds, bad_nanos),
            )
        )
        return Timestamp(seconds=seconds, nanos=nanos)

    def page_size(self) -> int:
        return self.int32(0, MAX_PAGE_SIZE)

    def page_token(self, request_key: str) -> str:
        """Empty, issued, forged (the format is unsigned) or junk."""
        mine = fingerprint(f"{self.world.tenant}/{request_key}")
        if not self.hostile(1.5):  # a list call's last check
            return self.draw(
                st.one_of(
                    st.just(""),
                    st.sampled_from(self.world.page_tokens),
                    st.integers(0, 5).map(lambda o: forged_token({"o": o, "r": mine})),
                )
            )
        offsets: SearchStrategy[object] = weighted(
            # Beyond what Cypher's SKIP takes, or not an integer to it.
            (4, st.sampled_from([2**63 - 1, 2**63, 2**64, 10**30, True, False])),
            (1, st.integers(min_value=2**62)),
            (1, st.sampled_from([-1, 10**9, 0])),
            (1, st.integers()),
            (1, st.floats()),
            (1, st.text(max_size=5)),
            (1, st.none()),
            (1, st.lists(st.integers(), max_size=2)),
            (1, st.dictionaries(st.text(max_size=2), st.integers(), max_size=2)),
        )
        depth = st.sampled_from([1_000, 10_000, 100_000, 100])
        nested = depth.map(lambda d: raw_token(b'{"o": ' + b"[" * d + b"]" * d + b', "r": 1}'))
        token: str = self.draw(
            weighted(
                (4, offsets.map(lambda o: forged_token({"o": o, "r": mine}))),
                (3, depth.map(lambda d: raw_token(b"[" * d))),  # JSON nested deeply
                (1, nested),
                (1, offsets.map(lambda o: forged_token({"o": o, "r": "0" * 16}))),
                (1, offsets.map(lambda o: forged_token({"o": o}))),
                (1, offsets.map(forged_token)),
                (1, st.binary(max_size=64).map(raw_token)),
                (1, st.sampled_from(self.world.page_tokens).map(lambda t: t + "=")),
                (1, st.sampled_from(self.world.page_tokens).map(lambda t: t[:-2])),
                (2, hostile_text(self.world.page_tokens, 64)),
            )
        )
        return token


@st.composite
def get_or_create_requests(draw: DrawFn, world: World) -> messages.GetOrCreateSelfModelRequest:
    f = Fields(draw, world, 2)
    return messages.GetOrCreateSelfModelRequest(external_user_id=f.user_id(), scope=f.scope())


def proposal(f: Fields) -> observation_pb2.BeliefProposal:
    return observation_pb2.BeliefProposal(
        statement=f.statement(),
        stance=observation_pb2.Stance.ValueType(f.enum([1, 2])),
        context=f.context(),
    )


@st.composite
def observe_requests(draw: DrawFn, world: World) -> messages.ObserveRequest:
    f = Fields(draw, world, 10)
    observation = observation_pb2.Observation(
        type=observation_pb2.ObservationType.ValueType(f.enum([1, 2, 3, 4, 5, 6])),
        content=f.content(),
        context=f.context(),
        idempotency_key=f.idempotency_key(),
    )
    occur_time = f.timestamp(past_only=True)
    if occur_time is not None:
        observation.occur_time.CopyFrom(occur_time)
    if f.chance(1, 10):  # output-only fields a client should not set
        observation.name = f.model_name()
        observation.revision = f.int64(0, 10)
        create_time = f.timestamp(past_only=False)
        if create_time is not None:
            observation.create_time.CopyFrom(create_time)
    # Mostly a few proposals (each valid one costs an embedding), sometimes up to the limit
    # of 32, or beyond it.
    most = 40 if f.percent else 32
    count = draw(weighted((3, st.integers(0, 3)), (1, st.integers(0, most))))
    return messages.ObserveRequest(
        self_model=f.model_name(),
        observation=observation,
        beliefs=[proposal(f) for _ in range(count)],
    )


@st.composite
def get_self_model_requests(draw: DrawFn, world: World) -> messages.GetSelfModelRequest:
    f = Fields(draw, world, 6)
    request = messages.GetSelfModelRequest(
        name=f.model_name() if f.chance(3, 4) else "",
        external_user_id=f.user_id(),
        scope=f.scope(),
        context=f.context() if f.chance(1, 2) else "",
        min_confidence=f.double(0.0, 1.0),
    )
    as_of = f.timestamp(past_only=False)
    if as_of is not None:
        request.as_of.CopyFrom(as_of)
    return request


@st.composite
def list_belief_versions_requests(draw: DrawFn, world: World) -> messages.ListBeliefVersionsRequest:
    f = Fields(draw, world, 3)
    belief = f.belief_name()
    return messages.ListBeliefVersionsRequest(
        belief=belief, page_size=f.page_size(), page_token=f.page_token(belief)
    )


@st.composite
def provenance_requests(draw: DrawFn, world: World) -> messages.GetBeliefProvenanceRequest:
    return messages.GetBeliefProvenanceRequest(belief=Fields(draw, world, 1).belief_name())


@st.composite
def list_self_models_requests(draw: DrawFn, world: World) -> messages.ListSelfModelsRequest:
    f = Fields(draw, world, 3)
    scope = f.scope([world.scope, VICTIM_SCOPE, ""]) if f.chance(1, 2) else ""
    return messages.ListSelfModelsRequest(
        scope=scope,
        page_size=f.page_size(),
        page_token=f.page_token(f"selfModels?scope={scope.strip()}"),
    )


@st.composite
def list_beliefs_requests(draw: DrawFn, world: World) -> messages.ListBeliefsRequest:
    f = Fields(draw, world, 6)
    request = messages.ListBeliefsRequest(
        self_model=f.model_name(),
        context=f.context(),
        min_confidence=f.double(0.0, 1.0),
        order_by=f.order_by(),
        page_size=f.page_size(),
        show_retracted=draw(st.booleans()),
    )
    # The service's request key is the repr of its BeliefListing.
    listing = (
        f"BeliefListing(context={request.context.strip()!r}, "
        f"min_confidence={request.min_confidence!r}, order_by={request.order_by!r}, "
        f"show_retracted={request.show_retracted!r})"
    )
    request.page_token = f.page_token(f"{request.self_model}/beliefs?{listing}")
    return request


@st.composite
def list_observations_requests(draw: DrawFn, world: World) -> messages.ListObservationsRequest:
    f = Fields(draw, world, 4)
    request = messages.ListObservationsRequest(
        self_model=f.model_name(), context=f.context(), page_size=f.page_size()
    )
    request.page_token = f.page_token(
        f"{request.self_model}/observations?context={request.context.strip()}"
    )
    return request


@st.composite
def assert_belief_requests(draw: DrawFn, world: World) -> messages.AssertBeliefRequest:
    f = Fields(draw, world, 5)
    return messages.AssertBeliefRequest(
        self_model=f.model_name(),
        statement=f.statement(),
        context=f.context(),
        content=f.optional_content(),
        idempotency_key=f.idempotency_key(),
    )


@st.composite
def retract_belief_requests(draw: DrawFn, world: World) -> messages.RetractBeliefRequest:
    f = Fields(draw, world, 4)
    return messages.RetractBeliefRequest(
        belief=f.belief_name(),
        content=f.optional_content(),
        etag=f.etag(),
        idempotency_key=f.idempotency_key(),
    )


@st.composite
def correct_belief_requests(draw: DrawFn, world: World) -> messages.CorrectBeliefRequest:
    f = Fields(draw, world, 5)
    return messages.CorrectBeliefRequest(
        belief=f.belief_name(),
        statement=f.statement(),
        content=f.optional_content(),
        etag=f.etag(),
        idempotency_key=f.idempotency_key(),
    )


@st.composite
def delete_self_model_requests(draw: DrawFn, world: World) -> messages.DeleteSelfModelRequest:
    return messages.DeleteSelfModelRequest(
        name=Fields(draw, world, 1).model_name(world.model_victims)
    )


@st.composite
def delete_user_requests(draw: DrawFn, world: World) -> messages.DeleteUserRequest:
    f = Fields(draw, world, 2)
    return messages.DeleteUserRequest(
        external_user_id=f.user_id(world.user_victims), scope=f.scope([VICTIM_SCOPE])
    )


@st.composite
def export_user_requests(draw: DrawFn, world: World) -> messages.ExportUserRequest:
    f = Fields(draw, world, 2)
    user, scope = draw(
        st.sampled_from(
            [(world.user_id, world.scope), (world.user_victims[-1], VICTIM_SCOPE), ("nobody", "")]
        )
    )
    return messages.ExportUserRequest(
        external_user_id=f.user_id([user]), scope=f.scope([scope or world.scope])
    )


@st.composite
def render_context_requests(draw: DrawFn, world: World) -> messages.RenderContextRequest:
    f = Fields(draw, world, 4)
    return messages.RenderContextRequest(
        self_model=f.model_name(),
        context=f.context(),
        min_confidence=f.double(0.0, 1.0),
        max_beliefs=f.int32(0, MAX_RENDERED_BELIEFS),
    )


@st.composite
def watch_requests(draw: DrawFn, world: World) -> messages.WatchSelfModelRequest:
    f = Fields(draw, world, 2)
    return messages.WatchSelfModelRequest(
        self_model=f.model_name(), start_after_revision=f.int64(0, 3)
    )


# --- the RPCs --------------------------------------------------------------------------------

R = TypeVar("R", bound=Message)


@dataclass(frozen=True)
class Rpc(Generic[R]):
    name: str
    requests: Callable[[World], SearchStrategy[R]]
    call: Callable[[SelfModelServiceStub, R], object]
    writes: bool = False
    """May write when it succeeds; a read must never change the graph."""
    stream: bool = False


def watch_first(stub: SelfModelServiceStub, request: messages.WatchSelfModelRequest) -> object:
    """The stream's first message; DEADLINE_EXCEEDED when nothing arrives in time."""
    replies = stub.WatchSelfModel(request, timeout=WATCH_TIMEOUT_SECONDS)
    try:
        return next(replies, None)
    finally:
        replies.cancel()


T_OUT = UNARY_TIMEOUT_SECONDS

RPCS: list[Rpc[Any]] = [
    Rpc(
        "GetOrCreateSelfModel",
        get_or_create_requests,
        lambda s, r: s.GetOrCreateSelfModel(r, timeout=T_OUT),
        writes=True,
    ),
    Rpc("Observe", observe_requests, lambda s, r: s.Observe(r, timeout=T_OUT), writes=True),
    Rpc("GetSelfModel", get_self_model_requests, lambda s, r: s.GetSelfModel(r, timeout=T_OUT)),
    Rpc(
        "ListBeliefVersions",
        list_belief_versions_requests,
        lambda s, r: s.ListBeliefVersions(r, timeout=T_OUT),
    ),
    Rpc(
        "GetBeliefProvenance",
        provenance_requests,
        lambda s, r: s.GetBeliefProvenance(r, timeout=T_OUT),
    ),
    Rpc(
        "ListSelfModels", list_self_models_requests, lambda s, r: s.ListSelfModels(r, timeout=T_OUT)
    ),
    Rpc("ListBeliefs", list_beliefs_requests, lambda s, r: s.ListBeliefs(r, timeout=T_OUT)),
    Rpc(
        "ListObservations",
        list_observations_requests,
        lambda s, r: s.ListObservations(r, timeout=T_OUT),
    ),
    Rpc(
        "AssertBelief",
        assert_belief_requests,
        lambda s, r: s.AssertBelief(r, timeout=T_OUT),
        writes=True,
    ),
    Rpc(
        "RetractBelief",
        retract_belief_requests,
        lambda s, r: s.RetractBelief(r, timeout=T_OUT),
        writes=True,
    ),
    Rpc(
        "CorrectBelief",
        correct_belief_requests,
        lambda s, r: s.CorrectBelief(r, timeout=T_OUT),
        writes=True,
    ),
    Rpc(
        "DeleteSelfModel",
        delete_self_model_requests,
        lambda s, r: s.DeleteSelfModel(r, timeout=T_OUT),
        writes=True,
    ),
    Rpc(
        "DeleteUser",
        delete_user_requests,
        lambda s, r: s.DeleteUser(r, timeout=T_OUT),
        writes=True,
    ),
    Rpc("ExportUser", export_user_requests, lambda s, r: s.ExportUser(r, timeout=T_OUT)),
    Rpc("RenderContext", render_context_requests, lambda s, r: s.RenderContext(r, timeout=T_OUT)),
    Rpc("WatchSelfModel", watch_requests, watch_first, stream=True),
]


def current_etag(world: World, belief: str) -> str:
    """The belief's etag now, or '' when the name does not lead to a belief of ours."""
    try:
        reply = world.stub.GetBeliefProvenance(
            messages.GetBeliefProvenanceRequest(belief=belief), timeout=T_OUT
        )
    except grpc.RpcError:
        return ""
    return reply.belief.etag


def prepare(world: World, request: Message) -> None:
    """Fills in what only the moment of the call knows, and keeps deletes off the main model."""
    retract_or_correct = messages.RetractBeliefRequest | messages.CorrectBeliefRequest
    if isinstance(request, retract_or_correct) and request.etag == CURRENT_ETAG:
        request.etag = current_etag(world, request.belief)
    if isinstance(request, messages.DeleteSelfModelRequest) and request.name == world.model:
        request.name = world.model_victims[0]
    if isinstance(request, messages.DeleteUserRequest) and (
        request.external_user_id.strip() == world.user_id and request.scope.strip() == world.scope
    ):
        request.scope = VICTIM_SCOPE


# --- what the graph must look like -----------------------------------------------------------

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

TEXT_RULES: dict[str, dict[str, tuple[int | None, bool]]] = {
    # label: {property: (max bytes or None, required)}
    "User": {
        "external_user_id": (MAX_IDENTIFIER_BYTES, True),
        "scope": (MAX_IDENTIFIER_BYTES, True),
    },
    "SelfModel": {
        "external_user_id": (MAX_IDENTIFIER_BYTES, True),
        "scope": (MAX_IDENTIFIER_BYTES, True),
    },
    "Observation": {
        "content": (MAX_CONTENT_BYTES, True),
        "context": (MAX_IDENTIFIER_BYTES, False),
        "idempotency_key": (MAX_IDENTIFIER_BYTES, False),
    },
    "Belief": {
        "statement": (MAX_STATEMENT_BYTES, True),
        "statement_key": (None, True),
        "context": (MAX_IDENTIFIER_BYTES, False),
    },
    "BeliefVersion": {
        "statement": (MAX_STATEMENT_BYTES, True),
        "context": (MAX_IDENTIFIER_BYTES, False),
        "merged_statement": (MAX_STATEMENT_BYTES, False),
        "reason": (None, False),
    },
    "Context": {"name": (MAX_IDENTIFIER_BYTES, True)},
}
PROBABILITIES = {
    "Belief": ("confidence",),
    "BeliefVersion": ("confidence", "previous_confidence"),
    "SelfModel": ("alignment_score",),
    "AlignmentVersion": ("score",),
}
FINITE = {"Belief": ("evidence",), "BeliefVersion": ("evidence",)}
ID_PROPERTIES = ("id", "self_model_id", "belief_id", "observation_id")
KNOWN_LABELS = {
    "User",
    "SelfModel",
    "Observation",
    "Belief",
    "BeliefVersion",
    "Context",
    "AlignmentVersion",
    "DeletedSelfModel",
    "ApiKey",
}
ENUMS = {
    ("Observation", "type"): {
        "preference",
        "correction",
        "interaction",
        "answer",
        "feedback",
        "assertion",
    },
    ("Belief", "state"): {"active", "retracted"},
    ("BeliefVersion", "state"): {"active", "retracted"},
    ("BeliefVersion", "change_kind"): {
        "created",
        "reinforced",
        "weakened",
        "merged",
        "restated",
        "retracted",
    },
}


def text_problem(value: object, max_bytes: int | None, *, required: bool) -> str | None:
    if value is None:
        return "missing" if required else None
    if not isinstance(value, str):
        return f"not a string: {type(value).__name__}"
    if required and not value.strip():
        return "empty"
    if max_bytes is not None and len(value.encode()) > max_bytes:
        return f"{len(value.encode())} bytes, more than {max_bytes}"
    bad = [ch for ch in value if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r"]
    if bad:
        return f"control characters {sorted(set(bad))!r}"
    return None


def node_problems(labels: Sequence[str], props: dict[str, Any], tenant: str) -> list[str]:
    """What is wrong with one node of `tenant`, as readable lines (empty when all is well)."""
    problems: list[str] = []
    label = next((name for name in labels if name in KNOWN_LABELS), None)
    where = f"{':'.join(labels)} {props.get('id')!r}"
    if label is None:
        return [f"{where}: unexpected labels"]
    if props.get("tenant") != tenant:
        problems.append(f"{where}: tenant {props.get('tenant')!r}")
    if label == "ApiKey":
        return problems  # not the service's data: only its tenant matters here
    for name in ID_PROPERTIES:
        value = props.get(name)
        if value is not None and not (isinstance(value, str) and UUID.fullmatch(value)):
            problems.append(f"{where}: {name} {value!r} is not a lowercase UUID")
    if not isinstance(props.get("id"), str):
        problems.append(f"{where}: no id")
    for name, (max_bytes, required) in TEXT_RULES.get(label, {}).items():
        problem = text_problem(props.get(name), max_bytes, required=required)
        if problem is not None:
            problems.append(f"{where}: {name} {problem}: {str(props.get(name))[:80]!r}")
    for name in PROBABILITIES.get(label, ()):
        value = props.get(name)
        if name == "previous_confidence" and value is None:
            continue
        if not (isinstance(value, float | int) and math.isfinite(value) and 0 <= value <= 1):
            problems.append(f"{where}: {name} {value!r} is not a probability")
    for name in FINITE.get(label, ()):
        value = props.get(name)
        if not (isinstance(value, float | int) and math.isfinite(value)):
            problems.append(f"{where}: {name} {value!r} is not finite")
    for (enum_label, name), allowed in ENUMS.items():
        if enum_label == label and props.get(name) is not None and props[name] not in allowed:
            problems.append(f"{where}: {name} {props[name]!r} is not one of {sorted(allowed)}")
    if label == "DeletedSelfModel" and set(props) - {"id", "tenant", "delete_time"}:
        problems.append(f"{where}: a tombstone holds {sorted(props)}")
    embedding = props.get("embedding")
    if (
        label == "Belief"
        and embedding is not None
        and not all(isinstance(x, float) and math.isfinite(x) for x in embedding)
    ):
        problems.append(f"{where}: embedding holds a non-finite number")
    return problems


def snapshot(driver: Driver, tenant: str) -> tuple[Any, ...]:
    """Changes whenever anything of the tenant is written."""
    records, _, _ = driver.execute_query(
        """
        MATCH (n) WHERE n.tenant = $tenant
        RETURN count(n) AS nodes, sum(COUNT { (n)--() }) AS edges,
               sum(coalesce(n.revision, 0)) AS revisions, sum(coalesce(n.version, 0)) AS versions,
               max(coalesce(n.update_time, n.create_time, n.valid_from)) AS latest,
               sum(coalesce(n.confidence, 0.0)) AS confidence
        """,
        tenant=tenant,
    )
    record = records[0]
    return tuple(record.values())


def nodes_written_since(driver: Driver, tenant: str, since: datetime) -> list[str]:
    """Problems of the tenant's nodes created or changed at or after `since`."""
    records, _, _ = driver.execute_query(
        """
        MATCH (n) WHERE n.tenant = $tenant
          AND any(k IN ['create_time', 'update_time', 'valid_from', 'delete_time']
                  WHERE n[k] >= $since)
        RETURN labels(n) AS labels, n {.*, embedding: null} AS props
        """,
        tenant=tenant,
        since=since,
    )
    return [
        problem
        for record in records
        for problem in node_problems(
            record["labels"],
            {k: v for k, v in record["props"].items() if v is not None},
            tenant,
        )
    ]


def every_node_problem(driver: Driver, tenant: str) -> list[str]:
    """Problems of all the tenant's nodes, and of anything linked to them or naming their
    models without carrying the tenant."""
    records, _, _ = driver.execute_query(
        "MATCH (n) WHERE n.tenant = $tenant RETURN labels(n) AS labels, properties(n) AS props",
        tenant=tenant,
    )
    problems = [
        problem
        for record in records
        for problem in node_problems(record["labels"], dict(record["props"]), tenant)
    ]
    foreign, _, _ = driver.execute_query(
        """
        MATCH (n)--(x) WHERE n.tenant = $tenant AND (x.tenant IS NULL OR x.tenant <> $tenant)
        RETURN DISTINCT labels(x) AS labels, x.id AS id, x.tenant AS tenant
        UNION
        MATCH (m:SelfModel) WHERE m.tenant = $tenant
        MATCH (x) WHERE x.self_model_id = m.id AND (x.tenant IS NULL OR x.tenant <> $tenant)
        RETURN DISTINCT labels(x) AS labels, x.id AS id, x.tenant AS tenant
        """,
        tenant=tenant,
    )
    problems.extend(
        f"{record['labels']} {record['id']!r} of tenant {record['tenant']!r} is linked to "
        f"tenant {tenant!r}"
        for record in foreign
    )
    return problems


# --- checking one reply ----------------------------------------------------------------------


def service_log(basetemp: Path) -> Path | None:
    """The log of the service the tests talk to (the newest, if several ran)."""
    logs = sorted(basetemp.glob("service*/service.log"), key=lambda p: p.stat().st_mtime)
    return logs[-1] if logs else None


def log_size(basetemp: Path) -> int:
    log = service_log(basetemp)
    return log.stat().st_size if log is not None else 0


def service_errors_since(basetemp: Path, offset: int) -> str:
    """The errors the service logged after `offset`, with their tracebacks."""
    log = service_log(basetemp)
    if log is None:
        return "(no service log found)"
    with log.open("rb") as file:
        file.seek(offset)
        lines = file.read().decode(errors="replace").splitlines()
    errors: list[str] = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            errors.append(line)  # plain-text logs: keep everything
            continue
        if isinstance(entry, dict) and entry.get("level") in {"ERROR", "CRITICAL"}:
            errors.append(f"{entry.get('message')}\n{entry.get('exception', '')}")
    return f"{log}:\n" + ("\n".join(errors[-3:])[-6000:] or "(no error logged)")


def bad_request_problem(error: grpc.RpcError) -> str | None:
    """Why an INVALID_ARGUMENT reply lacks a usable BadRequest, or None."""
    assert isinstance(error, grpc.Call)
    status = rpc_status.from_call(error)
    if status is None:
        return "no google.rpc.Status details"
    assert status.code == code_pb2.INVALID_ARGUMENT
    fields: list[str] = []
    for detail in status.details:
        bad_request = error_details_pb2.BadRequest()
        if detail.Unpack(bad_request):
            fields.extend(v.field for v in bad_request.field_violations)
    if not fields:
        return "no BadRequest field violation"
    if not all(fields):
        return f"a field violation without a field: {fields}"
    return None


def summary(request: Message) -> str:
    """The request, with long strings cut, for failure messages."""
    text = str(request)
    return text if len(text) < 4000 else text[:4000] + f"... ({len(text)} characters)"


def run_one(rpc: Rpc[Any], request: Message, world: World, driver: Driver, logs: Path) -> None:
    TRIED[rpc.name] += 1
    began = time.monotonic()
    try:
        check_one(rpc, request, world, driver, logs)
    except AssertionError:
        FAILED.add(rpc.name)
        raise
    finally:
        SECONDS[rpc.name] += time.monotonic() - began


def check_one(rpc: Rpc[Any], request: Message, world: World, driver: Driver, logs: Path) -> None:
    prepare(world, request)
    before = world.graph if world.graph is not None else snapshot(driver, world.tenant)
    world.graph = None
    since = datetime.now(UTC)  # the service's clock is this machine's
    started = time.monotonic()
    logged = log_size(logs)
    try:
        rpc.call(world.stub, request)
    except grpc.RpcError as error:
        code = error.code()
        outcome = code.name
        allowed = DEFINED_CODES | ({grpc.StatusCode.DEADLINE_EXCEEDED} if rpc.stream else set())
        assert code in allowed, (
            f"{rpc.name} replied {code.name} ({error.details()!r}) after "
            f"{time.monotonic() - started:.1f}s to\n{summary(request)}\n"
            f"{service_errors_since(logs, logged)}"
        )
        if code == grpc.StatusCode.INVALID_ARGUMENT:
            problem = bad_request_problem(error)
            assert problem is None, (
                f"{rpc.name}: {problem} in {error.details()!r} for\n{summary(request)}"
            )
    else:
        outcome = "OK"
    SLOWEST[rpc.name] = max(SLOWEST[rpc.name], time.monotonic() - started)
    OUTCOMES[rpc.name][outcome] += 1
    if outcome != "OK" or not rpc.writes:
        after = snapshot(driver, world.tenant)
        assert after == before, (
            f"{rpc.name} replied {outcome} but changed the graph ({before} -> {after}) for\n"
            f"{summary(request)}"
        )
        world.graph = after
    else:
        problems = nodes_written_since(driver, world.tenant, since)
        assert not problems, f"{rpc.name} wrote invalid data for\n{summary(request)}\n" + "\n".join(
            problems[:20]
        )


HYPOTHESIS_SETTINGS = settings(
    max_examples=EXAMPLES_PER_RPC,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    database=None,
    derandomize=False,
)


@pytest.fixture(scope="module")
def other_tenant_before(world: World, neo4j_driver: Driver) -> tuple[Any, ...]:
    """The other tenant's graph before any hostile call (requested by every test)."""
    return snapshot(neo4j_driver, world.other_tenant)


@pytest.fixture(scope="module", autouse=True)
def totals() -> Iterator[None]:
    """Prints how many inputs each RPC got, and how it replied (shown with `pytest -s`)."""
    yield
    print_totals()


@pytest.mark.parametrize("rpc", RPCS, ids=[rpc.name for rpc in RPCS])
@HYPOTHESIS_SETTINGS
@given(data=st.data())
def test_hostile_input_gets_a_defined_status_and_writes_nothing_invalid(
    rpc: Rpc[Any],
    world: World,
    neo4j_driver: Driver,
    other_tenant_before: tuple[Any, ...],
    tmp_path_factory: pytest.TempPathFactory,
    data: st.DataObject,
) -> None:
    request = data.draw(rpc.requests(world), label=rpc.name)
    run_one(rpc, request, world, neo4j_driver, tmp_path_factory.getbasetemp())


def test_after_the_hostile_input_the_graph_is_valid_and_the_service_healthy(
    world: World,
    neo4j_driver: Driver,
    other_tenant_before: tuple[Any, ...],
    plain_channel: grpc.Channel,
) -> None:
    problems = every_node_problem(neo4j_driver, world.tenant)
    assert not problems, "\n".join(problems[:50])
    assert snapshot(neo4j_driver, world.other_tenant) == other_tenant_before
    assert not every_node_problem(neo4j_driver, world.other_tenant)

    health = health_pb2_grpc.HealthStub(plain_channel).Check(health_pb2.HealthCheckRequest())
    assert health.status == health_pb2.HealthCheckResponse.SERVING
    model = _new_model(world.stub, f"after-{uuid.uuid4()}", "hostile-scope")
    observed = _observe(world.stub, model, [("Prefers concise output formats", "")])
    assert [c.kind for c in observed.belief_changes] == [observation_pb2.CHANGE_KIND_CREATED]
    read = world.stub.GetSelfModel(messages.GetSelfModelRequest(name=model))
    assert [b.statement for b in read.beliefs] == ["Prefers concise output formats"]

    missing = [
        rpc.name for rpc in RPCS if TRIED[rpc.name] < EXAMPLES_PER_RPC and rpc.name not in FAILED
    ]
    assert not missing, f"too few examples for {missing}: {dict(TRIED)}"
    if not FAILED:  # a failing RPC stops early; its failure is reported on its own
        assert sum(TRIED.values()) >= len(RPCS) * EXAMPLES_PER_RPC


def print_totals() -> None:
    codes = sorted({code for outcomes in OUTCOMES.values() for code in outcomes})
    width = max(len(rpc.name) for rpc in RPCS)
    print(f"\nhostile input: examples per RPC (SELFMODEL_HOSTILE_EXAMPLES={EXAMPLES_PER_RPC})")
    header = f"{'RPC':<{width}} {'tried':>6} {'seconds':>7} {'slowest':>7} "
    print(header + " ".join(f"{c[:9]:>9}" for c in codes))
    for rpc in RPCS:
        counts = OUTCOMES[rpc.name]
        print(
            f"{rpc.name:<{width}} {TRIED[rpc.name]:>6} {SECONDS[rpc.name]:>7.1f} "
            f"{SLOWEST[rpc.name]:>7.2f} " + " ".join(f"{counts[c]:>9}" for c in codes)
        )
    print(f"{'total':<{width}} {sum(TRIED.values()):>6} {sum(SECONDS.values()):>7.1f}")
    if FAILED:
        print(f"failed (stopped early, see above): {sorted(FAILED)}")
