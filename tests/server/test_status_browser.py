"""The status page in a real browser: Debian's chromium, headless, on a real
`caisse-server` process holding the day of two tills (status_demo.py). The manager signs
in with a token made by `caisse-server admin-token`, reads the tills, the flagged chain
in red, the Z with its cash gap highlighted, and no conflict; the page fits a phone's
width; signing out closes the page again. Skipped without chromium, except in CI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as shown
from selenium.webdriver.support.ui import WebDriverWait

from sync.server.database import sqlite_url
from tests.server.browser import (
    WAIT_S,
    chromium,
    page_width,
    require_chromium,
    screenshot,
    sign_in,
)
from tests.server.status_demo import ACCUEIL, BUVETTE, PAID_TWICE, populate
from tests.server.support import ServerProcess, cli

BAD_RED = "rgba(180, 35, 24, 1)"  # --bad in the page's style


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[ServerProcess, str]]:
    """A server of its own (only the demo's two tills), with the demo's day sent."""
    require_chromium()
    url = sqlite_url(tmp_path / "server")
    cli("--database-url", url, "init")
    server = ServerProcess(url, tmp_path / "server.log")
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            populate(client, url, datetime.now(UTC))
        token = json.loads(cli("--database-url", url, "admin-token", "--json").stdout)["token"]
        yield server, token
    finally:
        server.stop()


def visible_text(driver: WebDriver) -> str:
    # French amounts hold no-break spaces: the test reads them as plain spaces.
    text: str = driver.find_element(By.TAG_NAME, "body").text
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_a_manager_signs_in_and_reads_the_tills_the_journal_and_the_z_in_chromium(
        served: tuple[ServerProcess, str], tmp_path: Path,
        record_property: pytest.RecordProperty) -> None:
    server, token = served
    with chromium(1280, 900, log=tmp_path / "chromedriver.log") as driver:
        wait = WebDriverWait(driver, WAIT_S)
        driver.get(f"{server.url}/status")
        # Not signed in: the page asks for a token first.
        wait.until(shown.url_to_be(f"{server.url}/login"))
        assert "jeton d'administration" in visible_text(driver)
        sign_in(driver, "not-a-token")
        wait.until(shown.visibility_of_element_located((By.CSS_SELECTOR, ".error")))
        assert "Ce jeton n'est pas reconnu" in visible_text(driver)
        sign_in(driver, token)
        wait.until(shown.url_to_be(f"{server.url}/status"))
        wait.until(shown.text_to_be_present_in_element((By.TAG_NAME, "h1"), "État du serveur"))

        # Column names show in capitals (text-transform): compared without case.
        text = visible_text(driver).casefold()
        for expected in (
                ACCUEIL, BUVETTE, "Caisses", "En service", "Dernier contact", "il y a 2 h",
                "Journal fiscal", "SIGNALÉE", "Conforme",
                "l'entrée 7 : son contenu ne correspond pas à son empreinte",
                "Dernières clôtures Z", "n° 12", "86,50 €", "162,50 €", "147,50 €",
                "-15,00 €", "manque", "n° 8", "0,00 €",
                "Conflits de synchronisation", "Commande payée deux fois", PAID_TWICE,
                "conflit à traiter", "depuis le"):
            assert expected.casefold() in text, expected
        # The flag is red, on the accueil's order chain only; the gap's row highlighted,
        # the accueil's only.
        flagged = driver.find_elements(By.CSS_SELECTOR, "#journal .j-till:has(.flagged)")
        assert [row.text.split("\n")[0] for row in flagged] == [ACCUEIL]
        chain = flagged[0].find_element(By.CSS_SELECTOR, ".j-chain.flagged")
        assert chain.text.startswith("Ventes\nn° 6")
        reason = chain.find_element(By.CSS_SELECTOR, ".reason")
        assert reason.value_of_css_property("color") == BAD_RED
        # The outbox as each till's heartbeat said it: 3 waiting at the accueil, 1
        # rejected (in red) at the buvette.
        rows = {row.text.split("\n")[0]: row for row in
                driver.find_elements(By.CSS_SELECTOR, "#caisses tbody tr")}
        assert "\n3\ndepuis le" in rows[ACCUEIL].text
        rejected = rows[BUVETTE].find_element(By.CSS_SELECTOR, ".short")
        assert rejected.text == "1" and rejected.value_of_css_property("color") == BAD_RED
        gaps = driver.find_elements(By.CSS_SELECTOR, "#clotures tr.gap")
        assert [ACCUEIL in row.text for row in gaps] == [True]
        assert page_width(driver) <= 1280
        wide = screenshot(driver, tmp_path / "server-status.png", 1280)

        # On a phone: one card per row, each value named, nothing wider than the screen.
        narrow = screenshot(driver, tmp_path / "server-status-narrow.png", 420)
        assert page_width(driver) <= 420
        assert not driver.find_element(By.CSS_SELECTOR, "#caisses thead th").is_displayed()
        assert "-15,00 €" in visible_text(driver)
        record_property("screenshots", f"{wide} {narrow}")

        driver.find_element(By.CSS_SELECTOR, ".top form button").click()
        wait.until(shown.url_to_be(f"{server.url}/login"))
        driver.get(f"{server.url}/status")
        wait.until(shown.url_to_be(f"{server.url}/login"))
    assert wide.stat().st_size > 10_000 and narrow.stat().st_size > 10_000
