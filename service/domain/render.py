"""The beliefs as a short text block for an LLM system prompt."""

from __future__ import annotations

from collections.abc import Sequence

from service.domain.model import Belief

DEFAULT_MAX_BELIEFS = 20
MAX_BELIEFS = 100

NOTHING_KNOWN = "Nothing is known about this user yet."
HEADER = "What is known about this user (confidence from 0 to 1):"


def _one_line(text: str) -> str:
    # A statement may hold line breaks; one belief per line keeps the block unambiguous.
    return " ".join(text.split())


def render_beliefs(beliefs: Sequence[Belief]) -> str:
    """One line per belief, in the given order: `- statement [context] (0.82)`."""
    if not beliefs:
        return NOTHING_KNOWN
    lines = [HEADER]
    for belief in beliefs:
        where = f" [in {_one_line(belief.context)}]" if belief.context else ""
        lines.append(f"- {_one_line(belief.statement)}{where} ({belief.confidence:.2f})")
    return "\n".join(lines)
