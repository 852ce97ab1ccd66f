"""Cypher for beliefs, their versions, the evidence behind them and their conflicts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Final, LiteralString

from neo4j.graph import Node

from service.domain.beliefs import Candidate, LearnedFrom, PlannedChange
from service.domain.learning import LearnedBelief
from service.domain.model import (
    Belief,
    BeliefOrder,
    BeliefVersion,
    EvidenceLink,
    MergedStatement,
    Provenance,
    SelfModel,
    Stance,
)
from service.domain.paging import Cursor
from store import keyset
from store.contexts import LINK_CONTEXT
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

# Relationship types cannot be parameters: one literal clause per stance.
_EVIDENCE_EDGE: dict[Stance, LiteralString] = {
    Stance.SUPPORTS: (
        "CREATE (o)-[:SUPPORTS {weight: $weight, create_time: $now, reason: $reason}]->(b)\n"
    ),
    Stance.CONTRADICTS: (
        "CREATE (o)-[:CONTRADICTS {weight: $weight, create_time: $now, reason: $reason}]->(b)\n"
    ),
}


def _belief_properties(node: LiteralString) -> LiteralString:
    """The properties of belief `node` that reads need: not its embedding (~3 KiB), and
    its times as microseconds since the epoch (`epoch_micros`), which the driver decodes
    ten times faster than temporal values."""
    return (
        node
        + """ {
  .id, .self_model_id, .statement, .confidence, .context, .version, .change_kind,
  .evidence, .state, .inventory_key, """
        + epoch_micros(node, "create_time")
        + ", "
        + epoch_micros(node, "update_time")
        + ", "
        + epoch_micros(node, "evidence_time")
        + "}"
    )


_BELIEF: LiteralString = _belief_properties("b") + " AS b"

_VERSION_PROPERTIES: LiteralString = """{
  id: $version_id, tenant: $tenant, self_model_id: b.self_model_id, belief_id: b.id,
  version: $version, statement: $statement, confidence: $confidence, evidence: $evidence,
  context: $context, state: $state, change_kind: $change_kind,
  merged_statement: $merged_statement, valid_from: $now, observation_id: $observation_id,
  previous_confidence: $previous_confidence, reason: $reason, change_index: $change_index
}"""

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


@dataclass(frozen=True)
class ChangeIds:
    """Ids minted for the nodes one change may create."""

    belief_id: str
    version_id: str
    context_id: str


@dataclass(frozen=True)
class CandidateProbe:
    """What a proposal looks for among the model's beliefs."""

    key: str
    """The proposal's statement key."""
    context: str
    embedding: Sequence[float]


@dataclass(frozen=True)
class CandidateSearch:
    """How many merge candidates to consider, and how deep to search the vector index."""

    limit: int = 32
    index_depth: int = 256


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
            + _belief_properties("b")
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
            """
            MATCH (:SelfModel {id: $self_model_id, tenant: $tenant})-[:HOLDS]->(b:Belief)
            WHERE b.inventory_key IS NOT NULL
            RETURN """
            + _BELIEF
            + ", b.inventory_key AS key, b.inventory_favors_statement AS favors_statement",
            self_model_id=self_model_id,
        )
        return [
            LearnedBelief(
                to_belief(record["b"]),
                LearnedFrom(record["key"], bool(record["favors_statement"])),
            )
            async for record in result
        ]

    async def unlearned_with_statement(
        self, self_model_id: str, context: str, statement_keys: Sequence[str]
    ) -> list[Belief]:
        """Beliefs of the model in `context` with one of these statement keys that follow no
        inventory entry (a caller proposed them)."""
        result = await self._tx.run(
            """
            MATCH (b:Belief {self_model_id: $self_model_id})
            WHERE b.statement_key IN $statement_keys AND b.context = $context
              AND b.tenant = $tenant AND b.inventory_key IS NULL
            RETURN """
            + _BELIEF,
            self_model_id=self_model_id,
            context=context,
            statement_keys=list(statement_keys),
        )
        return [to_belief(record["b"]) async for record in result]

    async def link_to_entry(self, belief_id: str, learned: LearnedFrom) -> None:
        """Makes an existing belief follow an inventory entry."""
        await self._tx.run(
            """
            MATCH (m:SelfModel)-[:HOLDS]->(b:Belief {id: $belief_id, tenant: $tenant})
            MERGE (e:InventoryEntry {tenant: $tenant, scope: m.scope, key: $key})
            MERGE (b)-[:LEARNED_FROM]->(e)
            SET b.inventory_key = $key, b.inventory_favors_statement = $favors_statement
            """,
            belief_id=belief_id,
            key=learned.key,
            favors_statement=learned.favors_statement,
        )

    async def merge_candidates(
        self, self_model_id: str, probes: Sequence[CandidateProbe], search: CandidateSearch
    ) -> list[list[Candidate]]:
        """For each probe, the model's beliefs in its context nearest to its embedding, and
        any with its statement key: one query for all of them.

        Neo4j's vector index spans all models and cannot filter first, so it is searched
        `index_depth` deep and filtered to the model. When the search came back full and
        still found fewer than `limit` of this model's beliefs, others may lie deeper: the
        model's beliefs are then scored exhaustively (bounded by the size of one model).
        """
        if not probes:
            return []
        result = await self._tx.run(
            """
            UNWIND range(0, size($probes) - 1) AS position
            WITH position, $probes[position] AS probe
            CALL (probe) {
              CALL db.index.vector.queryNodes('"""
            + BELIEF_EMBEDDING_INDEX
            + """', $depth, probe.embedding)
              YIELD node, score
              WITH collect(CASE WHEN node.self_model_id = $self_model_id
                                 AND node.tenant = $tenant
                                 AND node.context = probe.context THEN node END)[..$limit]
                   AS own,
                   count(*) AS searched
              RETURN own, searched
            }
            CALL (probe) {
              OPTIONAL MATCH (b:Belief {self_model_id: $self_model_id,
                                        statement_key: probe.statement_key})
              WHERE b.context = probe.context AND b.tenant = $tenant
              RETURN collect(b) AS same_key
            }
            RETURN position, own, searched, same_key ORDER BY position
            """,
            probes=[
                {"embedding": list(p.embedding), "context": p.context, "statement_key": p.key}
                for p in probes
            ],
            depth=search.index_depth,
            self_model_id=self_model_id,
            limit=search.limit,
        )
        found = []
        async for record in result:
            probe = probes[record["position"]]
            nodes = list(record["own"])
            if record["searched"] >= search.index_depth and len(nodes) < search.limit:
                nodes = await self._nearest_exhaustively(
                    self_model_id, probe.context, probe.embedding, search
                )
            nodes.extend(record["same_key"])
            unique = {node["id"]: node for node in nodes}
            found.append(
                [
                    Candidate(belief=to_belief(node), embedding=list(node["embedding"]))
                    for node in unique.values()
                ]
            )
        return found

    async def _nearest_exhaustively(
        self,
        self_model_id: str,
        context: str,
        embedding: Sequence[float],
        search: CandidateSearch,
    ) -> list[Node]:
        result = await self._tx.run(
            """
            MATCH (:SelfModel {id: $self_model_id, tenant: $tenant})
                  -[:HOLDS]->(b:Belief {context: $context})
            WITH b, vector.similarity.cosine(b.embedding, $embedding) AS score
            ORDER BY score DESC LIMIT $limit
            RETURN b
            """,
            self_model_id=self_model_id,
            context=context,
            embedding=list(embedding),
            limit=search.limit,
        )
        return [record["b"] async for record in result]

    async def create(
        self,
        change: PlannedChange,
        *,
        self_model_id: str,
        statement_key: str,
        embedding: Sequence[float],
        observation_id: str,
        ids: ChangeIds,
        change_index: int,
        now: datetime,
    ) -> Belief:
        """A new belief with its first version, its evidence and its embedding."""
        query: LiteralString = (
            """
            MATCH (m:SelfModel {id: $self_model_id, tenant: $tenant})
            MATCH (o:Observation {id: $observation_id, tenant: $tenant})
            CREATE (m)-[:HOLDS]->(b:Belief {
              id: $belief_id, tenant: $tenant, self_model_id: $self_model_id,
              statement: $statement, statement_key: $statement_key, context: $context,
              confidence: $confidence, evidence: $evidence, evidence_time: $now,
              state: $state, change_kind: $change_kind, version: $version,
              create_time: $now, update_time: $now
            })
            CREATE (b)-[:HAS_VERSION]->(v:BeliefVersion """
            + _VERSION_PROPERTIES
            + """)
            CREATE (v)-[:CAUSED_BY]->(o)
            """
            + _evidence_edge(change)
            + _LEARNED_FROM
            + """
            WITH m, b AS n
            CALL db.create.setNodeVectorProperty(n, 'embedding', $embedding)
            """
            + LINK_CONTEXT
            + "WITH n AS b RETURN "
            + _BELIEF
        )
        result = await self._tx.run(
            query,
            self_model_id=self_model_id,
            observation_id=observation_id,
            belief_id=ids.belief_id,
            version_id=ids.version_id,
            context_id=ids.context_id,
            statement_key=statement_key,
            embedding=list(embedding),
            change_index=change_index,
            now=now,
            **_change_parameters(change),
        )
        record = await result.single(strict=True)
        await self._link_conflicts(ids.belief_id, change.conflicts_with, now)
        return to_belief(record["b"])

    async def add_version(
        self,
        change: PlannedChange,
        target: Belief,
        *,
        observation_id: str,
        version_id: str,
        change_index: int,
        now: datetime,
        statement_key: str | None = None,
        embedding: Sequence[float] | None = None,
    ) -> Belief:
        """Appends a version to `target` and moves its current state; older versions stay.

        A change of statement (an inventory belief restated) also needs its new
        `statement_key` and `embedding`.
        """
        query: LiteralString = (
            """
            MATCH (b:Belief {id: $belief_id, tenant: $tenant})
                  -[:HAS_VERSION]->(previous:BeliefVersion)
            WHERE previous.version = b.version
            MATCH (o:Observation {id: $observation_id, tenant: $tenant})
            SET b.confidence = $confidence, b.version = $version, b.update_time = $now,
                b.evidence = $evidence, b.evidence_time = $now, b.change_kind = $change_kind,
                b.state = $state, b.statement = $statement,
                b.statement_key = coalesce($statement_key, b.statement_key),
                b.inventory_favors_statement = coalesce(
                  $favors_statement, b.inventory_favors_statement)
            CREATE (b)-[:HAS_VERSION]->(v:BeliefVersion """
            + _VERSION_PROPERTIES
            + """)-[:PREVIOUS_VERSION]->(previous)
            CREATE (v)-[:CAUSED_BY]->(o)
            """
            + _evidence_edge(change)
            + """
            WITH b
            CALL (b) {
              WITH b WHERE $embedding IS NOT NULL
              CALL db.create.setNodeVectorProperty(b, 'embedding', $embedding)
            }
            RETURN """
            + _BELIEF
        )
        result = await self._tx.run(
            query,
            belief_id=target.id,
            observation_id=observation_id,
            version_id=version_id,
            change_index=change_index,
            now=now,
            statement_key=statement_key,
            embedding=None if embedding is None else list(embedding),
            **_change_parameters(change),
        )
        record = await result.single(strict=True)
        await self._link_conflicts(target.id, change.conflicts_with, now)
        return to_belief(record["b"])

    async def _link_conflicts(self, belief_id: str, others: Sequence[str], now: datetime) -> None:
        if not others:
            return
        await self._tx.run(
            """
            MATCH (b:Belief {id: $belief_id, tenant: $tenant})
            UNWIND $others AS other_id
            MATCH (other:Belief {id: other_id, tenant: $tenant})
            WHERE NOT (other)-[:CONFLICTS_WITH]-(b)
            CREATE (b)-[:CONFLICTS_WITH {create_time: $now}]->(other)
            """,
            belief_id=belief_id,
            others=list(others),
            now=now,
        )

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
            + _belief_properties("other")
            + """) AS conflicts
            }
            CALL (b) {
              OPTIONAL MATCH (b)-[c:CORRECTED_TO]->(other:Belief)
              WITH other ORDER BY c.create_time
              RETURN collect("""
            + _belief_properties("other")
            + """) AS corrected_to
            }
            CALL (b) {
              OPTIONAL MATCH (other:Belief)-[c:CORRECTED_TO]->(b)
              WITH other ORDER BY c.create_time
              RETURN collect("""
            + _belief_properties("other")
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

    async def link_correction(self, corrected_id: str, replacement_id: str, now: datetime) -> None:
        """Records that the user corrected one belief into another (both keep their history)."""
        await self._tx.run(
            """
            MATCH (old:Belief {id: $corrected_id, tenant: $tenant})
            MATCH (new:Belief {id: $replacement_id, tenant: $tenant})
            WHERE old <> new
            CREATE (old)-[:CORRECTED_TO {create_time: $now}]->(new)
            """,
            corrected_id=corrected_id,
            replacement_id=replacement_id,
            now=now,
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


def _evidence_edge(change: PlannedChange) -> LiteralString:
    return _EVIDENCE_EDGE[change.stance] if change.evidence_edge else ""


# Links a new belief `b` to the inventory entry it follows ($entry_key null: none).
_LEARNED_FROM: LiteralString = """
FOREACH (key IN CASE WHEN $entry_key IS NULL THEN [] ELSE [$entry_key] END |
  MERGE (e:InventoryEntry {tenant: $tenant, scope: m.scope, key: key})
  CREATE (b)-[:LEARNED_FROM]->(e)
  SET b.inventory_key = key, b.inventory_favors_statement = $favors_statement
)
"""


def _change_parameters(change: PlannedChange) -> dict[str, Any]:
    learned = change.learned_from
    return {
        "entry_key": None if learned is None else learned.key,
        "favors_statement": None if learned is None else learned.favors_statement,
        "statement": change.statement,
        "context": change.context,
        "confidence": change.confidence,
        "evidence": change.evidence.weight,
        "version": change.version,
        "change_kind": change.kind.value,
        "merged_statement": change.merged_statement,
        "weight": change.weight,
        "state": change.state.value,
        "previous_confidence": change.previous_confidence,
        "reason": change.reason,
    }
