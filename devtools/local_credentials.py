"""The password of `make run`'s embedded Neo4j, and what `make run` says about it.

Authentication is on because Neo4j Browser is served too: any local program (or web page)
could otherwise reach the graph. The password is `SELFMODEL_NEO4J_PASSWORD` when set, else
one generated at the first run and kept in a file only its owner can read.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from devtools.neo4j.constants import NEO4J_USER

PASSWORD_VARIABLE = "SELFMODEL_NEO4J_PASSWORD"


@dataclass(frozen=True)
class Credentials:
    password: str
    # Where the password comes from: the variable's name or the file's path.
    kept_in: str
    generated: bool  # by this run: the only time it is printed


def local_credentials(password_file: Path, from_environment: str | None) -> Credentials:
    """The variable's password when set (non-empty), else the file's, else a new one
    written to the file (mode 0600)."""
    if from_environment:
        return Credentials(from_environment, PASSWORD_VARIABLE, generated=False)
    if password_file.is_file():
        return Credentials(password_file.read_text().strip(), str(password_file), generated=False)
    password = secrets.token_urlsafe(18)
    password_file.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: never overwrite a password a concurrent first run just wrote.
    descriptor = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(password + "\n")
    return Credentials(password, str(password_file), generated=True)


def browser_notice(browser_url: str, bolt_uri: str, credentials: Credentials) -> str:
    """What `make run` prints once Neo4j is up: the Browser's address (with the connection
    filled in) every time, the password itself only on the run that generated it."""
    address = f"{browser_url}?dbms={bolt_uri.replace('://', f'://{NEO4J_USER}@', 1)}&db=neo4j"
    if credentials.generated:
        login = (
            f"user {NEO4J_USER}, password {credentials.password}"
            f" (generated now, kept in {credentials.kept_in})"
        )
    elif credentials.kept_in == PASSWORD_VARIABLE:
        login = f"user {NEO4J_USER}, the password in ${PASSWORD_VARIABLE}"
    else:
        login = f"user {NEO4J_USER}, the password in {credentials.kept_in}"
    return f"Neo4j Browser: {address}\n  log in as {login}"
