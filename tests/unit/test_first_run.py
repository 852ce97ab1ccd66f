"""A first `make run` says what it downloads and how far it is; a warm run says nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from devtools import first_run

WRITE_TWO_MB = "import pathlib, sys; pathlib.Path(sys.argv[1]).write_bytes(bytes(2_000_000))"


@pytest.fixture(autouse=True)
def quick_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(first_run, "SAMPLE_SECONDS", 0.02)
    monkeypatch.setattr(first_run, "REPORT_EVERY_SECONDS", 0.0)


def run(tmp_path: Path, *options: str, script: str, argument: str = "") -> int:
    command = [sys.executable, "-c", f"{script}; import time; time.sleep(0.3)"]
    if argument:
        command.append(argument)
    described = ["--what", "Packages into the cache", "--expect", "about 2 MB; seconds"]
    return first_run.main([*described, "--watch", str(tmp_path), *options, "--", *command])


def test_a_step_that_downloads_says_what_how_big_and_how_long(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(tmp_path, script=WRITE_TWO_MB, argument=str(tmp_path / "package")) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "first run: Packages into the cache (expect: about 2 MB; seconds)"
    assert any(line.startswith("  … ") and "so far" in line for line in lines)
    assert lines[-1].startswith("  done in ") and ", 2.0 MB written" in lines[-1]


def test_a_warm_step_stays_quiet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path, script="pass") == 0
    assert capsys.readouterr().err == ""


def test_a_step_made_only_on_first_run_is_announced_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(tmp_path, "--always", script="pass") == 0
    assert capsys.readouterr().err.startswith("first run: Packages into the cache")


def test_a_failed_step_says_so_and_keeps_its_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failing = WRITE_TWO_MB + "; raise SystemExit(3)"
    assert run(tmp_path, script=failing, argument=str(tmp_path / "package")) == 3
    assert "  failed after " in capsys.readouterr().err


def test_paths_in_the_home_directory_are_shown_short() -> None:
    assert first_run.shown_path(f"venv in {Path.home()}/.cache/x") == "venv in ~/.cache/x"
    assert first_run.human_size(6_200_000_000) == "6.2 GB"
    assert first_run.human_duration(372) == "6m12s"
