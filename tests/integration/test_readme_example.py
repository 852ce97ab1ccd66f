"""The Python example in README.md runs as written against the real service."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_python_example_prints_the_belief(service_address: str, api_key: str) -> None:
    [example] = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)
    assert 'ADDRESS = "localhost:50051"' in example
    example = example.replace("localhost:50051", service_address)
    completed = subprocess.run(
        [sys.executable, "-c", example],
        cwd=ROOT,
        env={**os.environ, "SELFMODEL_API_KEY": api_key},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    confidence, statement = completed.stdout.strip().split(" ", 1)
    assert statement == "Prefers concise output formats"
    assert float(confidence) > 0.5
