"""The TypeScript package @selfmodel/client (clients/typescript, built by `make clients`).

Its own tests (node's test runner, compiled into clients/typescript/out/test/) run against
the live service with a key of their own; and its npm tarball installs into a new project,
where it imports and type-checks.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.integration.auth import create_api_key
from tests.integration.commands import output_of, run

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "clients" / "typescript"
NODE_TESTS_TIMEOUT_SECONDS = 300
NPM_TIMEOUT_SECONDS = 300
# The package's own tests: live ones, and ones against a server that fails on purpose.
MIN_NODE_TESTS = 19

CONSUMER = """\
import {
  SelfModelClient, SelfModelError, UnauthenticatedError, status, type SelfModel,
} from "@selfmodel/client";

const client = new SelfModelClient("127.0.0.1:9", { apiKey: "smk_example" });
const model: Promise<SelfModel> = client.getOrCreate("u-42", "acme-writer", { timeoutMs: 1_000 });
model.catch((error: unknown) => {
  // Nothing listens on port 9: UNAVAILABLE, or the deadline first.
  console.log(`rejected with a SelfModelError: ${error instanceof SelfModelError}`);
  client.close();
});
console.log(new UnauthenticatedError(status.UNAUTHENTICATED, "no key").message);
"""


def counter(name: str, tap: str) -> int:
    found = re.search(rf"^# {name} (\d+)$", tap, re.MULTILINE)
    assert found is not None, f"no '# {name}' line in:\n{tap}"
    return int(found.group(1))


def test_the_node_tests_pass_against_the_service(service_address: str, neo4j_uri: str) -> None:
    tests = sorted(str(path) for path in (PACKAGE / "out" / "test").glob("*.test.js"))
    assert tests, "clients/typescript/out/test/ holds no tests: run make clients"
    completed = run(
        ["node", "--test", "--test-reporter=tap", *tests],
        PACKAGE,
        NODE_TESTS_TIMEOUT_SECONDS,
        {
            "SELFMODEL_ADDRESS": service_address,
            "SELFMODEL_API_KEY": create_api_key(neo4j_uri, "typescript-sdk"),
        },
    )
    assert completed.returncode == 0, output_of(completed)
    assert counter("fail", completed.stdout) == 0, output_of(completed)
    assert counter("skipped", completed.stdout) == 0, output_of(completed)
    assert counter("pass", completed.stdout) >= MIN_NODE_TESTS, output_of(completed)


@pytest.fixture(scope="module")
def tarball(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """`npm pack` of the built package: the tarball and the paths inside it."""
    destination = tmp_path_factory.mktemp("pack")
    completed = run(
        ["npm", "pack", "--json", "--pack-destination", str(destination)],
        PACKAGE,
        NPM_TIMEOUT_SECONDS,
    )
    assert completed.returncode == 0, output_of(completed)
    [packed] = json.loads(completed.stdout)
    return destination / packed["filename"], [entry["path"] for entry in packed["files"]]


def test_the_tarball_holds_the_compiled_package_only(tarball: tuple[Path, list[str]]) -> None:
    _, files = tarball
    for shipped in (
        "package.json",
        "dist/index.js",
        "dist/index.d.ts",
        "dist/service-config.json",
        "dist/gen/selfmodel/v1/self_model_service.js",
        "dist/gen/selfmodel/v1/self_model_service.d.ts",
    ):
        assert shipped in files, files
    assert all(
        path == "package.json" or path == "README.md" or path.startswith("dist/") for path in files
    ), files
    assert not [
        path for path in files if "example" in path or path.endswith((".ts.map", ".tsbuildinfo"))
    ], files


def test_the_tarball_installs_imports_and_type_checks_in_a_new_project(
    tarball: tuple[Path, list[str]], tmp_path: Path
) -> None:
    path, _ = tarball
    (tmp_path / "package.json").write_text(
        '{"name": "consumer", "private": true, "type": "module"}\n'
    )
    # The dependencies come from npm's cache, where clients/typescript/build put them.
    installed = run(
        [
            "npm",
            "install",
            "--prefer-offline",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            str(path),
        ],
        tmp_path,
        NPM_TIMEOUT_SECONDS,
    )
    assert installed.returncode == 0, output_of(installed)
    (tmp_path / "consumer.ts").write_text(CONSUMER)
    checked = run(
        [
            str(PACKAGE / "node_modules" / ".bin" / "tsc"),
            "--strict",
            "--module",
            "nodenext",
            "--target",
            "es2022",
            "--types",
            "node",
            "--typeRoots",
            str(PACKAGE / "node_modules" / "@types"),
            "consumer.ts",
        ],
        tmp_path,
        NPM_TIMEOUT_SECONDS,
    )
    assert checked.returncode == 0, output_of(checked)
    ran = run(["node", "consumer.js"], tmp_path, NPM_TIMEOUT_SECONDS)
    assert ran.returncode == 0, output_of(ran)
    assert ran.stdout.splitlines() == [
        "UNAUTHENTICATED: no key",
        "rejected with a SelfModelError: true",
    ], output_of(ran)
