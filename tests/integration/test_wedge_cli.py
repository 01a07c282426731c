"""`caisse devices set wedge`: a manager sets the keyboard-wedge scanner's prefix, suffix
and longest gap; a key it cannot watch for is refused with the form it should have."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.test_cli import caisse, error, ok

MANAGER = {"staff": "gerant", "secret": "4321"}


@pytest.fixture
def till(tmp_path: Path) -> Path:
    ok(caisse(tmp_path, "init", "--demo"))
    return tmp_path


def test_a_manager_sets_the_wedge_scanners_prefix_suffix_and_gap(till: Path) -> None:
    assert ok(caisse(till, "devices", "list"))["settings"]["wedge"] == {
        "prefix": "", "suffix": "ENTER", "max_gap_ms": "60"}
    listed = ok(caisse(till, "devices", "set", "wedge", "--prefix", "F9", "--suffix", "tab",
                       "--max-gap", "80", **MANAGER))
    assert listed["settings"]["wedge"] == {"prefix": "F9", "suffix": "TAB",
                                           "max_gap_ms": "80"}
    assert "[wedge]" in (till / "devices.ini").read_text(encoding="utf-8")
    listed = ok(caisse(till, "devices", "set", "wedge", "--prefix", "", **MANAGER))
    assert listed["settings"]["wedge"]["prefix"] == ""
    assert listed["settings"]["wedge"]["suffix"] == "TAB"  # the rest as it was
    refused = error(caisse(till, "devices", "set", "wedge", "--prefix", "F3", **MANAGER))
    assert "prefix" in refused["error"] and "F7 to F24" in refused["error"]
    refused = error(caisse(till, "devices", "set", "wedge", "--max-gap", "900", **MANAGER))
    assert "max_gap_ms" in refused["error"] and "20 to 500" in refused["error"]
