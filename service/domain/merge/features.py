"""The feature classifier's input: rule signals, structure, lexical overlap and cosine.

Used both at run time (by `judge`) and by the training script, so both compute exactly
the same numbers. Every feature is symmetric in the two statements.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from service.domain.merge.rules import Signals, signals
from service.domain.merge.structure import Comparison, compare
from service.domain.merge.text import analyse, stemmed_words

Vector = npt.NDArray[np.float64]

SCALAR_FEATURES = (
    "cosine",
    "cosine_sq",
    "cosine_high",
    "coverage",
    "jaccard",
    "word_jaccard",
    "matched",
    "only_min",
    "only_max",
    "length_ratio",
    "same_content",
    "slot_difference",
    "polarity_flip",
    "clear_reversal",
    "free_negation",
    "negation_scoped",
    "attitude_flip",
    "one_sided_attitude",
    "opposite_scales",
    "prefix_antonyms",
    "swapped",
    "half_swapped",
    "exclusive_clash",
    "strong_exclusive_clash",
    "hedge_mismatch",
    "flip_x_cosine",
    "flip_x_coverage",
    "both_attitude_same",
    "raw_negation_parity",
    "raw_attitude_differs",
    "negative_marker_one_side",
    "value_clash",
    "identifier_differs",
    "qualifier_differs",
    "cue_x_qualifier_differs",
)


def _word_jaccard(a: str, b: str) -> float:
    wa, wb = stemmed_words(a), stemmed_words(b)
    return len(wa & wb) / (len(wa | wb) or 1)


def scalar_features(
    existing: str, proposed: str, cosine: float
) -> tuple[list[float], Signals, Comparison]:
    a, b = analyse(existing), analyse(proposed)
    s = signals(a, b)
    c = compare(existing, proposed, a.content, b.content)
    flip = float(s.polarity_flip and s.matched >= 1)
    la, lb = len(a.content), len(b.content)
    values = [
        cosine,
        cosine * cosine,
        max(0.0, cosine - 0.6),
        s.coverage,
        s.jaccard,
        _word_jaccard(existing, proposed),
        min(s.matched, 4) / 4,
        min(s.only_min, 4) / 4,
        min(s.only_max, 4) / 4,
        min(la, lb) / (max(la, lb) or 1),
        float(s.only_max == 0 and s.matched >= 1 and not s.polarity_flip),
        float(s.only_min >= 1 and s.only_max <= 2 and s.matched >= 1),
        float(s.polarity_flip),
        float(s.clear_reversal),
        float(s.negations % 2 == 1),
        float(s.negations % 2 == 1 and s.negation_scope_shared),
        float(s.attitude_flip),
        float(s.one_sided_attitude),
        min(len(s.opposite_scales), 2) / 2,
        float(bool(s.prefix_antonyms)),
        float(s.swapped),
        float(s.half_swapped),
        float(s.exclusive_clash),
        float(s.strong_exclusive_clash),
        float(s.hedge_mismatch),
        flip * cosine,
        flip * s.coverage,
        float(bool(a.attitude) and a.attitude == b.attitude),
        float((a.negations + b.negations) % 2 == 1),
        float((a.attitude or 1) != (b.attitude or 1)),
        float((a.negations > 0 or a.attitude < 0) != (b.negations > 0 or b.attitude < 0)),
        float(c.value_clash),
        float(c.identifier_differs),
        float(c.qualifier_differs),
        float(c.qualifier_differs and s.flips > 0),
    ]
    return values, s, c


def cosine_of(a: Sequence[float] | Vector, b: Sequence[float] | Vector) -> float:
    ea = np.asarray(a, dtype=np.float64)
    eb = np.asarray(b, dtype=np.float64)
    norms = float(np.linalg.norm(ea) * np.linalg.norm(eb))
    return float(ea @ eb) / norms if norms > 0 else 0.0


def pair_features(
    existing: str,
    proposed: str,
    existing_embedding: Sequence[float] | Vector,
    proposed_embedding: Sequence[float] | Vector,
) -> tuple[Vector, Signals, Comparison, float]:
    """The classifier's features, the rule signals, the structure comparison and the
    embeddings' cosine."""
    cosine = cosine_of(existing_embedding, proposed_embedding)
    values, s, c = scalar_features(existing, proposed, cosine)
    return np.asarray(values, dtype=np.float64), s, c, cosine
