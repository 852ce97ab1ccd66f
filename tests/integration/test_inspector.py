"""The inspector page of a real service, in a real browser: a model recorded over gRPC shows
its beliefs with their confidences, one chart point per version, its adaptations, and the
observations for and against a belief; with keys on, only a request with a key sees it."""

from __future__ import annotations

import base64
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from devtools.neo4j import free_port
from selfmodel.v1 import self_model_service_pb2 as messages
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.auth import authenticated_channel, create_api_key
from tests.integration.browser import chromium, screenshot
from tests.integration.requests import CONTRADICTS, SUPPORTS, create_model, get_model, observe
from tests.integration.service_process import ServiceProcess

pytestmark = pytest.mark.integration

STATEMENT = "Prefers dark mode in the editor"
FOR = ("Switched the editor to the dark theme", "Turned dark mode back on after a reset")
AGAINST = "Picked the light theme for a presentation"


@dataclass(frozen=True)
class Recorded:
    url: str
    key: str
    model_id: str
    belief_id: str
    confidences: dict[str, str]
    """Statement to confidence as the page prints it, for every belief GetSelfModel returns."""
    versions: int
    adaptations: int


@pytest.fixture(scope="module")
def recorded(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recorded]:
    port = free_port()
    log_path = tmp_path_factory.mktemp("inspector") / "service.log"
    service = ServiceProcess(
        neo4j_uri,
        log_path,
        extra_env={"SELFMODEL_INSPECTOR_LISTEN": f"127.0.0.1:{port}"},
    )
    key = create_api_key(neo4j_uri, "inspector")
    service.start()
    try:
        with authenticated_channel(service.address, key) as channel:
            stub = SelfModelServiceStub(channel)
            # A scope of its own with the starter inventory, so adaptations exist.
            model = create_model(stub, f"inspector-{uuid.uuid4().hex[:8]}", inference=True)
            for content in FOR:
                observe(stub, model.name, (STATEMENT, SUPPORTS, ""), content=content)
            changed = observe(stub, model.name, (STATEMENT, CONTRADICTS, ""), content=AGAINST)
            (belief,) = [
                c.belief for c in changed.belief_changes if c.belief.statement == STATEMENT
            ]
            versions = stub.ListBeliefVersions(
                messages.ListBeliefVersionsRequest(belief=belief.name)
            ).versions
            adaptations = stub.GetAdaptations(
                messages.GetAdaptationsRequest(self_model=model.name)
            ).adaptations
            beliefs = get_model(stub, model.name).beliefs
        yield Recorded(
            url=f"http://127.0.0.1:{port}",
            key=key,
            model_id=model.name.rsplit("/", 1)[1],
            belief_id=belief.name.rsplit("/", 1)[1],
            confidences={b.statement: f"{b.confidence:.2f}" for b in beliefs},
            versions=len(versions),
            adaptations=len(adaptations),
        )
    finally:
        service.stop()
    # SIGTERM stops the inspector with the gRPC server, and the process exits cleanly.
    assert service.returncode == 0, service.log_tail()
    assert "inspector stopped" in log_path.read_text()


def signed_in(driver: webdriver.Chrome, key: str) -> None:
    """Every request of the browser carries the key as Basic credentials, as after a prompt."""
    credentials = base64.b64encode(f"pm:{key}".encode()).decode()
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.setExtraHTTPHeaders", {"headers": {"Authorization": f"Basic {credentials}"}}
    )


def whole_page(driver: webdriver.Chrome, name: str) -> None:
    """A screenshot of the whole page, not only the window's first screen."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    metrics = {"width": 1280, "height": int(height), "deviceScaleFactor": 1, "mobile": False}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    screenshot(driver, name)
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_model_page_shows_the_beliefs_charts_adaptations_and_provenance(
    recorded: Recorded,
) -> None:
    assert recorded.versions == 3
    with chromium() as driver:
        signed_in(driver, recorded.key)
        driver.get(f"{recorded.url}/models/{recorded.model_id}")
        rows = driver.find_elements(By.CSS_SELECTOR, '[data-testid="belief-row"]')
        shown = {
            row.find_element(By.CSS_SELECTOR, '[data-testid="belief-statement"]').text: (
                row.find_element(By.CSS_SELECTOR, '[data-testid="belief-confidence"]').text
            )
            for row in rows
        }
        assert shown == recorded.confidences
        assert STATEMENT in shown
        chart = driver.find_element(By.CSS_SELECTOR, f'[data-testid="chart-{recorded.belief_id}"]')
        assert len(chart.find_elements(By.CSS_SELECTOR, "circle.dot")) == recorded.versions
        adaptations = driver.find_elements(By.CSS_SELECTOR, '[data-testid="adaptation-row"]')
        assert len(adaptations) == recorded.adaptations > 0
        whole_page(driver, "inspector-model")

        row = driver.find_element(
            By.CSS_SELECTOR, f'[data-testid="belief-row"][data-belief-id="{recorded.belief_id}"]'
        )
        row.find_element(By.CSS_SELECTOR, '[data-testid="belief-statement"] a').click()
        evidence = [
            (
                item.get_attribute("data-side"),
                item.find_element(By.CSS_SELECTOR, '[data-testid="evidence-content"]').text,
            )
            for item in driver.find_elements(By.CSS_SELECTOR, '[data-testid="evidence"]')
        ]
        assert sorted(evidence) == sorted(
            [("for", f"for {content}") for content in FOR] + [("against", f"against {AGAINST}")]
        )
        title = driver.find_element(By.CSS_SELECTOR, '[data-testid="belief-title"]').text
        assert title == STATEMENT
        whole_page(driver, "inspector-provenance")


def status_of(url: str, headers: dict[str, str]) -> tuple[int, Message, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_with_keys_on_the_page_needs_a_key_of_the_models_tenant(
    recorded: Recorded, neo4j_uri: str
) -> None:
    url = f"{recorded.url}/models/{recorded.model_id}"
    status, headers, _ = status_of(url, {})
    assert status == 401
    assert headers["WWW-Authenticate"].startswith("Basic")
    status, _, page = status_of(url, {"Authorization": f"Bearer {recorded.key}"})
    assert status == 200
    assert STATEMENT in page
    other = create_api_key(neo4j_uri, "inspector-other")
    status, _, _ = status_of(url, {"Authorization": f"Bearer {other}"})
    assert status == 404
