"""The merge decision: is a proposed statement the same belief as an existing one, its
opposite, or a different belief?

One pure function, `judge`, called for each candidate (a belief of the same user in the
same context) with both statements and their all-MiniLM-L6-v2 embeddings. It combines

1. rules that read the words: negations, antonyms on known scales, reversed comparisons
   ("X over Y" / "Y over X") and clashing exclusive claims ("only X" / "only Y") — any of
   these declares OPPOSITE; an unexplained polarity reversal, converse roles ("learns X" /
   "teaches X") or a negation the other statement does not mirror forbids SAME;
2. a multinomial logistic regression over the rule signals, lexical overlap and the
   embedding cosine, trained on the pairs in service/eval/data/ (the |a-b| and a*b
   embedding blocks are supported but not used by the shipped weights).

SAME needs the classifier to be confident and no rule against it: merging opposites would
corrupt the model, so in doubt the answer is DISTINCT. See docs/merging.md.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from service.domain.merge import model as _model
from service.domain.merge.features import pair_features
from service.domain.merge.rules import Signals

_SPACES = re.compile(r"\s+")
_TRAILING_PUNCTUATION = re.compile(r"[\s.!?;:,]+$")

_CLASSIFIER: _model.Classifier | None = None
_LOAD_ERROR = ""
try:
    _CLASSIFIER = _model.load()
except (FileNotFoundError, ValueError) as error:  # missing or stale: only while retraining
    _LOAD_ERROR = str(error)


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


def statement_key(statement: str) -> str:
    """The normalized form under which identical statements coincide."""
    collapsed = _SPACES.sub(" ", statement.strip().casefold())
    return _TRAILING_PUNCTUATION.sub("", collapsed)


def _rule_opposite(s: Signals) -> str | None:
    if s.swapped:
        return "reversed comparison"
    if s.clear_reversal:
        return ", ".join(s.cues()) or "reversed polarity"
    if s.strong_exclusive_clash:
        return "exclusive claims about different things"
    return None


def _forbids_same(s: Signals) -> str | None:
    """Signals that rule a merge out even when the classifier leans to SAME."""
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


def decide(
    p: dict[str, float],
    s: Signals,
    cosine: float,
    same_threshold: float,
    opposite_threshold: float,
    max_contradiction: float = 1.0,
) -> Judgement:
    """The verdict from the classifier's probabilities and the rule signals.

    SAME needs p(duplicate) / (p(duplicate) + p(distinct)) >= same_threshold, a
    contradiction probability at most max_contradiction, and no rule against it.
    """
    rule = _rule_opposite(s)
    if rule is not None:
        return Judgement(Verdict.OPPOSITE, max(0.9, p["contradiction"]), rule)
    veto = _forbids_same(s)
    if s.same_content and veto is None:
        return Judgement(Verdict.SAME, max(0.9, p["duplicate"]), "same content words")
    same = p["duplicate"] / ((p["duplicate"] + p["distinct"]) or 1.0)
    p = {**p, "duplicate": same if p["contradiction"] <= max_contradiction else 0.0}
    if p["duplicate"] >= same_threshold and veto is None:
        return Judgement(
            Verdict.SAME, p["duplicate"], f"paraphrase (p={p['duplicate']:.2f}, cos={cosine:.2f})"
        )
    if p["contradiction"] >= opposite_threshold:
        return Judgement(
            Verdict.OPPOSITE,
            p["contradiction"],
            f"contradiction (p={p['contradiction']:.2f}{'; ' + veto if veto else ''})",
        )
    if veto is not None and p["duplicate"] >= same_threshold:
        return Judgement(
            Verdict.DISTINCT, 1.0 - p["duplicate"], f"not merged: {veto} (p={p['duplicate']:.2f})"
        )
    return Judgement(
        Verdict.DISTINCT,
        1.0 - p["duplicate"],
        f"different belief (p_same={p['duplicate']:.2f}, cos={cosine:.2f})",
    )


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
    if statement_key(existing) == statement_key(proposed):
        return Judgement(Verdict.SAME, 1.0, "identical statement")
    if _CLASSIFIER is None:
        raise RuntimeError(
            f"no usable merge classifier ({_LOAD_ERROR}): run service.eval.train_merge"
        )
    features, s, cosine = pair_features(existing, proposed, existing_embedding, proposed_embedding)
    p = _CLASSIFIER.probabilities(features)
    return decide(
        p,
        s,
        cosine,
        _CLASSIFIER.same_threshold,
        _CLASSIFIER.opposite_threshold,
        _CLASSIFIER.max_contradiction,
    )


__all__ = ["Judgement", "Verdict", "decide", "judge", "statement_key"]
