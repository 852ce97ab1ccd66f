"""selfmodel and mem0 on the same workload, in the same run, on this machine.

    python -m bench.side_by_side [--statements 200] [--mem0-python PATH]

Starts its own Neo4j and service on free loopback ports (authentication off, as under
`make run`) and times, through the gRPC stubs:

* Observe with one new statement proposed (p50, p99), with eight, and with none (a raw
  observation the inventory infers from);
* GetSelfModel once the model holds the statements;
* Observe throughput with 8 and 32 concurrent callers spread over 8 self-models.

The same statements then go through mem0 (`add(..., infer=False)`: embedded and stored in
its local qdrant, no LLM) and `get_all`, with the same all-MiniLM-L6-v2 embedder, by
`bench.mem0_peer` in mem0's own environment (`--mem0-python`; `make bench` builds it
under the cache: mem0's pins conflict with the service's). Prints a table with the
ratios, then one JSON line with every figure.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import grpc

from bench.workload import RAW, WARM_UP, observe_request, statements, throughput, timed
from devtools.neo4j import EmbeddedNeo4j, free_port
from selfmodel.v1 import self_model_service_pb2
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.service_process import ServiceProcess

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Client:
    def __init__(self, channel: grpc.Channel) -> None:
        self._stub = SelfModelServiceStub(channel)

    def model(self, user: str) -> str:
        request = self_model_service_pb2.GetOrCreateSelfModelRequest(
            external_user_id=user, scope="bench"
        )
        return self._stub.GetOrCreateSelfModel(request).name

    def observe(self, model: str, proposals: Sequence[str], content: str = "benchmark") -> None:
        self._stub.Observe(observe_request(model, proposals, content))

    def read(self, model: str) -> int:
        request = self_model_service_pb2.GetSelfModelRequest(name=model)
        return len(self._stub.GetSelfModel(request).beliefs)


@contextlib.contextmanager
def running_service(workdir: Path) -> Iterator[str]:
    """An own Neo4j and service on free loopback ports, authentication off; yields the
    service's address."""
    with running_service_and_neo4j(workdir) as (service, _):
        yield service.address


@contextlib.contextmanager
def running_service_and_neo4j(workdir: Path) -> Iterator[tuple[ServiceProcess, str]]:
    """As `running_service`; yields the service's process and Neo4j's Bolt URI."""
    with EmbeddedNeo4j(workdir / "neo4j", port=free_port()) as neo4j:
        service = ServiceProcess(
            neo4j.uri, workdir / "service.log", extra_env={"SELFMODEL_AUTH": "off"}
        )
        service.start()
        try:
            yield service, neo4j.uri
        finally:
            service.stop()


def selfmodel_figures(count: int, workdir: Path) -> dict[str, Any]:
    with running_service(workdir) as address, grpc.insecure_channel(address) as channel:
        client = Client(channel)
        warm = client.model("warm-up")
        # Neo4j's JIT and the service's caches warm up first: a service runs warm.
        for n in range(WARM_UP):
            client.observe(warm, [f"Warm-up statement {n}"])
            client.read(warm)
        one = client.model("one")
        out: dict[str, Any] = {}
        out["observe_1"] = timed([partial(client.observe, one, [s]) for s in statements(count)])
        out["beliefs_read"] = client.read(one)
        out["get_self_model"] = timed([partial(client.read, one)] * 50)
        eight = client.model("eight")
        batches = [statements(8, offset) for offset in range(0, count, 8)][:25]
        out["observe_8"] = timed([partial(client.observe, eight, b) for b in batches])
        raw = client.model("raw")
        out["observe_raw"] = timed(
            [partial(client.observe, raw, [], RAW.format(n)) for n in range(50)]
        )
        models = [client.model(f"concurrent-{n}") for n in range(8)]
        for concurrency in (8, 32):
            work = [
                partial(client.observe, models[n % 8], [f"Concurrent {concurrency}-{n}"])
                for n in range(160)
            ]
            out[f"observes_per_second_{concurrency}"] = throughput(work, concurrency)
        return out


def mem0_figures(python: str, count: int, workdir: Path) -> dict[str, Any] | None:
    if not python or not Path(python).exists():
        return None
    peer = ["-m", "bench.mem0_peer", "--statements", str(count), "--workdir", str(workdir / "mem0")]
    done = subprocess.run(
        [python, *peer],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"mem0 peer failed:\n{done.stderr[-2000:]}")
        return None
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


ROWS = (
    ("Observe, 1 new statement, p50 ms", ("observe_1", "p50"), ("add_1", "p50")),
    ("Observe, 1 new statement, p99 ms", ("observe_1", "p99"), ("add_1", "p99")),
    ("Observe, 8 statements, p50 ms", ("observe_8", "p50"), ("add_8", "p50")),
    ("Observe, raw (inferred), p50 ms", ("observe_raw", "p50"), ("add_raw", "p50")),
    ("GetSelfModel vs get_all, p50 ms", ("get_self_model", "p50"), ("get_all", "p50")),
    ("observes/s, 8 callers, 8 models", ("observes_per_second_8",), ("adds_per_second_8",)),
    ("observes/s, 32 callers, 8 models", ("observes_per_second_32",), ("adds_per_second_32",)),
)


def _figure(figures: dict[str, Any] | None, path: tuple[str, ...]) -> float | None:
    value: Any = figures
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return float(value)


def table(ours: dict[str, Any], peer: dict[str, Any] | None) -> str:
    lines = [f"{'':34} {'selfmodel':>10} {'mem0':>10} {'ratio':>7}"]
    for label, our_path, peer_path in ROWS:
        mine, theirs = _figure(ours, our_path), _figure(peer, peer_path)
        ratio = f"{mine / theirs:.2f}" if mine is not None and theirs else "—"
        shown = [f"{x:10.1f}" if x is not None else f"{'—':>10}" for x in (mine, theirs)]
        lines.append(f"{label:34} {shown[0]} {shown[1]} {ratio:>7}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=200)
    parser.add_argument("--mem0-python", default="", help="python of mem0's environment")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="selfmodel-bench-") as name:
        workdir = Path(name)
        ours = selfmodel_figures(arguments.statements, workdir)
        peer = mem0_figures(arguments.mem0_python, arguments.statements, workdir)
    print(table(ours, peer))
    print(json.dumps({"selfmodel": ours, "mem0": peer}))


if __name__ == "__main__":
    main()
