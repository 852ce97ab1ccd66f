"""Where the MCP server may serve without a key, and which key it sends."""

from __future__ import annotations

import pytest

from service.mcp.options import parse


def test_http_on_a_non_loopback_address_requires_the_bearer() -> None:
    options = parse(["--transport", "http", "--listen", "0.0.0.0:8765"], {})
    assert options.bearer_required
    assert parse(["--transport", "http", "--listen", "10.1.2.3:80"], {}).bearer_required


def test_http_refuses_to_start_anonymous_on_a_non_loopback_address(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        parse(["--transport", "http", "--listen", "0.0.0.0:8765", "--bearer", "optional"], {})
    assert exit_.value.code == 2
    assert "anonymous" in capsys.readouterr().err


@pytest.mark.parametrize("listen", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765"])
def test_http_on_loopback_makes_the_bearer_optional_unless_required(listen: str) -> None:
    assert not parse(["--transport", "http", "--listen", listen], {}).bearer_required
    required = parse(["--transport", "http", "--listen", listen, "--bearer", "required"], {})
    assert required.bearer_required


def test_http_does_not_use_the_environment_key() -> None:
    options = parse(["--transport", "http"], {"SELFMODEL_API_KEY": "sm_key"})
    assert options.api_key is None


def test_stdio_takes_the_key_from_the_environment() -> None:
    assert parse([], {"SELFMODEL_API_KEY": "sm_key"}).api_key == "sm_key"
    assert parse([], {"SELFMODEL_API_KEY": ""}).api_key is None


def test_a_malformed_listen_address_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse(["--transport", "http", "--listen", "8765"], {})
    assert "--listen" in capsys.readouterr().err


def test_a_missing_service_config_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse(["--service-config", "/nonexistent/service-config.json"], {})
    assert "--service-config" in capsys.readouterr().err
