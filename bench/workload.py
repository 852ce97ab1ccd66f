"""The workload both sides of bench/side_by_side.py run, and how they time it.

Standard library only: bench/mem0_peer.py imports it from mem0's own environment.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from selfmodel.v1 import observation_pb2, self_model_service_pb2

STYLES = ("concise", "detailed", "visual", "formal")
WARM_UP = 150
"""Calls made before timing: Neo4j's JIT and both systems' caches warm up (a service runs
warm)."""
RAW = "Shortened generated answer {} to two sentences"
"""A raw observation, as a product logs it: the starter inventory infers from it."""


def observe_request(
    model: str, proposals: Sequence[str], content: str = "benchmark"
) -> self_model_service_pb2.ObserveRequest:
    """A PREFERENCE observation of `model` supporting each of `proposals`."""
    return self_model_service_pb2.ObserveRequest(
        self_model=model,
        observation=observation_pb2.Observation(
            type=observation_pb2.OBSERVATION_TYPE_PREFERENCE, content=content
        ),
        beliefs=[
            observation_pb2.BeliefProposal(statement=s, stance=observation_pb2.STANCE_SUPPORTS)
            for s in proposals
        ],
    )


def statements(count: int, offset: int = 0) -> list[str]:
    """ "Prefers {style} answers about topic N": one new statement per call."""
    return [
        f"Prefers {STYLES[n % len(STYLES)]} answers about topic {n}"
        for n in range(offset, offset + count)
    ]


def percentile(samples: Sequence[float], share: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)


def timed(calls: Sequence[Callable[[], object]]) -> dict[str, float]:
    """p50 and p99 of the calls' latencies in milliseconds, made one after another."""
    elapsed = []
    for call in calls:
        started = time.perf_counter()
        call()
        elapsed.append((time.perf_counter() - started) * 1000)
    return {"p50": round(statistics.median(elapsed), 1), "p99": percentile(elapsed, 0.99)}


def throughput(calls: Sequence[Callable[[], object]], concurrency: int) -> float:
    """Calls per second with `concurrency` callers."""
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        started = time.perf_counter()
        for future in [pool.submit(call) for call in calls]:
            future.result()
    return round(len(calls) / (time.perf_counter() - started), 1)
