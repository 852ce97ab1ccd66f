"""The embedded Neo4j's command line: build, run, start, stop."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from devtools.neo4j.constants import (
    DEFAULT_DATA_DIR,
    NEO4J_VERSION,
    LauncherBuildError,
    Neo4jStartError,
)
from devtools.neo4j.dbms import EmbeddedNeo4j
from devtools.neo4j.launcher import build_launcher
from devtools.neo4j.processes import running_pid, stop_from_pid_file

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
            f"Neo4j {NEO4J_VERSION} ready at {neo4j.uri}{_browser(neo4j)} (data {neo4j.data_dir});"
            " Ctrl-C stops it"
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
    running = running_pid(neo4j.data_dir)
    if running is not None:
        print(f"Neo4j already running (pid {running}, data {neo4j.data_dir})")
        return 0
    neo4j.start()
    print(
        f"Neo4j {NEO4J_VERSION} ready at {neo4j.uri}{_browser(neo4j)}"
        f" (pid {neo4j.pid}, data {neo4j.data_dir})"
    )
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


def _browser(neo4j: EmbeddedNeo4j) -> str:
    return "" if neo4j.browser_url is None else f", Neo4j Browser at {neo4j.browser_url}"


def _from_args(args: argparse.Namespace, *, exit_with_parent: bool, detach: bool) -> EmbeddedNeo4j:
    return EmbeddedNeo4j(
        Path(args.data_dir),
        port=args.port,
        host=args.host,
        http_port=args.http_port,
        password=args.password,
        heap=args.heap,
        pagecache_mb=args.pagecache_mb,
        startup_timeout=args.timeout,
        exit_with_parent=exit_with_parent,
        detach=detach,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.neo4j",
        description=f"Embedded Neo4j Community {NEO4J_VERSION} with Bolt on loopback.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def server_command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR), help="Neo4j home")
        sub.add_argument("--host", default="127.0.0.1")
        sub.add_argument("--port", type=int, default=7687)
        sub.add_argument(
            "--http-port",
            type=int,
            help="serve Neo4j Browser over HTTP on this port (off if absent)",
        )
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
