"""The inputs of a capacity sizing: bytes on disk per entity, CPU per write, reads at size.

    python -m bench.sizing [--calls 2000] [--cpu-calls 400] [--models 10000] [--reads 200]
                           [--heap 1g] [--pagecache-mb 1024]

Starts its own Neo4j (the embedded Community DBMS of devtools/neo4j) and service on free
loopback ports (authentication off) and measures:

1. Bytes on disk per entity, through the real write path (gRPC), in a scope whose belief
   inventory is empty (nothing is inferred, so each call writes exactly what it says):
   `--calls` users (GetOrCreateSelfModel); `--calls` observations each proposing a new
   statement (observation, belief with its embedding, first version, evidence edge);
   `--calls` observations proposing those statements again (observation, new version,
   evidence edge, alignment step); `--calls` raw observations (an observation alone).
   Neo4j Community has no `db.checkpoint()`: after each phase Neo4j is stopped cleanly (its
   shutdown checkpoints and flushes every store) and started again, and the files under
   `data/databases/neo4j` are measured by kind; the transaction logs apart.
2. CPU per write: utime + stime (/proc/<pid>/stat) of the Neo4j JVM and of the service
   across `--cpu-calls` concurrent Observe calls (one new statement each, scope with the
   starter inventory as in bench/load.py), after 800 calls of warm-up: three runs of 8
   callers over 8 models (the later ones show how far the JIT has warmed up) and one of 8
   callers on one model (a model's writes take turns on its lock); on the small graph and
   again on the large one, each right after a start.
3. Reads at size: GetSelfModel (5 and 200 beliefs, and as_of), ListBeliefs,
   ListBeliefVersions, GetBeliefProvenance, ListObservations, GetSelfModel of another model
   each call, and Observe (with the CPU it costs when calls come one at a time), timed on
   the graph the phases left, then again once `--models` self-models (40 observations, 8
   beliefs, 32 versions, 24 alignment steps each, over 4 tenants) are generated straight
   into Neo4j, in the shape and with the property values the service wrote in step 1 and
   with random unit embeddings.

Prints tables, then one JSON line with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path, PurePath
from typing import Any, Final, LiteralString, TypeVar

import grpc
import numpy as np
from google.protobuf.timestamp_pb2 import Timestamp
from neo4j import Driver, GraphDatabase

from bench.workload import WARM_UP, statements, timed
from devtools.neo4j import EmbeddedNeo4j, free_port
from selfmodel.v1 import inventory_pb2, observation_pb2, self_model_service_pb2
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.service_process import ServiceProcess

T = TypeVar("T")

SCOPE = "sizing"
"""The scope of the disk phases: its inventory is empty, so nothing is inferred."""
BENCH_SCOPE = "bench"
"""The scope of the timed writes: the starter inventory applies, as in the other benches."""
GENERATED_SCOPE = "sizing-generated"
TENANTS = ("default", "tenant-b", "tenant-c", "tenant-d")
"""The generated models' tenants; the service (authentication off) reads `default`."""
WORKERS = 8
DIMENSIONS = 384
PAGE = 8192
"""Neo4j's page: record stores, range and lookup indexes grow a page at a time."""
CHUNK = 32 * 2**20
"""Once a store file reaches this size, Neo4j's page cache grows it by this much at a time
(preallocation, on Linux), so it may hold up to this much not yet used."""
GENERATION_BATCH = 100
"""Models generated per transaction."""
GENERATED_BELIEFS = 8
GENERATED_REINFORCEMENTS = 3
"""Per generated belief: versions after the first, each with its observation."""
GENERATED_RAW = 8
"""Per generated model: observations that changed no belief."""
GENERATED_OBSERVATIONS = GENERATED_BELIEFS * (1 + GENERATED_REINFORCEMENTS) + GENERATED_RAW
GENERATED_NODES = (
    2  # User, SelfModel
    + GENERATED_OBSERVATIONS
    + GENERATED_BELIEFS * (2 + GENERATED_REINFORCEMENTS)  # beliefs and their versions
    + GENERATED_BELIEFS * GENERATED_REINFORCEMENTS  # alignment steps
)

KINDS: Final = (
    "nodes",
    "relationships",
    "properties",
    "strings",
    "arrays",
    "range indexes",
    "lookup indexes",
    "vector index",
    "id files",
    "other",
)
_KIND_OF_FILE: Final = {
    "neostore.nodestore.db": "nodes",
    "neostore.nodestore.db.labels": "nodes",
    "neostore.relationshipstore.db": "relationships",
    "neostore.relationshipgroupstore.db": "relationships",
    "neostore.relationshipgroupstore.degrees.db": "relationships",
    "neostore.propertystore.db": "properties",
    "neostore.propertystore.db.strings": "strings",
    "neostore.propertystore.db.arrays": "arrays",
}


def store_kind(relative: PurePath) -> str:
    """The kind of a file under the database directory."""
    parts = relative.parts
    if len(parts) > 2 and parts[0] == "schema" and parts[1] == "index":
        provider = parts[2]
        if provider.startswith("vector"):
            return "vector index"
        if provider.startswith("range"):
            return "range indexes"
        if provider.startswith("token-lookup"):
            return "lookup indexes"
        return "other"
    if relative.name.endswith(".id"):
        return "id files"
    return _KIND_OF_FILE.get(relative.name, "other")


