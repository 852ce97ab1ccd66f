"""The store the recording use cases need, as they see it: load, then write, in one transaction.

The application owns this port; `store.recording` implements it on Neo4j (one query to
load, one to write) and the use-case tests implement it in memory.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from service.domain.beliefs import Candidate
from service.domain.inventory import BeliefInventory
from service.domain.learning import LearnedBelief
from service.domain.model import Belief, BeliefChange, Observation, SelfModel
from service.domain.recording import ObservationWrite

T = TypeVar("T")


@dataclass(frozen=True)
class CandidateProbe:
    """What a proposal looks for among the model's beliefs."""

    key: str
    """The proposal's statement key."""
    context: str
    embedding: Sequence[float]


@dataclass(frozen=True)
class CandidateSearch:
    """How many merge candidates to consider, and how deep to search the vector index."""

    limit: int = 32
    index_depth: int = 256


@dataclass(frozen=True)
class RecordingRead:
    """What to load, with the model's write lock, before an observation is planned (the
    scope's inventory and the beliefs that follow it are always loaded)."""

    self_model_id: str
    idempotency_key: str = ""
    belief_id: str = ""
    """The belief a retraction or correction is about."""
    probes: tuple[CandidateProbe, ...] = ()
    search: CandidateSearch = CandidateSearch()


@dataclass(frozen=True)
class FirstRecording:
    """The observation an idempotency key was first used for, and its request fingerprint."""

    observation: Observation
    fingerprint: str


@dataclass(frozen=True)
class RecordingState:
    """What `RecordingRead` found. `model` None: no such model (`deleted` says whether it
    existed)."""

    model: SelfModel | None
    deleted: bool = False
    first: FirstRecording | None = None
    belief: Belief | None = None
    candidates: tuple[tuple[Candidate, ...], ...] = ()
    """Per probe, in the order of the probes."""
    inventory: BeliefInventory | None = None
    """The scope's stored inventory (None: the scope has none; the starter applies)."""
    learned: tuple[LearnedBelief, ...] = ()


@dataclass(frozen=True)
class Replay:
    """What a first recording did, to answer a retry with."""

    changes: tuple[BeliefChange, ...]
    alignment_score: float | None
    """None if the score had not moved by then."""


class RecordingTransaction(Protocol):
    async def load(self, read: RecordingRead) -> RecordingState:
        """Write-locks the model (until the transaction ends) and loads what `read` asks."""
        ...

    async def merge_candidates(
        self, self_model_id: str, probes: Sequence[CandidateProbe], search: CandidateSearch
    ) -> list[list[Candidate]]:
        """As `RecordingRead.probes`, for probes known only after the load."""
        ...

    async def unlearned_with_statement(
        self, self_model_id: str, contexts: Sequence[str], statement_keys: Sequence[str]
    ) -> list[Belief]:
        """Beliefs in one of `contexts` with one of these statement keys that follow no
        inventory entry (a caller proposed them)."""
        ...

    async def replay(self, first: Observation) -> Replay: ...

    async def write(self, write: ObservationWrite) -> None: ...


class RecordingStore(Protocol):
    async def record(self, tenant: str, work: Callable[[RecordingTransaction], Awaitable[T]]) -> T:
        """Runs `work` in one write transaction of `tenant`: all of it commits, or none.
        `work` may run again after a transient failure: it must have no other effects."""
        ...
