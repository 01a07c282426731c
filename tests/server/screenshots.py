"""Regenerate docs/screenshots/server-status.png (1280 px wide) and
server-status-narrow.png (420 px, a phone): `python3 dev.py server-screenshots`.

The status page of a real `caisse-server` process (SQLite in a temporary directory)
holding the day of status_demo.py, in headless chromium, signed in as a manager with a
token made by `caisse-server admin-token`: the pictures show what the browser test
(test_status_browser.py) checks.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import httpx
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as shown
from selenium.webdriver.support.ui import WebDriverWait

from sync.server.database import sqlite_url
from tests.server.browser import CHROMEDRIVER, CHROMIUM, WAIT_S, chromium, screenshot, sign_in
from tests.server.status_demo import populate
from tests.server.support import ServerProcess, cli

OUTPUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {"server-status": 1280, "server-status-narrow": 420}


def main() -> int:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        print(f"{' and '.join(missing)} missing: apt-get install chromium chromium-driver")
        return 1
    with tempfile.TemporaryDirectory(prefix="caisse-status-") as folder:
        url = sqlite_url(Path(folder))
        cli("--database-url", url, "init")
        server = ServerProcess(url, Path(folder) / "server.log")
        try:
            with httpx.Client(base_url=server.url, timeout=30) as client:
                populate(client, url, datetime.now(UTC))
            made = cli("--database-url", url, "admin-token", "--label", "Captures d'écran",
                       "--json")
            token = json.loads(made.stdout)["token"]
            with chromium(max(WIDTHS.values()), 900) as driver:
                driver.get(f"{server.url}/status")
                wait = WebDriverWait(driver, WAIT_S)
                wait.until(shown.presence_of_element_located((By.ID, "jeton")))
                sign_in(driver, token)
                wait.until(shown.presence_of_element_located((By.ID, "conflits")))
                for name, width in WIDTHS.items():
                    print(screenshot(driver, OUTPUT / f"{name}.png", width))
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
