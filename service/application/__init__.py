"""The use cases, over the domain rules and the store; the gRPC layer calls only these.

Each use case validates with the domain rules, computes what needs no lock (embeddings)
first, and then runs its reads and writes in one Neo4j transaction of the caller's tenant.
"""