@dataclass(frozen=True)
class Store:
    """The database's files by kind (bytes, and each file's size), its transaction logs and
    its node and relationship counts by label and type."""

    bytes: dict[str, int]
    files: dict[str, dict[str, int]]
    transaction_logs: int
    nodes: dict[str, int]
    relationships: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.bytes.values())

    @property
    def chunked(self) -> dict[str, int]:
        """The files grown in CHUNK steps (each may hold up to CHUNK not yet used)."""
        return {
            name: size
            for kind in KINDS
            if kind != "vector index"
            for name, size in self.files[kind].items()
            if size >= CHUNK and size % CHUNK == 0
        }


def measure_files(
    database: Path, transactions: Path
) -> tuple[dict[str, int], dict[str, dict[str, int]], int]:
    sizes = dict.fromkeys(KINDS, 0)
    files: dict[str, dict[str, int]] = {kind: {} for kind in KINDS}
    for path in sorted(database.rglob("*")):
        if path.is_file():
            relative = path.relative_to(database)
            kind = store_kind(relative)
            size = path.stat().st_size
            sizes[kind] += size
            files[kind][str(relative)] = size
    logs = sum(p.stat().st_size for p in transactions.rglob("*") if p.is_file())
    return sizes, files, logs


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process and its living descendants, in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
        pending.extend(children.get(current, []))
    return total / ticks


def machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def resident_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def concurrently(calls: Sequence[Callable[[], T]], workers: int = WORKERS) -> tuple[list[T], float]:
    """The calls' results, in order, and the seconds they took with `workers` callers."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        started = time.perf_counter()
        results = [future.result() for future in [pool.submit(call) for call in calls]]
        return results, time.perf_counter() - started


def timestamp(when: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(when)
    return stamp


class Api:
    """The calls the bench makes, through the generated stubs, on the channel it is bound
    to (the deployment binds it again when it starts again)."""

    def __init__(self) -> None:
        self._bound: SelfModelServiceStub | None = None

    def bind(self, channel: grpc.Channel) -> None:
        self._bound = SelfModelServiceStub(channel)

    @property
    def _stub(self) -> SelfModelServiceStub:
        assert self._bound is not None
        return self._bound

    def model(self, user: str, scope: str) -> str:
        request = self_model_service_pb2.GetOrCreateSelfModelRequest(
            external_user_id=user, scope=scope
        )
        return self._stub.GetOrCreateSelfModel(request).name

    def observe(
        self, model: str, proposals: Sequence[str], content: str = "benchmark"
    ) -> list[str]:
        """Observes; returns the names of the beliefs it changed."""
        reply = self._stub.Observe(
            self_model_service_pb2.ObserveRequest(
                self_model=model,
                observation=observation_pb2.Observation(
                    type=observation_pb2.OBSERVATION_TYPE_PREFERENCE, content=content
                ),
                beliefs=[
                    observation_pb2.BeliefProposal(
                        statement=s, stance=observation_pb2.STANCE_SUPPORTS
                    )
                    for s in proposals
                ],
            )
        )
        return [change.belief.name for change in reply.belief_changes]

    def switch_inference_off(self, scope: str) -> None:
        self._stub.PutBeliefInventory(
            self_model_service_pb2.PutBeliefInventoryRequest(
                inventory=inventory_pb2.BeliefInventory(scope=scope)
            )
        )

    def get(self, model: str, as_of: Timestamp | None = None) -> int:
        request = self_model_service_pb2.GetSelfModelRequest(name=model, as_of=as_of)
        return len(self._stub.GetSelfModel(request).beliefs)

    def beliefs(self, model: str) -> int:
        request = self_model_service_pb2.ListBeliefsRequest(self_model=model, page_size=50)
        return len(self._stub.ListBeliefs(request).beliefs)

    def versions(self, belief: str) -> int:
        request = self_model_service_pb2.ListBeliefVersionsRequest(belief=belief)
        return len(self._stub.ListBeliefVersions(request).versions)

    def provenance(self, belief: str) -> int:
        request = self_model_service_pb2.GetBeliefProvenanceRequest(belief=belief)
        return len(self._stub.GetBeliefProvenance(request).supporting)

    def observations(self, model: str) -> int:
        request = self_model_service_pb2.ListObservationsRequest(self_model=model, page_size=50)
        return len(self._stub.ListObservations(request).observations)


_GRAPH_COUNTS: Final[LiteralString] = (
    "CALL db.stats.retrieve('GRAPH COUNTS') YIELD data RETURN data"
)


class Deployment:
    """Neo4j and the service on free loopback ports; `checkpointed` stops both cleanly,
    measures the store while nothing runs, and starts them again on the same data."""

    def __init__(self, workdir: Path, heap: str, pagecache_mb: int) -> None:
        self.workdir = workdir
        self.heap = heap
        self.pagecache_mb = pagecache_mb
        self._neo4j: EmbeddedNeo4j | None = None
        self._service: ServiceProcess | None = None
        self._channel: grpc.Channel | None = None
        self._driver: Driver | None = None
        self.api = Api()

    @property
    def driver(self) -> Driver:
        assert self._driver is not None
        return self._driver

    @property
    def neo4j_pid(self) -> int:
        assert self._neo4j is not None and self._neo4j.pid is not None
        return self._neo4j.pid

    @property
    def service_pid(self) -> int:
        assert self._service is not None and self._service.pid is not None
        return self._service.pid

    def start(self) -> None:
        neo4j = EmbeddedNeo4j(
            self.workdir / "neo4j",
            port=free_port(),
            heap=self.heap,
            pagecache_mb=self.pagecache_mb,
            stop_timeout=900.0,
        )
        neo4j.start()
        self._neo4j = neo4j
        service = ServiceProcess(
            neo4j.uri, self.workdir / "service.log", extra_env={"SELFMODEL_AUTH": "off"}
        )
        self._service = service
        service.start()
        self._channel = grpc.insecure_channel(service.address)
        self.api.bind(self._channel)
        self._driver = GraphDatabase.driver(neo4j.uri)

    def stop(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        if self._driver is not None:
            self._driver.close()
            self._driver = None
        if self._service is not None:
            self._service.stop()
            self._service = None
        if self._neo4j is not None:
            neo4j, self._neo4j = self._neo4j, None
            neo4j.stop()
            if "NEO4J_STOPPED" not in neo4j.log_file.read_text(errors="replace")[-4096:]:
                raise RuntimeError(f"Neo4j did not shut down cleanly; see {neo4j.log_file}")

    def counts(self) -> tuple[dict[str, int], dict[str, int]]:
        """Nodes by label and relationships by type (Neo4j's count store)."""
        records, _, _ = self.driver.execute_query(_GRAPH_COUNTS)
        data = records[0]["data"]
        nodes = {n["label"]: n["count"] for n in data["nodes"] if "label" in n}
        nodes["(all)"] = next(n["count"] for n in data["nodes"] if "label" not in n)
        relationships = {
            r["relationshipType"]: r["count"]
            for r in data["relationships"]
            if "relationshipType" in r and "startLabel" not in r and "endLabel" not in r
        }
        relationships["(all)"] = next(
            r["count"]
            for r in data["relationships"]
            if not {"relationshipType", "startLabel", "endLabel"} & set(r)
        )
        return nodes, relationships

    def checkpointed(self) -> Store:
        """Stops cleanly (Neo4j checkpoints on shutdown), measures, starts again."""
        nodes, relationships = self.counts()
        self.stop()
        data = self.workdir / "neo4j" / "data"
        sizes, files, logs = measure_files(
            data / "databases" / "neo4j", data / "transactions" / "neo4j"
        )
        self.start()
        return Store(sizes, files, logs, nodes, relationships)

    def __enter__(self) -> Deployment:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --------------------------------------------------------------------------- 1. disk


@dataclass
class Phase:
    name: str
    calls: int
    seconds: float
    store: Store


@dataclass
class Disk:
    phases: list[Phase] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    """The models the observation phases wrote to."""


def disk_phases(deployment: Deployment, calls: int) -> Disk:
    api = deployment.api
    api.switch_inference_off(SCOPE)
    disk = Disk()
    disk.phases.append(Phase("baseline", 0, 0.0, deployment.checkpointed()))

    def phase(name: str, work: Sequence[Callable[[], object]]) -> list[object]:
        print(f"phase {name}: {len(work)} calls", file=sys.stderr, flush=True)
        results, seconds = concurrently(work)
        disk.phases.append(Phase(name, len(work), seconds, deployment.checkpointed()))
        return results

    names = phase("users", [partial(api.model, f"user-{n}", SCOPE) for n in range(calls)])
    models = [str(name) for name in names[: max(1, calls // 10)]]
    disk.models = models
    said = statements(calls)
    # Statement n goes to model n % len(models): consecutive calls hit different models.
    phase(
        "new statement",
        [
            partial(api.observe, models[n % len(models)], [s], f"Picked the answer on topic {n}")
            for n, s in enumerate(said)
        ],
    )
    phase(
        "reinforcing",
        [
            partial(api.observe, models[n % len(models)], [s], f"Picked it again on topic {n}")
            for n, s in enumerate(said)
        ],
    )
    phase(
        "raw observation",
        [
            partial(api.observe, models[n % len(models)], [], f"Opened report settings, visit {n}")
            for n in range(calls)
        ],
    )
    return disk


def delta(before: Store, after: Store) -> dict[str, int]:
    return {kind: after.bytes[kind] - before.bytes[kind] for kind in KINDS}


def rounding(before: Store, after: Store, kind: str) -> int:
    """Bytes a kind's growth may be off by: a page per paged file that changed size (the
    vector index is Lucene's segment files, not pages: its size depends on merges)."""
    if kind == "vector index":
        return 0
    changed = sum(
        1 for name, size in after.files[kind].items() if before.files[kind].get(name) != size
    )
    return changed * PAGE


def count_delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    keys = sorted(set(before) | set(after))
    return {
        k: after.get(k, 0) - before.get(k, 0) for k in keys if after.get(k, 0) != before.get(k, 0)
    }


def disk_figures(disk: Disk) -> dict[str, Any]:
    out: dict[str, Any] = {"phases": {}}
    for before, after in zip(disk.phases, disk.phases[1:], strict=False):
        grown = delta(before.store, after.store)
        out["phases"][after.name] = {
            "calls": after.calls,
            "seconds": round(after.seconds, 1),
            "bytes": grown,
            "bytes_total": sum(grown.values()),
            "rounding_bytes": {kind: rounding(before.store, after.store, kind) for kind in KINDS},
            "transaction_log_bytes": after.store.transaction_logs - before.store.transaction_logs,
            "nodes": count_delta(before.store.nodes, after.store.nodes),
            "relationships": count_delta(before.store.relationships, after.store.relationships),
        }
    phases = out["phases"]

    def per_call(name: str) -> tuple[float, float]:
        p = phases[name]
        return p["bytes_total"] / p["calls"], sum(p["rounding_bytes"].values()) / p["calls"]

    user, user_error = per_call("users")
    raw, raw_error = per_call("raw observation")
    reinforcing, reinforcing_error = per_call("reinforcing")
    new, new_error = per_call("new statement")
    created = phases["new statement"]
    out["per_entity"] = {
        "user": {"bytes": round(user), "rounding": round(user_error)},
        "observation": {"bytes": round(raw), "rounding": round(raw_error)},
        "belief_version": {
            "bytes": round(reinforcing - raw),
            "rounding": round(reinforcing_error + raw_error),
        },
        "belief": {"bytes": round(new - raw), "rounding": round(new_error + raw_error)},
        "belief_embedding_arrays": round(created["bytes"]["arrays"] / created["calls"]),
        "belief_vector_index": round(created["bytes"]["vector index"] / created["calls"]),
        "transaction_log_per_call": {
            name: round(p["transaction_log_bytes"] / p["calls"]) for name, p in phases.items()
        },
    }
    out["store_after_phases"] = disk.phases[-1].store.bytes
    return out


def predicted_bytes(disk: dict[str, Any], models: int) -> int:
    """The generated models' store as the phases' bytes per call add up: per model a user,
    its raw observations, its new statements and their reinforcements."""
    per_call: dict[str, float] = {
        name: p["bytes_total"] / p["calls"] for name, p in disk["phases"].items() if p["calls"]
    }
    return round(
        models
        * (
            per_call["users"]
            + GENERATED_RAW * per_call["raw observation"]
            + GENERATED_BELIEFS * per_call["new statement"]
            + GENERATED_BELIEFS * GENERATED_REINFORCEMENTS * per_call["reinforcing"]
        )
    )


# --------------------------------------------------------------------------- 2. cpu


WARM_UP_CALLS = 800
"""Concurrent Observe calls after each start before anything is timed."""


def warm_up(deployment: Deployment, tag: str) -> None:
    """WARM_UP_CALLS concurrent Observe calls over 8 models of their own: Neo4j's JIT
    compiles the write path (a service runs warm)."""
    api = deployment.api
    models = [api.model(f"warm-up-{tag}-{n}", BENCH_SCOPE) for n in range(WORKERS)]
    concurrently(
        [
            partial(api.observe, models[n % WORKERS], [f"Warm-up statement {n}"])
            for n in range(WARM_UP_CALLS)
        ]
    )


def cpu_run(
    deployment: Deployment, models: Sequence[str], calls: int, offset: int
) -> dict[str, Any]:
    """CPU of Neo4j, the service and this process across `calls` concurrent Observe calls."""
    api = deployment.api
    work = [
        partial(api.observe, models[n % len(models)], [s], "benchmark")
        for n, s in enumerate(statements(calls, offset))
    ]
    neo4j, service = deployment.neo4j_pid, deployment.service_pid
    before = (cpu_seconds(neo4j), cpu_seconds(service), time.process_time(), machine_ticks())
    _, seconds = concurrently(work)
    after = (cpu_seconds(neo4j), cpu_seconds(service), time.process_time(), machine_ticks())
    busy = (after[3][0] - before[3][0]) / max(1, after[3][1] - before[3][1])
    return {
        "calls": calls,
        "models": len(set(models)),
        "callers": WORKERS,
        "seconds": round(seconds, 2),
        "calls_per_second": round(calls / seconds, 1),
        "neo4j_cpu_ms": round(1000 * (after[0] - before[0]) / calls, 1),
        "service_cpu_ms": round(1000 * (after[1] - before[1]) / calls, 1),
        "client_cpu_ms": round(1000 * (after[2] - before[2]) / calls, 1),
        "machine_busy": round(busy, 3),
    }


# --------------------------------------------------------------------------- 3. reads


@dataclass(frozen=True)
class Targets:
    small: str
    big: str
    belief: str
    """A belief of `small` with 10 versions."""
    as_of: Timestamp
    """A time when `big` held 104 of its 200 beliefs."""
    writers: tuple[str, str]
    """Two models of 5 beliefs: Observe is timed on the first before generation and on the
    second after it, so both hold the same when timed."""


def prepare_targets(api: Api) -> Targets:
    # Statements of bench/workload.py: each one makes a belief of its own (no merges, no
    # conflicts between them).
    said = iter(statements(400, 3 * 10**6))
    small = api.model("reads-small", SCOPE)
    mine = [next(said) for _ in range(5)]
    changed = api.observe(small, mine)
    for n in range(9):
        api.observe(small, mine[:1], f"Again {n}")
    big = api.model("reads-big", SCOPE)
    as_of = None
    for batch in range(25):
        if batch == 13:
            time.sleep(0.01)
            as_of = timestamp(datetime.now(UTC))
            time.sleep(0.01)
        api.observe(big, [next(said) for _ in range(8)])
    assert as_of is not None
    writers = []
    for n in range(2):
        writer = api.model(f"writer-{n}", BENCH_SCOPE)
        api.observe(writer, [next(said) for _ in range(5)])
        writers.append(writer)
    return Targets(small, big, changed[0], as_of, (writers[0], writers[1]))


READS: Final = (
    ("get_small", "GetSelfModel, 5 beliefs"),
    ("get_big", "GetSelfModel, 200 beliefs"),
    ("get_as_of", "GetSelfModel as_of (104 of 200)"),
    ("list_beliefs", "ListBeliefs, page of 50 of 200"),
    ("list_versions", "ListBeliefVersions, 10 versions"),
    ("provenance", "GetBeliefProvenance, 10 observations"),
    ("list_observations", "ListObservations, 25 of big"),
    ("get_another", "GetSelfModel, another model each call"),
    ("observe", "Observe, 1 new statement (5+ beliefs)"),
)


def read_calls(
    api: Api, targets: Targets, browse: Sequence[str], reads: int
) -> dict[str, list[Callable[[], object]]]:
    return {
        "get_small": [partial(api.get, targets.small)] * reads,
        "get_big": [partial(api.get, targets.big)] * reads,
        "get_as_of": [partial(api.get, targets.big, targets.as_of)] * reads,
        "list_beliefs": [partial(api.beliefs, targets.big)] * reads,
        "list_versions": [partial(api.versions, targets.belief)] * reads,
        "provenance": [partial(api.provenance, targets.belief)] * reads,
        "list_observations": [partial(api.observations, targets.big)] * reads,
        "get_another": [partial(api.get, browse[n % len(browse)]) for n in range(reads)],
    }


def read_figures(
    deployment: Deployment,
    targets: Targets,
    writer: str,
    browse: Sequence[str],
    reads: int,
    offset: int,
) -> dict[str, Any]:
    api = deployment.api
    # The JIT and the caches warm up first: a service runs warm.
    warm = api.model(f"warm-up-{offset}", BENCH_SCOPE)
    for n in range(WARM_UP):
        api.observe(warm, [f"Warm-up statement {n}"])
    for calls in read_calls(api, targets, browse[::-1], max(1, reads // 4)).values():
        for call in calls:
            call()
    out: dict[str, Any] = {}
    for name, calls in read_calls(api, targets, browse, reads).items():
        out[name] = timed(calls)
    # Sequential Observe calls, with the CPU they cost without contention.
    writes = max(1, reads // 2)
    neo4j, service = deployment.neo4j_pid, deployment.service_pid
    before = (cpu_seconds(neo4j), cpu_seconds(service))
    out["observe"] = timed([partial(api.observe, writer, [s]) for s in statements(writes, offset)])
    after = (cpu_seconds(neo4j), cpu_seconds(service))
    out["observe_cpu"] = {
        "calls": writes,
        "neo4j_cpu_ms": round(1000 * (after[0] - before[0]) / writes, 1),
        "service_cpu_ms": round(1000 * (after[1] - before[1]) / writes, 1),
    }
    out["sanity"] = {
        "small_beliefs": api.get(targets.small),
        "big_beliefs": api.get(targets.big),
        "as_of_beliefs": api.get(targets.big, targets.as_of),
        "versions": api.versions(targets.belief),
        "another_beliefs": api.get(browse[0]),
    }
    return out


def at_size(
    deployment: Deployment,
    targets: Targets,
    writer: str,
    browse: Sequence[str],
    arguments: argparse.Namespace,
    tag: str,
    offset: int,
) -> dict[str, Any]:
    """The same sequence at each size, each right after a start: warm-up, CPU runs (on
    models of their own, empty at the first run), reads."""
    print(f"{tag} graph: warm-up, cpu runs, reads", file=sys.stderr, flush=True)
    warm_up(deployment, tag)
    api = deployment.api
    eight = [api.model(f"cpu-{tag}-{n}", BENCH_SCOPE) for n in range(WORKERS)]
    one = [api.model(f"cpu-{tag}-one", BENCH_SCOPE)]
    calls = arguments.cpu_calls
    # Runs in a row: the later ones show how far the JIT has warmed up.
    cpu = {
        f"8_models_run{n + 1}": cpu_run(deployment, eight, calls, offset + n * calls)
        for n in range(3)
    }
    cpu["1_model"] = cpu_run(deployment, one, calls, offset + 3 * calls)
    reads = read_figures(deployment, targets, writer, browse, arguments.reads, offset + 4 * calls)
    return {"cpu": cpu, "reads": reads}


# --------------------------------------------------------------------------- generation


_TEMPLATES: Final[LiteralString] = """
MATCH (u:User)-[:HAS_SELF_MODEL]->(m:SelfModel {id: $model_id})
MATCH (m)-[:HOLDS]->(b:Belief)-[:HAS_VERSION]->(v:BeliefVersion {version: 1})
      -[:CAUSED_BY]->(o:Observation)-[s:SUPPORTS]->(b)
MATCH (b)-[:HAS_VERSION]->(w:BeliefVersion {version: 2})-[:CAUSED_BY]->(p:Observation)
      -[t:SUPPORTS]->(b)
MATCH (m)-[:HAS_ALIGNMENT_VERSION]->(a:AlignmentVersion {observation_id: p.id})
MATCH (m)-[:OBSERVED]->(r:Observation)
WHERE NOT (r)-[:SUPPORTS]->()
RETURN properties(u) AS user, properties(m) AS model, properties(b) AS belief,
       properties(v) AS created_version, properties(o) AS observation,
       properties(s) AS created_support, properties(w) AS reinforced_version,
       properties(t) AS reinforcing_support, properties(a) AS alignment,
       properties(r) AS raw_observation
LIMIT 1
"""


def templates(deployment: Deployment, model: str) -> dict[str, Any]:
    """The property maps the service wrote for one user, belief, version, observation,
    evidence edge and alignment step (step 1): the generated graph copies them."""
    records, _, _ = deployment.driver.execute_query(_TEMPLATES, model_id=model.rsplit("/", 1)[1])
    found = dict(records[0])
    # Each generated belief gets an embedding of its own.
    found["belief"] = {k: v for k, v in found["belief"].items() if k != "embedding"}
    return found


_GENERATE: Final[LiteralString] = """
WITH $t.user AS tu, $t.model AS tm, $t.raw_observation AS tr, $t.observation AS tob,
     $t.belief AS tb, $t.created_version AS tv, $t.reinforced_version AS tw,
     $t.alignment AS ta
UNWIND $models AS row
CREATE (u:User)
SET u = tu {.*, id: randomUUID(), tenant: row.tenant, scope: $scope,
            external_user_id: row.user, self_model_id: row.id}
CREATE (m:SelfModel)
SET m = tm {.*, id: row.id, tenant: row.tenant, scope: $scope, external_user_id: row.user,
            revision: $observations}
CREATE (u)-[:HAS_SELF_MODEL]->(m)
WITH m, row, tr, tob, tb, tv, tw, ta
CALL (m, tr) {
  UNWIND range(1, $raw) AS n
  CREATE (m)-[:OBSERVED]->(o:Observation)
  SET o = tr {.*, id: randomUUID(), tenant: m.tenant, self_model_id: m.id}
}
CALL (m, row, tob, tb, tv, tw, ta) {
  UNWIND range(0, size(row.statements) - 1) AS k
  CREATE (m)-[:OBSERVED]->(o:Observation)
  SET o = tob {.*, id: randomUUID(), tenant: m.tenant, self_model_id: m.id}
  CREATE (m)-[:HOLDS]->(b:Belief)
  SET b = tb {.*, id: randomUUID(), tenant: m.tenant, self_model_id: m.id,
              statement: row.statements[k], statement_key: toLower(row.statements[k]),
              version: $reinforcements + 1}
  CREATE (b)-[:HAS_VERSION]->(v:BeliefVersion)
  SET v = tv {.*, id: randomUUID(), tenant: m.tenant, self_model_id: m.id, belief_id: b.id,
              statement: b.statement, observation_id: o.id}
  CREATE (v)-[:CAUSED_BY]->(o)
  CREATE (o)-[s:SUPPORTS]->(b)
  SET s = $t.created_support
  WITH m, row, k, b, v, tob, tw, ta
  CALL db.create.setNodeVectorProperty(b, 'embedding', row.embeddings[k])
  CALL (m, b, tob, tw, ta) {
    UNWIND range(2, $reinforcements + 1) AS version
    CREATE (m)-[:OBSERVED]->(o:Observation)
    SET o = tob {.*, id: randomUUID(), tenant: m.tenant, self_model_id: m.id}
    CREATE (b)-[:HAS_VERSION]->(w:BeliefVersion)
    SET w = tw {.*, id: randomUUID(), tenant: m.tenant, self_model_id: m.id, belief_id: b.id,
                statement: b.statement, version: version, observation_id: o.id}
    CREATE (w)-[:CAUSED_BY]->(o)
    CREATE (o)-[s:SUPPORTS]->(b)
    SET s = $t.reinforcing_support
    CREATE (m)-[:HAS_ALIGNMENT_VERSION]->(a:AlignmentVersion)
    SET a = ta {.*, id: randomUUID(), tenant: m.tenant, self_model_id: m.id,
                observation_id: o.id}
    WITH w ORDER BY w.version
    RETURN collect(w) AS later
  }
  WITH [v] + later AS chain
  UNWIND range(1, size(chain) - 1) AS i
  WITH chain[i] AS newer, chain[i - 1] AS older
  CREATE (newer)-[:PREVIOUS_VERSION]->(older)
}
"""


def generate(deployment: Deployment, template: dict[str, Any], models: int) -> list[str]:
    """Generates `models` self-models over TENANTS; returns the names of those in the
    service's tenant."""
    generator = np.random.default_rng(7)
    readable: list[str] = []
    started = time.perf_counter()
    for start in range(0, models, GENERATION_BATCH):
        size = min(GENERATION_BATCH, models - start)
        vectors = generator.standard_normal((size, GENERATED_BELIEFS, DIMENSIONS))
        vectors /= np.linalg.norm(vectors, axis=2, keepdims=True)
        rows = []
        for n in range(size):
            number = start + n
            model_id = str(uuid.uuid4())
            tenant = TENANTS[number % len(TENANTS)]
            if tenant == TENANTS[0]:
                readable.append(f"selfModels/{model_id}")
            rows.append(
                {
                    "id": model_id,
                    "tenant": tenant,
                    "user": f"generated-{number}",
                    "statements": statements(GENERATED_BELIEFS, number * GENERATED_BELIEFS),
                    "embeddings": vectors[n].astype(np.float32).tolist(),
                }
            )
        deployment.driver.execute_query(
            _GENERATE,
            models=rows,
            t=template,
            scope=GENERATED_SCOPE,
            observations=GENERATED_OBSERVATIONS,
            raw=GENERATED_RAW,
            reinforcements=GENERATED_REINFORCEMENTS,
        )
        done = start + size
        if done % (10 * GENERATION_BATCH) == 0 or done == models:
            elapsed = time.perf_counter() - started
            print(
                f"generated {done}/{models} models in {elapsed:.0f}s "
                f"(about {done * GENERATED_NODES / elapsed:,.0f} nodes/s; "
                f"{elapsed / done * (models - done):.0f}s to go)",
                file=sys.stderr,
                flush=True,
            )
    return readable


# --------------------------------------------------------------------------- run


def figures(arguments: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    out: dict[str, Any] = {
        "config": {
            "calls": arguments.calls,
            "cpu_calls": arguments.cpu_calls,
            "models": arguments.models,
            "reads": arguments.reads,
            "heap": arguments.heap,
            "pagecache_mb": arguments.pagecache_mb,
            "cpus": os.cpu_count(),
        }
    }
    started = time.perf_counter()
    with Deployment(workdir, arguments.heap, arguments.pagecache_mb) as deployment:
        records, _, _ = deployment.driver.execute_query(
            "SHOW DATABASES YIELD name, store WHERE name = 'neo4j' RETURN store"
        )
        out["config"]["store_format"] = records[0]["store"]
        records, _, _ = deployment.driver.execute_query(
            "CALL dbms.components() YIELD versions, edition RETURN versions[0] AS v, edition"
        )
        out["config"]["neo4j"] = f"{records[0]['v']} {records[0]['edition']}"

        disk = disk_phases(deployment, arguments.calls)
        out["disk"] = disk_figures(disk)
        template = templates(deployment, disk.models[0])

        targets = prepare_targets(deployment.api)
        # From a start, as the large graph is measured after one (see `checkpointed`).
        deployment.checkpointed()
        small_nodes, small_relationships = deployment.counts()
        out["small"] = {
            "nodes": small_nodes["(all)"],
            "relationships": small_relationships["(all)"],
            **at_size(
                deployment,
                targets,
                targets.writers[0],
                disk.models,
                arguments,
                "small",
                10**6,
            ),
        }

        before = deployment.checkpointed()
        print(f"generating {arguments.models} models", file=sys.stderr, flush=True)
        generation_started = time.perf_counter()
        readable = generate(deployment, template, arguments.models)
        generation_seconds = time.perf_counter() - generation_started
        store = deployment.checkpointed()
        generated = delta(before, store)
        out["large"] = {
            "generation_seconds": round(generation_seconds, 1),
            "nodes": store.nodes,
            "relationships": store.relationships,
            "store_bytes": store.bytes,
            "store_bytes_total": store.total,
            "preallocated_files": store.chunked,
            "transaction_log_bytes": store.transaction_logs,
            "generated": {
                "models": arguments.models,
                "nodes": count_delta(before.nodes, store.nodes),
                "relationships": count_delta(before.relationships, store.relationships),
                "bytes": generated,
                "bytes_total": sum(generated.values()),
                "predicted_bytes_total": predicted_bytes(out["disk"], arguments.models),
                "preallocation_bound": CHUNK * len(store.chunked),
            },
        }
        out["large"].update(
            at_size(
                deployment,
                targets,
                targets.writers[1],
                readable,
                arguments,
                "large",
                2 * 10**6,
            )
        )
        out["memory"] = {
            "service_rss": resident_bytes(deployment.service_pid),
            "neo4j_rss": resident_bytes(deployment.neo4j_pid),
        }
    out["elapsed_seconds"] = round(time.perf_counter() - started, 1)
    return out


# --------------------------------------------------------------------------- output


def disk_table(out: dict[str, Any]) -> str:
    phases = out["disk"]["phases"]
    names = list(phases)
    lines = [
        "Bytes on disk per call, by phase (store after a clean shutdown; ± = a page per "
        "changed file)",
        f"{'':22}" + "".join(f"{name:>20}" for name in names),
        f"{'calls':22}" + "".join(f"{phases[n]['calls']:>20}" for n in names),
    ]
    for kind in KINDS:
        cells = []
        for name in names:
            p = phases[name]
            value = p["bytes"][kind] / p["calls"]
            error = p["rounding_bytes"][kind] / p["calls"]
            cells.append(f"{value:>12.0f} ±{error:>5.0f}" if error else f"{value:>20.0f}")
        lines.append(f"{kind:22}" + "".join(cells))
    lines.append(
        f"{'store total':22}"
        + "".join(f"{phases[n]['bytes_total'] / phases[n]['calls']:>20.0f}" for n in names)
    )
    lines.append(
        f"{'transaction logs':22}"
        + "".join(
            f"{phases[n]['transaction_log_bytes'] / phases[n]['calls']:>20.0f}" for n in names
        )
    )
    for name in names:
        p = phases[name]
        made = ", ".join(f"{k} {v}" for k, v in p["nodes"].items())
        linked = ", ".join(f"{k} {v}" for k, v in p["relationships"].items())
        lines.append(f"  {name}: nodes {made}; relationships {linked}; {p['seconds']}s")
    entity = out["disk"]["per_entity"]
    lines += [
        "",
        f"{'Per entity (store, bytes)':60} {'bytes':>8} {'±':>6}",
        f"{'user (User, SelfModel, edge, index entries)':60} "
        f"{entity['user']['bytes']:>8} {entity['user']['rounding']:>6}",
        f"{'observation alone (raw phase)':60} "
        f"{entity['observation']['bytes']:>8} {entity['observation']['rounding']:>6}",
        f"{'belief version (reinforcing call - observation)':60} "
        f"{entity['belief_version']['bytes']:>8} {entity['belief_version']['rounding']:>6}",
        f"{'belief with first version (new-statement call - observation)':60} "
        f"{entity['belief']['bytes']:>8} {entity['belief']['rounding']:>6}",
        f"{'  of which the embedding (arrays store)':60} {entity['belief_embedding_arrays']:>8}",
        f"{'  of which the vector index':60} {entity['belief_vector_index']:>8}",
    ]
    return "\n".join(lines)


def large_table(out: dict[str, Any]) -> str:
    large = out["large"]
    generated = large["generated"]

    def listed(counts: dict[str, int]) -> str:
        return ", ".join(f"{k} {v:,}" for k, v in counts.items() if v and k != "(all)")

    lines = [
        f"Graph after generation: {large['nodes']['(all)']:,} nodes, "
        f"{large['relationships']['(all)']:,} relationships, "
        f"store {large['store_bytes_total'] / 2**20:,.1f} MiB "
        f"(transaction logs {large['transaction_log_bytes'] / 2**20:,.1f} MiB)",
        "  nodes: " + listed(large["nodes"]),
        "  relationships: " + listed(large["relationships"]),
        "  store by kind (MiB): "
        + ", ".join(f"{k} {v / 2**20:,.1f}" for k, v in large["store_bytes"].items()),
        "  grown in 32 MiB steps, so up to 32 MiB each not yet used (MiB): "
        + (
            ", ".join(f"{k} {v / 2**20:,.0f}" for k, v in large["preallocated_files"].items())
            or "none"
        ),
        f"Generated: {generated['models']:,} models in {large['generation_seconds']:.0f}s, "
        f"{generated['nodes']['(all)']:,} nodes, "
        f"{generated['relationships']['(all)']:,} relationships, "
        f"{generated['bytes_total'] / 2**20:,.1f} MiB "
        f"({generated['bytes_total'] / generated['nodes']['(all)']:,.0f} bytes per node); "
        f"of which up to {generated['preallocation_bound'] / 2**20:,.0f} MiB preallocated; "
        f"the phases' bytes per call predict "
        f"{generated['predicted_bytes_total'] / 2**20:,.1f} MiB",
        "  by kind (bytes per generated model): "
        + ", ".join(f"{k} {v / generated['models']:,.0f}" for k, v in generated["bytes"].items()),
    ]
    return "\n".join(lines)


CPU_RUNS: Final = {
    "8_models_run1": "8 models, run 1",
    "8_models_run2": "8 models, run 2",
    "8_models_run3": "8 models, run 3",
    "1_model": "1 model",
}


def cpu_table(out: dict[str, Any]) -> str:
    head = (
        f" {'calls/s':>7} {'Neo4j':>6} {'service':>7} {'client':>6} {'busy':>5}"
        f" {'w/s N':>6} {'w/s S':>6}"
    )
    lines = [
        "CPU per Observe (1 new statement, 8 callers), ms per call; w/s N and w/s S = writes/s "
        "per core of Neo4j and of the service (1000 / CPU ms)",
        f"{'':16} {'small graph':<{len(head) - 1}} {'large graph':<{len(head) - 1}}",
        f"{'':16}{head}{head}",
    ]
    for key, label in CPU_RUNS.items():
        cells = []
        for size in ("small", "large"):
            r = out[size]["cpu"][key]
            cells.append(
                f" {r['calls_per_second']:>7.1f} {r['neo4j_cpu_ms']:>6.1f}"
                f" {r['service_cpu_ms']:>7.1f} {r['client_cpu_ms']:>6.1f}"
                f" {r['machine_busy']:>5.0%} {1000 / r['neo4j_cpu_ms']:>6.1f}"
                f" {1000 / r['service_cpu_ms']:>6.1f}"
            )
        lines.append(f"{label:16}" + "".join(cells))
    return "\n".join(lines)


def reads_table(out: dict[str, Any]) -> str:
    small, large = out["small"], out["large"]
    lines = [
        f"{'Latency ms (sequential calls)':40} {'small p50':>10} {'p99':>8} "
        f"{'large p50':>10} {'p99':>8} {'ratio p50':>10}",
        f"{'(graph nodes)':40} {small['nodes']:>19,} {large['nodes']['(all)']:>19,}",
    ]
    for key, label in READS:
        a, b = small["reads"][key], large["reads"][key]
        lines.append(
            f"{label:40} {a['p50']:>10.1f} {a['p99']:>8.1f} {b['p50']:>10.1f} {b['p99']:>8.1f}"
            f" {b['p50'] / a['p50']:>10.2f}"
        )
    for size in ("small", "large"):
        cpu = out[size]["reads"]["observe_cpu"]
        lines.append(
            f"  {size} graph, the {cpu['calls']} sequential Observe calls: Neo4j "
            f"{cpu['neo4j_cpu_ms']:.1f} ms CPU per call, service {cpu['service_cpu_ms']:.1f} ms"
        )
    return "\n".join(lines)


def table(out: dict[str, Any]) -> str:
    config = out["config"]
    head = (
        f"Neo4j {config['neo4j']}, store format {config['store_format']}, heap {config['heap']},"
        f" page cache {config['pagecache_mb']} MiB, {config['cpus']} CPUs; "
        f"elapsed {out['elapsed_seconds']:.0f}s"
    )
    memory = out["memory"]
    tail = (
        f"RSS at the end: service {memory['service_rss'] / 2**20:.0f} MiB, "
        f"Neo4j {memory['neo4j_rss'] / 2**20:.0f} MiB"
    )
    return "\n\n".join(
        [head, disk_table(out), large_table(out), cpu_table(out), reads_table(out), tail]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls per disk phase")
    parser.add_argument("--cpu-calls", type=int, default=400, help="Observe calls per CPU run")
    parser.add_argument("--models", type=int, default=10_000, help="self-models to generate")
    parser.add_argument("--reads", type=int, default=200, help="timed calls per read")
    parser.add_argument("--heap", default="1g", help="Neo4j's JVM -Xmx")
    parser.add_argument("--pagecache-mb", type=int, default=1024, help="Neo4j's page cache")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="selfmodel-sizing-") as name:
        out = figures(arguments, Path(name))
    print(table(out))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
