"""`make run`'s Neo4j password: generated once, kept private, printed only when new."""

from __future__ import annotations

import stat
from pathlib import Path

from devtools.local_credentials import browser_notice, local_credentials

BROWSER = "http://127.0.0.1:7474/browser/"
BOLT = "bolt://127.0.0.1:7687"


def test_the_first_run_generates_a_private_password_and_prints_it_once(tmp_path: Path) -> None:
    path = tmp_path / ".data" / "neo4j-password"
    first = local_credentials(path, None)
    assert first.generated and len(first.password) >= 20
    assert path.read_text().strip() == first.password
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    notice = browser_notice(BROWSER, BOLT, first)
    assert f"{BROWSER}?dbms=bolt://neo4j@127.0.0.1:7687&db=neo4j" in notice
    assert f"user neo4j, password {first.password}" in notice
    assert str(path) in notice

    again = local_credentials(path, None)
    assert (again.password, again.generated) == (first.password, False)
    notice = browser_notice(BROWSER, BOLT, again)
    assert first.password not in notice
    assert f"{BROWSER}?dbms=bolt://neo4j@127.0.0.1:7687&db=neo4j" in notice
    assert f"the password in {path}" in notice


def test_the_variable_wins_and_nothing_is_written(tmp_path: Path) -> None:
    path = tmp_path / "neo4j-password"
    credentials = local_credentials(path, "chosen-by-me")
    assert (credentials.password, credentials.generated) == ("chosen-by-me", False)
    assert not path.exists()
    notice = browser_notice(BROWSER, BOLT, credentials)
    assert "chosen-by-me" not in notice
    assert "$SELFMODEL_NEO4J_PASSWORD" in notice


def test_each_clone_gets_its_own_password(tmp_path: Path) -> None:
    one = local_credentials(tmp_path / "a" / "neo4j-password", None)
    other = local_credentials(tmp_path / "b" / "neo4j-password", None)
    assert one.password != other.password
