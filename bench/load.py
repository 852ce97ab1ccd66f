"""Drives the service with ghz, the standard gRPC load tool, bounded in calls and time.

    python -m bench.load --ghz PATH [--total 400] [--concurrency 8]

Starts its own Neo4j and service on free loopback ports (authentication off), creates 8
self-models, then has ghz send `--total` Observe calls (one new statement each, spread
round-robin over the 8 models) from `--concurrency` workers, with the service's protos.
Prints ghz's summary (throughput, latency percentiles and status codes), then the
service's resident memory (now and at its peak).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import grpc

from bench.side_by_side import Client, running_service_and_neo4j

MODELS = 8
PROTOS = Path(__file__).resolve().parents[1] / "protos"
TIME_LIMIT_SECONDS = 300


def requests(models: list[str]) -> list[dict[str, object]]:
    """One Observe per model; ghz goes round-robin through them and numbers each call."""
    return [
        {
            "self_model": model,
            "observation": {"type": "OBSERVATION_TYPE_PREFERENCE", "content": "load"},
            "beliefs": [
                {
                    "statement": "Prefers answers about load topic {{.RequestNumber}}",
                    "stance": "STANCE_SUPPORTS",
                }
            ],
        }
        for model in models
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ghz", required=True, help="the ghz binary")
    parser.add_argument("--total", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="selfmodel-load-") as name:
        workdir = Path(name)
        with running_service_and_neo4j(workdir) as (service, _):
            address = service.address
            with grpc.insecure_channel(address) as channel:
                client = Client(channel)
                models = [client.model(f"load-{n}") for n in range(MODELS)]
            data = workdir / "requests.json"
            data.write_text(json.dumps(requests(models)))
            done = subprocess.run(
                [
                    arguments.ghz,
                    "--insecure",
                    "--import-paths",
                    str(PROTOS),
                    "--proto",
                    str(PROTOS / "selfmodel/v1/self_model_service.proto"),
                    "--call",
                    "selfmodel.v1.SelfModelService/Observe",
                    "--data-file",
                    str(data),
                    "--total",
                    str(arguments.total),
                    "--concurrency",
                    str(arguments.concurrency),
                    "--timeout",
                    "30s",
                    address,
                ],
                check=False,
                timeout=TIME_LIMIT_SECONDS,
            )
            memory = service.memory()
            print(
                f"Service memory after the run: RSS {memory['VmRSS'] / 2**20:.0f} MiB, "
                f"peak {memory['VmHWM'] / 2**20:.0f} MiB"
            )
            return done.returncode


if __name__ == "__main__":
    sys.exit(main())
