"""Inference latency for a 20-entry inventory, beside the observation's one embedding.

    python -m bench.inference_latency [--observations 200]

Builds one 20-entry inventory from four training scopes (service/eval/data/inference_train),
then, for each of `--observations` of their observations, times the embedding of its
content (the one model call Observe makes for it anyway: the peer) and `infer` over the
whole inventory. Prints a JSON line with both latencies in milliseconds (p50, p95, mean).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from service.domain.inference import InventoryIndex, infer
from service.domain.inventory import BeliefInventory
from service.embeddings import OnnxEmbedder, packaged_model_path
from service.eval.inference import load_inventories, load_observations

DATA = Path(__file__).resolve().parents[1] / "service" / "eval" / "data" / "inference_train"


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50": round(statistics.median(ordered), 3),
        "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 3),
        "mean": round(statistics.fmean(ordered), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.inference_latency")
    parser.add_argument("--observations", type=int, default=200)
    args = parser.parse_args()
    inventories = load_inventories(DATA / "a_inventories.json")
    scopes = sorted(inventories)[:4]
    entries = tuple(e for scope in scopes for e in inventories[scope].entries)
    inventory = BeliefInventory("bench", entries, 1)
    observations = [
        o for o in load_observations(DATA / "a_observations.jsonl") if o.scope in scopes
    ][: args.observations]
    embedder = OnnxEmbedder(str(packaged_model_path()))
    texts = InventoryIndex.texts(inventory)
    index = InventoryIndex.build(
        inventory, dict(zip(texts, embedder.embed_blocking(texts), strict=True))
    )
    embedding_ms: list[float] = []
    inference_ms: list[float] = []
    inferred = 0
    for observation in observations:
        started = time.perf_counter()
        [vector] = embedder.embed_blocking([observation.content])
        embedded = time.perf_counter()
        found = infer(index, observation.type, observation.content, observation.context, vector)
        done = time.perf_counter()
        embedding_ms.append(1000 * (embedded - started))
        inference_ms.append(1000 * (done - embedded))
        inferred += len(found)
    embedder.close()
    print(
        json.dumps(
            {
                "inventory_entries": len(entries),
                "observations": len(observations),
                "inferred": inferred,
                "embedding_ms": _summary(embedding_ms),
                "inference_ms": _summary(inference_ms),
            }
        )
    )


if __name__ == "__main__":
    main()
