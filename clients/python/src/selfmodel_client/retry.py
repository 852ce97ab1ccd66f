"""When to try a call again: only on UNAVAILABLE, with capped exponential backoff.

UNAVAILABLE means the request did not take effect (the service or its Neo4j was not
reachable), so repeating it is safe; writes also carry an idempotency key, so even a
reply lost after the commit does not record twice. Every other status is final.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """`attempts` counts the first try. The pause before retry n (1-based) is drawn
    uniformly from [0, min(max_backoff, initial_backoff * multiplier**(n-1))] ("full
    jitter"), so clients that failed together do not come back together."""

    attempts: int = 4
    initial_backoff: float = 0.2
    max_backoff: float = 2.0
    multiplier: float = 2.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.initial_backoff < 0 or self.max_backoff < 0 or self.multiplier < 1:
            raise ValueError("backoffs must be >= 0 and the multiplier >= 1")

    def backoff_cap(self, retry: int) -> float:
        """The longest pause before retry number `retry` (1 for the first retry)."""
        return min(self.max_backoff, self.initial_backoff * self.multiplier ** (retry - 1))

    def pause(self, retry: int, rng: random.Random) -> float:
        return rng.uniform(0.0, self.backoff_cap(retry))


NO_RETRIES = RetryPolicy(attempts=1)
