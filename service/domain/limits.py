"""Size limits of what a caller may submit; documented in README."""

from datetime import timedelta

MAX_CONTENT_BYTES = 8 * 1024
MAX_STATEMENT_BYTES = 1024
MAX_IDENTIFIER_BYTES = 256
"""external_user_id, scope, context and idempotency_key."""
MAX_PROPOSALS_PER_OBSERVATION = 32
CLOCK_SKEW = timedelta(minutes=5)
"""How far in the future an observation's occur_time may lie (callers' clocks differ)."""
