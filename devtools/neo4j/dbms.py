"""The embedded Neo4j as an object: start, stop, wait, as a context manager. Standard
library only."""

from __future__ import annotations

import contextlib
import logging
import signal
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from devtools.neo4j.constants import (
    ADD_OPENS,
    DEFAULT_DATA_DIR,
    JVM_OPTIONS,
    LAUNCHER_LOG_NAME,
    MAIN_CLASS,
    MAX_INITIAL_HEAP,
    NEO4J_USER,
    READY_MARKER,
    Neo4jStartError,
)
from devtools.neo4j.launcher import build_launcher, cds_paths, find_executable, launcher_classpath
from devtools.neo4j.processes import (
    last_lines,
    parse_size,
    port_open,
    remove_pid_file,
    running_pid,
    tail,
    write_pid_file,
)

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------- process


class EmbeddedNeo4j:
    """A Neo4j DBMS in a child JVM, serving Bolt on ``host:port`` and, with ``http_port``,
    Neo4j Browser at :attr:`browser_url` (HTTP on the same host; only the Browser's files).

    ``data_dir`` is the Neo4j home (created if missing). Without ``password`` authentication
    is disabled; with it, auth is on and user ``neo4j`` gets that password (set on every
    start). ``exit_with_parent`` makes the JVM shut down cleanly when this Python process
    exits, even if :meth:`stop` was never called; ``detach`` puts it in its own session so it
    does not get the terminal's Ctrl-C (use both for a background server: ``detach=True,
    exit_with_parent=False``). ``cds`` uses (and on first build trains) a JVM class-data-sharing
    archive for faster starts.
    """

    def __init__(
        self,
        data_dir: Path | str = DEFAULT_DATA_DIR,
        port: int = 7687,
        host: str = "127.0.0.1",
        password: str | None = None,
        heap: str = "512m",
        *,
        http_port: int | None = None,
        pagecache_mb: int = 64,
        startup_timeout: float = 120.0,
        stop_timeout: float = 60.0,
        exit_with_parent: bool = True,
        detach: bool = False,
        cds: bool = True,
        jvm_args: Sequence[str] = (),
    ) -> None:
        if password is not None and (not password or "\n" in password or "\r" in password):
            raise ValueError("password must be non-empty and must not contain newlines")
        if http_port is not None and not 0 < http_port < 65536:
            raise ValueError(
                "http_port must be a fixed port: the Browser is told the advertised one"
            )
        parse_size(heap)  # validate early
        self.data_dir = Path(data_dir).resolve()
        self.port = port
        self.host = host
        self.http_port = http_port
        self.password = password
        self.heap = heap
        self.pagecache_mb = pagecache_mb
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.exit_with_parent = exit_with_parent
        self.detach = detach
        self.cds = cds
        self.jvm_args = tuple(jvm_args)
        self._process: subprocess.Popen[bytes] | None = None
        self._cds_dump: Path | None = None  # set while training the archive

    # ----------------------------------------------------------------- properties

    @property
    def uri(self) -> str:
        return f"bolt://{self._host_in_url}:{self.port}"

    @property
    def browser_url(self) -> str | None:
        """Neo4j Browser's address, or None without ``http_port``."""
        if self.http_port is None:
            return None
        return f"http://{self._host_in_url}:{self.http_port}/browser/"

    @property
    def _host_in_url(self) -> str:
        return f"[{self.host}]" if ":" in self.host else self.host

    @property
    def auth(self) -> tuple[str, str] | None:
        """``(user, password)`` for the driver, or None when auth is disabled."""
        return None if self.password is None else (NEO4J_USER, self.password)

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    @property
    def log_file(self) -> Path:
        """The JVM's stdout/stderr; Neo4j's own logs are in ``data_dir/logs``."""
        return self.data_dir / LAUNCHER_LOG_NAME

    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    # ----------------------------------------------------------------- lifecycle

    def command(self, build_dir: Path) -> list[str]:
        """The JVM command line (the password goes over stdin, never on the command line)."""
        java = find_executable("java", "JAVA_HOME")
        initial_heap = min(parse_size(self.heap), MAX_INITIAL_HEAP)
        cds_options: list[str] = []
        if self._cds_dump is not None:
            cds_options.append(f"-XX:ArchiveClassesAtExit={self._cds_dump}")
        elif self.cds:
            archive, _ = cds_paths(build_dir)
            if archive.is_file():
                cds_options.append(f"-XX:SharedArchiveFile={archive}")
        command = [
            java,
            f"-Xmx{self.heap}",
            f"-Xms{initial_heap // 1024}k",
            *JVM_OPTIONS,
            *cds_options,
            *(f"--add-opens={module}" for module in ADD_OPENS),
            *self.jvm_args,
            "-cp",
            launcher_classpath(build_dir),
            MAIN_CLASS,
            "--data-dir",
            str(self.data_dir),
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--pagecache-mb",
            str(self.pagecache_mb),
        ]
        if self.http_port is not None:
            command += ["--http-port", str(self.http_port)]
        if self.password is not None:
            command.append("--auth-password-stdin")
        if self.exit_with_parent:
            command.append("--exit-with-parent")
        if self._cds_dump is not None:
            command.append("--warmup")
        return command

    def start(self) -> None:
        """Build the launcher if needed, start the JVM and wait until Bolt answers."""
        if self.is_running():
            raise Neo4jStartError(f"Neo4j is already running (pid {self.pid})")
        self._launch(build_launcher(cds=self.cds))

    def _launch(self, build_dir: Path) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        other = running_pid(self.data_dir)
        if other is not None:
            raise Neo4jStartError(
                f"another Neo4j (pid {other}) is already running on {self.data_dir}; "
                f"stop it with `python -m devtools.neo4j stop --data-dir {self.data_dir}`"
            )
        command = self.command(build_dir)
        with self.log_file.open("ab") as output:
            offset = output.tell()
            process = subprocess.Popen(
                command,
                cwd=self.data_dir,
                stdin=subprocess.PIPE if self.password is not None else subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=self.detach,
            )
        self._process = process
        try:
            if process.stdin is not None:
                with contextlib.suppress(BrokenPipeError):
                    process.stdin.write(f"{self.password}\n".encode())
                with contextlib.suppress(BrokenPipeError):
                    process.stdin.close()
            self._wait_ready(process, offset)
            # Only once ready: a second start on the same directory fails on Neo4j's store
            # lock and must not clobber the running instance's pid file.
            write_pid_file(self.data_dir, process.pid)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, process: subprocess.Popen[bytes], offset: int) -> None:
        started = time.monotonic()
        deadline = started + self.startup_timeout
        ready_line = False
        while True:
            if not ready_line:
                with self.log_file.open("rb") as handle:
                    handle.seek(offset)
                    ready_line = f"{READY_MARKER} ".encode() in handle.read()
            if ready_line and port_open(self.host, self.port):
                log.info("Neo4j ready at %s in %.1fs", self.uri, time.monotonic() - started)
                return
            code = process.poll()
            if code is not None:
                raise Neo4jStartError(self._failure(f"Neo4j exited with code {code}", offset))
            if time.monotonic() > deadline:
                raise Neo4jStartError(
                    self._failure(f"Neo4j not ready after {self.startup_timeout:.0f}s", offset)
                )
            time.sleep(0.1)

    def _failure(self, reason: str, offset: int) -> str:
        try:
            with self.log_file.open("rb") as handle:
                handle.seek(offset)
                output = handle.read().decode("utf-8", "replace")
        except OSError:
            output = ""
        debug_log = self.data_dir / "logs" / "debug.log"
        causes = [line.strip() for line in output.splitlines() if line.startswith("Caused by:")]
        cause = f"\n{causes[-1]}" if causes else ""  # the root cause, e.g. port in use
        return (
            f"{reason} (data dir {self.data_dir}, {self.uri}).{cause}\n"
            f"--- {self.log_file} ---\n{last_lines(output, 40) or '(empty)'}\n"
            f"--- last lines of {debug_log} ---\n{tail(debug_log, 15) or '(missing)'}"
        )

    def stop(self, timeout: float | None = None) -> int | None:
        """SIGTERM the JVM and wait (SIGKILL after ``timeout``); return its exit code."""
        process = self._process
        if process is None:
            return None
        timeout = self.stop_timeout if timeout is None else timeout
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                log.warning(
                    "Neo4j (pid %d) did not stop within %.0fs; killing it", process.pid, timeout
                )
                process.kill()
                process.wait()
        remove_pid_file(self.data_dir, process.pid)
        self._process = None
        return process.returncode

    def wait(self) -> int:
        """Block until the JVM exits; return its exit code."""
        if self._process is None:
            raise RuntimeError("Neo4j was not started")
        return self._process.wait()

    def __enter__(self) -> EmbeddedNeo4j:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"EmbeddedNeo4j({self.uri}, data_dir={str(self.data_dir)!r}, pid={self.pid})"
