"""Observe latency with 100 beliefs in the model, through gRPC, on an embedded Neo4j.

    python -m bench.observe_latency [--beliefs 100] [--calls 60]

Starts its own Neo4j and service on free loopback ports, fills one self-model with
`--beliefs` distinct beliefs, then times `--calls` Observe calls that each propose one
belief (a repeat, a paraphrase-like variant, or a new statement, in turn) and as many
GetSelfModel calls. Prints a JSON line with the latencies in milliseconds.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import tempfile
import time
from pathlib import Path

from selfmodel.v1 import observation_pb2, self_model_service_pb2
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from store.embedded_neo4j import EmbeddedNeo4j, free_port
from tests.integration.auth import authenticated_channel, create_api_key
from tests.integration.service_process import ServiceProcess

_TOPICS = [
    "Python",
    "Rust",
    "Go",
    "Java",
    "SQL",
    "Kotlin",
    "Haskell",
    "Swift",
    "Ruby",
    "Elixir",
    "Scala",
    "Erlang",
    "Clojure",
    "Fortran",
    "COBOL",
    "Lua",
    "Perl",
    "Julia",
    "Dart",
    "Zig",
]
_ASPECTS = [
    "Writes {} every day",
    "Wants {} examples with comments",
    "Is learning {} at work",
    "Reads {} documentation before coding",
    "Prefers {} for side projects",
    "Asks for {} code reviews",
    "Teaches {} to colleagues",
    "Uses {} for data pipelines",
    "Avoids {} in production",
    "Follows {} style guides strictly",
    "Debugs {} with print statements",
    "Gives conference talks about {}",
    "Maintains an open-source {} library",
    "Was hired for their {} experience",
    "Writes a blog about {} performance",
    "Mentors students who study {}",
    "Contributed to the {} compiler",
]


def statements(count: int) -> list[str]:
    pairs = itertools.product(_ASPECTS, _TOPICS)
    return [aspect.format(topic) for aspect, topic in itertools.islice(pairs, count)]


def observe(stub: SelfModelServiceStub, model: str, texts: list[str]) -> None:
    stub.Observe(
        self_model_service_pb2.ObserveRequest(
            self_model=model,
            observation=observation_pb2.Observation(
                type=observation_pb2.OBSERVATION_TYPE_PREFERENCE, content="benchmark"
            ),
            beliefs=[
                observation_pb2.BeliefProposal(statement=t, stance=observation_pb2.STANCE_SUPPORTS)
                for t in texts
            ],
        )
    )


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(beliefs: int, calls: int, workdir: Path) -> dict[str, float | int]:
    with EmbeddedNeo4j(workdir / "neo4j", port=free_port()) as neo4j:
        service = ServiceProcess(neo4j.uri, workdir / "service.log")
        service.start()
        try:
            key = create_api_key(neo4j.uri, "bench")
            with authenticated_channel(service.address, key) as channel:
                stub = SelfModelServiceStub(channel)
                model = stub.GetOrCreateSelfModel(
                    self_model_service_pb2.GetOrCreateSelfModelRequest(
                        external_user_id="bench-user", scope="bench"
                    )
                ).name
                # Some generated statements are paraphrases of others and merge: keep
                # adding until the model really holds `beliefs` beliefs.
                pool = statements(len(_ASPECTS) * len(_TOPICS))
                existing: list[str] = []
                held = 0
                while held < beliefs and pool:
                    batch, pool = pool[: beliefs - held], pool[beliefs - held :]
                    for start in range(0, len(batch), 32):
                        observe(stub, model, batch[start : start + 32])
                    existing.extend(batch)
                    held = len(
                        stub.GetSelfModel(
                            self_model_service_pb2.GetSelfModelRequest(name=model)
                        ).beliefs
                    )
                proposals = [
                    existing[i % len(existing)]
                    if i % 3 == 0
                    else f"Often {existing[i % len(existing)].lower()}"
                    if i % 3 == 1
                    else f"Enjoys hobby number {i}"
                    for i in range(calls)
                ]
                observe_ms = []
                for proposal in proposals:
                    started = time.perf_counter()
                    observe(stub, model, [proposal])
                    observe_ms.append((time.perf_counter() - started) * 1000)
                read_ms = []
                for _ in range(calls):
                    started = time.perf_counter()
                    stub.GetSelfModel(self_model_service_pb2.GetSelfModelRequest(name=model))
                    read_ms.append((time.perf_counter() - started) * 1000)
        finally:
            service.stop()
    return {
        "beliefs_before": held,
        "calls": calls,
        "observe_median_ms": round(statistics.median(observe_ms), 1),
        "observe_p95_ms": round(percentile(observe_ms, 0.95), 1),
        "get_self_model_median_ms": round(statistics.median(read_ms), 1),
        "get_self_model_p95_ms": round(percentile(read_ms, 0.95), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beliefs", type=int, default=100)
    parser.add_argument("--calls", type=int, default=60)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="selfmodel-bench-") as workdir:
        print(json.dumps(run(arguments.beliefs, arguments.calls, Path(workdir))))


if __name__ == "__main__":
    main()
