"""What the inference compares between one observation and one inventory entry.

Two views of the same question, "does this observation speak for the statement or for its
opposite?":

* words: the entry's two sides are profiles of canonical words and scale points (from
  its statement or opposite and its example signals, via the merge judge's text analysis),
  and the observation's words are split into what the user kept or chose and what they
  rejected ("instead of X", "not X", "turned off X"). Words of a side that the user kept
  count for that side; words the user rejected count for the other.
* meaning: cosine similarities of the observation's embedding with each side's texts.

Every feature is symmetric under swapping the sides, with the sign of the label: a model
over them cannot prefer one pole for reasons other than the observation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from service.domain.merge.text import ATTITUDE, Analysis, analyse

FloatArray = npt.NDArray[np.float32]

# Verbs that reject what follows them, beyond the merge judge's negators: the user undid,
# switched off or removed something.
_REJECTING = re.compile(
    r"\b(?:turn(?:ed|s|ing)?\s+off|switch(?:ed|es|ing)?\s+off|disabl(?:ed|es|e|ing)|"
    r"remov(?:ed|es|e|ing)|delet(?:ed|es|e|ing)|unsubscrib(?:ed|es|e|ing)|"
    r"undo(?:ne|es|ing)?|undid|revert(?:ed|s|ing)?|dismiss(?:ed|es|ing)?|"
    r"declin(?:ed|es|e|ing)|reject(?:ed|s|ing)?|skipp?(?:ed|s|ing)?|hid(?:e|es|den|ing)?|"
    r"mut(?:ed|es|e|ing)|cancel(?:l?ed|s|l?ing)?|stopp?(?:ed|s|ing)?|opt(?:ed|s|ing)?\s+out\s+of|"
    r"complain(?:ed|s|ing)?\s+(?:about|that)|without)\s+(?P<rest>[^,;.]+)"
)


@dataclass(frozen=True)
class Side:
    """One pole of an entry: its texts and their canonical words and scale points."""

    words: frozenset[str]
    statement_words: frozenset[str]
    scales: dict[str, frozenset[int]]


def _words(analysis: Analysis) -> frozenset[str]:
    return frozenset(w for w in analysis.content if not w.startswith(ATTITUDE))


def side(statement: str, signals: Sequence[str]) -> Side:
    analyses = [analyse(text) for text in (statement, *signals) if text]
    words: set[str] = set()
    scales: dict[str, set[int]] = {}
    for analysis in analyses:
        words |= _words(analysis)
        for scale, signs in analysis.scales.items():
            scales.setdefault(scale, set()).update(signs)
    statement_words = _words(analyses[0]) if statement else frozenset()
    return Side(
        words=frozenset(words),
        statement_words=statement_words,
        scales={k: frozenset(v) for k, v in scales.items()},
    )


@dataclass(frozen=True)
class ObservationWords:
    kept: frozenset[str]
    rejected: frozenset[str]
    scales: dict[str, frozenset[int]]
    negative_attitude: bool


def observation_words(content: str) -> ObservationWords:
    analysis = analyse(content)
    rejected: set[str] = set(analysis.negated) | set(analysis.disliked)
    if analysis.comparison is not None:
        rejected |= analysis.comparison[1]
    for match in _REJECTING.finditer(content.casefold()):
        rejected |= _words(analyse(match.group("rest")))
    words = _words(analysis)
    return ObservationWords(
        kept=frozenset(words - rejected),
        rejected=frozenset(rejected & words),
        scales=analysis.scales,
        negative_attitude=analysis.attitude < 0,
    )


def _overlap(words: frozenset[str], profile: frozenset[str]) -> float:
    # Diminishing returns: the second shared word adds less than the first.
    return math.log1p(len(words & profile))


def _scale_agreement(observed: dict[str, frozenset[int]], side: Side) -> float:
    """Scale points of the side the observation shares (+) or reverses (-)."""
    score = 0.0
    for scale, signs in side.scales.items():
        if scale == ATTITUDE or len(signs) != 1 or scale not in observed:
            continue
        seen = observed[scale]
        if len(seen) != 1:
            continue
        score += 1.0 if seen == signs else -1.0
    return score


FEATURES: tuple[str, ...] = (
    "kept_own",
    "kept_other",
    "rejected_own",
    "rejected_other",
    "statement_kept",
    "scale_agreement",
    "cos_statement",
    "cos_signal_max",
    "cos_side_mean",
    "cos_margin",
    "cos_topic",
    "cos_topic_lead",
    "lexical_topic",
    "negative_attitude",
    "has_opposite",
)
"""Per side ('own' is the side scored, 'other' the opposite one)."""


def side_features(
    obs: ObservationWords,
    own: Side,
    other: Side,
    cos_own: Sequence[float],
    cos_other: Sequence[float],
    topic_lead: float,
    has_opposite: bool,
) -> list[float]:
    """Features for "the observation speaks for `own`"; `cos_*`: statement first, then signals."""
    own_only = own.words - other.words
    other_only = other.words - own.words
    own_mean = float(np.mean(cos_own)) if cos_own else 0.0
    own_best = max(cos_own, default=0.0)
    other_best = max(cos_other, default=0.0)
    return [
        _overlap(obs.kept, own_only),
        _overlap(obs.kept, other_only),
        _overlap(obs.rejected, own_only),
        _overlap(obs.rejected, other_only),
        _overlap(obs.kept, own.statement_words - other.words),
        _scale_agreement(obs.scales, own) - _scale_agreement(obs.scales, other),
        cos_own[0] if cos_own else 0.0,
        max(cos_own[1:], default=own_mean),
        own_mean,
        own_best - other_best,
        max(own_best, other_best),
        topic_lead,
        _overlap(obs.kept | obs.rejected, own.words | other.words),
        1.0 if obs.negative_attitude else 0.0,
        1.0 if has_opposite else 0.0,
    ]
