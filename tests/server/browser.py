"""Debian's chromium, headless, driven by selenium through Debian's chromedriver: the
status page as a manager's browser shows it.

The browser talks to 127.0.0.1 only: every background service that would call out
(sync, component updates, safe browsing lists, QUIC probes) is switched off, and any
host name but 127.0.0.1 resolves to nothing. Each browser starts on a fresh profile.
Selenium is given both paths, so it never looks for (or downloads) a driver itself.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--no-default-browser-check", "--disable-extensions", "--disable-default-apps",
    "--disable-client-side-phishing-detection", "--disable-domain-reliability",
    "--no-pings", "--metrics-recording-only", "--lang=fr-FR",
    "--force-device-scale-factor=1", "--hide-scrollbars",
]
WAIT_S = 20.0  # the longest a page may take to show what the test waits for


def require_chromium() -> None:
    """Skip the test when chromium or its driver is missing, except in CI (where
    `python3 dev.py test` installs them), which fails instead."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if not missing:
        return
    message = (f"{' and '.join(missing)} missing: apt-get install chromium chromium-driver"
               " (python3 dev.py test does, as root)")
    if os.environ.get("CI"):
        pytest.fail(message + "; CI needs them")
    pytest.skip(message)


@contextmanager
def chromium(width: int = 1280, height: int = 900, log: Path | None = None
             ) -> Iterator[WebDriver]:
    """A headless chromium whose pages are `width` × `height` CSS pixels."""
    with tempfile.TemporaryDirectory(prefix="caisse-chromium-") as profile:
        options = Options()
        options.binary_location = str(CHROMIUM)
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        options.add_argument(f"--window-size={width},{height}")
        service = Service(executable_path=str(CHROMEDRIVER),
                          log_output=str(log) if log is not None else os.devnull)
        driver = webdriver.Chrome(options=options, service=service)
        try:
            resize(driver, width, height)
            yield driver
        finally:
            driver.quit()


def resize(driver: WebDriver, width: int, height: int) -> None:
    """Lay the page out at exactly `width` × `height` CSS pixels (a window may not be
    made narrower than the browser's own minimum; the emulated viewport can)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


def sign_in(driver: WebDriver, token: str) -> None:
    """Type `token` on the sign-in form shown and send it."""
    field = driver.find_element(By.ID, "jeton")
    field.clear()
    field.send_keys(token)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()


def page_width(driver: WebDriver) -> int:
    width: int = driver.execute_script("return document.documentElement.scrollWidth")
    return width


def screenshot(driver: WebDriver, path: Path, width: int) -> Path:
    """The whole page at `width`, top to bottom, as a PNG at `path`."""
    resize(driver, width, 600)
    height: int = driver.execute_script("return document.documentElement.scrollHeight")
    resize(driver, width, height)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(driver.get_screenshot_as_png())
    return path
