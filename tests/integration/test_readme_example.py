"""The Python example in README.md runs as written against the real service."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from tests.integration.auth import create_api_key

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def test_the_readme_python_example_learns_from_raw_observations(
    service_address: str, neo4j_uri: str, inspector_address: str
) -> None:
    [example] = re.findall(r"```python\n(.*?)```", README, re.DOTALL)
    assert 'ADDRESS = "localhost:50051"' in example
    assert "beliefs=" not in example  # nothing names a belief: the starter inventory infers
    example = example.replace("localhost:50051", service_address)
    # A tenant of its own: a new product whose scope has no inventory of its own yet.
    key = create_api_key(neo4j_uri, f"readme-{uuid.uuid4().hex[:8]}")
    completed = subprocess.run(
        [sys.executable, "-c", example],
        cwd=ROOT,
        env={**os.environ, "SELFMODEL_API_KEY": key},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.strip().splitlines()
    beliefs = [line.split(" ", 1) for line in lines if re.match(r"\d\.\d\d ", line)]
    statements = {statement for _, statement in beliefs}
    assert {"Prefers plain language over jargon", "Exploring advanced configuration"} <= statements
    assert all(0.5 < float(confidence) < 1 for confidence, _ in beliefs)
    adaptations = [line for line in lines if re.match(r"[a-z_]+: (active|cold) -> ", line)]
    assert len(adaptations) == 7  # one per starter inventory belief
    # The README shows what the example prints (confidences to the second decimal may
    # differ across CPUs).
    [shown] = re.findall(r"```text\n(.*?)```", README, re.DOTALL)

    def unrounded(text: list[str]) -> list[str]:
        return [re.sub(r"^\d\.\d\d ", "", line) for line in text]

    assert unrounded(shown.strip().splitlines()) == unrounded(lines)

    # The inspector page shows the model the example built, with what it learned.
    query = urllib.parse.urlencode({"external_user_id": "u-42", "scope": "acme-writer"})
    lookup = urllib.request.Request(
        f"http://{inspector_address}/lookup?{query}", headers={"Authorization": f"Bearer {key}"}
    )
    with urllib.request.urlopen(lookup, timeout=30) as reply:
        page = reply.read().decode()
        assert "/models/" in reply.geturl()
    for confidence, statement in beliefs:
        assert html.escape(statement) in page
        assert confidence in page
