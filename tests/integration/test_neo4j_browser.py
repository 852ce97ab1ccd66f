"""Neo4j Browser, served by the embedded Neo4j as under `make run`, answers a provenance
query of docs/graph-model.md about what the service wrote, in a real (headless) browser.

The session's Neo4j may be an external one without HTTP, so this test starts its own, with
authentication on and the Browser on a free port, and a service on it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from devtools.neo4j import EmbeddedNeo4j, free_port
from selfmodel.v1.self_model_service_pb2_grpc import SelfModelServiceStub
from tests.integration.browser import chromium, screenshot
from tests.integration.requests import CONTRADICTS, SUPPORTS, create_model, observe
from tests.integration.service_process import ServiceProcess
from tests.integration.test_documented_queries import documented_queries

PASSWORD = "browser-test-password"
# Oldest first; the documented query lists them newest first.
OBSERVATIONS = [
    (SUPPORTS, "Chose bullet points"),
    (SUPPORTS, "Kept the summary to three lines"),
    (CONTRADICTS, "Asked for the long version"),
]
# The Browser's first load takes 5 to 10 s on a busy 2-core machine.
TIMEOUT_SECONDS = 90


@pytest.fixture(scope="module")
def neo4j(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedNeo4j]:
    data_dir = tmp_path_factory.mktemp("neo4j-browser")
    with EmbeddedNeo4j(
        data_dir, port=free_port(), http_port=free_port(), password=PASSWORD
    ) as neo4j:
        yield neo4j


@pytest.fixture(scope="module")
def model_id(neo4j: EmbeddedNeo4j, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A model with the statement of the documented query, observed as OBSERVATIONS say."""
    statement = documented_queries()[0].parameters["statement"]
    log_path = Path(tmp_path_factory.mktemp("browser-service")) / "service.log"
    service = ServiceProcess(neo4j.uri, log_path, PASSWORD, {"SELFMODEL_AUTH": "off"})
    service.start()
    try:
        with grpc.insecure_channel(service.address) as channel:
            stub = SelfModelServiceStub(channel)
            model = create_model(stub)
            for stance, content in OBSERVATIONS:
                observe(stub, model.name, (statement, stance, ""), content=content)
    finally:
        service.stop()
    return model.name.rsplit("/", 1)[1]


def by_test_id(test_id: str) -> tuple[str, str]:
    return By.CSS_SELECTOR, f'[data-testid="{test_id}"]'


def run_in_editor(driver: WebDriver, command: str) -> WebElement:
    """Types `command` into the Browser's editor, runs it and returns its result frame."""
    editor = driver.find_element(By.CSS_SELECTOR, '[data-testid="activeEditor"] textarea')
    editor.click()
    editor.send_keys(command)
    editor.send_keys(Keys.ESCAPE)  # closes the completion popup, if one is open
    driver.find_element(*by_test_id("editor-Run")).click()

    def frame_of_command(driver: WebDriver) -> WebElement | None:
        # Frames are newest first; match the command, not a count (the connection adds some).
        for frame in driver.find_elements(*by_test_id("frame")):
            shown = frame.find_elements(*by_test_id("frameCommand"))
            if shown and " ".join(shown[0].text.split()) == command:
                return frame
        return None

    frame = WebDriverWait(driver, TIMEOUT_SECONDS).until(frame_of_command)
    assert frame is not None  # until() returns only a truthy value
    return frame


def set_parameter(driver: WebDriver, name: str, value: object) -> None:
    """`:param name => value`, run again until the Browser shows the parameter set: right
    after connecting, the Browser may still be opening its session and answer an error."""
    command = f":param {name} => {json.dumps(value)}"

    def is_set(driver: WebDriver) -> bool:
        frame = run_in_editor(driver, command)
        contents = WebDriverWait(driver, TIMEOUT_SECONDS).until(
            lambda _: frame.find_element(*by_test_id("frameContents"))
        )
        return f'"{name}"' in contents.text

    WebDriverWait(driver, TIMEOUT_SECONDS, poll_frequency=2).until(is_set)


def test_the_browser_shows_why_a_belief_is_held(neo4j: EmbeddedNeo4j, model_id: str) -> None:
    why = documented_queries()[0]
    parameters = {**why.parameters, "self_model_id": model_id}
    wait = WebDriverWait
    with chromium() as driver:
        driver.get(f"{neo4j.browser_url}?dbms={neo4j.uri.replace('://', '://neo4j@')}&db=neo4j")
        password = wait(driver, TIMEOUT_SECONDS).until(
            expected_conditions.element_to_be_clickable(by_test_id("password"))
        )
        password.send_keys(PASSWORD)
        driver.find_element(*by_test_id("connect")).click()
        wait(driver, TIMEOUT_SECONDS).until(
            expected_conditions.presence_of_element_located(
                (By.CSS_SELECTOR, '[data-testid="activeEditor"] textarea')
            )
        )
        try:
            for name, value in parameters.items():
                set_parameter(driver, name, value)
            # One line: Enter would run a half-typed query.
            frame = run_in_editor(driver, " ".join(why.cypher.split()))
            contents = wait(driver, TIMEOUT_SECONDS).until(
                lambda _: frame.find_element(*by_test_id("frameContents"))
            )
            wait(driver, TIMEOUT_SECONDS).until(lambda _: OBSERVATIONS[0][1] in contents.text)
        finally:
            screenshot(driver, "neo4j-browser-provenance")  # what it showed, also on failure
        text = contents.text
        assert not driver.find_elements(*by_test_id("cypherFrameErrorMessage"))

    # Newest first, each with its stance.
    positions = [text.index(content) for _, content in reversed(OBSERVATIONS)]
    assert positions == sorted(positions)
    assert (text.count("SUPPORTS"), text.count("CONTRADICTS")) == (2, 1)
