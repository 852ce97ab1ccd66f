"""What a slow first `make run` / `make test` is doing: which download, how big, how long.

`python3 -m devtools.first_run --what W --expect E --watch DIR -- command...` runs the
command and, while it runs, reports how long it has taken and how much the watched
directories (the caches the download lands in) have grown:

    first run: Python packages into ~/.cache/selfmodel/venv-… (expect: about 3 GB, …)
      … 1m00s so far, 0 B written, 1.1 GB received
      done in 4m12s, 6.2 GB written, 3.1 GB received

Steps that only run when their output is missing (a Make file target) pass `--always`
and are announced at once. The others (a client build, the Neo4j launcher) are checked
on every run, so they are announced only once their caches grow (they download something):
later runs, with everything cached, stay quiet. Standard library only: it runs before
the project's virtual environment exists.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

SAMPLE_SECONDS = 2.0
REPORT_EVERY_SECONDS = 30.0
# A warm step may write a few files (a stamp, a compiled class); a download writes more.
# Time alone is no sign: a warm build under load can be slow and download nothing.
GROWTH_THAT_COUNTS = 1_000_000


def disk_usage(path: Path) -> int:
    """Bytes the files under `path` occupy (0 if it does not exist); links not followed."""
    total = 0
    stack = [path]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                else:
                    total += entry.stat(follow_symlinks=False).st_blocks * 512
            except OSError:
                continue
    return total


def received_bytes() -> int | None:
    """Bytes this machine has received over its network interfaces (loopback aside), or
    None where /proc/net/dev does not say. Machine-wide, so only a report, never a trigger:
    pip, for one, downloads into a temporary directory nobody can watch."""
    try:
        lines = Path("/proc/net/dev").read_text().splitlines()[2:]
    except OSError:
        return None
    total = 0
    for line in lines:
        interface, _, counters = line.partition(":")
        if interface.strip() != "lo" and counters.split():
            total += int(counters.split()[0])
    return total


def human_size(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit in ("B", "KB") else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def human_duration(seconds: float) -> str:
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m{rest:02d}s" if minutes else f"{rest}s"


def shown_path(text: str) -> str:
    return text.replace(str(Path.home()) + os.sep, "~" + os.sep)


class Progress:
    """Samples the watched directories and the time; says what it sees when it matters."""

    def __init__(
        self,
        what: str,
        expect: str,
        watched: Sequence[Path],
        *,
        always: bool,
        out: TextIO | None = None,
    ) -> None:
        self.what = what
        self.expect = expect
        self.watched = list(watched)
        self.announced = False
        self.returncode = 0
        self._always = always
        self._out = out or sys.stderr
        self._started = time.monotonic()
        self._baseline = self._size()
        self._received_at_start = received_bytes()
        self._last_report = self._started
        self._stop = threading.Event()

    def _size(self) -> int:
        return sum(disk_usage(path) for path in self.watched)

    def grown(self) -> int:
        return max(self._size() - self._baseline, 0)

    def amounts(self) -> str:
        """What has come so far: written into the watched caches, received over the net."""
        written = f"{human_size(self.grown())} written"
        now = received_bytes()
        if now is None or self._received_at_start is None:
            return written
        return f"{written}, {human_size(max(now - self._received_at_start, 0))} received"

    def _say(self, line: str) -> None:
        print(line, file=self._out, flush=True)

    def _announce(self) -> None:
        self.announced = True
        self._say(f"first run: {shown_path(self.what)} (expect: {self.expect})")

    def sample(self) -> None:
        """One look: announce once it counts, then report every REPORT_EVERY_SECONDS."""
        now = time.monotonic()
        if not self.announced and (self._always or self.grown() >= GROWTH_THAT_COUNTS):
            self._announce()
        if self.announced and now - self._last_report >= REPORT_EVERY_SECONDS:
            self._last_report = now
            elapsed = human_duration(now - self._started)
            self._say(f"  … {elapsed} so far, {self.amounts()}")

    def finish(self) -> None:
        self.sample()  # a quick step may have downloaded between two samples
        if not self.announced:
            return
        elapsed = human_duration(time.monotonic() - self._started)
        if self.returncode == 0:
            self._say(f"  done in {elapsed}, {self.amounts()}")
        else:
            self._say(f"  failed after {elapsed} (exit {self.returncode}), {self.amounts()}")

    def watch(self) -> None:
        if self._always:
            self._announce()
        while not self._stop.wait(SAMPLE_SECONDS):
            self.sample()

    def stop(self) -> None:
        self._stop.set()


@contextmanager
def reported(
    what: str, expect: str, watched: Sequence[Path], *, always: bool = False
) -> Iterator[Progress]:
    """Reports on the work done inside the block (devtools' own first-run steps)."""
    progress = Progress(what, expect, watched, always=always)
    watcher = threading.Thread(target=progress.watch, daemon=True)
    watcher.start()
    try:
        yield progress
    except BaseException:
        progress.returncode = progress.returncode or 1
        raise
    finally:
        progress.stop()
        watcher.join()
        progress.finish()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m devtools.first_run", description=__doc__)
    parser.add_argument("--what", required=True, help="the step, as a new user reads it")
    parser.add_argument("--expect", required=True, help="roughly how big and how long")
    parser.add_argument("--watch", action="append", default=[], help="a cache it fills")
    parser.add_argument("--always", action="store_true", help="announce at once")
    parser.add_argument("command", nargs="+", help="the command, after --")
    args = parser.parse_args(argv)
    watched = [Path(path).expanduser() for path in args.watch]
    with reported(args.what, args.expect, watched, always=args.always) as progress:
        progress.returncode = subprocess.call(args.command)
    return progress.returncode


if __name__ == "__main__":
    sys.exit(main())
