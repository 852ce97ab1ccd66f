"""Persistence: the Neo4j-backed store and its embedded dev/test DBMS."""
