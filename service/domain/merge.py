"""The merge decision: is a proposed statement the same belief as an existing one?

One pure function, `judge`, so the rule can be replaced without touching the store or
the API. This version merges only statements that are identical once case, spacing and
trailing punctuation are ignored.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

_SPACES = re.compile(r"\s+")
_TRAILING_PUNCTUATION = re.compile(r"[\s.!?;:,]+$")


class Verdict(enum.Enum):
    SAME = "same"
    """The same belief said again: merge."""
    DISTINCT = "distinct"
    """A different belief: keep both."""


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    score: float
    reason: str


def statement_key(statement: str) -> str:
    """The normalized form under which identical statements coincide."""
    collapsed = _SPACES.sub(" ", statement.strip().casefold())
    return _TRAILING_PUNCTUATION.sub("", collapsed)


def judge(existing: str, proposed: str) -> Judgement:
    if statement_key(existing) == statement_key(proposed):
        return Judgement(Verdict.SAME, 1.0, "identical statement")
    return Judgement(Verdict.DISTINCT, 0.0, "different statement")
