"""Runs the real selfmodel server as a child process on a loopback port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from devtools.neo4j import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 180.0


class ServiceProcess:
    """`python -m service` against a given Neo4j; ready once its health check says SERVING."""

    def __init__(
        self,
        neo4j_uri: str,
        log_path: Path,
        password: str = "",
        extra_env: dict[str, str] | None = None,
    ) -> None:
        """`extra_env` adds to (or overrides) the service's environment."""
        self.address = f"127.0.0.1:{free_port()}"
        self._neo4j_uri = neo4j_uri
        self._password = password
        self._log_path = log_path
        self._extra_env = dict(extra_env or {})
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, *, wait_until_serving: bool = True) -> None:
        environment = {
            **os.environ,
            "SELFMODEL_LISTEN": self.address,
            "SELFMODEL_NEO4J_URI": self._neo4j_uri,
            "SELFMODEL_NEO4J_PASSWORD": self._password,
            "HF_HUB_OFFLINE": "1",
            # Any free port: several services (and other clones' tests) may run at once.
            "SELFMODEL_METRICS_LISTEN": "127.0.0.1:0",
            **self._extra_env,
        }
        with self._log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "service"],
                cwd=PROJECT_ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        if wait_until_serving:
            self.wait_until_serving()

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        with grpc.insecure_channel(self.address) as channel:
            health = health_pb2_grpc.HealthStub(channel)
            while time.monotonic() < deadline:
                assert self._process is not None
                if self._process.poll() is not None:
                    raise RuntimeError(f"service exited early:\n{self.log_tail()}")
                try:
                    reply = health.Check(health_pb2.HealthCheckRequest(), timeout=1)
                    if reply.status == health_pb2.HealthCheckResponse.SERVING:
                        return
                except grpc.RpcError:
                    pass
                time.sleep(0.2)
        raise TimeoutError(
            f"service not serving after {START_TIMEOUT_SECONDS}s:\n{self.log_tail()}"
        )

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.send_signal(signal.SIGTERM)
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def memory(self) -> dict[str, int]:
        """The process's resident memory in bytes: now (VmRSS) and at its peak (VmHWM)."""
        assert self._process is not None
        status = Path(f"/proc/{self._process.pid}/status").read_text()
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        return {name: int(fields[name].split()[0]) * 1024 for name in ("VmRSS", "VmHWM")}

    @property
    def pid(self) -> int | None:
        """The process id while started, else None."""
        return None if self._process is None else self._process.pid

    @property
    def returncode(self) -> int | None:
        """The exit status once the process has ended, else None."""
        return None if self._process is None else self._process.poll()

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self._log_path.read_text(errors="replace").splitlines()[-lines:])
