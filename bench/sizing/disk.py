"""1. Bytes on disk per entity, written through the gRPC API."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from bench.sizing.common import (
    GENERATED_BELIEFS,
    GENERATED_RAW,
    GENERATED_REINFORCEMENTS,
    KINDS,
    PAGE,
    SCOPE,
    Deployment,
    Store,
    concurrently,
)
from bench.workload import statements


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
