"""dev.py, the set-up behind the README's two commands."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_without_root_it_prints_the_exact_apt_line_and_stops(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    dev = load_dev()
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert dev.install_system_packages(["libegl1", "libxkbcommon0"]) is False
    assert "apt-get install -y libegl1 libxkbcommon0" in capsys.readouterr().out


def test_missing_qt_libraries_are_named_by_their_debian_package(
        monkeypatch: pytest.MonkeyPatch) -> None:
    dev = load_dev()
    monkeypatch.setattr(dev, "has_shared_library", lambda name: name != "libEGL.so.1")
    monkeypatch.setattr(dev, "venv_works", lambda: True)
    assert dev.missing_system_packages(with_x=False) == ["libegl1"]


def test_an_unknown_command_prints_the_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert load_dev().main(["dev.py", "fly"]) == 2
    assert "python3 dev.py test" in capsys.readouterr().out
