"""What every part of the sizing bench shares: the graph's files by kind, CPU and memory
of a process, the service's API and the Neo4j + service pair under measurement."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePath
from typing import Final, LiteralString, TypeVar

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from neo4j import Driver, GraphDatabase

from bench.workload import observe_request
from devtools.neo4j import EmbeddedNeo4j, free_port
from selfmodel.v1 import inventory_pb2, self_model_service_pb2
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
        reply = self._stub.Observe(observe_request(model, proposals, content))
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
