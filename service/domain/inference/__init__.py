"""Inference: which inventory entries a raw observation speaks for or against.

Pure and deterministic. For each entry the observation's type (and context) may teach, a
small scorer trained here (`service/eval/train_inference.py`) rates "the observation speaks
for this side" for each side of the entry from the features in `features.py`; a softmax
over (for the statement, for the opposite, neither) gives the stance and how sure it is.
The same scorer rates both sides, so the result flips exactly when the sides are swapped.
An entry is inferred only when its stance probability reaches the scorer's threshold.
See docs/inference.md.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from service.domain.inference.features import (
    FEATURES,
    FloatArray,
    ObservationWords,
    Side,
    observation_words,
    side,
    side_features,
)
from service.domain.inventory import BeliefInventory, InventoryEntry
from service.domain.model import ObservationType, Stance

SCORER_PATH = Path(__file__).with_name("scorer.json")


@dataclass(frozen=True)
class Scorer:
    """A two-layer network over one side's features; weights from scorer.json."""

    mean: FloatArray
    scale: FloatArray
    hidden_weights: FloatArray
    hidden_bias: FloatArray
    output_weights: FloatArray
    output_bias: float
    direction: FloatArray
    """(dimensions, rank): projects embeddings where the two sides of an entry differ."""
    relevance: FloatArray
    """(dimensions, rank): projects embeddings where an observation bears on an entry."""
    threshold: float
    """The least stance probability at which an entry is inferred."""

    def logits(
        self, features: FloatArray, observation: FloatArray, own: FloatArray, other: FloatArray
    ) -> FloatArray:
        """Logit of "speaks for the own side", per row.

        `features` (rows, n); `observation` (dimensions,); `own` and `other` (rows,
        dimensions): the mean embedding of each side's texts.
        """
        x = (features - self.mean) / self.scale
        hidden = np.tanh(x @ self.hidden_weights + self.hidden_bias)
        projected = observation @ self.direction
        direction = ((own - other) @ self.direction) @ projected
        relevant = observation @ self.relevance
        relevance = ((own + other) @ self.relevance) @ relevant
        return np.asarray(
            hidden @ self.output_weights + self.output_bias + direction + relevance,
            dtype=np.float32,
        )

    @classmethod
    def load(cls, path: Path = SCORER_PATH) -> Scorer:
        document = json.loads(path.read_text())
        if list(document["features"]) != list(FEATURES):
            raise ValueError(f"{path} was trained on other features; retrain it")

        def array(name: str) -> FloatArray:
            return np.asarray(document[name], dtype=np.float32)

        return cls(
            mean=array("mean"),
            scale=array("scale"),
            hidden_weights=array("hidden_weights"),
            hidden_bias=array("hidden_bias"),
            output_weights=array("output_weights"),
            output_bias=float(document["output_bias"]),
            direction=array("direction"),
            relevance=array("relevance"),
            threshold=float(document["threshold"]),
        )


@functools.cache
def default_scorer() -> Scorer:
    return Scorer.load()


@dataclass(frozen=True)
class IndexedEntry:
    """An entry with what the inference needs of it precomputed."""

    entry: InventoryEntry
    for_side: Side
    against_side: Side
    for_texts: tuple[str, ...]
    """The statement, then the signals for."""
    against_texts: tuple[str, ...]
    """The opposite (when there is one), then the signals against."""
    for_vectors: FloatArray
    against_vectors: FloatArray

    @functools.cached_property
    def for_mean(self) -> FloatArray:
        return _mean(self.for_vectors)

    @functools.cached_property
    def against_mean(self) -> FloatArray:
        return _mean(self.against_vectors, like=self.for_vectors)


def _mean(vectors: FloatArray, like: FloatArray | None = None) -> FloatArray:
    """The normalized mean of a side's embeddings (zeros for a side with no texts)."""
    if vectors.size == 0:
        width = 0 if like is None else like.shape[1]
        return np.zeros(width, dtype=np.float32)
    mean = vectors.mean(axis=0)
    return np.asarray(mean / max(float(np.linalg.norm(mean)), 1e-6), dtype=np.float32)


