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
from pathlib import Path
from typing import Any, Final

from bench.sizing.common import CHUNK, KINDS, Deployment, resident_bytes
from bench.sizing.disk import count_delta, delta, disk_figures, disk_phases, predicted_bytes
from bench.sizing.generation import generate, templates
from bench.sizing.timing import READS, at_size, prepare_targets


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
