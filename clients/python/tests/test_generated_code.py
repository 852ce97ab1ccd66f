"""The stubs the package ships are exactly what `generate` makes from today's protos."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CLIENT = Path(__file__).resolve().parents[1]
SHIPPED = CLIENT / "src" / "selfmodel_client" / "_proto"


def files_under(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_shipped_stubs_match_the_protos(tmp_path: Path) -> None:
    fresh = tmp_path / "_proto"
    subprocess.run(
        [str(CLIENT / "generate"), str(fresh)],
        env={"PYTHON": sys.executable, "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
    )
    shipped, generated = files_under(SHIPPED), files_under(fresh)
    assert shipped.keys() == generated.keys(), "run clients/python/generate"
    stale = [name for name in shipped if shipped[name] != generated[name]]
    assert stale == [], f"stale generated files (run clients/python/generate): {stale}"


def test_the_stubs_use_the_package_path_not_a_top_level_selfmodel() -> None:
    for path in SHIPPED.rglob("*.py*"):
        text = path.read_text()
        assert "from selfmodel.v1 import" not in text, path
        assert "import selfmodel.v1" not in text, path
