import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from service.config import ConfigurationError, Settings, declarations, settings_table
from service.domain.model import ObservationType


def test_defaults_serve_on_loopback_against_a_local_neo4j() -> None:
    settings = Settings.from_environment({})
    assert settings.listen == "127.0.0.1:50051"
    assert settings.neo4j.uri == "bolt://127.0.0.1:7687"
    assert settings.neo4j.password == ""
    assert settings.engine.evidence.prior == 0.5
    assert settings.embedding_threads == 1


def test_the_environment_sets_the_connection_and_the_evidence_model() -> None:
    settings = Settings.from_environment(
        {
            "SELFMODEL_LISTEN": "0.0.0.0:6000",
            "SELFMODEL_NEO4J_URI": "neo4j+s://cluster.example:7687",
            "SELFMODEL_NEO4J_PASSWORD": "secret",
            "SELFMODEL_PRIOR": "0.4",
            "SELFMODEL_EVIDENCE_HALF_LIFE_DAYS": "30",
            "SELFMODEL_WEIGHT_ANSWER": "2.5",
            "SELFMODEL_ALIGNMENT_RATE": "0.2",
            "SELFMODEL_LOG_LEVEL": "debug",
        }
    )
    assert settings.listen == "0.0.0.0:6000"
    assert settings.neo4j.uri == "neo4j+s://cluster.example:7687"
    assert settings.neo4j.password == "secret"
    evidence = settings.engine.evidence
    assert evidence.prior == 0.4
    assert evidence.half_life == timedelta(days=30)
    assert evidence.weight(ObservationType.ANSWER) == 2.5
    assert evidence.weight(ObservationType.INTERACTION) == 0.2
    assert settings.engine.alignment_rate == 0.2
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SELFMODEL_PRIOR", "1.5"),
        ("SELFMODEL_PRIOR", "high"),
        ("SELFMODEL_EVIDENCE_HALF_LIFE_DAYS", "0"),
        ("SELFMODEL_WEIGHT_PREFERENCE", "-1"),
        ("SELFMODEL_ALIGNMENT_RATE", "2"),
        ("SELFMODEL_EMBEDDING_THREADS", "0"),
    ],
)
def test_unusable_numbers_are_refused_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=name):
        Settings.from_environment({name: value})


def test_api_keys_are_required_unless_turned_off() -> None:
    assert Settings.from_environment({}).auth.api_keys
    local = Settings.from_environment({"SELFMODEL_AUTH": "off"})
    assert not local.auth.api_keys
    assert local.auth.local_tenant == "default"


@pytest.mark.parametrize("listen", ["0.0.0.0:50051", "10.1.2.3:50051", "[::]:50051"])
def test_authentication_can_only_be_off_on_loopback(listen: str) -> None:
    with pytest.raises(ConfigurationError, match="loopback"):
        Settings.from_environment({"SELFMODEL_AUTH": "off", "SELFMODEL_LISTEN": listen})


@pytest.mark.parametrize("listen", ["127.0.0.1:50051", "localhost:7000", "[::1]:50051"])
def test_authentication_may_be_off_on_loopback(listen: str) -> None:
    settings = Settings.from_environment({"SELFMODEL_AUTH": "off", "SELFMODEL_LISTEN": listen})
    assert not settings.auth.api_keys


def test_an_unknown_auth_mode_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="SELFMODEL_AUTH"):
        Settings.from_environment({"SELFMODEL_AUTH": "none"})


def test_operations_defaults() -> None:
    settings = Settings.from_environment({})
    assert settings.log_format == "json"
    assert settings.metrics_listen == "127.0.0.1:9464"
    assert settings.health_interval_seconds == 2.0
    assert settings.shutdown_grace_seconds == 10.0
    assert settings.max_message_bytes == 256 * 1024
    assert settings.neo4j.connect_timeout_seconds == 5.0
    assert settings.neo4j.max_retry_seconds == 10.0


def test_the_environment_sets_operations() -> None:
    settings = Settings.from_environment(
        {
            "SELFMODEL_LOG_FORMAT": "Text",
            "SELFMODEL_METRICS_LISTEN": "0.0.0.0:9100",
            "SELFMODEL_HEALTH_INTERVAL_SECONDS": "0.5",
            "SELFMODEL_SHUTDOWN_GRACE_SECONDS": "30",
            "SELFMODEL_MAX_MESSAGE_BYTES": "1048576",
            "SELFMODEL_NEO4J_CONNECT_TIMEOUT_SECONDS": "2",
            "SELFMODEL_NEO4J_MAX_RETRY_SECONDS": "3",
        }
    )
    assert settings.log_format == "text"
    assert settings.metrics_listen == "0.0.0.0:9100"
    assert settings.health_interval_seconds == 0.5
    assert settings.shutdown_grace_seconds == 30.0
    assert settings.max_message_bytes == 1048576
    assert settings.neo4j.connect_timeout_seconds == 2.0
    assert settings.neo4j.max_retry_seconds == 3.0


def test_an_empty_metrics_address_disables_metrics() -> None:
    assert Settings.from_environment({"SELFMODEL_METRICS_LISTEN": ""}).metrics_listen == ""


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SELFMODEL_LOG_FORMAT", "xml"),
        ("SELFMODEL_METRICS_LISTEN", "9464"),
        ("SELFMODEL_HEALTH_INTERVAL_SECONDS", "0"),
        ("SELFMODEL_SHUTDOWN_GRACE_SECONDS", "-1"),
        ("SELFMODEL_MAX_MESSAGE_BYTES", "10"),
        ("SELFMODEL_NEO4J_CONNECT_TIMEOUT_SECONDS", "soon"),
        ("SELFMODEL_NEO4J_MAX_RETRY_SECONDS", "-5"),
    ],
)
def test_unusable_operations_settings_are_refused(name: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=name):
        Settings.from_environment({name: value})


ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_table_is_the_declared_settings() -> None:
    readme = (ROOT / "README.md").read_text()
    block = re.search(
        r"<!-- settings: generated[^\n]*-->\n(.*?)\n<!-- settings: end -->", readme, re.S
    )
    assert block, "README.md lost its settings table markers"
    assert block.group(1) == settings_table(), (
        "README.md's settings table differs from service/config.py: "
        "replace it with the output of `python -m service.config`"
    )


def test_every_weight_of_the_evidence_model_is_a_setting() -> None:
    names = {name for name, _, _ in declarations()}
    assert {f"SELFMODEL_WEIGHT_{kind.name}" for kind in ObservationType} <= names


def test_help_lists_every_setting_with_its_meaning_and_default() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "service", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for name, default, meaning in declarations():
        assert name in shown, name
        assert meaning.replace("`", "") in " ".join(shown.split()), name
        assert f"(default: {default.replace('`', '')})" in shown, name


def test_an_unusable_setting_stops_the_service_naming_it_without_a_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "service"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "SELFMODEL_PRIOR": "certain", "SELFMODEL_LISTEN": "50051"},
        timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "configuration: SELFMODEL_LISTEN must be host:port" in result.stderr
    assert "SELFMODEL_PRIOR must be a valid number" in result.stderr


def test_an_empty_number_keeps_its_default() -> None:
    assert Settings.from_environment({"SELFMODEL_PRIOR": ""}).engine.evidence.prior == 0.5
