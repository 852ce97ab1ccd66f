"""The package ships the repository's one gRPC service config, unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
import selfmodel_client
from selfmodel_client import service_config

SHARED = Path(__file__).resolve().parents[2] / "service-config.json"
PACKAGED = Path(selfmodel_client.__file__).parent / "service_config.json"


def test_the_packaged_service_config_is_the_repositorys() -> None:
    if not SHARED.exists():
        pytest.skip("outside the selfmodel repository")
    assert PACKAGED.read_bytes() == SHARED.read_bytes(), "run clients/python/generate"


def test_every_method_with_retries_retries_only_unavailable() -> None:
    """UNAVAILABLE is the one status after which the call surely took no effect."""
    policies = [e["retryPolicy"] for e in service_config()["methodConfig"] if "retryPolicy" in e]
    assert policies
    assert all(policy["retryableStatusCodes"] == ["UNAVAILABLE"] for policy in policies)
