"""Builds the Java launcher of the embedded Neo4j (Maven) into the cache, with a trained
class-data-sharing archive. Standard library only."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

from devtools.neo4j.constants import (
    BUILD_LAYOUT,
    BUILD_MARKER,
    CLASSPATH_FILE,
    LAUNCHER_JAR,
    LAUNCHER_SOURCE_DIR,
    MAIN_CLASS_FILE,
    NEO4J_VERSION,
    LauncherBuildError,
    Neo4jStartError,
)
from devtools.neo4j.processes import free_port, last_lines

log = logging.getLogger(__name__)

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
    digest = hashlib.sha256(BUILD_LAYOUT)
    for path in _launcher_sources(source_dir):
        digest.update(b"\0" + path.relative_to(source_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _build_is_complete(build_dir: Path) -> bool:
    if not (build_dir / BUILD_MARKER).is_file():
        return False
    try:
        entries = _read_classpath(build_dir)
    except OSError:
        return False
    # ~/.m2 may have been cleaned since the build.
    return all(Path(entry).exists() for entry in entries)


def _read_classpath(build_dir: Path) -> list[str]:
    text = (build_dir / CLASSPATH_FILE).read_text(encoding="utf-8").strip()
    return [str(build_dir / LAUNCHER_JAR), *(e for e in text.split(os.pathsep) if e)]


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


def find_executable(name: str, home_env: str) -> str:
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


def cds_paths(build_dir: Path) -> tuple[Path, Path]:
    """The class-data-sharing archive for the current ``java`` and its "training failed" marker."""
    java = Path(find_executable("java", "JAVA_HOME")).resolve()
    stat = java.stat()
    key = hashlib.sha256(f"{java}\0{stat.st_size}\0{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    return build_dir / f"cds-{key}.jsa", build_dir / f"cds-{key}.failed"


def _cds_settled(build_dir: Path) -> bool:
    archive, failed = cds_paths(build_dir)
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
        mvn = find_executable("mvn", "MAVEN_HOME")
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
            f"-Dmdep.outputFile={work / CLASSPATH_FILE}",
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
        if result.returncode != 0 or not (classes / MAIN_CLASS_FILE).is_file():
            raise LauncherBuildError(
                f"building the Neo4j launcher failed (exit code {result.returncode}):\n"
                f"  {' '.join(command)}\n{last_lines(output, 60)}"
            )
        # A jar, not the classes directory: JVM class-data sharing only archives from jars.
        with zipfile.ZipFile(work / LAUNCHER_JAR, "w", zipfile.ZIP_DEFLATED) as jar:
            for path in sorted(classes.rglob("*")):
                if path.is_file():
                    jar.write(path, path.relative_to(classes).as_posix())
        (work / BUILD_MARKER).write_text(f"neo4j {NEO4J_VERSION}\n", encoding="utf-8")
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
    from devtools.neo4j.dbms import EmbeddedNeo4j  # it builds with this module

    archive, failed = cds_paths(build_dir)
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
