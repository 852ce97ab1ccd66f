"""Development tooling: the embedded Neo4j for `make run`, tests and benches. Not part of
the service (the image does not contain it)."""
