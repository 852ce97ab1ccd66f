"""The session a new user types with grpcurl, verbatim but for the port."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Any

import pytest


def grpcurl_binary() -> str:
    binary = os.environ.get("SELFMODEL_GRPCURL") or shutil.which("grpcurl")
    if not binary:
        pytest.fail("grpcurl not found: `make install` builds it, or set SELFMODEL_GRPCURL")
    return binary


def grpcurl(address: str, *arguments: str) -> str:
    completed = subprocess.run(
        [grpcurl_binary(), "-plaintext", *arguments[:-1], address, arguments[-1]],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def call(address: str, key: str, method: str, body: dict[str, Any]) -> dict[str, Any]:
    reply: dict[str, Any] = json.loads(
        grpcurl(
            address,
            "-H",
            f"authorization: Bearer {key}",
            "-d",
            json.dumps(body),
            f"selfmodel.v1.SelfModelService/{method}",
        )
    )
    return reply


def test_the_readme_grpcurl_session(service_address: str, api_key: str) -> None:
    address = service_address.replace("127.0.0.1", "localhost")
    listed = grpcurl(address, "list").split()
    assert "selfmodel.v1.SelfModelService" in listed
    assert "grpc.health.v1.Health" in listed

    user = f"u-42-{os.getpid()}"
    model = call(
        address, api_key, "GetOrCreateSelfModel", {"external_user_id": user, "scope": "acme-writer"}
    )
    assert model["name"].startswith("selfModels/")
    assert model["alignment_score"] == 0.5

    observed = call(
        address,
        api_key,
        "Observe",
        {
            "self_model": model["name"],
            "observation": {
                "type": "OBSERVATION_TYPE_PREFERENCE",
                "content": "User chose bullet-point summary over narrative format",
                "context": "report-settings",
            },
            "beliefs": [
                {"statement": "Prefers concise output formats", "stance": "STANCE_SUPPORTS"}
            ],
        },
    )
    # The proposal's change comes first; the scope's inventory may infer more.
    assert observed["belief_changes"][0]["kind"] == "CHANGE_KIND_CREATED"

    read = call(address, api_key, "GetSelfModel", {"name": model["name"]})
    [belief] = [b for b in read["beliefs"] if b["statement"] == "Prefers concise output formats"]
    assert belief["statement"] == "Prefers concise output formats"
    assert belief["confidence"] > 0.5