@dataclass(frozen=True)
class InventoryIndex:
    inventory: BeliefInventory
    entries: tuple[IndexedEntry, ...]

    @functools.cached_property
    def all_vectors(self) -> FloatArray:
        """Every entry's text embeddings, entry after entry (`starts` marks each entry)."""
        return np.concatenate(
            [
                np.concatenate(
                    [e.for_vectors, e.against_vectors.reshape(-1, e.for_vectors.shape[1])]
                )
                for e in self.entries
            ]
        )

    @functools.cached_property
    def starts(self) -> npt.NDArray[np.intp]:
        sizes = [len(e.for_texts) + len(e.against_texts) for e in self.entries]
        return np.asarray(np.cumsum([0, *sizes[:-1]]), dtype=np.intp)

    @staticmethod
    def texts(inventory: BeliefInventory) -> list[str]:
        """Every text whose embedding `build` needs."""
        return sorted({t for e in inventory.entries for t in (*_for(e), *_against(e))})

    def vector_of(self, key: str, favors_statement: bool) -> list[float]:
        """The embedding of an entry's statement, or of its opposite."""
        indexed = next(e for e in self.entries if e.entry.key == key)
        if favors_statement or not indexed.entry.opposite:
            return [float(x) for x in indexed.for_vectors[0]]
        return [float(x) for x in indexed.against_vectors[0]]

    @classmethod
    def build(
        cls, inventory: BeliefInventory, vectors: Mapping[str, Sequence[float]]
    ) -> InventoryIndex:
        def matrix(texts: tuple[str, ...]) -> FloatArray:
            if not texts:
                return np.zeros((0, 0), dtype=np.float32)
            return np.asarray([vectors[t] for t in texts], dtype=np.float32)

        return cls(
            inventory=inventory,
            entries=tuple(
                IndexedEntry(
                    entry=e,
                    for_side=side(e.statement, e.signals_for),
                    against_side=side(e.opposite, e.signals_against),
                    for_texts=_for(e),
                    against_texts=_against(e),
                    for_vectors=matrix(_for(e)),
                    against_vectors=matrix(_against(e)),
                )
                for e in inventory.entries
            ),
        )


def _for(entry: InventoryEntry) -> tuple[str, ...]:
    return (entry.statement, *entry.signals_for)


def _against(entry: InventoryEntry) -> tuple[str, ...]:
    return ((entry.opposite,) if entry.opposite else ()) + entry.signals_against


@dataclass(frozen=True)
class Inference:
    """One entry the observation bears on."""

    entry: InventoryEntry
    stance: Stance
    """Towards the entry's statement."""
    probability: float
    """How sure the inference is of the stance, in (0, 1)."""
    reason: str


@dataclass(frozen=True)
class EntryScore:
    entry: IndexedEntry
    supports: float
    contradicts: float


def _cosines(vectors: FloatArray, embedding: FloatArray) -> list[float]:
    if vectors.size == 0:
        return []
    return [float(x) for x in vectors @ embedding]


def _nearest(texts: Sequence[str], cosines: Sequence[float], words: frozenset[str]) -> str:
    if not cosines:
        return ""
    best = int(np.argmax(cosines))
    shared = f"; shared words: {', '.join(sorted(words))}" if words else ""
    return f"nearest {texts[best]!r} (cos {cosines[best]:.2f}){shared}"


