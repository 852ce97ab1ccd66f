"""2. CPU per write, and 3. read latencies, on the graph as it is."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any, Final

from google.protobuf.timestamp_pb2 import Timestamp

from bench.sizing.common import (
    BENCH_SCOPE,
    SCOPE,
    WORKERS,
    Api,
    Deployment,
    concurrently,
    cpu_seconds,
    machine_ticks,
    timestamp,
)
from bench.workload import WARM_UP, statements, timed

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
