"""A real browser for the tests: Debian's headless Chromium, driven through chromium-driver
by Selenium. `make test` installs both (`make browsers`); nothing is downloaded by Selenium.

Screenshots go to build/screenshots/ in the clone, for a reader to look at after a run.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_DRIVER = "/usr/bin/chromedriver"
WINDOW = "1280,900"


@contextmanager
def chromium() -> Iterator[webdriver.Chrome]:
    """A headless Chromium, closed at the end of the block (the test fails where Debian's
    chromium and chromium-driver are missing: `make browsers` installs them)."""
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMIUM_DRIVER)):
        pytest.fail("no chromium or chromedriver: `make browsers` installs them")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={WINDOW}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMIUM_DRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def screenshot(driver: webdriver.Chrome, name: str) -> Path:
    """Saves what the browser shows as build/screenshots/<name>.png and returns the path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
