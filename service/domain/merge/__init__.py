"""The merge decision: is a proposed statement the same belief as an existing one, its
opposite, or a different belief?

One pure function, `judge`, called for each candidate (a belief of the same user in the
same context) with both statements and their all-MiniLM-L6-v2 embeddings. It compares

1. what each statement is about (`structure.py`): values (numbers, times, frequencies),
   named things ("topic 7") and qualifiers (context, topic, audience) — opposite-looking
   words about different things are DISTINCT, a different value for the same thing is
   OPPOSITE and never SAME;
2. the words (`text.py`, `rules.py`): negations, antonyms on known scales, reversed
   comparisons ("X over Y" / "Y over X") and clashing exclusive claims ("only X" / "only
   Y") declare OPPOSITE; an unexplained polarity reversal, converse roles ("learns X" /
   "teaches X") or a negation the other statement does not mirror forbids SAME;
3. what neither settles goes to two models trained here on pairs written for them: a
   logistic regression over the rule, structure and overlap signals (`classifier.py`)
   and a small cross-encoder that reads both statements together (`pair_model.py`);
   their averaged probabilities meet thresholds chosen on held-out training clusters
   (`thresholds.json`).

SAME needs the model to be confident and no rule against it: merging opposites would
corrupt the model, so in doubt the answer is DISTINCT. See docs/merging.md.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from service.domain.merge.classifier import Classifier
from service.domain.merge.classifier import load as load_classifier
from service.domain.merge.features import cosine_of, scalar_features
from service.domain.merge.pair_model import PairModel
from service.domain.merge.rules import Signals
from service.domain.merge.structure import Comparison

THRESHOLDS = Path(__file__).with_name("thresholds.json")
_SPACES = re.compile(r"\s+")
_TRAILING_PUNCTUATION = re.compile(r"[\s.!?;:,]+$")


class Verdict(enum.Enum):
    SAME = "same"
    """The same belief said again: merge."""
    OPPOSITE = "opposite"
    """The opposite belief: a contradiction, never merged."""
    DISTINCT = "distinct"
    """A different belief: keep both."""


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    score: float
    """confidence in the verdict, in [0, 1]"""
    reason: str
    same_subject: bool = True
    """both statements are about the same object with the same qualifiers (context,
    topic, named thing): only then may an opposite weaken the other belief"""


def statement_key(statement: str) -> str:
    """The normalized form under which identical statements coincide."""
    collapsed = _SPACES.sub(" ", statement.strip().casefold())
    return _TRAILING_PUNCTUATION.sub("", collapsed)


def _different_things(s: Signals, c: Comparison) -> str | None:
    """Opposite-looking words about different things: both can hold, so DISTINCT."""
    if c.identifier_differs:
        return "about differently numbered things"
    if c.qualifier_differs and (s.flips or s.swapped or s.exclusive_clash or c.value_clash):
        return "opposite words in different contexts or topics"
    return None


def _rule_opposite(s: Signals, c: Comparison) -> str | None:
    if c.value_clash and s.matched >= 1 and s.coverage >= 0.5 and not s.polarity_flip:
        return "a different value (number, time or frequency) for the same thing"
    if s.swapped:
        return "reversed comparison"
    if s.clear_reversal:
        return ", ".join(s.cues()) or "reversed polarity"
    if s.strong_exclusive_clash:
        return "exclusive claims about different things"
    return None


def _forbids_same(s: Signals, c: Comparison) -> str | None:
    """Signals that rule a merge out even when the classifier leans to SAME."""
    if c.value_clash:
        return "a different value (number, time or frequency)"
    if s.polarity_flip and s.matched >= 1:
        return ", ".join(s.cues()) or "reversed polarity"
    if s.exclusive_clash:
        return "exclusive claims about different things"
    if s.half_swapped:
        return "favors what the other ranks lower"
    if s.converse:
        return "converse roles"
    if s.unmirrored_negation:
        # "Has never been to Japan" / "Lives in Tokyo": the negated thing may well be what
        # the other statement asserts in other words.
        return "a negation the other statement does not mirror"
    if s.matched >= 2 and s.only_min == 1 and s.only_max == 1:
        # One word swapped in an otherwise identical statement: a synonym would have been
        # matched, so it is likelier a different object or an unknown antonym.
        return "a word swapped for a different one"
    return None


@dataclass(frozen=True)
class Thresholds:
    """Where the two models' combined probabilities turn into verdicts (chosen by
    `python -m service.eval.tune_merge` on held-out training clusters)."""

    same: float
    """SAME needs p(duplicate) / (p(duplicate) + p(distinct)) at least this"""
    opposite: float
    """OPPOSITE needs p(contradiction) at least this"""
    max_contradiction: float
    """SAME needs p(contradiction) at most this"""

    @classmethod
    def load(cls, path: Path = THRESHOLDS) -> Thresholds:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls(float(raw["same"]), float(raw["opposite"]), float(raw["max_contradiction"]))


def _by_rule(s: Signals, c: Comparison) -> Judgement | None:
    """A verdict the words and structure settle without the models."""
    different = _different_things(s, c)
    if different is not None:
        return Judgement(Verdict.DISTINCT, 0.9, different)
    rule = _rule_opposite(s, c)
    if rule is not None:
        return Judgement(Verdict.OPPOSITE, 0.9, rule)
    if s.same_content and _forbids_same(s, c) is None:
        return Judgement(Verdict.SAME, 0.9, "same content words")
    return None


def _same_subject(s: Signals, c: Comparison) -> bool:
    return not (c.identifier_differs or c.qualifier_differs) and s.coverage >= 0.5


def decide(
    p: dict[str, float], s: Signals, c: Comparison, cosine: float, t: Thresholds
) -> Judgement:
    """The verdict from the rule signals, the structure comparison and the pair model's
    probabilities (duplicate, contradiction, distinct)."""
    judgement = _by_rule(s, c) or _by_model(p, s, c, cosine, t)
    return dataclasses.replace(judgement, same_subject=_same_subject(s, c))


def _by_model(
    p: dict[str, float], s: Signals, c: Comparison, cosine: float, t: Thresholds
) -> Judgement:
    veto = _forbids_same(s, c)
    same = p["duplicate"] / ((p["duplicate"] + p["distinct"]) or 1.0)
    if p["contradiction"] > t.max_contradiction:
        same = 0.0
    if same >= t.same and veto is None:
        return Judgement(Verdict.SAME, same, f"paraphrase (p={same:.2f}, cos={cosine:.2f})")
    if p["contradiction"] >= t.opposite:
        return Judgement(
            Verdict.OPPOSITE,
            p["contradiction"],
            f"contradiction (p={p['contradiction']:.2f}{'; ' + veto if veto else ''})",
        )
    if veto is not None and same >= t.same:
        return Judgement(Verdict.DISTINCT, 1.0 - same, f"not merged: {veto} (p={same:.2f})")
    return Judgement(
        Verdict.DISTINCT, 1.0 - same, f"different belief (p_same={same:.2f}, cos={cosine:.2f})"
    )


def combine(by_features: dict[str, float], by_pair_model: dict[str, float]) -> dict[str, float]:
    """The two models' probabilities, averaged: the feature classifier sees the rule and
    structure signals, the pair model the words in context."""
    return {k: (by_features[k] + by_pair_model[k]) / 2 for k in by_features}


@functools.cache
def load_merge_models() -> tuple[Classifier, PairModel, Thresholds]:
    """The judge's models and thresholds, read once per process (about a second)."""
    return load_classifier(), PairModel.load(), Thresholds.load()


