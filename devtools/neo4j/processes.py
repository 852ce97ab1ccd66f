"""Ports and pid files of the embedded Neo4j's JVM. Standard library only."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from devtools.neo4j.constants import DEFAULT_DATA_DIR, MAIN_CLASS, PID_FILE_NAME

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------- helpers


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free right now (another process may still grab it before you do)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def last_lines(text: str, count: int) -> str:
    return "\n".join(text.rstrip().splitlines()[-count:])


def tail(path: Path, count: int = 40) -> str:
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 64 * 1024))
            return last_lines(handle.read().decode("utf-8", "replace"), count)
    except OSError:
        return ""


def parse_size(size: str) -> int:
    """JVM-style memory size ("512m", "1g", "65536k", "1048576") in bytes."""
    units = {"k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
    text = size.strip().lower()
    multiplier = units.get(text[-1:], 1)
    digits = text[:-1] if text[-1:] in units else text
    if not digits.isdigit():
        raise ValueError(f"invalid JVM memory size: {size!r}")
    return int(digits) * multiplier


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (exited, not yet reaped) counts as gone
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _is_launcher(pid: int) -> bool:
    """Whether ``pid`` runs our launcher (guards against a stale pid file and pid reuse)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        if Path("/proc/self").exists():
            return False
        ps = subprocess.run(
            ["ps", "-o", "command=", "-p", str(pid)], capture_output=True, check=False
        )
        cmdline = ps.stdout
    except OSError:
        return False
    return MAIN_CLASS.encode() in cmdline


def _read_pid_file(data_dir: Path) -> int | None:
    try:
        return int((data_dir / PID_FILE_NAME).read_text().strip())
    except (OSError, ValueError):
        return None


def write_pid_file(data_dir: Path, pid: int) -> None:
    pid_file = data_dir / PID_FILE_NAME
    tmp = pid_file.with_name(f".{PID_FILE_NAME}.{os.getpid()}")
    tmp.write_text(f"{pid}\n")
    tmp.replace(pid_file)


def remove_pid_file(data_dir: Path, pid: int) -> None:
    if _read_pid_file(data_dir) == pid:
        with contextlib.suppress(OSError):
            (data_dir / PID_FILE_NAME).unlink()


def running_pid(data_dir: Path) -> int | None:
    pid = _read_pid_file(data_dir)
    if pid is not None and _pid_alive(pid) and _is_launcher(pid):
        return pid
    return None


def _terminate_pid(pid: int, timeout: float) -> bool:
    """SIGTERM ``pid`` (not our child) and wait; SIGKILL after ``timeout``. True if clean."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_alive(pid):
            return True
        time.sleep(0.1)
    log.warning("Neo4j (pid %d) did not stop within %.0fs; killing it", pid, timeout)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    while _pid_alive(pid):
        time.sleep(0.1)
    return False


def stop_from_pid_file(
    data_dir: Path | str = DEFAULT_DATA_DIR, timeout: float = 60.0
) -> int | None:
    """Stop the launcher whose pid is in ``data_dir``'s pid file; return its pid (None if none)."""
    data_dir = Path(data_dir).resolve()
    pid = running_pid(data_dir)
    if pid is None:
        stale = _read_pid_file(data_dir)
        if stale is not None:
            remove_pid_file(data_dir, stale)
        return None
    _terminate_pid(pid, timeout)
    remove_pid_file(data_dir, pid)
    return pid
