"""docker-compose.yml cannot run here (no Docker engine); check what it promises instead."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def test_neo4j_runs_the_lts_community_image_with_auth_volume_and_healthcheck() -> None:
    neo4j = compose()["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert neo4j["environment"]["NEO4J_AUTH"].startswith("neo4j/${SELFMODEL_NEO4J_PASSWORD")
    assert "neo4j-data:/data" in neo4j["volumes"]
    assert "neo4j-data" in compose()["volumes"]
    assert "cypher-shell" in neo4j["healthcheck"]["test"]
    assert any(port.endswith(":7687") for port in neo4j["ports"])


def test_the_service_is_built_here_and_wired_to_neo4j_by_environment() -> None:
    service = compose()["services"]["selfmodel"]
    assert service["build"] == "."
    assert (ROOT / "Dockerfile").is_file()
    environment = service["environment"]
    assert environment["SELFMODEL_NEO4J_URI"] == "bolt://neo4j:7687"
    assert environment["SELFMODEL_NEO4J_PASSWORD"].startswith("${SELFMODEL_NEO4J_PASSWORD")
    assert environment["SELFMODEL_LISTEN"] == "0.0.0.0:50051"
    assert environment["SELFMODEL_AUTH"] == "api-keys"
    assert "50051:50051" in service["ports"]
    assert service["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert service["healthcheck"]["test"][-2:] == ["service.healthcheck", "127.0.0.1:50051"]


def test_every_variable_the_compose_file_sets_is_one_the_service_reads() -> None:
    from service.config import declarations

    environment = compose()["services"]["selfmodel"]["environment"]
    assert set(environment) <= {name for name, _, _ in declarations()}


def test_every_variable_the_kubernetes_manifests_set_is_a_setting_and_valid() -> None:
    from service.config import declarations, read_environment

    deployment = yaml.safe_load((ROOT / "deploy/k8s/base/deployment.yaml").read_text())
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    environment = {entry["name"]: entry.get("value", "") for entry in container["env"]}
    secret = (ROOT / "deploy/k8s/base/neo4j.env").read_text().splitlines()
    for line in secret:
        if line.strip() and not line.startswith("#"):
            name, value = line.split("=", 1)
            environment[name] = value
    assert set(environment) <= {name for name, _, _ in declarations()}
    # The manifests' own values pass the service's validation (listening on all addresses
    # with API keys, as a pod must).
    settings = read_environment(environment)
    assert settings.auth == "api-keys" and settings.listen.startswith("0.0.0.0:")