def judge(
    existing: str,
    proposed: str,
    existing_embedding: Sequence[float],
    proposed_embedding: Sequence[float],
) -> Judgement:
    """Compare a proposed statement with an existing belief's statement.

    Pure and deterministic; symmetric in the two statements. The embeddings are the
    statements' normalized all-MiniLM-L6-v2 vectors.
    """
    return judge_by_cosine(existing, proposed, cosine_of(existing_embedding, proposed_embedding))


def judge_by_cosine(existing: str, proposed: str, cosine: float) -> Judgement:
    """`judge`, given the cosine of the statements' embeddings (the store computes it
    where the embeddings are, so they need not travel)."""
    if statement_key(existing) == statement_key(proposed):
        return Judgement(Verdict.SAME, 1.0, "identical statement")
    values, s, c = scalar_features(existing, proposed, cosine)
    features = np.asarray(values, dtype=np.float64)
    judgement = _by_rule(s, c)
    if judgement is None:
        # Only what the rules leave open pays for the models.
        classifier, pair_model, thresholds = load_merge_models()
        p = combine(
            classifier.probabilities(features), pair_model.probabilities(existing, proposed)
        )
        judgement = _by_model(p, s, c, cosine, thresholds)
    return dataclasses.replace(judgement, same_subject=_same_subject(s, c))


__all__ = [
    "THRESHOLDS",
    "Judgement",
    "Thresholds",
    "Verdict",
    "combine",
    "decide",
    "judge",
    "judge_by_cosine",
    "load_merge_models",
    "statement_key",
]
