"""Business rules of selfmodel: pure functions and values, no I/O."""
