"""Cypher for beliefs, their versions, the evidence behind them and their conflicts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Final, LiteralString

from service.application.ports import CandidateProbe, CandidateSearch
from service.domain.beliefs import Candidate, LearnedFrom
from service.domain.learning import LearnedBelief
from service.domain.model import (
    Belief,
    BeliefOrder,
    BeliefVersion,
    EvidenceLink,
    MergedStatement,
    Provenance,
    SelfModel,
)
from service.domain.paging import Cursor
from store import keyset
from store.keyset import Column, Kind
from store.records import (
    epoch_micros,
    to_belief,
    to_belief_as_of,
    to_belief_version,
    to_datetime,
    to_observation,
    to_self_model,
)
from store.scoped import TenantScopedTransaction

BELIEF_EMBEDDING_INDEX: Final[LiteralString] = "belief_embedding"


def belief_properties(node: LiteralString, extra: LiteralString = "") -> LiteralString:
    """The properties of belief `node` that reads need (and `extra` ones, "key: expr, "):
    not its embedding (~3 KiB), and its times as microseconds since the epoch
    (`epoch_micros`), which the driver decodes ten times faster than temporal values."""
    return (
        node
        + """ {
  .id, .self_model_id, .statement, .confidence, .context, .version, .change_kind,
  .evidence, .state, .inventory_key, """
        + extra
        + epoch_micros(node, "create_time")
        + ", "
        + epoch_micros(node, "update_time")
        + ", "
        + epoch_micros(node, "evidence_time")
        + "}"
    )


_BELIEF: LiteralString = belief_properties("b") + " AS b"

# Filters `b` (a Belief) and `v` (the version to show) by the read's context and floor.
_VISIBLE: LiteralString = """
($context IS NULL OR v.context = '' OR v.context = $context)
AND v.confidence >= $min_confidence
AND ($show_retracted OR coalesce(v.state, 'active') = 'active')
"""

# ListBeliefs' orders; the columns are those of paging.BELIEF_SORT_KEYS.
_CONFIDENCE = Column("b.confidence", descending=False, kind=Kind.NUMBER)
_CREATED = Column("b.create_time", descending=False, kind=Kind.TIME)
_UPDATED = Column("b.update_time", descending=False, kind=Kind.TIME)
_ID = Column("b.id", descending=False, kind=Kind.TEXT)
BELIEF_ORDERS: Final[dict[BeliefOrder, tuple[Column, ...]]] = {
    BeliefOrder.CONFIDENCE_DESC: (replace(_CONFIDENCE, descending=True), _CREATED, _ID),
    BeliefOrder.CONFIDENCE: (_CONFIDENCE, _CREATED, _ID),
    BeliefOrder.UPDATE_TIME_DESC: (replace(_UPDATED, descending=True), _ID),
    BeliefOrder.UPDATE_TIME: (_UPDATED, _ID),
    BeliefOrder.CREATE_TIME_DESC: (replace(_CREATED, descending=True), _ID),
    BeliefOrder.CREATE_TIME: (_CREATED, _ID),
}
_VERSIONS: tuple[Column, ...] = (Column("v.version", descending=True, kind=Kind.NUMBER),)


# Neo4j's vector index spans all models and cannot filter first, so it is searched
# `$depth` deep and filtered to the model; beliefs with the probe's statement key are
# added. Yields `found`: per probe, {position, own, searched, same_key}, the beliefs with
# the cosine of their embedding and the probe's, so the embeddings stay in the database
# (Neo4j's similarity is (1 + cosine) / 2; the index's own score is quantized, so the
# exact one is computed for the few candidates).
MERGE_CANDIDATES: Final[LiteralString] = (
    """
CALL () {
  UNWIND range(0, size($probes) - 1) AS position
  WITH position, $probes[position] AS probe
  CALL (probe) {
    CALL db.index.vector.queryNodes('"""
    + BELIEF_EMBEDDING_INDEX
    + """', $depth, probe.embedding)
    YIELD node, score
    WITH collect(CASE WHEN node.self_model_id = $self_model_id
                       AND node.tenant = $tenant
                       AND node.context = probe.context THEN """
    + belief_properties(
        "node", "cosine: 2 * vector.similarity.cosine(node.embedding, probe.embedding) - 1, "
    )
    + """ END)[..$limit]
         AS own,
         count(*) AS searched
    RETURN own, searched
  }
  CALL (probe) {
    OPTIONAL MATCH (b:Belief {self_model_id: $self_model_id,
                              statement_key: probe.statement_key})
    WHERE b.context = probe.context AND b.tenant = $tenant
    RETURN collect("""
    + belief_properties(
        "b", "cosine: 2 * vector.similarity.cosine(b.embedding, probe.embedding) - 1, "
    )
    + """) AS same_key
  }
  RETURN collect({position: position, own: own, searched: searched, same_key: same_key})
         AS found
}
"""
)


# The beliefs of model `m` that follow an inventory entry, as `learned` (see `to_learned`).
LEARNED: Final[LiteralString] = (
    """
CALL (m) {
  MATCH (m)-[:HOLDS]->(b:Belief)
  WHERE b.inventory_key IS NOT NULL
  RETURN collect({belief: """
    + belief_properties("b")
    + """, key: b.inventory_key, favors_statement: b.inventory_favors_statement}) AS learned
}
"""
)


def to_learned(found: Sequence[dict[str, Any]]) -> list[LearnedBelief]:
    return [
        LearnedBelief(
            to_belief(item["belief"]), LearnedFrom(item["key"], bool(item["favors_statement"]))
        )
        for item in found
    ]


def candidate_parameters(
    self_model_id: str, probes: Sequence[CandidateProbe], search: CandidateSearch
) -> dict[str, Any]:
    """The parameters `MERGE_CANDIDATES` reads."""
    return {
        "probes": [
            {"embedding": list(p.embedding), "context": p.context, "statement_key": p.key}
            for p in probes
        ],
        "depth": search.index_depth,
        "self_model_id": self_model_id,
        "limit": search.limit,
    }


class BeliefRepository:
    def __init__(self, tx: TenantScopedTransaction) -> None:
        self._tx = tx

    async def find(self, self_model_id: str, belief_id: str) -> Belief | None:
        result = await self._tx.run(
            "MATCH (b:Belief {id: $id, self_model_id: $self_model_id, tenant: $tenant}) RETURN "
            + _BELIEF,
            id=belief_id,
            self_model_id=self_model_id,
        )
        record = await result.single()
        return None if record is None else to_belief(record["b"])

    async def current(
        self,
        self_model_id: str,
        *,
        context: str | None,
        min_confidence: float,
        order_by: BeliefOrder = BeliefOrder.CONFIDENCE_DESC,
        show_retracted: bool = False,
        after: Cursor | None = None,
        limit: int | None = None,
    ) -> list[Belief]:
        """Current beliefs in `order_by` order, starting after the `after` sort key; with a
        context, that context's and global ones."""
        columns = BELIEF_ORDERS[order_by]
        result = await self._tx.run(
            """
            MATCH (:SelfModel {id: $self_model_id, tenant: $tenant})-[:HOLDS]->(b:Belief)
            WITH b, b AS v
            WHERE """
            + _VISIBLE
            + " AND "
            + keyset.after(columns)
            + " RETURN "
            + _BELIEF
            + " ORDER BY "
            + keyset.order_by(columns)
            + " LIMIT coalesce($limit, 1000000000)",
            self_model_id=self_model_id,
            context=context,
            min_confidence=min_confidence,
            show_retracted=show_retracted,
            after=keyset.after_parameter(columns, after),
            limit=limit,
        )
        return [to_belief(record["b"]) async for record in result]

    async def model_with_current(
        self,
        *,
        self_model_id: str | None,
        scope: str = "",
        external_user_id: str = "",
        context: str | None,
        min_confidence: float,
    ) -> tuple[SelfModel, list[Belief]] | None:
        """A self-model (by id, or by its user) with its current beliefs, most confident
        first, in one query; None when there is no such model."""
        result = await self._tx.run(
            """
            OPTIONAL MATCH (byId:SelfModel {id: $self_model_id, tenant: $tenant})
            OPTIONAL MATCH (:User {tenant: $tenant, scope: $scope,
                                   external_user_id: $external_user_id})
                           -[:HAS_SELF_MODEL]->(byUser:SelfModel)
            WITH coalesce(byId, byUser) AS m
            WHERE m IS NOT NULL
            CALL (m) {
              OPTIONAL MATCH (m)-[:HOLDS]->(b:Belief)
              WITH b, b AS v
              WHERE b IS NOT NULL AND """
            + _VISIBLE
            + """
              WITH b ORDER BY """
            + keyset.order_by(BELIEF_ORDERS[BeliefOrder.CONFIDENCE_DESC])
            + """
              RETURN collect("""
            + belief_properties("b")
            + """) AS beliefs
            }
            RETURN m, beliefs
            """,
            self_model_id=self_model_id,
            scope=scope,
            external_user_id=external_user_id,
            context=context,
            min_confidence=min_confidence,
            show_retracted=False,
        )
        record = await result.single()
        if record is None:
            return None
        return to_self_model(record["m"]), [to_belief(b) for b in record["beliefs"]]

    async def as_of(
        self, self_model_id: str, when: datetime, *, context: str | None, min_confidence: float
    ) -> list[Belief]:
        """The beliefs as they stood at `when`: each one's latest version from then."""
        result = await self._tx.run(
            """
            MATCH (:SelfModel {id: $self_model_id, tenant: $tenant})-[:HOLDS]->(b:Belief)
                  -[:HAS_VERSION]->(version:BeliefVersion)
            WHERE version.valid_from <= $when
            WITH b, version ORDER BY version.version DESC
            WITH b, head(collect(version)) AS v
            WHERE """
            + _VISIBLE
            + "RETURN "
            + _BELIEF
            + ", v ORDER BY v.confidence DESC, b.create_time, b.id",
            self_model_id=self_model_id,
            when=when,
            context=context,
            min_confidence=min_confidence,
            show_retracted=False,
        )
        return [to_belief_as_of(record["b"], record["v"]) async for record in result]

    async def learned(self, self_model_id: str) -> list[LearnedBelief]:
        """The model's beliefs that follow an inventory entry."""
        result = await self._tx.run(
            "MATCH (m:SelfModel {id: $self_model_id, tenant: $tenant}) "
            + LEARNED
            + " RETURN learned",
            self_model_id=self_model_id,
        )
        record = await result.single()
        return [] if record is None else to_learned(record["learned"])

    async def unlearned_with_statement(
        self, self_model_id: str, contexts: Sequence[str], statement_keys: Sequence[str]
    ) -> list[Belief]:
        """Beliefs of the model in one of `contexts` with one of these statement keys that
        follow no inventory entry (a caller proposed them)."""
        result = await self._tx.run(
            """
            MATCH (b:Belief {self_model_id: $self_model_id})
            WHERE b.statement_key IN $statement_keys AND b.context IN $contexts
              AND b.tenant = $tenant AND b.inventory_key IS NULL
            RETURN """
            + _BELIEF,
            self_model_id=self_model_id,
            contexts=list(contexts),
            statement_keys=list(statement_keys),
        )
        return [to_belief(record["b"]) async for record in result]

    async def merge_candidates(
        self, self_model_id: str, probes: Sequence[CandidateProbe], search: CandidateSearch
    ) -> list[list[Candidate]]:
        """For each probe, the model's beliefs in its context nearest to its embedding, and
        any with its statement key: one query for all of them (see `MERGE_CANDIDATES`)."""
        if not probes:
            return []
        result = await self._tx.run(
            MERGE_CANDIDATES + " RETURN found",
            **candidate_parameters(self_model_id, probes, search),
        )
        record = await result.single(strict=True)
        return await self.candidates_found(record["found"], self_model_id, probes, search)

    async def candidates_found(
        self,
        found: Sequence[dict[str, Any]],
        self_model_id: str,
        probes: Sequence[CandidateProbe],
        search: CandidateSearch,
    ) -> list[list[Candidate]]:
        """The candidates of each probe from what `MERGE_CANDIDATES` found.

        When the index search came back full and still found fewer than `limit` of this
        model's beliefs, others may lie deeper: the model's beliefs are then scored
        exhaustively (one more query, bounded by the size of one model).
        """
        by_position = {item["position"]: item for item in found}
        candidates = []
        for position, probe in enumerate(probes):
            item = by_position[position]
            nodes = list(item["own"])
            if item["searched"] >= search.index_depth and len(nodes) < search.limit:
                nodes = await self._nearest_exhaustively(
                    self_model_id, probe.context, probe.embedding, search
                )
            nodes.extend(item["same_key"])
            unique = {node["id"]: node for node in nodes}
            candidates.append(
                [
                    Candidate(belief=to_belief(node), cosine=float(node["cosine"]))
                    for node in unique.values()
                ]
            )
        return candidates

    async def _nearest_exhaustively(
        self,
        self_model_id: str,
        context: str,
        embedding: Sequence[float],
        search: CandidateSearch,
    ) -> list[dict[str, Any]]:
        result = await self._tx.run(
            """
            MATCH (:SelfModel {id: $self_model_id, tenant: $tenant})
                  -[:HOLDS]->(b:Belief {context: $context})
            WITH b, vector.similarity.cosine(b.embedding, $embedding) AS score
            ORDER BY score DESC LIMIT $limit
            RETURN """
            + belief_properties("b", "cosine: 2 * score - 1, ")
            + " AS b",
            self_model_id=self_model_id,
            context=context,
            embedding=list(embedding),
            limit=search.limit,
        )
        return [record["b"] async for record in result]

    async def versions(
        self, self_model_id: str, belief_id: str, *, after: Cursor | None, limit: int
    ) -> list[BeliefVersion]:
        """A page of the belief's versions, newest first, after the `after` version number;
        valid_to is the next one's valid_from."""
        result = await self._tx.run(
            """
            MATCH (:Belief {id: $belief_id, self_model_id: $self_model_id, tenant: $tenant})
                  -[:HAS_VERSION]->(v:BeliefVersion)
            WHERE """
            + keyset.after(_VERSIONS)
            + """
            OPTIONAL MATCH (next:BeliefVersion)-[:PREVIOUS_VERSION]->(v)
            RETURN v, next.valid_from AS valid_to
            ORDER BY """
            + keyset.order_by(_VERSIONS)
            + " LIMIT $limit",
            belief_id=belief_id,
            self_model_id=self_model_id,
            after=keyset.after_parameter(_VERSIONS, after),
            limit=limit,
        )
        return [
            to_belief_version(record["v"], self_model_id, record["valid_to"])
            async for record in result
        ]

    async def provenance(self, self_model_id: str, belief_id: str) -> Provenance | None:
        result = await self._tx.run(
            """
            MATCH (b:Belief {id: $belief_id, self_model_id: $self_model_id, tenant: $tenant})
            CALL (b) {
              OPTIONAL MATCH (o:Observation)-[e:SUPPORTS|CONTRADICTS]->(b)
              WITH o, e ORDER BY o.occur_time DESC, o.id
              RETURN collect(CASE WHEN o IS NULL THEN NULL
                                  ELSE {observation: o, weight: e.weight, stance: type(e),
                                        reason: e.reason}
                             END) AS evidence
            }
            CALL (b) {
              OPTIONAL MATCH (b)-[:HAS_VERSION]->(v:BeliefVersion)
              WHERE v.merged_statement IS NOT NULL
              WITH v ORDER BY v.version
              RETURN collect(v) AS merges
            }
            CALL (b) {
              OPTIONAL MATCH (b)-[:CONFLICTS_WITH]-(other:Belief)
              WITH other ORDER BY other.create_time
              RETURN collect("""
            + belief_properties("other")
            + """) AS conflicts
            }
            CALL (b) {
              OPTIONAL MATCH (b)-[c:CORRECTED_TO]->(other:Belief)
              WITH other ORDER BY c.create_time
              RETURN collect("""
            + belief_properties("other")
            + """) AS corrected_to
            }
            CALL (b) {
              OPTIONAL MATCH (other:Belief)-[c:CORRECTED_TO]->(b)
              WITH other ORDER BY c.create_time
              RETURN collect("""
            + belief_properties("other")
            + """) AS corrected_from
            }
            RETURN """
            + _BELIEF
            + ", evidence, merges, conflicts, corrected_to, corrected_from",
            belief_id=belief_id,
            self_model_id=self_model_id,
        )
        record = await result.single()
        if record is None:
            return None
        links = [
            (
                item["stance"],
                EvidenceLink(
                    to_observation(item["observation"]), item["weight"], item["reason"] or ""
                ),
            )
            for item in record["evidence"]
        ]
        return Provenance(
            belief=to_belief(record["b"]),
            supporting=tuple(link for stance, link in links if stance == "SUPPORTS"),
            contradicting=tuple(link for stance, link in links if stance == "CONTRADICTS"),
            merged_statements=tuple(
                MergedStatement(
                    statement=v["merged_statement"],
                    observation_id=v["observation_id"],
                    merge_time=to_datetime(v["valid_from"]),
                )
                for v in record["merges"]
            ),
            conflicting_beliefs=tuple(to_belief(node) for node in record["conflicts"]),
            corrected_to=tuple(to_belief(node) for node in record["corrected_to"]),
            corrected_from=tuple(to_belief(node) for node in record["corrected_from"]),
        )

    async def all_versions(self, self_model_id: str) -> list[BeliefVersion]:
        """Every version of every belief of the model: by belief, newest first."""
        result = await self._tx.run(
            """
            MATCH (:SelfModel {id: $self_model_id, tenant: $tenant})-[:HOLDS]->(b:Belief)
                  -[:HAS_VERSION]->(v:BeliefVersion)
            OPTIONAL MATCH (next:BeliefVersion)-[:PREVIOUS_VERSION]->(v)
            RETURN v, next.valid_from AS valid_to
            ORDER BY b.create_time, b.id, v.version DESC
            """,
            self_model_id=self_model_id,
        )
        return [
            to_belief_version(record["v"], self_model_id, record["valid_to"])
            async for record in result
        ]
