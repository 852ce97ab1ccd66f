"""Run a real Neo4j Community DBMS embedded in a small Java launcher, Bolt on loopback.

Standard library only: this runs before the project's virtualenv may exist.

The launcher (``store/embedded``) is compiled with Maven into a cache directory outside the
repository, ``$SELFMODEL_CACHE_DIR/neo4j-launcher/<hash>/`` (default cache
``~/.cache/selfmodel``), keyed by a hash of its pom.xml and Java sources. The directory holds
the Maven output (``target/classes``, also zipped as ``launcher.jar``), ``classpath.txt`` from
``mvn dependency:build-classpath`` (jars in ``~/.m2``; no fat jar, Neo4j relies on service
loaders) and a JVM class-data-sharing archive ``cds-<java>.jsa`` trained once after the build
(it roughly halves start-up time; set ``cds=False`` to skip it).

Library use::

    with EmbeddedNeo4j(Path(".data/neo4j"), port=free_port()) as neo4j:
        driver = GraphDatabase.driver(neo4j.uri, auth=neo4j.auth)

Command line (default data dir ``.data/neo4j``, relative to the working directory)::

    python -m store.embedded_neo4j build
    python -m store.embedded_neo4j run   [--data-dir D] [--port 7687] [--password X]
    python -m store.embedded_neo4j start [--data-dir D] [--port 7687] [--password X]
    python -m store.embedded_neo4j stop  [--data-dir D]

The data directory is the Neo4j home: ``data/`` (stores, transaction logs), ``logs/``
(``debug.log`` etc.), plus ``launcher.log`` (the JVM's stdout/stderr) and ``neo4j.pid``.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType, TracebackType

__all__ = [
    "DEFAULT_DATA_DIR",
    "NEO4J_VERSION",
    "EmbeddedNeo4j",
    "LauncherBuildError",
    "Neo4jStartError",
    "build_launcher",
    "free_port",
    "launcher_classpath",
    "stop_from_pid_file",
]

log = logging.getLogger(__name__)

#: Pinned in store/embedded/pom.xml; informational here.
NEO4J_VERSION = "5.26.31"
MAIN_CLASS = "dev.selfmodel.embedded.EmbeddedNeo4j"
READY_MARKER = "NEO4J_READY"
LAUNCHER_SOURCE_DIR = Path(__file__).resolve().parent / "embedded"
DEFAULT_DATA_DIR = Path(".data/neo4j")
PID_FILE_NAME = "neo4j.pid"
LAUNCHER_LOG_NAME = "launcher.log"
NEO4J_USER = "neo4j"

# Bumped when the layout of the build directory changes, so old caches are not reused.
_BUILD_LAYOUT = b"neo4j-launcher-layout-2"
_BUILD_MARKER = "BUILD_OK"
_CLASSPATH_FILE = "classpath.txt"
_LAUNCHER_JAR = "launcher.jar"
_MAIN_CLASS_FILE = MAIN_CLASS.replace(".", "/") + ".class"

_ADD_OPENS = (
    "java.base/java.nio=ALL-UNNAMED",
    "java.base/sun.nio.ch=ALL-UNNAMED",
    "java.base/java.io=ALL-UNNAMED",
    "java.base/java.lang=ALL-UNNAMED",
    "java.base/java.util=ALL-UNNAMED",
    "java.base/java.util.concurrent=ALL-UNNAMED",
)
# Small-footprint JVM; most -D flags are the ones Neo4j's own neo4j.conf ships with.
_JVM_OPTIONS = (
    "-XX:+UseSerialGC",
    "-XX:-OmitStackTraceInFastThrow",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
    "-Djava.awt.headless=true",
)
_MAX_INITIAL_HEAP = 128 * 1024 * 1024


class LauncherBuildError(RuntimeError):
    """The Java launcher could not be built (Maven missing or the build failed)."""


class Neo4jStartError(RuntimeError):
    """Neo4j did not come up (process died, timed out, or is already running)."""


# --------------------------------------------------------------------------- build


def cache_dir() -> Path:
    """``$SELFMODEL_CACHE_DIR`` or ``~/.cache/selfmodel``."""
    configured = os.environ.get("SELFMODEL_CACHE_DIR")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "selfmodel"


def _launcher_sources(source_dir: Path) -> list[Path]:
    pom = source_dir / "pom.xml"
    if not pom.is_file():
        raise LauncherBuildError(f"launcher sources not found: {pom} is missing")
    java = sorted(p for p in (source_dir / "src").rglob("*") if p.is_file())
    return [pom, *java]


def launcher_hash(source_dir: Path = LAUNCHER_SOURCE_DIR) -> str:
    """Hash of the launcher's pom.xml and sources (the build cache key)."""
    digest = hashlib.sha256(_BUILD_LAYOUT)
    for path in _launcher_sources(source_dir):
        digest.update(b"\0" + path.relative_to(source_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _build_is_complete(build_dir: Path) -> bool:
    if not (build_dir / _BUILD_MARKER).is_file():
        return False
    try:
        entries = _read_classpath(build_dir)
    except OSError:
        return False
    # ~/.m2 may have been cleaned since the build.
    return all(Path(entry).exists() for entry in entries)


def _read_classpath(build_dir: Path) -> list[str]:
    text = (build_dir / _CLASSPATH_FILE).read_text(encoding="utf-8").strip()
    return [str(build_dir / _LAUNCHER_JAR), *(e for e in text.split(os.pathsep) if e)]


def launcher_classpath(build_dir: Path) -> str:
    """The JVM classpath of a launcher built by :func:`build_launcher`."""
    return os.pathsep.join(_read_classpath(build_dir))


@contextlib.contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    with path.open("a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _find_executable(name: str, home_env: str) -> str:
    home = os.environ.get(home_env)
    if home:
        candidate = Path(home) / "bin" / name
        if os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(
            f"`{name}` not found on PATH (nor in ${home_env}/bin); "
            f"install a JDK 17+ and Maven 3.8+ to run the embedded Neo4j"
        )
    return found


def _cds_paths(build_dir: Path) -> tuple[Path, Path]:
    """The class-data-sharing archive for the current ``java`` and its "training failed" marker."""
    java = Path(_find_executable("java", "JAVA_HOME")).resolve()
    stat = java.stat()
    key = hashlib.sha256(f"{java}\0{stat.st_size}\0{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    return build_dir / f"cds-{key}.jsa", build_dir / f"cds-{key}.failed"


def _cds_settled(build_dir: Path) -> bool:
    archive, failed = _cds_paths(build_dir)
    return archive.is_file() or failed.is_file()


def build_launcher(
    source_dir: Path = LAUNCHER_SOURCE_DIR, *, force: bool = False, cds: bool = True
) -> Path:
    """Compile the launcher (if needed) and return its build directory.

    With ``cds`` (default) the first build also trains a JVM class-data-sharing archive by
    starting Neo4j once on a scratch directory (~15 s), which roughly halves later start times.
    If training fails, Neo4j simply starts without the archive.

    Safe to call from several processes at once: builds are serialised with a file lock and
    each build happens in a temporary directory that is renamed into place when complete.
    """
    key = launcher_hash(source_dir)
    root = cache_dir() / "neo4j-launcher"
    build_dir = root / key
    if not force and _build_is_complete(build_dir) and (not cds or _cds_settled(build_dir)):
        return build_dir
    root.mkdir(parents=True, exist_ok=True)
    with _exclusive_lock(root / f"{key}.lock"):
        if force or not _build_is_complete(build_dir):
            _compile(source_dir, root, build_dir)
        if cds and not _cds_settled(build_dir):
            _train_cds_archive(build_dir)
    return build_dir


def _compile(source_dir: Path, root: Path, build_dir: Path) -> None:
    try:
        mvn = _find_executable("mvn", "MAVEN_HOME")
    except FileNotFoundError as exc:
        raise LauncherBuildError(str(exc)) from exc
    work = Path(tempfile.mkdtemp(prefix=f".build-{build_dir.name}-", dir=root))
    work.chmod(0o755)
    try:
        shutil.copy2(source_dir / "pom.xml", work / "pom.xml")
        shutil.copytree(source_dir / "src", work / "src")
        command = [
            mvn,
            "-B",
            "-q",
            "-Dstyle.color=never",
            "-f",
            str(work / "pom.xml"),
            "compile",
            "dependency:build-classpath",
            "-Dmdep.includeScope=runtime",
            f"-Dmdep.outputFile={work / _CLASSPATH_FILE}",
        ]
        log.info("building the Neo4j launcher in %s (first build downloads Neo4j)", build_dir)
        started = time.monotonic()
        result = subprocess.run(
            command,
            cwd=work,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            check=False,
        )
        output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout.decode("utf-8", "replace"))
        classes = work / "target" / "classes"
        if result.returncode != 0 or not (classes / _MAIN_CLASS_FILE).is_file():
            raise LauncherBuildError(
                f"building the Neo4j launcher failed (exit code {result.returncode}):\n"
                f"  {' '.join(command)}\n{_last_lines(output, 60)}"
            )
        # A jar, not the classes directory: JVM class-data sharing only archives from jars.
        with zipfile.ZipFile(work / _LAUNCHER_JAR, "w", zipfile.ZIP_DEFLATED) as jar:
            for path in sorted(classes.rglob("*")):
                if path.is_file():
                    jar.write(path, path.relative_to(classes).as_posix())
        (work / _BUILD_MARKER).write_text(f"neo4j {NEO4J_VERSION}\n", encoding="utf-8")
        if build_dir.exists():  # forced rebuild, or an incomplete/stale build
            stale = Path(tempfile.mkdtemp(prefix=f".stale-{build_dir.name}-", dir=root))
            build_dir.rename(stale / "old")
            shutil.rmtree(stale, ignore_errors=True)
        work.rename(build_dir)
        log.info("built the Neo4j launcher in %.1fs", time.monotonic() - started)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


def _train_cds_archive(build_dir: Path) -> None:
    """Start Neo4j once on a scratch directory with a small workload, dumping loaded classes."""
    archive, failed = _cds_paths(build_dir)
    dump = archive.with_name(f".{archive.name}.{os.getpid()}.tmp")
    log.info("training a class-data-sharing archive for faster Neo4j starts")
    started = time.monotonic()
    error = ""
    with tempfile.TemporaryDirectory(prefix="neo4j-cds-training-") as scratch:
        neo4j = EmbeddedNeo4j(Path(scratch), port=free_port(), startup_timeout=300.0)
        neo4j._cds_dump = dump
        try:
            neo4j._launch(build_dir)
            _bolt_handshake(neo4j.host, neo4j.port)
        except (Neo4jStartError, OSError) as exc:
            error = str(exc)
        finally:
            neo4j.stop(timeout=300.0)
    if not error and dump.is_file() and dump.stat().st_size > 0:
        dump.replace(archive)
        log.info("trained the class-data-sharing archive in %.1fs", time.monotonic() - started)
        return
    dump.unlink(missing_ok=True)
    error = error or "the JVM wrote no archive"
    failed.write_text(error + "\n", encoding="utf-8")
    log.warning("class-data-sharing training failed; Neo4j starts without it: %s", error)


def _bolt_handshake(host: str, port: int) -> None:
    """A Bolt version handshake (so training also loads the Bolt connection classes)."""
    with socket.create_connection((host, port), timeout=10.0) as sock:
        # Magic preamble, then proposals: 5.8 down to 5.0, 4.4 down to 4.0, two empty slots.
        sock.sendall(b"\x60\x60\xb0\x17" + b"\x00\x08\x08\x05" + b"\x00\x04\x04\x04" + bytes(8))
        sock.recv(4)


# --------------------------------------------------------------------------- helpers


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free right now (another process may still grab it before you do)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def _last_lines(text: str, count: int) -> str:
    return "\n".join(text.rstrip().splitlines()[-count:])


def _tail(path: Path, count: int = 40) -> str:
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 64 * 1024))
            return _last_lines(handle.read().decode("utf-8", "replace"), count)
    except OSError:
        return ""


def _parse_size(size: str) -> int:
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


def _write_pid_file(data_dir: Path, pid: int) -> None:
    pid_file = data_dir / PID_FILE_NAME
    tmp = pid_file.with_name(f".{PID_FILE_NAME}.{os.getpid()}")
    tmp.write_text(f"{pid}\n")
    tmp.replace(pid_file)


def _remove_pid_file(data_dir: Path, pid: int) -> None:
    if _read_pid_file(data_dir) == pid:
        with contextlib.suppress(OSError):
            (data_dir / PID_FILE_NAME).unlink()


def _running_pid(data_dir: Path) -> int | None:
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
    pid = _running_pid(data_dir)
    if pid is None:
        stale = _read_pid_file(data_dir)
        if stale is not None:
            _remove_pid_file(data_dir, stale)
        return None
    _terminate_pid(pid, timeout)
    _remove_pid_file(data_dir, pid)
    return pid


# --------------------------------------------------------------------------- process


class EmbeddedNeo4j:
    """A Neo4j DBMS in a child JVM, serving Bolt on ``host:port``.

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
        _parse_size(heap)  # validate early
        self.data_dir = Path(data_dir).resolve()
        self.port = port
        self.host = host
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
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"bolt://{host}:{self.port}"

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
        java = _find_executable("java", "JAVA_HOME")
        initial_heap = min(_parse_size(self.heap), _MAX_INITIAL_HEAP)
        cds_options: list[str] = []
        if self._cds_dump is not None:
            cds_options.append(f"-XX:ArchiveClassesAtExit={self._cds_dump}")
        elif self.cds:
            archive, _ = _cds_paths(build_dir)
            if archive.is_file():
                cds_options.append(f"-XX:SharedArchiveFile={archive}")
        command = [
            java,
            f"-Xmx{self.heap}",
            f"-Xms{initial_heap // 1024}k",
            *_JVM_OPTIONS,
            *cds_options,
            *(f"--add-opens={module}" for module in _ADD_OPENS),
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
        other = _running_pid(self.data_dir)
        if other is not None:
            raise Neo4jStartError(
                f"another Neo4j (pid {other}) is already running on {self.data_dir}; "
                f"stop it with `python -m store.embedded_neo4j stop --data-dir {self.data_dir}`"
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
            _write_pid_file(self.data_dir, process.pid)
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
            if ready_line and _port_open(self.host, self.port):
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
            f"--- {self.log_file} ---\n{_last_lines(output, 40) or '(empty)'}\n"
            f"--- last lines of {debug_log} ---\n{_tail(debug_log, 15) or '(missing)'}"
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
        _remove_pid_file(self.data_dir, process.pid)
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


# --------------------------------------------------------------------------- CLI


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _cmd_run(args: argparse.Namespace) -> int:
    neo4j = _from_args(args, exit_with_parent=True, detach=False)
    # Explicitly: a shell starting us in the background leaves SIGINT ignored.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        neo4j.start()
        print(
            f"Neo4j {NEO4J_VERSION} ready at {neo4j.uri} (data {neo4j.data_dir}); Ctrl-C stops it"
        )
        sys.stdout.flush()
        code = neo4j.wait()
        print(f"Neo4j exited with code {code}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        print("stopping Neo4j ...", file=sys.stderr)
        return 0
    finally:
        neo4j.stop()


def _cmd_start(args: argparse.Namespace) -> int:
    neo4j = _from_args(args, exit_with_parent=False, detach=True)
    running = _running_pid(neo4j.data_dir)
    if running is not None:
        print(f"Neo4j already running (pid {running}, data {neo4j.data_dir})")
        return 0
    neo4j.start()
    print(f"Neo4j {NEO4J_VERSION} ready at {neo4j.uri} (pid {neo4j.pid}, data {neo4j.data_dir})")
    return 0


def _cmd_stop(args: argparse.Namespace) -> int:
    pid = stop_from_pid_file(Path(args.data_dir), timeout=args.timeout)
    if pid is None:
        print(f"Neo4j not running (data {Path(args.data_dir).resolve()})")
    else:
        print(f"Neo4j stopped (pid {pid})")
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    print(build_launcher(force=args.force, cds=not args.no_cds))
    return 0


def _from_args(args: argparse.Namespace, *, exit_with_parent: bool, detach: bool) -> EmbeddedNeo4j:
    return EmbeddedNeo4j(
        Path(args.data_dir),
        port=args.port,
        host=args.host,
        password=args.password,
        heap=args.heap,
        pagecache_mb=args.pagecache_mb,
        startup_timeout=args.timeout,
        exit_with_parent=exit_with_parent,
        detach=detach,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m store.embedded_neo4j",
        description=f"Embedded Neo4j Community {NEO4J_VERSION} with Bolt on loopback.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def server_command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR), help="Neo4j home")
        sub.add_argument("--host", default="127.0.0.1")
        sub.add_argument("--port", type=int, default=7687)
        sub.add_argument("--password", help="enable auth; password of user neo4j")
        sub.add_argument("--heap", default="512m", help="JVM -Xmx")
        sub.add_argument("--pagecache-mb", type=int, default=64)
        sub.add_argument("--timeout", type=float, default=120.0, help="startup timeout (s)")
        return sub

    server_command("run", "run in the foreground until Ctrl-C/SIGTERM").set_defaults(
        handler=_cmd_run
    )
    server_command("start", "start in the background; returns once Bolt answers").set_defaults(
        handler=_cmd_start
    )
    stop = commands.add_parser("stop", help="stop the background instance (pid file)")
    stop.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    stop.add_argument("--timeout", type=float, default=60.0, help="SIGKILL after (s)")
    stop.set_defaults(handler=_cmd_stop)
    build = commands.add_parser("build", help="build the launcher (cached)")
    build.add_argument("--force", action="store_true", help="rebuild even if cached")
    build.add_argument("--no-cds", action="store_true", help="skip class-data-sharing training")
    build.set_defaults(handler=_cmd_build)

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        code: int = args.handler(args)
    except (LauncherBuildError, Neo4jStartError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
