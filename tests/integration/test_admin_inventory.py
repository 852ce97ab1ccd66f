"""`python -m service.admin inventory apply|show`: a PM's YAML file to the live service."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import yaml

from selfmodel.v1 import self_model_service_pb2 as messages
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.inventory_requests import EXAMPLE
from tests.integration.test_admin_cli import admin


def test_apply_then_show_round_trips_and_the_service_serves_it(
    neo4j_uri: str,
    stub_of_tenant: Callable[[str], SelfModelServiceStub],
    tmp_path: Path,
) -> None:
    tenant = f"pm-{uuid.uuid4().hex[:8]}"
    applied = admin(
        neo4j_uri,
        "inventory",
        "apply",
        "--tenant",
        tenant,
        "--scope",
        "code-assistant",
        str(EXAMPLE),
    )
    assert applied.returncode == 0, applied.stderr
    assert "revision 1, 4 beliefs" in applied.stdout

    served = stub_of_tenant(tenant).GetBeliefInventory(
        messages.GetBeliefInventoryRequest(scope="code-assistant")
    )
    assert [b.key for b in served.beliefs] == [
        "response_style",
        "debugging_depth",
        "risk_tolerance",
        "architecture",
    ]
    assert served.etag in applied.stdout

    shown = admin(neo4j_uri, "inventory", "show", "--tenant", tenant, "--scope", "code-assistant")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("# scope code-assistant: revision 1")
    edited = yaml.safe_load(shown.stdout)
    assert edited["beliefs"][0]["statement"] == "Prefers concise code with inline comments"
    edited["beliefs"][0]["statement"] = "Prefers terse code"
    (tmp_path / "edited.yaml").write_text(yaml.safe_dump(edited))
    again = admin(
        neo4j_uri,
        "inventory",
        "apply",
        "--tenant",
        tenant,
        "--scope",
        "code-assistant",
        str(tmp_path / "edited.yaml"),
    )
    assert "revision 2" in again.stdout, again.stderr


def test_a_bad_file_is_refused_naming_each_field_without_a_traceback(
    neo4j_uri: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "beliefs:\n"
        "  - key: tone\n    statement: Formal\n    activation_threshold: 1.2\n"
        "  - key: tone\n    statement: ''\n    learned_via: [telepathy]\n    colour: red\n"
    )
    refused = admin(neo4j_uri, "inventory", "apply", "--tenant", "t", "--scope", "s", str(bad))
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    for field in (
        "beliefs[1].learned_via[0]: unknown type 'telepathy'",
        "beliefs[1].colour: unknown field",
    ):
        assert field in refused.stderr
    bad.write_text(
        "beliefs:\n  - key: tone\n    statement: Formal\n    activation_threshold: 1.2\n"
        "  - key: tone\n    statement: ''\n"
    )
    refused = admin(neo4j_uri, "inventory", "apply", "--tenant", "t", "--scope", "s", str(bad))
    assert refused.returncode == 1
    for field in (
        "beliefs[0].activation_threshold: must be between 0 and 1",
        "beliefs[1].key: same key as belief 0",
        "beliefs[1].statement: required",
    ):
        assert field in refused.stderr
    (tmp_path / "broken.yaml").write_text("beliefs: [unclosed")
    broken = admin(
        neo4j_uri,
        "inventory",
        "apply",
        "--tenant",
        "t",
        "--scope",
        "s",
        str(tmp_path / "broken.yaml"),
    )
    assert broken.returncode == 1 and "not valid YAML" in broken.stderr