def entry_features(
    index: InventoryIndex, entries: Sequence[IndexedEntry], content: str, vector: FloatArray
) -> FloatArray:
    """The features of each of `entries` (members of `index`) for the observation:
    (entries, 2, features), the statement's side first, then the opposite's."""
    words = observation_words(content)
    # How close the observation comes to each entry's nearest text: one product for all.
    nearest = np.maximum.reduceat(index.all_vectors @ vector, index.starts)
    topics = {id(e): float(n) for e, n in zip(index.entries, nearest, strict=True)}
    rows: list[list[list[float]]] = []
    for indexed in entries:
        cos_for = _cosines(indexed.for_vectors, vector)
        cos_against = _cosines(indexed.against_vectors, vector)
        others = [v for k, v in topics.items() if k != id(indexed)]
        lead = topics[id(indexed)] - max(others, default=0.0)
        has_opposite = bool(indexed.entry.opposite)
        for_side, against_side = indexed.for_side, indexed.against_side
        rows.append(
            [
                side_features(
                    words, for_side, against_side, cos_for, cos_against, lead, has_opposite
                ),
                side_features(
                    words, against_side, for_side, cos_against, cos_for, lead, has_opposite
                ),
            ]
        )
    return np.asarray(rows, dtype=np.float32).reshape(len(entries), 2, len(FEATURES))


def score_entries(
    index: InventoryIndex,
    entries: Sequence[IndexedEntry],
    content: str,
    embedding: Sequence[float],
    scorer: Scorer,
) -> list[EntryScore]:
    """Stance probabilities of each of `entries` (members of `index`) for the observation."""
    if not entries:
        return []
    vector = np.asarray(embedding, dtype=np.float32)
    features = entry_features(index, entries, content, vector)
    own = [m for e in entries for m in (e.for_mean, e.against_mean)]
    other = [m for e in entries for m in (e.against_mean, e.for_mean)]
    logits = scorer.logits(
        features.reshape(-1, len(FEATURES)), vector, np.stack(own), np.stack(other)
    ).reshape(-1, 2)
    # Softmax over (for, against, neither), "neither" fixed at logit 0.
    exp = np.exp(np.clip(logits, -30.0, 30.0))
    probabilities = exp / (1.0 + exp.sum(axis=1, keepdims=True))
    return [
        EntryScore(entry=indexed, supports=float(p_for), contradicts=float(p_against))
        for indexed, (p_for, p_against) in zip(entries, probabilities, strict=True)
    ]


def _why(content: str, indexed: IndexedEntry, vector: FloatArray, for_side: bool) -> str:
    """The example nearest to the observation on the side it spoke for, and the words it
    shares with that side (kept) or with the other side (rejected)."""
    words: ObservationWords = observation_words(content)
    own = indexed.for_side if for_side else indexed.against_side
    other = indexed.against_side if for_side else indexed.for_side
    texts = indexed.for_texts if for_side else indexed.against_texts
    vectors = indexed.for_vectors if for_side else indexed.against_vectors
    shared = (words.kept & (own.words - other.words)) | (words.rejected & (other.words - own.words))
    return _nearest(texts, _cosines(vectors, vector), frozenset(shared))


def infer(
    index: InventoryIndex,
    observation_type: ObservationType,
    content: str,
    context: str,
    embedding: Sequence[float],
    scorer: Scorer | None = None,
) -> list[Inference]:
    """The entries of `index` the observation speaks for or against, surest first."""
    scorer = scorer or default_scorer()
    eligible = [e for e in index.entries if e.entry.learns_from(observation_type, context)]
    inferences = []
    for score in score_entries(index, eligible, content, embedding, scorer):
        supports = score.supports >= score.contradicts
        probability = score.supports if supports else score.contradicts
        if probability < scorer.threshold:
            continue
        entry = score.entry.entry
        stance = Stance.SUPPORTS if supports else Stance.CONTRADICTS
        side_name = "statement" if supports else ("opposite" if entry.opposite else "against")
        inferences.append(
            Inference(
                entry=entry,
                stance=stance,
                probability=probability,
                reason=(
                    f"inferred from inventory entry {entry.key!r}: speaks for its {side_name} "
                    f"(p={probability:.2f}; "
                    f"{_why(content, score.entry, np.asarray(embedding, np.float32), supports)})"
                ),
            )
        )
    return sorted(inferences, key=lambda i: -i.probability)


__all__ = [
    "FEATURES",
    "EntryScore",
    "Inference",
    "InventoryIndex",
    "Scorer",
    "default_scorer",
    "entry_features",
    "infer",
    "score_entries",
]
